"""Fixtures for the case-library tests.

The unchanged library is read from the session's strict build of the real site (tests/conftest.py:
built once per run; its mkdocs warnings are kept, and the tests assert that the case library reported
nothing). A test that changes a case file builds a temporary copy of the project instead, by mkdocs
in a subprocess (so each build loads the plugin afresh), not strict unless the test is about strict
mode (strict would also fail on problems of pages that are not part of the case library)."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import link_build_cache

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

SKIP = {".git", ".venv", "node_modules", "site", ".cache", ".benchmarks", ".hypothesis", ".mypy_cache",
        ".pytest_cache", ".ruff_cache", "tests", "__pycache__"}
WARNING = re.compile(r"^(WARNING|ERROR)\s+-\s+(.*)$", re.M)


def text_of(fragment: str) -> str:
    """The visible text of an HTML fragment, whitespace collapsed."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))).strip()


def verdict_rows(body: str, heading: str) -> list[list[str]]:
    """The cells (text) of each row of the first table after `heading` on a case page."""
    table = body.split(heading, 1)[1].split("</table>", 1)[0]
    rows = [[text_of(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)]
            for r in re.findall(r"<tr>(.*?)</tr>", table, re.S)]
    return [r for r in rows if r]


def copy_project(dest: Path) -> Path:
    """A copy of the project (what the site build reads); node_modules is linked, not copied."""
    dest.mkdir(parents=True, exist_ok=True)
    for src in ROOT.iterdir():
        if src.name in SKIP or src.name.startswith(".site") or src.name.endswith(".egg-info"):
            continue
        if src.is_dir():
            shutil.copytree(src, dest / src.name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / src.name)
    if (ROOT / "node_modules").exists():
        (dest / "node_modules").symlink_to(ROOT / "node_modules")
    link_build_cache(dest)
    return dest


def build(project: Path, out: Path, strict: bool = False) -> tuple[int, list[str]]:
    """mkdocs build of a project copy; (exit code, warning/error lines)."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(project))
    env.pop("RONGCUO_RULES_DIR", None)
    cmd = [sys.executable, "-m", "mkdocs", "build", "-f", str(project / "mkdocs.yml"), "-d", str(out)]
    if strict:
        cmd.append("--strict")
    r = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True, timeout=600)
    return r.returncode, [m.group(2) for m in WARNING.finditer(r.stderr)]


def case_warnings(warnings: list[str]) -> list[str]:
    return [w for w in warnings if "content/cases/" in w or "cases.py" in w or "assets/cases" in w]


@pytest.fixture(scope="session")
def rulebase():
    from selfcheck.load import load_rulebase

    return load_rulebase(ROOT / "rules")


def _kind(path: Path) -> str | None:
    m = re.search(r"^kind:\s*(\S+)", path.read_text(encoding="utf-8"), re.M)
    return m.group(1) if m else None


def all_case_files() -> list[Path]:
    return sorted(p for p in (ROOT / "content" / "cases").glob("*.md") if p.name not in ("index.md", "agreement.md"))


@pytest.fixture(scope="session")
def case_files() -> list[Path]:
    """The 容错 cases (kind: real); the discipline cases are `discipline_files`."""
    return [p for p in all_case_files() if _kind(p) != "discipline"]


@pytest.fixture(scope="session")
def discipline_files() -> list[Path]:
    """Published discipline cases (kind: discipline): not 容错 decisions."""
    return [p for p in all_case_files() if _kind(p) == "discipline"]


@pytest.fixture(scope="session")
def library_build(built_site, site_build_warnings) -> dict:
    """The case library of the real project as the session's site build made it (tests/conftest.py,
    built once per run): {project, site, warnings}."""
    assert (built_site / "cases" / "index.html").exists(), f"build produced no case index: {site_build_warnings}"
    return {"project": ROOT, "site": built_site, "warnings": site_build_warnings}


@pytest.fixture(scope="session")
def library_url(library_build, base_url):
    return base_url


BROKEN = {  # case file -> what is wrong with it in the broken_cases build
    "disagreement": "2020-hubei-xiaogan-epidemic-pass.md",  # a disagreement without its written reason
    "outcome": "2019-taixing-village-loan.md",  # outcome: forgiven (not an outcome)
}


@pytest.fixture(scope="session")
def broken_cases(tmp_path_factory) -> dict:
    """One strict build of a project copy with three broken case files at once: a disagreement without
    its reason, an unknown outcome, a discipline case citing an unknown line (d9). Each is a warning of
    the case lint, and the strict build lists every warning before it fails, so the tests that assert
    one of them each read this build: {project, code, warnings, discipline (file name)}. (The invented
    case is built apart: it breaks the same file as the unknown outcome.)"""
    project = copy_project(tmp_path_factory.mktemp("broken-cases") / "project")
    cases = project / "content" / "cases"
    case = cases / BROKEN["disagreement"]
    head, _, rest = case.read_text(encoding="utf-8").partition("disagreement:\n")
    case.write_text(head + rest[rest.index("\nsource:") + 1:], encoding="utf-8")
    case = cases / BROKEN["outcome"]
    case.write_text(case.read_text(encoding="utf-8").replace("outcome: exempted", "outcome: forgiven", 1),
                    encoding="utf-8")
    disc = next(cases.glob("disc-*.md"))
    disc.write_text(re.sub(r"^(  - id: )\S+", r"\1d9", disc.read_text(encoding="utf-8"), count=1, flags=re.M),
                    encoding="utf-8")
    code, warnings = build(project, project.parent / "site", strict=True)
    return {"project": project, "code": code, "warnings": warnings, "discipline": disc.name}
