"""An independent, brute-force reference for the checker's semantics (used only by the tests).

It evaluates `when` expressions on complete facts directly from the rule data and enumerates
completions of unknown facts one by one — slow, simple, and written without the engine's code.
"""

from __future__ import annotations

import itertools
from typing import Any

ORDER = {"loss_level": ("none", "ordinary", "larger", "major", "especially_major")}


def holds(when: dict[str, Any], facts: dict[str, str], order: dict[str, list[str]]) -> bool:
    if "all" in when:
        return all(holds(w, facts, order) for w in when["all"])
    if "any" in when:
        return any(holds(w, facts, order) for w in when["any"])
    if "not" in when:
        return not holds(when["not"], facts, order)
    value = facts[when["fact"]]
    if "is" in when:
        return value == when["is"]
    if "in" in when:
        return value in when["in"]
    values = order[when["fact"]]
    if "at_most" in when:
        return values.index(value) <= values.index(when["at_most"])
    return values.index(value) >= values.index(when["at_least"])


def values(rs: Any, kind: str, facts: dict[str, str], order: dict[str, list[str]], as_of: str) -> list[bool]:
    return [holds(it.when, facts, order) for it in rs.items[kind] if it.in_force(as_of)]


def tolerance(rs: Any, facts: dict[str, str], order: dict[str, list[str]], as_of: str) -> str:
    """The 容错 track: exempt (免责), reduced (容错减责) or refused (不予容错)."""
    excluded = any(values(rs, "exclusions", facts, order, as_of))
    aggravated = any(values(rs, "aggravations", facts, order, as_of))
    conditions = all(values(rs, "conditions", facts, order, as_of))
    if not excluded and not aggravated and conditions and any(values(rs, "situations", facts, order, as_of)):
        return "exempt"
    if not excluded and any(values(rs, "reductions", facts, order, as_of)):
        return "reduced"
    return "refused"


def outcome(rs: Any, facts: dict[str, str], order: dict[str, list[str]], as_of: str) -> str:
    track = tolerance(rs, facts, order, as_of)
    if track == "exempt":
        return "eligible"
    if track == "reduced" or any(values(rs, "mitigations", facts, order, as_of)):
        return "mitigable"
    return "not_eligible"


def implied(rb: Any, facts: dict[str, str]) -> dict[str, str]:
    """The facts with each unknown, unasked question set to its declared answer (facts.yaml
    value_if_not_asked) where every earlier fact it depends on is given and none puts it."""
    out = dict(facts)
    for f in rb.facts:
        if not f.value_if_not_asked or out.get(f.id, "unknown") != "unknown":
            continue
        given = [out.get(dep, "unknown") for dep, _ in f.asked_when]
        if "unknown" not in given and not any(out[dep] in vals for dep, vals in f.asked_when):
            out[f.id] = f.value_if_not_asked
    return out


def completions(rb: Any, facts: dict[str, str]) -> itertools.product:
    facts = implied(rb, facts)
    domains = [[facts[f.id]] if facts.get(f.id, "unknown") != "unknown" else list(f.value_ids) for f in rb.facts]
    ids = [f.id for f in rb.facts]
    return (dict(zip(ids, combo, strict=True)) for combo in itertools.product(*domains))


def order_of(rb: Any) -> dict[str, list[str]]:
    return {f.id: list(f.value_ids) for f in rb.facts}
