"""The typed model of a compiled rule base. Standard library only (runs in Pyodide)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

UNKNOWN = "unknown"
OUTCOMES = ("eligible", "mitigable", "not_eligible", "undetermined")
# Item kinds, in evaluation order. The tolerance track (容错): exclusions (负面清单), conditions,
# situations and reductions (容错减责); the general track of 问责/处分: aggravations (从重加重) and
# mitigations (从轻减轻), evaluated whether or not an exclusion is hit.
KINDS = ("exclusions", "aggravations", "conditions", "situations", "reductions", "mitigations")
TOLERANCE_KINDS = ("exclusions", "conditions", "situations", "reductions")
GENERAL_KINDS = ("aggravations", "mitigations")
LOSS_LEVEL = "loss_level"  # the fact whose values are the loss levels that scale.yaml grades quantities into


@dataclass(frozen=True)
class Value:
    id: str
    label: str
    help: str = ""


@dataclass(frozen=True)
class Fact:
    id: str
    question: str
    help: str
    dimension: str
    ordered: bool
    values: tuple[Value, ...]
    topic: str = ""  # a short name for sentences ("造成的损失"); the question without its mark if none
    # asked only when one of these earlier facts has one of these values (facts.yaml asked_when)
    asked_when: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # the answer taken when the earlier answers are known and the question is therefore not put
    # (facts.yaml value_if_not_asked); "" = it stays unknown
    value_if_not_asked: str = ""

    @property
    def name(self) -> str:
        return self.topic or self.question.rstrip("？?")

    def is_asked(self, answers: dict[str, Any]) -> bool:
        """Whether the question is put, given the answers so far (an unasked fact stays unknown)."""
        return not self.asked_when or any(answers.get(f) in vals for f, vals in self.asked_when)

    def not_asked_given(self, answers: dict[str, Any]) -> bool:
        """Whether the earlier answers are known and rule the question out (not merely unanswered)."""
        return bool(self.asked_when) and not self.is_asked(answers) and all(
            answers.get(f, "unknown") != "unknown" for f, _ in self.asked_when)

    @cached_property
    def value_ids(self) -> tuple[str, ...]:
        return tuple(v.id for v in self.values)

    def label(self, value_id: str, unknown_label: str = "不清楚") -> str:
        for v in self.values:
            if v.id == value_id:
                return v.label
        return unknown_label


@dataclass(frozen=True)
class Quantity:
    id: str
    question: str
    help: str
    unit: str
    whole: bool = False  # a count (people): whole numbers only (facts.yaml `whole`)


@dataclass(frozen=True)
class Item:
    kind: str
    id: str
    title: str
    when: dict[str, Any]
    text: str
    verbatim: bool
    cite: dict[str, Any]
    effective: str | None = None
    until: str | None = None
    note: str = ""
    origin: str = ""  # the rule set the item comes from (a base set's id when inherited)
    replaces: str | None = None  # the inherited item this one replaces

    def in_force(self, as_of: str) -> bool:
        return (self.effective is None or self.effective <= as_of) and (self.until is None or as_of < self.until)


@dataclass(frozen=True)
class Distinction:
    id: str
    title: str
    tolerable_side: str
    other_side: str
    tolerable_when: dict[str, Any]
    other_when: dict[str, Any]
    text: str
    cite: dict[str, Any]


@dataclass(frozen=True)
class RuleSet:
    id: str
    jurisdiction: str
    title: str
    short: str
    issuer: str
    number: str | None
    effective: str
    until: str | None
    last_reviewed: str
    source: dict[str, Any]
    note: str
    items: dict[str, tuple[Item, ...]]
    distinctions: tuple[Distinction, ...]
    advice: dict[str, str]
    extends: str | None = None  # the base rule set (national) whose items this set inherits
    coverage: dict[str, Any] = field(default_factory=dict)  # {complete: bool, note: str}
    scope: str = ""

    def in_force(self, as_of: str) -> bool:
        return self.effective <= as_of and (self.until is None or as_of < self.until)

    def all_items(self) -> list[Item]:
        return [it for kind in KINDS for it in self.items[kind]]


@dataclass
class RuleBase:
    facts: tuple[Fact, ...]
    quantities: tuple[Quantity, ...]
    dimensions: tuple[dict[str, str], ...]
    unknown_label: str
    texts: dict[str, Any]
    scale: dict[str, Any] | None
    rulesets: tuple[RuleSet, ...]
    procedures: dict[str, Any]
    version: str
    legacy: tuple[dict[str, Any], ...] = ()  # retired or split facts, still accepted in facts files
    compiled: dict[str, Any] = field(repr=False, default_factory=dict)

    @classmethod
    def from_compiled(cls, data: dict[str, Any]) -> RuleBase:
        facts = tuple(
            Fact(f["id"], f["question"], f["help"], f["dimension"], f["ordered"],
                 tuple(Value(v["id"], v["label"], v.get("help", "")) for v in f["values"]), f.get("topic", ""),
                 tuple((k, tuple(vs)) for k, vs in f.get("asked_when", {}).items()),
                 f.get("value_if_not_asked", ""))
            for f in data["facts"]
        )
        quantities = tuple(Quantity(q["id"], q["question"], q["help"], q["unit"], bool(q.get("whole")))
                           for q in data["quantities"])
        rulesets = []
        for rs in data["rulesets"]:
            items = {
                kind: tuple(Item(kind, it["id"], it["title"], it["when"], it["text"], it["verbatim"], it["cite"],
                                 it.get("effective"), it.get("until"), it.get("note", ""),
                                 it.get("origin") or rs["id"], it.get("replaces"))
                            for it in rs.get(kind, []))
                for kind in KINDS
            }
            distinctions = tuple(
                Distinction(d["id"], d["title"], d["tolerable_side"], d["other_side"], d["tolerable_when"],
                            d["other_when"], d["text"], d["cite"])
                for d in rs.get("distinctions", [])
            )
            rulesets.append(RuleSet(rs["id"], rs["jurisdiction"], rs["title"], rs["short"], rs["issuer"],
                                    rs.get("number"), rs["effective"], rs.get("until"), rs["last_reviewed"],
                                    rs["source"], rs.get("note", ""), items, distinctions, rs.get("advice", {}),
                                    rs.get("extends"), rs.get("coverage") or {"complete": True, "note": ""},
                                    rs.get("scope", "")))
        return cls(facts, quantities, tuple(data["dimensions"]), data["unknown_label"], data["texts"],
                   data.get("scale"), tuple(rulesets), data.get("procedures", {}), rules_version(data),
                   tuple(data.get("legacy", [])), data)

    # -- look-ups -------------------------------------------------------------------------------------
    def fact(self, fact_id: str) -> Fact:
        for f in self.facts:
            if f.id == fact_id:
                return f
        raise KeyError(fact_id)

    @property
    def loss_levels(self) -> tuple[str, ...]:
        """The loss levels from none to the most severe: the values of the fact loss_level
        (facts.yaml). The first means no loss, the second a loss below every threshold of scale.yaml,
        which names the others."""
        return next((f.value_ids for f in self.facts if f.id == LOSS_LEVEL), ())

    @property
    def quantity_ids(self) -> tuple[str, ...]:
        return tuple(q.id for q in self.quantities)

    def jurisdictions(self) -> list[str]:
        out: list[str] = []
        for rs in self.rulesets:
            if rs.jurisdiction not in out:
                out.append(rs.jurisdiction)
        order = {"national": 0}
        return sorted(out, key=lambda j: (order.get(j, 1), j))

    def ruleset_for(self, jurisdiction: str, as_of: str) -> RuleSet | None:
        for rs in self.rulesets:
            if rs.jurisdiction == jurisdiction and rs.in_force(as_of):
                return rs
        return None

    def ruleset(self, ruleset_id: str) -> RuleSet:
        for rs in self.rulesets:
            if rs.id == ruleset_id:
                return rs
        raise KeyError(ruleset_id)

    def latest(self, jurisdiction: str) -> RuleSet:
        sets = [rs for rs in self.rulesets if rs.jurisdiction == jurisdiction]
        return max(sets, key=lambda r: r.effective)

    def distinctions(self) -> tuple[Distinction, ...]:
        """The 三个区分开来 (held in the national rule set; shared by every jurisdiction)."""
        for rs in self.rulesets:
            if rs.distinctions:
                return rs.distinctions
        return ()

    def to_json(self) -> str:
        return canonical_json(self.compiled)


def canonical_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def rules_version(compiled: dict[str, Any]) -> str:
    """The hash of the compiled rules: the same in the CLI and in the browser."""
    return hashlib.sha256(canonical_json(compiled).encode("utf-8")).hexdigest()[:12]
