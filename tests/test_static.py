"""Static checks of the whole tree: ruff (lint) over every Python file, mypy (types) over the checker
package, the site plugin and the scripts (configured in pyproject.toml), and ESLint (pinned in
package-lock.json, configured in eslint.config.mjs) over every page script."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from .conftest import ROOT

TYPED = ("selfcheck", "rongcuo_site", "scripts")


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_ruff():
    proc = _run("ruff", "check", ".", "--output-format", "concise")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy():
    proc = _run("mypy", *TYPED)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # every Python file of the typed folders was checked ("checked N source files")
    files = sum(1 for d in TYPED for _ in (ROOT / d).rglob("*.py"))
    assert f"in {files} source files" in proc.stdout, proc.stdout


ESLINT = ROOT / "node_modules" / "eslint" / "bin" / "eslint.js"
PAGE_SCRIPTS = ROOT / "content" / "assets"


def test_eslint():
    assert ESLINT.exists(), f"{ESLINT} missing. Fix: run `make setup` (npm ci)"
    node = shutil.which("node") or shutil.which("nodejs")
    assert node, "node missing. Fix: run `make setup` (installs nodejs)"
    proc = subprocess.run([node, str(ESLINT), "--max-warnings", "0", "--format", "json", str(PAGE_SCRIPTS)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    results = json.loads(proc.stdout or "[]")
    problems = [f"{r['filePath']}:{m.get('line')}: {m['message']} ({m.get('ruleId')})" for r in results for m in r["messages"]]
    assert proc.returncode == 0 and not problems, "\n".join(problems) or proc.stderr
    # every page script was linted by the project's configuration
    scripts = sorted(str(p) for p in PAGE_SCRIPTS.rglob("*") if p.suffix in (".js", ".mjs"))
    assert scripts and sorted(r["filePath"] for r in results) == scripts
