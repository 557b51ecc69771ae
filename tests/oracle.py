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


def outcome(rs: Any, facts: dict[str, str], order: dict[str, list[str]], as_of: str) -> str:
    def any_of(kind: str) -> bool:
        return any(holds(it.when, facts, order) for it in rs.items[kind] if it.in_force(as_of))

    excluded = any_of("exclusions")
    conditions = all(holds(it.when, facts, order) for it in rs.items["conditions"] if it.in_force(as_of))
    if not excluded and conditions and any_of("situations"):
        return "eligible"
    if excluded:
        return "not_eligible"
    return "mitigable" if any_of("mitigations") else "not_eligible"


def completions(rb: Any, facts: dict[str, str]) -> itertools.product:
    domains = [[facts[f.id]] if facts.get(f.id, "unknown") != "unknown" else list(f.value_ids) for f in rb.facts]
    ids = [f.id for f in rb.facts]
    return (dict(zip(ids, combo, strict=True)) for combo in itertools.product(*domains))


def order_of(rb: Any) -> dict[str, list[str]]:
    return {f.id: list(f.value_ids) for f in rb.facts}
