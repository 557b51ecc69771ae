"""Static checks of the whole tree: ruff (lint) over every Python file, mypy (types) over the checker
package, the build hooks and the scripts. Configured in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT

TYPED = ("selfcheck", "hooks", "scripts")


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
