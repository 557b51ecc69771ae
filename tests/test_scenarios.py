"""YAML scenario files: facts -> expected outcome and the reasons that must be met or hit.

tests/scenarios/<jurisdiction>/*.yaml each hold a list of scenarios:

    - name: 改革试点中因缺乏经验出现失误，出于公心、及时补救
      as_of: 2025-06-30            # optional; default: the scenario suite's DEFAULT_AS_OF
      facts: {work_context: reform_pilot, cause: inexperience, ...}
      outcome: eligible
      tolerance: exempt            # optional: the 容错 track (exempt/reduced/refused/not_covered/unknown)
      gap: "yes"                   # optional: the collected text does not cover the situation
      fallback: true               # optional: the jurisdiction's own rules were not in force yet
      reasons: [nat-si-17-1-pilot]  # items whose status must be met (or hit, for exclusions)
      not_reasons: [nat-ex-private-gain]   # optional: items that must NOT be met/hit

tests/scenarios/compare/*.yaml hold scenarios run in several jurisdictions at once: `outcomes` maps each
jurisdiction to its expected outcome (and `why` says why that outcome is right).

A test also fails if any item of any rule set is never met/hit by some scenario.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from selfcheck.explain import evaluate

SCENARIO_DIR = Path(__file__).resolve().parent / "scenarios"
EXAMPLES = Path(__file__).resolve().parent.parent / "content" / "includes" / "examples.yaml"
DEFAULT_AS_OF = "2025-06-30"
DECISIVE = {"met", "hit"}


def load_scenarios() -> list[tuple[str, str, dict[str, Any]]]:
    out = []
    for path in sorted(SCENARIO_DIR.glob("*/*.yaml")):
        for i, sc in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")) or []):
            name = f"{path.parent.name}/{path.name}#{i + 1} {sc.get('name', '')}"
            if path.parent.name == "compare":
                assert sc.get("why"), f"{name}: a comparison scenario says why its outcomes are right"
                for jurisdiction, outcome in sc["outcomes"].items():
                    out.append((jurisdiction, f"{name} [{jurisdiction}]", {**sc, "outcome": outcome}))
            else:
                out.append((path.parent.name, name, sc))
    # the worked examples of the explainer pages: their 容错 track in every rule set
    for ex in (yaml.safe_load(EXAMPLES.read_text(encoding="utf-8")) or {}).get("examples", []):
        for jurisdiction, track in ex["tolerance"].items():
            out.append((jurisdiction, f"examples.yaml {ex['id']} [{jurisdiction}]",
                        {"facts": ex["facts"], "tolerance": track, "as_of": "2026-12-02",
                         "distinctions": ex.get("distinctions", {})}))
    return out


SCENARIOS = load_scenarios()


def test_enough_scenarios():
    assert len(SCENARIOS) >= 60, f"only {len(SCENARIOS)} scenarios; the suite needs at least 60"


@pytest.mark.parametrize("jurisdiction,name,sc", SCENARIOS, ids=[s[1] for s in SCENARIOS])
def test_scenario(rb, jurisdiction, name, sc):
    v = evaluate(rb, sc["facts"], jurisdiction, str(sc.get("as_of", DEFAULT_AS_OF)))
    status = {r["id"]: r["status"] for r in v["reasons"]}
    if "outcome" in sc:
        assert v["outcome"] == sc["outcome"], (name, v["outcome"], [(r["id"], r["status"]) for r in v["reasons"]])
    sides = {d["id"]: d["status"] for d in v["three_distinctions"]}
    for did, side in sc.get("distinctions", {}).items():
        assert sides[did] == side, (name, did, sides[did])
    if "tolerance" in sc:
        assert v["tracks"]["tolerance"]["status"] == sc["tolerance"], (name, v["tracks"])
    if "gap" in sc:
        assert v["coverage"]["gap"] == sc["gap"], (name, v["coverage"])
    assert bool(v["fallback"]) == bool(sc.get("fallback")), (name, v["fallback"])
    for rid in sc.get("reasons", []):
        assert rid in status, f"{name}: reason {rid} is not an item of {jurisdiction} in force"
        assert status[rid] in DECISIVE, f"{name}: {rid} is {status[rid]}, expected met/hit"
    for rid in sc.get("not_reasons", []):
        assert status.get(rid) not in DECISIVE, f"{name}: {rid} should not be met/hit"
    if sc.get("outcome") == "undetermined":
        expected = sc.get("possible")
        if expected:
            assert [o["id"] for o in v["possible_outcomes"]] == expected


def test_every_item_is_exercised(rb):
    """Every exclusion, condition, situation and mitigation is met/hit by at least one scenario."""
    exercised: set[str] = set()
    for jurisdiction, _, sc in SCENARIOS:
        v = evaluate(rb, sc["facts"], jurisdiction, str(sc.get("as_of", DEFAULT_AS_OF)))
        exercised |= {r["id"] for r in v["reasons"] if r["status"] in DECISIVE}
    missing = [it.id for rs in rb.rulesets for it in rs.all_items() if it.id not in exercised]
    assert not missing, f"items never met/hit by any scenario: {missing}"


def test_every_jurisdiction_has_scenarios(rb):
    have = {j for j, _, _ in SCENARIOS}
    assert set(rb.jurisdictions()) <= have, f"no scenarios for {set(rb.jurisdictions()) - have}"
