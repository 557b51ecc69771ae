"""Atomic build: a content error fails with file, line and fix, and the previous site is unchanged."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from .test_build import _copy_project

pytestmark = pytest.mark.build  # every test here builds the site or a copy of it


def snapshot(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def run_build(proj: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(proj / "scripts" / "build_site.py"), "--config", str(proj / "mkdocs.yml"),
         "--site-dir", str(proj / "site"), "--no-compress", "--quiet"],
        capture_output=True, text=True, cwd=proj, env={"PATH": "/usr/bin:/bin", "NO_MKDOCS_2_WARNING": "1",
                                                       "HOME": str(proj)})


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    proj = _copy_project(tmp_path_factory.mktemp("atomic") / "proj")
    r = run_build(proj)
    assert r.returncode == 0, r.stderr
    return proj


def _break_and_check(project: Path, mutations: dict, expect: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """Build the copy with each file (path relative to the copy) changed by its mutation: the build
    fails, names every expected fragment, and leaves the previous site as it was."""
    before = snapshot(project / "site")
    originals = {rel: (project / rel).read_text(encoding="utf-8") for rel in mutations}
    try:
        for rel, mutate in mutations.items():
            (project / rel).write_text(mutate(originals[rel]), encoding="utf-8")
        r = run_build(project)
    finally:
        for rel, text in originals.items():
            (project / rel).write_text(text, encoding="utf-8")
    assert r.returncode == 1, r.stdout + r.stderr
    for e in expect:
        assert e in r.stderr, f"expected {e!r} in:\n{r.stderr}"
    assert "保持不变" in r.stderr  # the previous site was kept
    assert snapshot(project / "site") == before, "the previous site was modified"
    assert not list(project.glob("site.build-*")), "temporary build folder left behind"
    return r


def test_bad_front_matter(project):
    _break_and_check(project, {"content/index.md": lambda t: "---\ntitle: 首页\ndescription: [没有闭合\n---\n" + t},
                     ("content/index.md:3", "front matter 不是有效的 YAML", "修正方法："))


def _link_to_a_missing_page(t: str) -> str:
    lines = t.split("\n")
    lines.insert(2, "见[不存在的页面](understand/no-such-page.md)。")
    return "\n".join(lines)


def _first_case(project: Path) -> str:
    return sorted((project / "content" / "cases").glob("2*.md"))[0].relative_to(project).as_posix()


@pytest.fixture(scope="module")
def content_problems(project) -> subprocess.CompletedProcess:
    """One build of the copy with five content problems at once: a link to a missing page and no
    参考来源 section in content/index.md, an unknown fact in a case, a huge integer and a merge key in
    the build's own YAML data (training cards, worked examples). Each is a warning, and the strict
    build lists every warning before it fails; the tests below each assert their own problem as one
    of the listed warnings (a line of its own), and _break_and_check that the failed build kept the
    previous site. (A bad front matter, a rule file and symlinks are built apart: they stop the build,
    or share content/index.md.)"""
    return _break_and_check(project, {
        "content/index.md": lambda t: _link_to_a_missing_page(t.split("## 参考来源")[0]),
        _first_case(project): lambda t: t.replace("\nfacts:\n", "\nfacts:\n  no_such_fact: yes\n", 1),
        "content/training/cards.yaml": lambda t: t + "zz_huge: " + "9" * 5000 + "\n",
        "content/includes/examples.yaml": lambda t: t + "zz_merge: {<<: {a: 1}}\n",
    })


def _warned(r: subprocess.CompletedProcess, expect: list[str]) -> None:
    """One warning (or error) line of the build holds every expected fragment."""
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith(("WARNING", "ERROR"))]
    assert any(all(e in ln for e in expect) for ln in lines), f"expected {expect!r} in one of:\n{r.stderr}"


def test_broken_internal_link(content_problems):
    _warned(content_problems, ["content/index.md:3", "understand/no-such-page.md", "修正方法："])


def test_missing_citation_in_a_rule(project):
    def mutate(t: str) -> str:
        # drop the first `cite:` block of the first item (cite: followed by indented lines)
        lines = t.split("\n")
        i = next(n for n, ln in enumerate(lines) if ln.strip() == "cite:" and ln.startswith("    "))
        indent = len(lines[i]) - len(lines[i].lstrip())
        j = i + 1
        while j < len(lines) and (len(lines[j]) - len(lines[j].lstrip()) > indent or not lines[j].strip()):
            j += 1
        return "\n".join(lines[:i] + lines[j:])
    _break_and_check(project, {"rules/national.yaml": mutate}, ("national.yaml:", "cite"))


def test_missing_page_citation(content_problems):
    _warned(content_problems, ["content/index.md", "参考来源", "修正方法："])


def test_good_build_replaces_the_site(project):
    marker = project / "site" / "stale-file.txt"
    marker.write_text("left from an old build")
    r = run_build(project)
    assert r.returncode == 0, r.stderr
    assert not marker.exists()
    assert (project / "site" / "index.html").exists()


def test_unknown_fact_in_a_case(project, content_problems):
    rel = _first_case(project)
    _warned(content_problems, [f"{rel}:", "未知的事实 'no_such_fact'", "允许的取值", "修正方法："])
    assert content_problems.stderr.count("no_such_fact") == 1, content_problems.stderr  # checked once (the case lint), not by two checkers


def _build_measured(proj: Path) -> tuple[subprocess.CompletedProcess, int]:
    """run_build, plus the peak resident memory of the build process in KB."""
    wrapper = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
               "print(f'maxrss={resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}', file=sys.stderr); "
               "sys.exit(r.returncode)")
    r = subprocess.run(
        [sys.executable, "-c", wrapper, sys.executable, str(proj / "scripts" / "build_site.py"), "--config",
         str(proj / "mkdocs.yml"), "--site-dir", str(proj / "site"), "--no-compress", "--quiet"],
        capture_output=True, text=True, cwd=proj, timeout=600,
        env={"PATH": "/usr/bin:/bin", "NO_MKDOCS_2_WARNING": "1", "HOME": str(proj)})
    return r, int(r.stderr.rsplit("maxrss=", 1)[1].split()[0])


def test_site_is_a_symlink_swapped_in_one_rename_and_leftovers_are_removed(project):
    site = project / "site"
    assert site.is_symlink() and site.resolve().name.startswith("site.v-")
    dead = subprocess.Popen(["true"])
    dead.wait()
    leftovers = [project / f"site.build-{dead.pid}-killed", project / "site.old-abc123",
                 project / f"site.v-1-{dead.pid}-r", project / "site.build-oldstyle"]
    for d in leftovers:
        (d / "assets").mkdir(parents=True)
        (d / "assets" / "big.bin").write_bytes(b"x" * 1000)
    before = site.resolve()
    r = run_build(project)
    assert r.returncode == 0, r.stderr
    assert site.is_symlink() and site.resolve() != before and (site / "index.html").is_file()
    assert not before.exists(), "the previous release is removed"
    left = sorted(p.name for p in project.glob("site*") if p != site)
    assert left == [site.resolve().name], left


def test_symlinks_in_content_and_rules_are_refused(project, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text("# 不应发布\n", encoding="utf-8")
    links = [project / "content" / "leak.md", project / "rules" / "leak.yaml"]
    before = snapshot(project / "site")
    for link in links:
        link.symlink_to(secret)
    try:
        r = run_build(project)
    finally:
        for link in links:
            link.unlink()
    assert r.returncode == 1, r.stdout + r.stderr
    assert "content/leak.md:1" in r.stderr and "rules/leak.yaml:1" in r.stderr and "符号链接" in r.stderr
    assert "Traceback" not in r.stderr
    assert snapshot(project / "site") == before


def test_alias_bomb_in_a_case_fails_the_build_cheaply(project):
    """A 342-byte alias bomb in a case's front matter: a file:line error, no MemoryError, bounded cost."""
    case = sorted((project / "content" / "cases").glob("2*.md"))[0]
    rel = case.relative_to(project).as_posix()
    original = case.read_text(encoding="utf-8")
    bomb = ('lol0: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
            + "".join(f"lol{i + 1}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8)))
    case.write_text(original.replace("---\n", "---\n" + bomb, 1), encoding="utf-8")
    before = snapshot(project / "site")
    try:
        r, maxrss_kb = _build_measured(project)
    finally:
        case.write_text(original, encoding="utf-8")
    assert r.returncode == 1, r.stderr[-2000:]
    assert "Traceback" not in r.stderr and "MemoryError" not in r.stderr, r.stderr[-2000:]
    assert f"{rel}:" in r.stderr and "展开别名" in r.stderr, r.stderr[-2000:]
    assert maxrss_kb < 1_000_000, maxrss_kb  # the whole mkdocs build, not only the case file
    assert snapshot(project / "site") == before


def test_hostile_yaml_in_data_files_fails_the_build_with_file_and_line(content_problems):
    """A huge integer and a merge key in the build's own YAML data (training cards, worked examples):
    file:line problems, no traceback."""
    assert "Traceback" not in content_problems.stderr, content_problems.stderr[-3000:]
    _warned(content_problems, ["content/training/cards.yaml:", "数字过大"])
    _warned(content_problems, ["content/includes/examples.yaml:", "合并键"])
