"""An independent reading of the case files and of the checker, for comparing with the pages the
build generates (not an import of rongcuo_site/case_library.py: the tests must not trust the code they test)."""

from __future__ import annotations

from pathlib import Path

from selfcheck.explain import evaluate
from selfcheck.lint import read_front_matter

DECISION_TO_OUTCOME = {"exempted": "eligible", "reduced": "mitigable", "refused": "not_eligible"}


def front(path: Path) -> dict:
    doc, _, _ = read_front_matter(path)
    return doc.data


def as_of(rb, jurisdiction: str, year: int) -> str:
    """The end of the case's year (a province without rules then falls back to the national floor)."""
    return f"{year}-12-31"


def status(rb, data: dict, jurisdiction: str) -> str:
    v = evaluate(rb, data.get("facts") or {}, jurisdiction, as_of(rb, jurisdiction, int(data["year"])))
    want = DECISION_TO_OUTCOME[data["decision"]["outcome"]]
    if v["outcome"] == want:
        return "agree"
    if v["outcome"] == "undetermined" and want in [p["id"] for p in v["possible_outcomes"]]:
        return "undetermined"
    if want == "eligible" and v["coverage"]["gap"] == "yes":
        return "not_covered"
    return "disagree"


def tally(rb, case_dir: Path) -> dict:
    out = {j: {"agree": 0, "undetermined": 0, "not_covered": 0, "disagree": 0} for j in rb.jurisdictions()}
    for p in sorted(case_dir.glob("*.md")):
        if p.name in ("index.md", "agreement.md"):
            continue
        data = front(p)
        if data.get("kind") == "discipline":  # not a 容错 decision: never in the agreement tallies
            continue
        for j in rb.jurisdictions():
            out[j][status(rb, data, j)] += 1
    return out
