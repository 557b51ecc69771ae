"""The CLI contract (README: "The checker on the command line") and its error messages for bad input."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from selfcheck.cli import main

from .conftest import ROOT, RULES

GOOD = {"work_context": "reform_pilot", "legal_basis": "unclear", "decision_procedure": "followed",
        "improper_benefit": "none", "intent": "inadvertent", "error_nature": "work", "cause": "inexperience",
        "loss_level": "ordinary", "public_impact": "limited", "remedy": "proactive", "cooperation": "yes",
        "repeat": "no", "dissent": "none", "pre_registered": "no"}


def run(argv, stdin: str = ""):
    out, err = io.StringIO(), io.StringIO()
    old = sys.stderr
    sys.stderr = err
    try:
        code = main(argv, out=out, stdin=io.StringIO(stdin))
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    finally:
        sys.stderr = old
    return code, out.getvalue(), err.getvalue()


def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "selfcheck", *args], input=stdin, capture_output=True,
                          text=True, cwd=ROOT, timeout=60)


def write(tmp_path: Path, name: str, text: str) -> str:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


def test_evaluate_json_fields(tmp_path):
    f = write(tmp_path, "f.json", json.dumps(GOOD))
    code, out, err = run(["evaluate", "--facts", f, "--as-of", "2025-06-30"])
    assert code == 0, err
    v = json.loads(out)
    for key in ("outcome", "label", "jurisdiction", "rules_version", "reasons", "three_distinctions",
                "missing_facts", "would_change", "next_steps", "disclaimer"):
        assert key in v
    assert v["outcome"] == "eligible"
    assert all(r["cite"]["document"] and r["cite"]["article"] for r in v["reasons"])


def test_evaluate_text_in_chinese_with_citations(tmp_path):
    f = write(tmp_path, "f.yaml", "\n".join(f"{k}: {v}" for k, v in GOOD.items()))
    proc = cli("evaluate", "--facts", f, "--jurisdiction", "jiangsu", "--format", "text", "--as-of", "2025-06-30")
    assert proc.returncode == 0, proc.stderr
    assert "【自查结果】" in proc.stdout and "出处：" in proc.stdout and "不是认定结论" in proc.stdout


def test_stdin_and_yes_no_booleans():
    text = "cooperation: yes\nrepeat: no\nintent: knowing_violation\n"
    code, out, err = run(["evaluate", "--facts", "-"], stdin=text)
    assert code == 0, err
    v = json.loads(out)
    assert v["facts"]["cooperation"] == "yes" and v["facts"]["repeat"] == "no"
    # a knowing violation is never tolerated; telling the truth is still a general mitigating circumstance
    assert v["outcome"] == "mitigable" and v["tracks"]["tolerance"]["status"] == "refused"


def test_batch_jsonl():
    rows = [GOOD, dict(GOOD, intent="knowing_violation"),
            dict(GOOD, intent="knowing_violation", remedy="none", cooperation="no")]
    lines = "\n".join(json.dumps(r) for r in rows) + "\n"
    code, out, err = run(["batch", "--as-of", "2025-06-30"], stdin=lines)
    assert code == 0, err
    outcomes = [json.loads(x)["outcome"] for x in out.splitlines()]
    assert outcomes == ["eligible", "mitigable", "not_eligible"]


def test_compare_all_jurisdictions(tmp_path, rb):
    f = write(tmp_path, "f.json", json.dumps(GOOD))
    code, out, _ = run(["compare", "--facts", f, "--as-of", "2025-06-30"])
    assert code == 0
    assert [v["jurisdiction"] for v in json.loads(out)["verdicts"]] == rb.jurisdictions()


def test_facts_and_jurisdictions_json(rb):
    code, out, _ = run(["facts", "--format", "json"])
    facts = json.loads(out)
    assert code == 0 and [f["id"] for f in facts] == [f.id for f in rb.facts]
    assert set(facts[0]) == {"id", "question", "values"} and set(facts[0]["values"][0]) == {"id", "label"}
    code, out, _ = run(["jurisdictions", "--format", "json"])
    js = json.loads(out)
    assert code == 0 and {"national", "jiangsu", "shaanxi"} <= {j["id"] for j in js}
    assert set(js[0]) == {"id", "title", "effective"}


def test_as_of_picks_items_in_force(tmp_path):
    """纪律处分条例: the 2018 version's items apply until 2023-12-31, the 2023 version's from 2024-01-01,
    and before 2019-09-01 the 问责条例 has no 第十七条 yet."""
    f = write(tmp_path, "f.json", json.dumps({}))
    ids = {}
    for day in ("2017-06-30", "2023-06-30", "2025-06-30"):
        _, out, _ = run(["evaluate", "--facts", f, "--as-of", day])
        ids[day] = {r["id"] for r in json.loads(out)["reasons"]}
    assert "nat-mi-dcr2018-17-2" in ids["2023-06-30"] and "nat-mi-dcr-17-2" not in ids["2023-06-30"]
    assert "nat-mi-dcr-17-2" in ids["2025-06-30"] and "nat-mi-dcr2018-17-2" not in ids["2025-06-30"]
    assert "nat-si-3d-pilot" in ids["2017-06-30"] and "nat-si-17-1-pilot" not in ids["2017-06-30"]
    assert "nat-mi-dcr2015-16-3" in ids["2017-06-30"]


def test_a_province_before_its_own_rules_falls_back_to_the_national_floor(tmp_path):
    f = write(tmp_path, "f.json", json.dumps(GOOD))
    code, out, err = run(["evaluate", "--facts", f, "--jurisdiction", "jiangsu", "--as-of", "2017-12-31", "--format", "text"])
    assert code == 0, err
    assert "江苏规定自2018年5月21日起施行" in out and "只按当时已有的全国规定" in out


def test_as_of_before_any_rule_set(tmp_path):
    f = write(tmp_path, "f.json", "{}")
    code, out, err = run(["evaluate", "--facts", f, "--as-of", "2001-01-01"])
    assert code == 1 and out == "" and "2001年1月1日时的规定没有收录" in err and "2016-01-18" in err


def test_lint_passes_on_shipped_rules_and_content():
    code, out, err = run(["lint", "--rules", str(RULES), "--content", str(ROOT / "content")])
    assert code == 0, out + err


# -- bad input: exit 1, one clear message (file:line or fact, what, allowed values, fix), no traceback --

@pytest.mark.parametrize("text,expect", [
    ("intnet: inadvertent\n", ["f.yaml:1", "未知的事实 'intnet'", "允许的取值", "intent"]),
    ("remedy: proactive\nintent: sometimes\n", ["f.yaml:2", "取值 'sometimes' 无效", "inadvertent", "修正方法"]),
    ("intent: [unclosed\n", ["f.yaml:", "不是有效的 YAML"]),
    ("- a\n- b\n", ["应写成"]),
    ("deaths: -3\n", ["f.yaml:1", "deaths", "非负整数"]),
    ("economic_loss_wan: 20000\nloss_level: ordinary\n", ["loss_level", "不一致"]),
    ("intent: inadvertent\nintent: knowing_violation\n", ["f.yaml:2", "重复"]),
])
def test_bad_facts_files(tmp_path, text, expect):
    f = write(tmp_path, "f.yaml", text)
    code, out, err = run(["evaluate", "--facts", f])
    assert code == 1 and out == ""
    for e in expect:
        assert e in err, (e, err)
    assert "Traceback" not in err


def test_bad_json_facts_names_line(tmp_path):
    f = write(tmp_path, "f.json", '{\n  "intent": "inadvertent",\n  "cause": "bogus"\n}\n')
    code, _, err = run(["evaluate", "--facts", f])
    assert code == 1 and "f.json:3" in err and "force_majeure" in err


def test_unknown_jurisdiction_lists_allowed(tmp_path):
    f = write(tmp_path, "f.json", "{}")
    code, _, err = run(["evaluate", "--facts", f, "--jurisdiction", "mars"])
    assert code == 1 and "national" in err and "jurisdictions" in err


def copy_rules(tmp_path: Path) -> Path:
    dst = tmp_path / "rules"
    shutil.copytree(RULES, dst)
    return dst


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def first_item_line(path: Path, needle: str) -> int:
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return n
    raise AssertionError(needle)


@pytest.mark.parametrize("mutate,expect", [
    (lambda d: edit(d / "national.yaml", "    title:", "    titel:"), ['未知的键 "titel"', "允许的取值"]),
    (lambda d: edit(d / "national.yaml", "{fact: improper_benefit", "{fact: improper_benfit"),
     ["未知的事实 'improper_benfit'", "rules/facts.yaml"]),
    (lambda d: edit(d / "national.yaml", "in: [self, others, unit]", "in: [self, others, comrades]"),
     ["没有取值 'comrades'", "允许的取值"]),
    (lambda d: edit(d / "national.yaml", "    cite:", "    cited:"), ["缺少引用出处 cite"]),
])
def test_bad_rule_files(tmp_path, mutate, expect):
    rules = copy_rules(tmp_path)
    mutate(rules)
    code, out, err = run(["lint", "--rules", str(rules)])
    assert code == 1
    for e in expect:
        assert e in out, (e, out)
    assert "national.yaml:" in out
    code, out2, err2 = run(["evaluate", "--facts", "-", "--rules", str(rules)], stdin="{}")
    assert code == 1 and out2 == "" and "national.yaml:" in err2 and "Traceback" not in err2


@pytest.mark.parametrize("cond,expect", [
    ("{decision_procedure: [folowed]}", "事实 decision_procedure 没有取值 'folowed'"),
    ("{remedy: [proactive]}", "asked_when 中的事实 'remedy' 不是这一题之前必问的题目"),  # asked later
    ("[decision_procedure]", "asked_when 应为映射"),
])
def test_bad_asked_when_is_reported_at_its_line(tmp_path, cond, expect):
    rules = copy_rules(tmp_path)
    facts = rules / "facts.yaml"
    edit(facts, "asked_when: {decision_procedure: [followed]}", f"asked_when: {cond}")
    line = first_item_line(facts, "    asked_when: ")
    code, out, _ = run(["lint", "--rules", str(rules)])
    assert code == 1 and f"facts.yaml:{line}: {expect}" in out, out


def test_ask_skips_a_question_whose_condition_does_not_hold(rb):
    """dissent is asked only after a collective decision (facts.yaml asked_when); otherwise unknown."""
    order = [f.id for f in rb.facts]
    assert order.index("dissent") > order.index("decision_procedure")
    dp = rb.fact("decision_procedure")
    for value, asked in (("not_followed", False), ("followed", True)):
        answers = [str(dp.value_ids.index(value) + 1) if f.id == "decision_procedure" else "0"
                   for f in rb.facts if f.id != "dissent" or asked]
        code, out, _ = run(["ask"], stdin="\n".join(answers + [""] * len(rb.quantities)) + "\n")
        assert code == 0 and "【自查结果】" in out
        assert ("根据前面的回答，这一题不需要回答" in out) is not asked, value


def test_duplicated_id_names_both_places(tmp_path):
    rules = copy_rules(tmp_path)
    js = (rules / "jiangsu.yaml").read_text(encoding="utf-8")
    first_id = next(line.split("id:")[1].strip() for line in js.splitlines() if line.strip().startswith("- id: js-"))
    edit(rules / "shaanxi.yaml", "- id: sx-", f"- id: {first_id}\n    x_dup_marker: 1\n  - id: sx-dup-", 1)
    (rules / "shaanxi.yaml").write_text((rules / "shaanxi.yaml").read_text(encoding="utf-8")
                                        .replace("    x_dup_marker: 1\n", "", 1), encoding="utf-8")
    code, out, _ = run(["lint", "--rules", str(rules)])
    assert code == 1 and f'id "{first_id}" 重复' in out and "jiangsu.yaml:" in out


def test_lint_reports_every_problem(tmp_path):
    rules = copy_rules(tmp_path)
    edit(rules / "national.yaml", "    title:", "    titel:")
    edit(rules / "jiangsu.yaml", "{fact: intent", "{fact: intnt")
    edit(rules / "scale.yaml", "deaths: 30", "deaths: -30")
    code, out, _ = run(["lint", "--rules", str(rules)])
    assert code == 1
    assert "national.yaml:" in out and "jiangsu.yaml:" in out and "scale.yaml:" in out


def test_yaml_line_numbers_point_at_the_problem(tmp_path):
    rules = copy_rules(tmp_path)
    path = rules / "national.yaml"
    edit(path, "{fact: improper_benefit", "{fact: improper_benfit")
    line = first_item_line(path, "improper_benfit")
    _, out, _ = run(["lint", "--rules", str(rules)])
    assert f"national.yaml:{line}:" in out


def test_usage_error_exit_2():
    code, _, _ = run(["evaluate"])
    assert code == 2


def test_ask_walks_the_questions(rb):
    answers = "\n".join(["1"] + ["0"] * (len(rb.facts) - 1) + [""] * len(rb.quantities)) + "\n"
    code, out, _ = run(["ask", "--jurisdiction", "shaanxi"], stdin=answers)
    assert code == 0
    assert f"[1/{len(rb.facts)}]" in out and "【自查结果】" in out and "不是认定结论" in out


def test_ask_rejects_bad_answer_then_continues(rb):
    answers = "\n".join(["9", "abc", "1"] + ["0"] * (len(rb.facts) - 1) + [""] * len(rb.quantities)) + "\n"
    code, out, _ = run(["ask"], stdin=answers)
    assert code == 0 and "请输入 0 到" in out


def test_citations_wrap_a_document_name_in_title_marks_once(rb):
    """《…》 around a plain name; a name that already holds 《…》 (中共中央办公厅《关于…》) is kept."""
    from selfcheck.present import cite, titled

    assert titled("中国共产党问责条例") == "《中国共产党问责条例》"
    assert titled("中共中央办公厅《关于进一步激励广大干部新时代新担当新作为的意见》") == \
        "中共中央办公厅《关于进一步激励广大干部新时代新担当新作为的意见》"
    seen = 0
    for rs in rb.rulesets:
        for it in rs.all_items():
            text = cite(rb.texts, it.cite)
            doc = it.cite["document"]
            name = doc if "《" in doc or doc.startswith("陈朋") else f"《{doc}》"
            assert text.startswith(name + it.cite["article"]), text
            assert "《《" not in text and not text.startswith(("《中共中央办公厅《", "《陈朋《")), text
            seen += 1
    assert seen > 30


def test_text_output_names_unknown_facts_by_their_question(rb):
    out = io.StringIO()
    assert main(["evaluate", "--facts", "-", "--format", "text"], out=out, stdin=io.StringIO("{}")) == 0
    text = out.getvalue()
    assert f"尚不清楚：{rb.fact('intent').question}" in text
    assert "尚不清楚：intent" not in text


def test_a_date_before_every_rule_set_says_so_without_a_command_line_hint(capsys):
    """The message is also what the web page shows: it names the earliest date, not a CLI flag."""
    assert main(["evaluate", "--facts", "-", "--as-of", "2010-01-01"], out=io.StringIO(), stdin=io.StringIO("{}")) == 1
    err = capsys.readouterr().err
    assert "2010年1月1日时的规定没有收录" in err and "不早于2016年1月18日（2016-01-18）的日期" in err
    assert "--as-of" not in err
