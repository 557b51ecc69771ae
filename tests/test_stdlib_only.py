"""The checker imports nothing outside the standard library (it must run unchanged in Pyodide)."""

from __future__ import annotations

import ast
import subprocess
import sys

from .conftest import ROOT

CHECKER = ("model", "facts", "engine", "explain", "errors", "validate")
BUILD_SIDE = {"yamlsrc", "load", "lint", "cli", "ask", "__main__"}


def test_checker_modules_import_only_stdlib():
    code = (
        "import sys\n"
        "sys.modules['yaml'] = None\n"  # any import of PyYAML now fails
        "before = set(sys.modules)\n"
        + "".join(f"import selfcheck.{m}\n" for m in CHECKER)
        + "new = {m.split('.')[0] for m in set(sys.modules) - before}\n"
        "bad = sorted(m for m in new if m != 'selfcheck' and m not in sys.stdlib_module_names)\n"
        "print(bad)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_no_third_party_import_statement_in_checker_source():
    for name in CHECKER:
        tree = ast.parse((ROOT / "selfcheck" / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # relative: must stay inside the checker, not the build side
                    assert (node.module or "").split(".")[0] not in BUILD_SIDE, (name, node.module)
                    continue
                roots = [(node.module or "").split(".")[0]]
            else:
                continue
            for r in roots:
                assert r in sys.stdlib_module_names, f"selfcheck/{name}.py imports {r}"
