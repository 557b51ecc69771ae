"""Discipline cases (kind: discipline): published sanctions on the non-tolerable side of a 三个区分开来
line or of a listed exclusion. They are labelled as discipline cases, not 容错 decisions, on the
index and on their own pages; each shows its source and the sanction in the source's words; the
checker's verdict is shown for comparison only (never `eligible`) and kept out of the agreement."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from selfcheck.explain import evaluate
from selfcheck.lint import line_ids, lint_case

from .conftest import text_of, verdict_rows
from .expected import front

HEADING = "违纪违法的一侧（纪律处分案例，不是容错决定）"
BADGE = "纪律处分案例（不是容错决定）"
ROW = re.compile(r"<tr data-discipline=\"([^\"]+)\">(.*?)</tr>", re.S)


def squash(s: str) -> str:
    return re.sub(r"\s", "", html.unescape(s))


def as_of(rb, year: int) -> str:
    return max(f"{year}-12-31", min(rs.effective for rs in rb.rulesets))


# -- the files --------------------------------------------------------------------------------------

def test_at_least_eight_discipline_cases_each_with_a_named_line(rulebase, discipline_files):
    assert len(discipline_files) >= 8
    named = [p for p in discipline_files if any(x["id"] != "unknown" for x in front(p)["line"])]
    assert len(named) >= 8, [p.name for p in discipline_files]
    known = line_ids(rulebase)
    for p in discipline_files:
        assert lint_case(rulebase, p) == [], p.name
        d = front(p)
        assert d["kind"] == "discipline" and "decision" not in d and "distinction" not in d, p.name
        assert str(d["sanction"]).strip(), p.name
        assert d["source"]["reliability"] in ("official", "secondary", "weak"), p.name
        assert str(d["source"]["url"]).startswith(("http://", "https://")), p.name
        for x in d["line"]:
            assert x["id"] in known and str(x["words"]).strip(), (p.name, x)
        m = re.fullmatch(r"disc-(\d{4})-[a-z0-9]+(?:-[a-z0-9]+)*\.md", p.name)
        assert m and int(m.group(1)) == d["year"], p.name


def test_no_discipline_case_comes_out_eligible(rulebase, discipline_files):
    """The checker, on the facts each source states, never says 符合容错情形 for a discipline case;
    where the source's own words state the conduct of the line, 符合容错情形 is not even possible."""
    for p in discipline_files:
        d = front(p)
        stated = any(x.get("basis") == "stated" for x in d["line"])
        for j in rulebase.jurisdictions():
            v = evaluate(rulebase, d.get("facts") or {}, j, as_of(rulebase, d["year"]))
            assert v["outcome"] != "eligible", (p.name, j)
            if stated:
                assert "eligible" not in {x["id"] for x in v["possible_outcomes"]}, (p.name, j, v["outcome"])


# -- the built pages --------------------------------------------------------------------------------

def test_index_lists_the_discipline_cases_in_their_own_labelled_section(library_build, discipline_files):
    site = library_build["site"]
    page = (site / "cases" / "index.html").read_text(encoding="utf-8")
    assert HEADING in html.unescape(page)
    section = page.split('id="rc-discipline"', 1)[1].split("</table>", 1)[0]
    rows = ROW.findall(section)
    assert sorted(stem for stem, _ in rows) == sorted(p.stem for p in discipline_files)
    assert len(rows) >= 8
    for stem, cells in rows:
        assert BADGE in text_of(cells), stem
        assert front(next(p for p in discipline_files if p.stem == stem))["title"] in text_of(cells)
        href = re.search(r'href="([^"]+)"', cells).group(1)
        target = (site / "cases" / href).resolve()
        assert (target / "index.html").exists(), f"{stem}: link {href} is broken"
    table = page.split('id="rc-cases"', 1)[1].split("</table>", 1)[0]
    assert not any(p.stem in table for p in discipline_files), "discipline cases are not in the 容错 table"


def test_each_discipline_page_shows_label_source_sanction_and_line(library_build, rulebase, discipline_files):
    site = library_build["site"]
    for p in discipline_files:
        d = front(p)
        body = (site / "cases" / p.stem / "index.html").read_text(encoding="utf-8")
        article = body.split("<article", 1)[1].split("</article>", 1)[0]
        text = squash(text_of(article))
        assert squash(BADGE) in text, p.stem
        assert squash(str(d["sanction"])) in text, p.stem
        assert f'href="{html.escape(str(d["source"]["url"]))}"' in article or str(d["source"]["url"]) in html.unescape(article)
        assert squash(d["source"]["title"]) in text and squash(d["source"]["publisher"]) in text, p.stem
        for x in d["line"]:
            assert squash(str(x["words"])) in text, (p.stem, x["id"])
            assert x["id"] not in text_of(article).split(), p.stem  # the label, never the id
        rows = verdict_rows(article, "自查工具的推演（仅供对照）")
        assert [r[0] for r in rows] == [rulebase.latest(j).short for j in rulebase.jurisdictions()], p.stem
        for j, r in zip(rulebase.jurisdictions(), rows, strict=True):
            v = evaluate(rulebase, d.get("facts") or {}, j, as_of(rulebase, d["year"]))
            assert r[1].rstrip("※") == v["as_of"] and squash(r[2]).startswith(squash(v["headline"])), (p.stem, j)


def test_discipline_cases_are_not_in_the_agreement_page(library_build, discipline_files, case_files):
    page = (library_build["site"] / "cases" / "agreement" / "index.html").read_text(encoding="utf-8")
    for p in discipline_files:
        assert p.stem not in page and front(p)["title"] not in html.unescape(page), p.stem
    index = squash(text_of((library_build["site"] / "cases" / "index.html").read_text(encoding="utf-8")))
    assert f"这里收录{len(case_files)}个公开发布的真实案例" in index
    assert f"另有{len(discipline_files)}个公开通报的纪律处分案例" in index


# -- lint: a malformed discipline case ----------------------------------------------------------------

GOOD = """---
title: 某村干部伪造材料套取资金
kind: discipline
region: 某省某县
province: 某省
year: 2020
role: 村党支部书记
line:
  - id: nat-ex-collusion-fraud
    basis: stated
    words: 伪造虚假名册
sanction: 2020年6月，某某被开除党籍。
facts:
  intent: collusion_or_fraud
source:
  publisher: 某县纪委监委
  title: 某通报
  date: 2020-07-01
  url: https://example.gov.cn/x.html
  reliability: official
---

## 主要事由

正文。
"""


def _lint(rulebase, tmp_path: Path, text: str) -> list[str]:
    p = tmp_path / "disc-2020-demo.md"
    p.write_text(text, encoding="utf-8")
    return [str(x) for x in lint_case(rulebase, p)]


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_a_well_formed_discipline_case_passes(rulebase, tmp_path):
    assert _lint(rulebase, tmp_path, GOOD) == []


@pytest.mark.parametrize("old, new, needle, words", [
    ("  - id: nat-ex-collusion-fraud", "  - id: d9", "id: d9", ["未知的界线", "'d9'"]),
    ("    basis: stated", "    basis: guessed", "basis: guessed", ["basis", "guessed"]),
    ("    words: 伪造虚假名册\n", "", "- id: nat-ex-collusion-fraud", ["来源原话", "words"]),
    ("kind: discipline\n", "kind: discipline\ndecision: {outcome: refused, measures: [开除党籍]}\n", "decision:",
     ["decision", "不是容错决定"]),
    ("  reliability: official\n", "", "source:", ["reliability"]),
    ("  intent: collusion_or_fraud", "  intent: on_purpose", "on_purpose", ["intent", "on_purpose"]),
])
def test_a_malformed_discipline_case_is_reported_with_file_and_line(rulebase, tmp_path, old, new, needle, words):
    text = GOOD.replace(old, new, 1)
    assert text != GOOD
    problems = _lint(rulebase, tmp_path, text)
    line = _line_of(text, needle)
    hits = [p for p in problems if f"disc-2020-demo.md:{line}" in p and all(w in p for w in words)]
    assert hits, (line, problems)


def test_a_discipline_case_without_sanction_or_line_is_refused(rulebase, tmp_path):
    text = GOOD.replace("sanction: 2020年6月，某某被开除党籍。\n", "")
    text = text.split("line:\n", 1)[0] + "facts:" + text.split("\nfacts:", 1)[1]
    problems = _lint(rulebase, tmp_path, text)
    assert any('缺少 "sanction"' in p for p in problems) and any('缺少 "line"' in p for p in problems), problems


@pytest.mark.build
def test_a_malformed_discipline_case_fails_the_strict_build(broken_cases):
    name = broken_cases["discipline"]
    line = _line_of((broken_cases["project"] / "content" / "cases" / name).read_text(encoding="utf-8"), "- id: d9")
    assert broken_cases["code"] != 0
    warnings = broken_cases["warnings"]
    assert any(f"content/cases/{name}:{line}" in w and "d9" in w for w in warnings), warnings
