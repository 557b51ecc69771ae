"""The strict build passes, generated rule pages list every item, editing a rule changes the page,
the built files load nothing from another origin, every page carries the CSP, search is segmented."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from html import escape
from pathlib import Path

import pytest
import yaml

from selfcheck.model import KINDS
from tests.conftest import link_build_cache

from .conftest import ROOT, build_site

pytestmark = pytest.mark.build  # every test here builds the site or a copy of it


def test_strict_build_passes(built_site: Path):
    assert (built_site / "index.html").exists()
    assert (built_site / "rules" / "index.html").exists()
    assert build_site.check_output(built_site) == []


def test_every_rule_item_is_on_its_page(built_site: Path, compiled_rules: dict):
    assert compiled_rules["rulesets"], "no rule set in rules/"
    for rs in compiled_rules["rulesets"]:
        html = (built_site / "rules" / rs["id"] / "index.html").read_text(encoding="utf-8")
        own = [it["id"] for kind in KINDS for it in rs[kind] if it["origin"] == rs["id"]]
        if not rs.get("extends"):
            own += [d["id"] for d in rs.get("distinctions", [])]
        assert own, rs["id"]
        missing = [i for i in own if f'id="{i}"' not in html]  # an anchor, not a visible id
        assert not missing, f"rules/{rs['id']}: items missing from the page: {missing}"
        # an inherited item is listed with a link to its own page
        inherited = [(it["origin"], it["id"]) for kind in KINDS for it in rs[kind] if it["origin"] != rs["id"]]
        unlinked = [i for o, i in inherited if f'href="../{o}/#{i}"' not in html]
        assert not unlinked, f"rules/{rs['id']}: inherited items not linked: {unlinked}"
        assert rs["last_reviewed"][:4] in html
        # a distinction's earlier (2018) wording is shown with its own citation (on the national page)
        for d in rs.get("distinctions", []) if not rs.get("extends") else ():
            if d.get("text_2018"):
                assert escape(d["text_2018"], quote=False) in html and escape(d["cite_2018"]["document"]) in html


def test_comparison_table_lists_every_jurisdiction(built_site: Path, compiled_rules: dict):
    html = (built_site / "rules" / "index.html").read_text(encoding="utf-8")
    for rs in compiled_rules["rulesets"]:
        assert f'href="{rs["id"]}/"' in html, rs["id"]
        assert rs["short"] in html


def test_procedures_are_svg_with_every_step(built_site: Path, compiled_rules: dict):
    procs = compiled_rules.get("procedures") or {}
    assert procs, "rules/procedure.yaml has no procedure"
    html = (built_site / "rules" / "procedures" / "index.html").read_text(encoding="utf-8")
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="rc-proc rc-proc-wide"') == len(procs)
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="rc-proc rc-proc-tall"') == len(procs)
    for proc in procs.values():
        for step in [s for st in proc["stages"] for s in st["steps"]] + list(proc.get("appeal", [])):
            assert f'id="{step["id"]}"' in html and f'id="{step["id"]}-box"' in html, step["id"]
    assert "mermaid" not in html


def _copy_project(dst: Path) -> Path:
    """A minimal copy of the project for builds with modified inputs."""
    for name in ("content", "overrides", "rongcuo_site", "rules", "selfcheck", "scripts"):
        shutil.copytree(ROOT / name, dst / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("mkdocs.yml", "pyproject.toml"):
        shutil.copy(ROOT / name, dst / name)
    if (ROOT / "node_modules").exists():  # npm packages (Pyodide runtime): shared, not copied
        (dst / "node_modules").symlink_to(ROOT / "node_modules")
    link_build_cache(dst)
    return dst


def test_editing_a_clause_changes_its_page(tmp_path: Path, compiled_rules: dict):
    proj = _copy_project(tmp_path / "proj")
    rs = next(r for r in compiled_rules["rulesets"] if r.get("extends"))  # a province: its own items
    kind = next(k for k in KINDS if any(it["origin"] == rs["id"] for it in rs[k]))
    item = next(it for it in rs[kind] if it["origin"] == rs["id"])
    path = proj / "rules" / f"{rs['id']}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw = next(it for it in data[kind] if it["id"] == item["id"])
    new_text = "测试用改动：这一条的文字被临时改写，用来确认页面随规则文件变化"
    raw["text"] = new_text
    raw["verbatim"] = False
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = tmp_path / "site"
    build_site.build(proj / "mkdocs.yml", out, compress=False, quiet=True)
    html = (out / "rules" / rs["id"] / "index.html").read_text(encoding="utf-8")
    assert new_text in html
    old = re.sub(r"\s+", "", item["text"])[:20]
    assert old not in re.sub(r"\s+", "", html.split(f'id="{item["id"]}"', 1)[1][:2000])


def test_static_scan_finds_no_external_resource(built_site: Path):
    assert build_site.check_output(built_site) == []
    # and the scanner itself works: an injected external script and a web font are reported
    probe = built_site.parent / "probe"
    (probe / "a").mkdir(parents=True)
    (probe / "a" / "index.html").write_text(
        '<html><head><meta http-equiv="Content-Security-Policy" content="x">'
        '<script src="https://cdn.example.org/x.js"></script></head></html>', encoding="utf-8")
    (probe / "a" / "s.css").write_text("@font-face{src:url(https://fonts.example.org/f.woff2)}",
                                       encoding="utf-8")
    problems = build_site.check_output(probe)
    assert len(problems) == 2 and "cdn.example.org" in problems[0] and "fonts.example.org" in problems[1]


def test_every_page_has_a_strict_csp(built_site: Path):
    pages = list(built_site.rglob("*.html"))
    assert pages
    for p in pages:
        html = p.read_text(encoding="utf-8")
        m = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
        assert m, p
        csp = m.group(1)
        first_resource = min(i for i in (html.find("<script"), html.find('<link rel="stylesheet"')) if i >= 0)
        assert m.start() < first_resource, f"{p}: the CSP must precede every script and stylesheet"
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp and "http" not in csp, csp
        assert "default-src 'none'" in csp
        for s in re.finditer(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>", html, re.S):
            digest = base64.b64encode(hashlib.sha256(s.group(1).encode()).digest()).decode()
            assert f"'sha256-{digest}'" in csp, f"{p}: inline script not hashed in the CSP"


def test_search_index_is_segmented_with_the_user_dictionary(built_site: Path):
    data = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    text = "\u200b".join(d["text"] for d in data["docs"])
    tokens = set(text.split("\u200b"))
    assert "\u200b" in text, "Chinese text is not segmented: is jieba installed?"
    assert "三个区分开来" in tokens, "jieba user dictionary (rongcuo_site/jieba_user_dict.txt) not applied"
    assert data["config"]["lang"] == ["en"], "search lang must stay default (zh pipeline hangs in the browser)"


def test_jieba_missing_fails_the_build(tmp_path: Path):
    """The theme silently drops segmentation without jieba; our plugin refuses to build instead."""
    blocker = tmp_path / "nojieba"
    blocker.mkdir()
    (blocker / "jieba.py").write_text("raise ImportError('jieba blocked for this test')\n")
    env = dict(os.environ, PYTHONPATH=str(blocker), NO_MKDOCS_2_WARNING="1")
    r = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(tmp_path / "out")],
                       cwd=ROOT, env=env, capture_output=True, text=True)
    assert r.returncode != 0
    assert "jieba" in r.stderr and "make setup" in r.stderr


def test_about_page_shows_the_rules_version_and_dates(built_site: Path, compiled_rules: dict):
    """关于 shows the same rules_version as every verdict, and each rule set's last-reviewed date."""
    from selfcheck.model import rules_version

    about = (built_site / "about" / "index.html").read_text(encoding="utf-8")
    assert f"<code>{rules_version(compiled_rules)}</code>" in about
    assert "<!-- rules-version -->" not in about
    for rs in compiled_rules["rulesets"]:
        assert f'href="../rules/{rs["id"]}/"' in about


def test_worked_examples_show_the_checkers_verdict(built_site: Path):
    page = (built_site / "understand" / "three-distinctions" / "index.html").read_text(encoding="utf-8")
    md = (ROOT / "content" / "understand" / "three-distinctions.md").read_text(encoding="utf-8")
    assert page.count("按本站收录的规定自查") == md.count("rongcuo:example") >= 6
    assert "rongcuo:example" not in page
    assert "符合容错免责的条件" in page and "不予容错" in page


def test_an_example_the_checker_contradicts_fails_the_build(tmp_path: Path):
    proj = _copy_project(tmp_path / "proj")
    path = proj / "content" / "includes" / "examples.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["examples"][0]["tolerance"]["national"] = "refused"  # the page says 偏左, the checker agrees: now it won't
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(build_site.BuildFailed):
        build_site.build(proj / "mkdocs.yml", tmp_path / "site", compress=False, quiet=True)
