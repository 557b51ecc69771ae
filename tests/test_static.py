"""Static checks of the checker package: ruff (lint) and mypy (types). Configured in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_ruff():
    proc = _run("ruff", "check", "selfcheck", "tests", "--exclude", "tests/site,tests/selfcheck,tests/training,"
                "tests/cases_library", "--output-format", "concise")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy():
    proc = _run("mypy", "selfcheck")
    assert proc.returncode == 0, proc.stdout + proc.stderr
