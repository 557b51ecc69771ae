"""Provincial rule sets on the national floor, idle questions, and facts files in the old vocabulary."""

from __future__ import annotations

import io
import json
import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from selfcheck.cli import main
from selfcheck.explain import evaluate
from selfcheck.load import compile_rules_with_problems, load_rulebase

from .conftest import RULES


def run(argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old, sys.stderr = sys.stderr, err
    try:
        code = main(argv, out=out, stdin=io.StringIO(stdin))
    finally:
        sys.stderr = old
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    d = tmp_path / "rules"
    shutil.copytree(RULES, d)
    return d


def edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def problems_of(rules: Path) -> list[str]:
    _, problems = compile_rules_with_problems(rules)
    return [str(p) for p in problems]


# -- layering -----------------------------------------------------------------------------------------

def test_a_province_inherits_every_national_item_and_marks_it(rb):
    national = {it.id for it in rb.latest("national").all_items()}
    for j in ("jiangsu", "shaanxi"):
        rs = rb.latest(j)
        assert rs.extends == "national"
        ids = {it.id: it.origin for it in rs.all_items()}
        assert national <= set(ids)
        assert all(ids[i] == "national" for i in national)
        assert any(origin == j for origin in ids.values())
    v = evaluate(rb, {"improper_benefit": "self"}, "jiangsu", "2025-06-30")
    origins = {r["id"]: (r["origin"], r["origin_short"]) for r in v["reasons"]}
    assert origins["nat-ex-private-gain"] == ("national", "全国")
    assert origins["js-ex-private-gain"] == ("jiangsu", "江苏")


def test_replacing_a_national_exclusion_with_a_more_lenient_one_is_refused(rules):
    def lenient(data):
        data["exclusions"].append({
            "id": "js-ex-private-gain-narrow", "replaces": "nat-ex-private-gain", "title": "只算为个人谋利",
            "when": {"fact": "improper_benefit", "is": "self"}, "text": "（测试）", "verbatim": False,
            "cite": data["exclusions"][0]["cite"]})
    edit(rules / "jiangsu.yaml", lenient)
    found = problems_of(rules)
    assert any("js-ex-private-gain-narrow" in p and "更宽松" in p and "improper_benefit=" in p
               and "jiangsu.yaml:" in p for p in found), found


def test_a_more_lenient_replacement_needs_the_provinces_explicit_words(rules):
    def lenient(data):
        data["exclusions"].append({
            "id": "js-ex-private-gain-narrow", "replaces": "nat-ex-private-gain", "title": "只算为个人谋利",
            "when": {"fact": "improper_benefit", "is": "self"}, "text": "（测试）", "verbatim": False,
            "more_lenient_because": "（测试）地方原文明确只排除为个人谋利的情况",
            "cite": data["exclusions"][0]["cite"]})
    edit(rules / "jiangsu.yaml", lenient)
    assert problems_of(rules) == []
    rb = load_rulebase(rules)
    ids = {it.id for it in rb.latest("jiangsu").all_items()}
    assert "js-ex-private-gain-narrow" in ids and "nat-ex-private-gain" not in ids
    v = evaluate(rb, {"improper_benefit": "unit"}, "jiangsu", "2025-06-30")
    assert "nat-ex-private-gain" not in {r["id"] for r in v["reasons"]}


def test_a_stricter_replacement_needs_no_reason(rules):
    def stricter(data):
        data["exclusions"].append({
            "id": "js-ex-negligence-or-oversight", "replaces": "nat-ex-negligence", "title": "失职或疏忽",
            "when": {"fact": "cause", "in": ["negligence", "oversight"]}, "text": "（测试）", "verbatim": False,
            "cite": data["exclusions"][0]["cite"]})
    edit(rules / "jiangsu.yaml", stricter)
    assert problems_of(rules) == []


@pytest.mark.parametrize("change,expect", [
    (lambda d: d.update(extends="nowhere"), "extends 指向不存在的规则集"),
    (lambda d: d["exclusions"].append({**d["exclusions"][0], "id": "js-x", "replaces": "nat-no-such-item"}),
     "replaces 指向 national 中不存在的条目"),
    (lambda d: d["situations"].append({**d["situations"][0], "id": "js-y", "replaces": "nat-ex-illegal"}),
     "不能替换另一类的条目"),
    (lambda d: d.pop("coverage"), '缺少必填的键 "coverage"'),
])
def test_layering_mistakes_are_file_line_errors(rules, change, expect):
    edit(rules / "jiangsu.yaml", change)
    found = problems_of(rules)
    assert any(expect in p and p.startswith("rules/jiangsu.yaml") or expect in p for p in found), found
    code, out, err = run(["lint", "--rules", str(rules)])
    assert code == 1 and expect in out and "Traceback" not in out + err


# A fourth rule set for tests (also built into a project copy by tests/site/test_fourth_rule_set.py).
FOURTH_SET = {
    "id": "zhejiang", "title": "测试省容错纠错规定", "short": "测试省", "issuer": "测试省委", "effective": "2020-01-01",
    "last_reviewed": "2026-12-02", "extends": "national",
    "source": {"title": "测试", "url": None, "reliability": "secondary"},
    "coverage": {"complete": False, "note": "测试用的规则集"},
    "situations": [{"id": "zj-s-test", "title": "测试情形", "when": {"fact": "work_context", "is": "routine"},
                    "text": "（测试）", "cite": {"document": "测试", "article": "第一条",
                                                "source": {"title": "测试"}, "reliability": "secondary"}}],
    "advice": {o: "测试" for o in ("eligible", "mitigable", "not_eligible", "undetermined")},
}


def test_a_fourth_rule_set_is_a_data_change(rules):
    """A new province is one YAML file: it inherits the national floor and appears everywhere."""
    (rules / "zhejiang.yaml").write_text(yaml.safe_dump(FOURTH_SET, allow_unicode=True), encoding="utf-8")
    assert problems_of(rules) == []
    code, out, _ = run(["compare", "--facts", "-", "--rules", str(rules), "--as-of", "2025-06-30"],
                       stdin='{"work_context": "routine", "improper_benefit": "self"}')
    assert code == 0
    verdicts = {v["jurisdiction"]: v for v in json.loads(out)["verdicts"]}
    assert "zhejiang" in verdicts and verdicts["zhejiang"]["outcome"] != "eligible"  # the national floor holds


# -- idle questions -------------------------------------------------------------------------------------

def test_lint_names_a_fact_no_rule_reads(rules):
    def add_fact(data):
        data["facts"].append({"id": "weather", "question": "当天天气如何？", "help": "（测试）", "dimension": "客观条件",
                              "values": [{"id": "sunny", "label": "晴"}, {"id": "rainy", "label": "雨"}]})
    edit(rules / "facts.yaml", add_fact)
    code, out, err = run(["lint", "--rules", str(rules)])
    assert code == 1 and "Traceback" not in out + err
    line = next(x for x in out.splitlines() if "weather" in x)
    assert re.search(r"rules/facts\.yaml:\d+: 事实 weather", line), line
    assert "没有被任何规则集的条款读取" in line and "修正方法" in line


def test_every_asked_fact_is_read_by_some_rule():
    assert problems_of(RULES) == []


# -- the old vocabulary ---------------------------------------------------------------------------------

@pytest.mark.parametrize("old,new", [
    ("clear_and_followed", {"rules_clarity": "clear", "compliance": "followed"}),
    ("unclear", {"rules_clarity": "unclear", "compliance": "followed"}),
    ("procedural_shortcut", {"rules_clarity": "unknown", "compliance": "procedural_shortcut"}),
    ("prohibited", {"rules_clarity": "clear", "compliance": "prohibited"}),
])
def test_old_legal_basis_values_are_read_as_the_new_facts(rb, old, new):
    v = evaluate(rb, {"legal_basis": old, "pre_registered": "yes"}, "national", "2025-06-30")
    assert {k: v["facts"][k] for k in new} == new
    assert [r["fact"] for r in v["read_as"]] == ["legal_basis", "pre_registered"]
    assert "legal_basis" not in v["facts"] and "pre_registered" not in v["facts"]


def test_the_text_output_says_how_old_facts_were_read(tmp_path):
    f = tmp_path / "old.yaml"
    f.write_text("legal_basis: unclear\npre_registered: 'yes'\n", encoding="utf-8")
    code, out, err = run(["evaluate", "--facts", str(f), "--format", "text"])
    assert code == 0, err
    assert "旧写法的事实是这样读取的" in out
    assert "legal_basis=unclear → rules_clarity=unclear，compliance=followed" in out
    assert "pre_registered=yes → 不再使用" in out


def test_an_old_fact_that_contradicts_the_new_one_is_an_error(tmp_path):
    f = tmp_path / "both.yaml"
    f.write_text("compliance: prohibited\nlegal_basis: unclear\n", encoding="utf-8")
    code, out, err = run(["evaluate", "--facts", str(f)])
    assert code == 1 and out == ""
    assert "both.yaml:2" in err and "legal_basis=unclear" in err and "矛盾" in err and "修正方法" in err


def test_an_old_fact_with_a_bad_value_says_what_is_allowed(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text("legal_basis: maybe\n", encoding="utf-8")
    code, _, err = run(["evaluate", "--facts", str(f)])
    assert code == 1 and "clear_and_followed" in err and "拆成" in err


def test_batch_reads_old_facts_too():
    code, out, err = run(["batch", "--as-of", "2025-06-30"], stdin='{"legal_basis": "prohibited"}\n')
    assert code == 0, err
    assert json.loads(out)["facts"]["compliance"] == "prohibited"
