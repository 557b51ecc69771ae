"""What the site says about its own coverage: the home page and 各地规定 carry a table, counted from
the rule data, of the documents each rule set rests on, what they were read from and how complete
it is; a 施行日期 that no source states (`effective_known: false`) is shown as 不详."""

from __future__ import annotations

import html
import re
import shutil
from collections import Counter
from pathlib import Path

import yaml

from selfcheck.load import compile_rules_with_problems
from selfcheck.model import KINDS

from .test_public_text import visible_text

ROOT = Path(__file__).resolve().parents[2]
READ_FROM = {"official": "官方文本", "secondary": "转载或二手来源", "paper": "论文引述"}


def _cn(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


def _coverage_rows(page: str) -> dict[str, list[str]]:
    """The coverage table's rows, by the rule set's short name: [documents, read from, complete]."""
    tables = re.findall(r"<table[^>]*>(.*?)</table>", page, re.S)
    table = next(t for t in tables if "依据的文件" in t)
    rows = {}
    for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]:
        cells = [html.unescape(re.sub(r"<[^>]+>", "", c.replace("<br />", "\n").replace("<br>", "\n"))).strip()
                 for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
        rows[cells[0]] = cells[1:]
    return rows


def test_coverage_table_on_home_and_rules_pages_is_counted_from_the_rule_data(built_site: Path, compiled_rules: dict):
    for path in ("index.html", "rules/index.html"):
        rows = _coverage_rows((built_site / path).read_text(encoding="utf-8"))
        assert set(rows) == {rs["short"] for rs in compiled_rules["rulesets"]}, path
        for rs in compiled_rules["rulesets"]:
            docs, read_from, complete = rows[rs["short"]]
            own = [it for k in KINDS for it in rs[k] if it.get("origin", rs["id"]) == rs["id"]]
            for doc, n in Counter(it["cite"]["document"] for it in own).items():
                assert f"{doc}（{n} 条）" in docs.split("\n"), (path, rs["id"], doc)
            rel = Counter(it["cite"]["reliability"] for it in own)
            assert read_from == "，".join(f"{READ_FROM[r]} {rel[r]} 条" for r in READ_FROM if rel[r]), (path, rs["id"])
            assert complete.startswith("未发现缺漏" if rs["coverage"]["complete"] else "不完整"), (path, rs["id"])
            assert rs["coverage"]["note"] in complete


def test_home_page_does_not_overclaim(built_site: Path):
    text = visible_text((built_site / "index.html").read_text(encoding="utf-8"))
    assert not re.search(r"各省市[^。]*本站逐条列出", text)
    assert "两省的原文都没能读全" in text


def test_a_date_no_source_states_is_shown_as_unknown(built_site: Path, compiled_rules: dict):
    unknown = [rs for rs in compiled_rules["rulesets"] if rs["effective_known"] is False]
    assert {rs["id"] for rs in unknown} >= {"jiangsu"}  # its note: 施行日期未见，这里按印发日期计
    index = visible_text((built_site / "rules" / "index.html").read_text(encoding="utf-8"))
    for rs in compiled_rules["rulesets"]:
        page = (built_site / "rules" / rs["id"] / "index.html").read_text(encoding="utf-8")
        row = re.search(r"<td>施行日期</td>\s*<td>(.*?)</td>", page, re.S)
        assert row, rs["id"]
        shown = html.unescape(re.sub(r"<[^>]+>", "", row.group(1)))
        row_in_index = re.search(re.escape(rs["short"]) + r"\s+" + re.escape(rs["title"]) + r"\s+(\S+)", index)
        assert row_in_index, rs["id"]
        if rs["effective_known"]:
            assert shown == _cn(rs["effective"]) and row_in_index.group(1) == _cn(rs["effective"]), rs["id"]
        else:
            assert shown.startswith("不详") and row_in_index.group(1) == "不详", rs["id"]
    about = visible_text((built_site / "about" / "index.html").read_text(encoding="utf-8"))
    for rs in unknown:
        assert re.search(re.escape(rs["title"]) + r"\s+不详", about), rs["id"]


def test_effective_known_must_be_true_or_false(tmp_path: Path):
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    f = rules / "jiangsu.yaml"
    data = yaml.safe_load(f.read_text(encoding="utf-8"))
    data["effective_known"] = "不详"
    f.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    _, problems = compile_rules_with_problems(rules)
    assert any("effective_known" in str(p) and "true 或 false" in str(p) for p in problems), problems
