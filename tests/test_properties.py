"""Property tests over the whole fact space, for every rule set."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selfcheck.explain import evaluate

from . import oracle
from .conftest import RULES

AS_OF = "2025-06-30"
RANK = {"not_eligible": 0, "mitigable": 1, "eligible": 2}
ORDERED = ("compliance", "loss_level", "public_impact", "remedy")
# Never 容错免责: private benefit, knowing violation, collusion, political, moral or
# illegal error, explicit prohibition, concealment, negligence, a repeat offence, not telling the truth.
FORBIDDEN = [("improper_benefit", ("self", "others", "unit")), ("intent", ("knowing_violation", "collusion_or_fraud")),
             ("error_nature", ("political", "moral", "illegal")), ("compliance", ("prohibited",)),
             ("remedy", ("concealed",)), ("cause", ("negligence",)), ("repeat", ("yes",)), ("cooperation", ("no",))]
# Changes that only add a mitigating circumstance or take away an aggravating one (unordered facts).
KINDER = [("cooperation", "no", "yes"), ("repeat", "yes", "no")]
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _rb():
    from selfcheck.load import load_rulebase

    return load_rulebase(RULES)


RB = _rb()
JURISDICTIONS = RB.jurisdictions()


def facts_strategy(unknown_weight: float):
    """Each fact: one of its values, or unknown with probability about unknown_weight."""
    parts = {}
    for f in RB.facts:
        values = st.sampled_from(f.value_ids)
        parts[f.id] = st.one_of(values, st.just("unknown")) if unknown_weight > 0 else values
    return st.fixed_dictionaries(parts)


complete = facts_strategy(0)
partial = facts_strategy(0.5)


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
@pytest.mark.parametrize("fact,values", FORBIDDEN, ids=[f for f, _ in FORBIDDEN])
@SETTINGS
@given(data=st.data())
def test_forbidden_facts_never_eligible(jurisdiction, fact, values, data):
    facts = data.draw(partial)
    facts[fact] = data.draw(st.sampled_from(values))
    v = evaluate(RB, facts, jurisdiction, AS_OF)
    assert "eligible" not in [o["id"] for o in v["possible_outcomes"]], (facts, v["outcome"])


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
@SETTINGS
@given(data=st.data())
def test_no_exemption_above_the_severity_threshold(jurisdiction, data):
    """Major or worse losses, or 重大恶劣影响, never give 容错免责 unless force majeure caused them."""
    facts = data.draw(partial)
    if data.draw(st.booleans()):
        facts["loss_level"] = data.draw(st.sampled_from(["major", "especially_major"]))
    else:
        facts["public_impact"] = "severe"
    facts["cause"] = data.draw(st.sampled_from([c for c in RB.fact("cause").value_ids if c != "force_majeure"]))
    v = evaluate(RB, facts, jurisdiction, AS_OF)
    assert "eligible" not in [o["id"] for o in v["possible_outcomes"]], (facts, v["outcome"])


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
@pytest.mark.parametrize("fact,worse,better", KINDER, ids=[f for f, _, _ in KINDER])
@SETTINGS
@given(facts=complete)
def test_a_mitigating_circumstance_never_worsens(jurisdiction, fact, worse, better, facts):
    a = evaluate(RB, dict(facts, **{fact: worse}), jurisdiction, AS_OF)["outcome"]
    b = evaluate(RB, dict(facts, **{fact: better}), jurisdiction, AS_OF)["outcome"]
    assert RANK[b] >= RANK[a], (facts, fact, a, b)


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
@settings(max_examples=60, deadline=None)
@given(facts=complete, data=st.data())
def test_adding_a_mitigation_item_never_worsens(jurisdiction, facts, data):
    """A rule set with one more 从轻减轻 item (on any fact value) never gives a worse outcome."""
    import copy

    from selfcheck.model import RuleBase

    fact = data.draw(st.sampled_from([f.id for f in RB.facts]))
    value = data.draw(st.sampled_from(RB.fact(fact).value_ids))
    compiled = copy.deepcopy(RB.compiled)
    rs = next(r for r in compiled["rulesets"] if r["id"] == RB.ruleset_for(jurisdiction, AS_OF).id)
    rs["mitigations"].append({**rs["mitigations"][0], "id": "test-extra-mitigation", "origin": rs["id"],
                              "effective": None, "until": None, "when": {"fact": fact, "is": value}})
    more = RuleBase.from_compiled(compiled)
    a = evaluate(RB, facts, jurisdiction, AS_OF)["outcome"]
    b = evaluate(more, facts, jurisdiction, AS_OF)["outcome"]
    assert RANK[b] >= RANK[a], (facts, fact, value, a, b)


PROVINCES = [j for j in JURISDICTIONS if RB.ruleset_for(j, AS_OF).extends]


@pytest.mark.parametrize("jurisdiction", PROVINCES)
@settings(max_examples=300, deadline=None)
@given(facts=complete)
def test_a_province_is_never_more_lenient_than_the_national_floor(jurisdiction, facts):
    """Where a national exclusion or aggravation is hit, or a national condition unmet, no province
    gives 容错免责 (the province may add situations, never lift the floor)."""
    national = RB.ruleset_for("national", AS_OF)
    order = oracle.order_of(RB)
    barred = (any(oracle.values(national, "exclusions", facts, order, AS_OF))
              or any(oracle.values(national, "aggravations", facts, order, AS_OF))
              or not all(oracle.values(national, "conditions", facts, order, AS_OF)))
    v = evaluate(RB, facts, jurisdiction, AS_OF)
    if barred:
        assert v["outcome"] != "eligible", facts
    inherited = {it.id for it in national.all_items()}
    own = {it.id for it in RB.ruleset_for(jurisdiction, AS_OF).all_items()}
    assert inherited <= own, inherited - own


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
@pytest.mark.parametrize("fact", ORDERED)
@SETTINGS
@given(data=st.data())
def test_worse_never_better(jurisdiction, fact, data):
    facts = data.draw(complete)
    values = list(RB.fact(fact).value_ids)
    i = values.index(facts[fact])
    if i == len(values) - 1:
        return
    worse = dict(facts, **{fact: data.draw(st.sampled_from(values[i + 1:]))})
    a = evaluate(RB, facts, jurisdiction, AS_OF)["outcome"]
    b = evaluate(RB, worse, jurisdiction, AS_OF)["outcome"]
    assert RANK[b] <= RANK[a], (facts, fact, worse[fact], a, b)


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
@SETTINGS
@given(facts=complete)
def test_complete_facts_match_the_oracle(jurisdiction, facts):
    rs = RB.ruleset_for(jurisdiction, AS_OF)
    v = evaluate(RB, facts, jurisdiction, AS_OF)
    assert v["outcome"] == oracle.outcome(rs, facts, oracle.order_of(RB), AS_OF)
    track = v["tracks"]["tolerance"]["status"]
    expected = oracle.tolerance(rs, facts, oracle.order_of(RB), AS_OF)
    assert track == expected or (track == "not_covered" and expected == "refused"), (track, expected)
    assert not v["missing_facts"]


def _small_partial(data, limit: int = 4000):
    """Partial facts whose completions are few enough to enumerate."""
    facts = data.draw(complete)
    order = data.draw(st.permutations([f.id for f in RB.facts]))
    size = 1
    for fid in order:
        n = len(RB.fact(fid).value_ids)
        if size * n <= limit and data.draw(st.booleans()):
            facts[fid] = "unknown"
            size *= n
    return facts


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_unknowns_are_exact(jurisdiction, data):
    """possible_outcomes is exactly the set of outcomes over every completion; item statuses too."""
    facts = _small_partial(data)
    rs = RB.ruleset_for(jurisdiction, AS_OF)
    order = oracle.order_of(RB)
    v = evaluate(RB, facts, jurisdiction, AS_OF)
    seen = set()
    item_values: dict[str, set[bool]] = {}
    for full in oracle.completions(RB, facts):
        seen.add(oracle.outcome(rs, full, order, AS_OF))
        for it in rs.all_items():
            item_values.setdefault(it.id, set()).add(oracle.holds(it.when, full, order))
    assert [o["id"] for o in v["possible_outcomes"]] == [o for o in ("eligible", "mitigable", "not_eligible") if o in seen]
    assert v["outcome"] == (next(iter(seen)) if len(seen) == 1 else "undetermined")
    for r in v["reasons"]:
        vals = item_values[r["id"]]
        expected = "unknown" if len(vals) == 2 else ({True: "hit", False: "not_hit"} if r["kind"] in ("exclusions", "aggravations")
                                                      else {True: "met", False: "unmet"})[vals.pop()]
        assert r["status"] == expected, (r["id"], facts)


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
@settings(max_examples=60, deadline=None)
@given(facts=partial, data=st.data())
def test_determinate_verdicts_hold_for_sampled_completions(jurisdiction, facts, data):
    """With many unknowns (too many completions to enumerate), sampled completions never contradict."""
    rs = RB.ruleset_for(jurisdiction, AS_OF)
    order = oracle.order_of(RB)
    v = evaluate(RB, facts, jurisdiction, AS_OF)
    possible = {o["id"] for o in v["possible_outcomes"]}
    facts = oracle.implied(RB, facts)
    for _ in range(30):
        full = {f.id: facts[f.id] if facts[f.id] != "unknown" else data.draw(st.sampled_from(f.value_ids))
                for f in RB.facts}
        assert oracle.outcome(rs, full, order, AS_OF) in possible


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
@settings(max_examples=80, deadline=None)
@given(facts=partial)
def test_would_change_really_changes(jurisdiction, facts):
    v = evaluate(RB, facts, jurisdiction, AS_OF)
    for change in v["would_change"]:
        changed = dict(facts, **{change["fact"]: change["to"]})
        w = evaluate(RB, changed, jurisdiction, AS_OF)
        assert w["outcome"] == change["outcome"] != v["outcome"], change


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
@settings(max_examples=40, deadline=None)
@given(facts=complete)
def test_would_change_is_complete_for_complete_facts(jurisdiction, facts):
    """Every single-fact change that alters the outcome is listed (checked against the oracle)."""
    rs = RB.ruleset_for(jurisdiction, AS_OF)
    order = oracle.order_of(RB)
    v = evaluate(RB, facts, jurisdiction, AS_OF)
    listed = {(c["fact"], c["to"]) for c in v["would_change"]}
    for f in RB.facts:
        for value in f.value_ids:
            if value == facts[f.id]:
                continue
            new = oracle.outcome(rs, dict(facts, **{f.id: value}), order, AS_OF)
            assert ((f.id, value) in listed) == (new != v["outcome"]), (f.id, value)


def test_fact_space_is_large():
    """The reason the engine must not enumerate: the full space has millions of completions."""
    assert math.prod(len(f.values) for f in RB.facts) > 1_000_000


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
@settings(max_examples=60, deadline=None)
@given(facts=partial)
def test_fast_json_equals_json_dumps(jurisdiction, facts):
    import json

    from selfcheck.explain import dumps

    v = evaluate(RB, facts, jurisdiction, AS_OF)
    assert dumps(v) == json.dumps(v, ensure_ascii=False, separators=(",", ":"))


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
@settings(max_examples=30, deadline=None)
@given(facts=partial)
def test_utf8_json_equals_text_json(jurisdiction, facts):
    from selfcheck.explain import dumps, dumps_utf8

    v = evaluate(RB, facts, jurisdiction, AS_OF)
    assert dumps_utf8(v) == dumps(v).encode("utf-8")


@settings(max_examples=30, deadline=None)
@given(facts=partial)
def test_compare_json_equals_json_dumps(facts):
    import json

    from selfcheck.explain import compare, dumps_compare

    c = compare(RB, facts, AS_OF)
    assert dumps_compare(c) == json.dumps(c, ensure_ascii=False, separators=(",", ":"))
