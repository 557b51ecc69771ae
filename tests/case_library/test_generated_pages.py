"""The pages the build generates: the index lists every case, every case page carries the checker's
verdict for each jurisdiction, and the agreement table is computed by the checker at build time."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from selfcheck.load import load_rulebase

from . import expected
from .conftest import BROKEN, ROOT, build, case_warnings, copy_project, text_of, verdict_rows

ROW = re.compile(r"<tr data-case=\"([^\"]+)\"([^>]*)>(.*?)</tr>", re.S)
LABEL = {"agree": "一致", "undetermined": "事实不足", "not_covered": "收录条文未涵盖", "disagree": "不一致"}

pytestmark = pytest.mark.build  # every test here builds the case library (a project copy)


def agreement_rows(site: Path) -> dict[str, tuple[int, ...]]:
    page = (site / "cases" / "agreement" / "index.html").read_text(encoding="utf-8")
    out = {}
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.S):
        cells = [text_of(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        if len(cells) == 6 and all(c.isdigit() for c in cells[1:]):
            out[cells[0].strip("*")] = tuple(int(c) for c in cells[1:])
    return out


def test_build_reports_no_case_problem(library_build):
    assert case_warnings(library_build["warnings"]) == []


def test_index_lists_every_case_with_working_links(library_build, case_files):
    site = library_build["site"]
    page = (site / "cases" / "index.html").read_text(encoding="utf-8")
    rows = ROW.findall(page)
    assert sorted(r[0] for r in rows) == sorted(p.stem for p in case_files)
    for stem, _, cells in rows:
        href = re.search(r'href="([^"]+)"', cells).group(1)
        target = (site / "cases" / href).resolve()
        assert (target / "index.html").exists() or target.exists(), f"{stem}: link {href} is broken"
    assert '<script src="../assets/cases/filter.js"></script>' in page
    assert (site / "assets" / "cases" / "filter.js").exists()
    assert not re.search(r"<script>(?!\s*</script>)", page.split('<article', 1)[1].split("</article>", 1)[0]), \
        "no inline script in the case index (the CSP allows only same-origin files)"


def test_index_rows_carry_the_filter_fields(library_build, case_files):
    page = (library_build["site"] / "cases" / "index.html").read_text(encoding="utf-8")
    rows = {stem: attrs for stem, attrs, _ in ROW.findall(page)}
    for p in case_files:
        d = expected.front(p)
        attrs = dict(re.findall(r'data-([a-z]+)="([^"]*)"', rows[p.stem]))
        assert attrs == {"outcome": d["decision"]["outcome"], "province": html.escape(d["province"]),
                         "distinction": d["distinction"], "year": str(d["year"])}


def test_each_case_page_shows_the_checker_verdict_per_jurisdiction(library_build, rulebase, case_files):
    site = library_build["site"]
    for p in case_files:
        d = expected.front(p)
        body = (site / "cases" / p.stem / "index.html").read_text(encoding="utf-8")
        rows = verdict_rows(body, "实际决定与自查工具的推演")
        assert [r[0] for r in rows] == [rulebase.latest(j).short for j in rulebase.jurisdictions()], p.stem
        for j, r in zip(rulebase.jurisdictions(), rows, strict=True):
            assert r[1].rstrip("※") == expected.as_of(rulebase, j, int(d["year"])), (p.stem, j)
            assert r[3] == LABEL[expected.status(rulebase, d, j)], (p.stem, j, r)
            if r[3] == "不一致":
                assert re.sub(r"\s", "", d["disagreement"][j]["reason"])[:40] in re.sub(r"\s", "", r[4]), (p.stem, j)
        assert str(d["source"]["url"]) in html.unescape(body)


def test_agreement_table_is_the_checkers(library_build, rulebase):
    project = library_build["project"]
    want = expected.tally(rulebase, project / "content" / "cases")
    got = agreement_rows(library_build["site"])
    for j in rulebase.jurisdictions():
        w = want[j]
        assert got[rulebase.latest(j).short] == (w["agree"], w["undetermined"], w["not_covered"], w["disagree"],
                                                 sum(w.values())), j
    total = tuple(sum(want[j][k] for j in want) for k in ("agree", "undetermined", "not_covered", "disagree"))
    assert got["合计（案例×规则）"][:4] == total


def test_agreement_table_changes_when_a_case_changes(tmp_path):
    """Give a case complete, favourable facts in a copy: the checker now agrees with the published
    免责 decision, and the agreement table built from the copy says so."""
    project = copy_project(tmp_path / "project")
    rb = load_rulebase(project / "rules")
    cases = project / "content" / "cases"
    before = expected.tally(rb, cases)
    case = cases / "2025-huaian-qingjiangpu-civil-air-defence.md"
    text = case.read_text(encoding="utf-8")
    favourable = ("facts:\n  work_context: reform_pilot\n  rules_clarity: unclear\n  compliance: followed\n"
                  "  decision_procedure: followed\n"
                  "  improper_benefit: none\n  intent: inadvertent\n  error_nature: work\n  cause: inexperience\n"
                  "  loss_level: none\n  public_impact: none\n  liability_accident: \"no\"\n  remedy: proactive\n"
                  "  cooperation: \"yes\"\n  repeat: \"no\"\n  dissent: none\n")
    head, _, rest = text.partition("facts:\n")
    rest = rest.split("\nsource:", 1)[1]
    case.write_text(head + favourable + "source:" + rest, encoding="utf-8")
    after_want = expected.tally(rb, cases)
    assert after_want != before
    assert sum(after_want[j]["agree"] for j in after_want) > sum(before[j]["agree"] for j in before)
    code, warnings = build(project, tmp_path / "site")
    assert case_warnings(warnings) == [], warnings
    got = agreement_rows(tmp_path / "site")
    for j in rb.jurisdictions():
        w = after_want[j]
        assert got[rb.latest(j).short][:4] == (w["agree"], w["undetermined"], w["not_covered"], w["disagree"]), j


def test_disagreement_without_reason_fails_the_strict_build(broken_cases):
    assert broken_cases["code"] != 0
    warnings = broken_cases["warnings"]
    mine = [w for w in warnings if f"{BROKEN['disagreement']}:" in w and "disagreement" in w]
    assert len(mine) == len(load_rulebase(ROOT / "rules").jurisdictions()), warnings


def test_case_front_matter_error_fails_with_file_and_line(broken_cases):
    case = broken_cases["project"] / "content" / "cases" / BROKEN["outcome"]
    line = next(i for i, text_line in enumerate(case.read_text(encoding="utf-8").splitlines(), 1) if "forgiven" in text_line)
    assert broken_cases["code"] != 0
    warnings = broken_cases["warnings"]
    assert any(f"content/cases/{BROKEN['outcome']}:{line}" in w and "forgiven" in w for w in warnings), warnings


def test_invented_case_is_refused(tmp_path):
    project = copy_project(tmp_path / "project")
    case = project / "content" / "cases" / "2019-taixing-village-loan.md"
    case.write_text(case.read_text(encoding="utf-8").replace("kind: real", "kind: fictional", 1), encoding="utf-8")
    code, warnings = build(project, tmp_path / "site", strict=True)
    assert code != 0 and any("2019-taixing-village-loan.md" in w and "training" in w for w in warnings), warnings
