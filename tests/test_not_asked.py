"""A question the earlier answers rule out (facts.yaml asked_when + value_if_not_asked): the fact takes
the declared answer only when the earlier answer is known; the verdict never asks the user to
answer, or lists a change through, a question the form did not put; lint rejects a bad declaration."""

from __future__ import annotations

import pytest

from selfcheck import present
from selfcheck.explain import evaluate
from selfcheck.facts import normalize_facts

from .test_cli import copy_rules, edit, first_item_line, run


def test_a_decision_made_alone_leaves_no_dissent(rb):
    assert rb.fact("dissent").value_if_not_asked == "none"
    assert normalize_facts(rb, {"decision_procedure": "not_followed"})["dissent"] == "none"
    assert normalize_facts(rb, {"decision_procedure": "followed"})["dissent"] == "unknown"
    assert normalize_facts(rb, {})["dissent"] == "unknown"  # the decision's making unknown: so is dissent
    kept = normalize_facts(rb, {"decision_procedure": "not_followed", "dissent": "objected_to_superior"})
    assert kept["dissent"] == "objected_to_superior"  # an explicit answer in a facts file is never overwritten


@pytest.mark.parametrize("jurisdiction", ["national", "jiangsu", "shaanxi"])
def test_the_verdict_shows_nothing_about_a_question_not_put(rb, jurisdiction):
    v = evaluate(rb, {"decision_procedure": "not_followed"}, jurisdiction, as_of="2025-06-30")
    assert "dissent" not in {m["id"] for m in v["missing_facts"]}
    unknown = evaluate(rb, {}, jurisdiction, as_of="2025-06-30")
    assert "dissent" in {m["id"] for m in unknown["missing_facts"]}
    assert all(c["fact"] != "dissent" for c in present.shown_changes(rb, unknown))
    assert "dissent" not in {fid for fid, _, _ in present.answers(rb, unknown)}
    page = present.verdict_html(rb, unknown)
    question = rb.fact("dissent").question
    item = next(li for li in page.split("<li>") if question in li and "data-rc-goto" in li)
    assert 'data-rc-goto="decision_procedure"' in item and rb.fact("decision_procedure").question in item
    first = present.asked_after(rb, "dissent")
    assert first is not None and first[0] == "decision_procedure"
    assert f"{question}（{first[1]}）" in present.verdict_text(rb, unknown)


@pytest.mark.parametrize("change,expect,fix", [
    ("value_if_not_asked: none", "事实 dissent 没有取值 'nothing'", "value_if_not_asked: nothing"),
    ("    asked_when: {decision_procedure: [followed]}\n", "value_if_not_asked 只用于带 asked_when 的题目", ""),
])
def test_a_bad_value_if_not_asked_is_reported_at_its_line(tmp_path, change, expect, fix):
    rules = copy_rules(tmp_path)
    facts = rules / "facts.yaml"
    edit(facts, change, fix)
    line = first_item_line(facts, "    value_if_not_asked: ")
    code, out, _ = run(["lint", "--rules", str(rules)])
    assert code == 1 and f"facts.yaml:{line}: {expect}" in out, out
