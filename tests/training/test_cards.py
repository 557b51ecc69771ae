"""The trainers' kit cards: every verdict a trainee sees is the checker's, every item of the national
rule set is exercised by some card, invented cards are labelled 虚构 everywhere, real cards take
their facts from the case library."""

from __future__ import annotations

import html
import json
import math
import re
import shutil
from pathlib import Path

import pytest
import yaml

from .conftest import CONTENT, ROOT, card_sources, case_front_matter, tags_with

OUTCOMES = ("eligible", "mitigable", "not_eligible", "undetermined")


def page(built_site: Path, uri: str) -> str:
    return (built_site / uri / "index.html").read_text(encoding="utf-8")


def evaluate(rb, card: dict, as_of: str) -> dict:
    from selfcheck.explain import evaluate as ev

    return ev(rb, card["facts"], card.get("jurisdiction") or "national", as_of)


# ------------------------------------------------------------------------------- verdicts


def test_card_file_shape(cards):
    ids = [c["id"] for c in cards]
    assert len(ids) == len(set(ids)), "card ids repeat"
    assert len(cards) >= 24
    for c in cards:
        assert c["kind"] in ("real", "fictional"), c["id"]
        if c["kind"] == "real":
            # facts, story and title come from the case file, never retyped in the card
            raw = next(x for x in yaml.safe_load((CONTENT / "training" / "cards.yaml").read_text())["cards"]
                       if x["id"] == c["id"])
            assert not {"facts", "story", "title"} & set(raw), c["id"]
            assert c["case_meta"]["kind"] == "real"
        else:
            assert c.get("story") and c.get("title") and isinstance(c.get("facts"), dict), c["id"]
    assert any(c["kind"] == "real" for c in cards) and any(c["kind"] == "fictional" for c in cards)


def test_every_revealed_verdict_is_the_checkers(built_site, cards, rb, build_date):
    """Card page: the data the page script compares with, the revealed outcome label and the status
    of every listed item equal evaluate() on the card's facts (read independently of the plugin)."""
    for c in cards:
        text = page(built_site, f"training/cards/{c['id']}")
        (art,) = [t for t in tags_with(text, "data-rc-card") if t["data-rc-card"] == c["id"]]
        assert art["data-as-of"] == (c.get("as_of") or build_date), c["id"]
        v = evaluate(rb, c, art["data-as-of"])
        assert art["data-outcome"] == v["outcome"], c["id"]
        assert art["data-outcome-label"] == v["label"], c["id"]
        assert json.loads(art["data-status"]) == {r["id"]: r["status"] for r in v["reasons"]}, c["id"]
        reveal = text[text.index('class="rc-reveal"'):]
        m = re.search(r"检查器的结论：([^<]+)</p>", reveal)
        assert m and html.unescape(m.group(1)) == v["label"], c["id"]
        shown = {m.group(2): (m.group(1), html.unescape(m.group(3))) for m in re.finditer(
            r'<li class="rc-sc-r rc-sc-r--(\w+)" data-id="([^"]+)" data-status="\1"><p><span class="rc-sc-status">([^<]+)</span>', reveal)}
        assert shown == {r["id"]: (r["status"], r["status_label"]) for r in v["reasons"]}, c["id"]
        if v["outcome"] == "undetermined":
            for o in v["possible_outcomes"]:
                assert o["label"] in reveal[:reveal.index("</div>")], c["id"]
        for r in v["reasons"]:
            assert html.escape(r["cite"]["document"], quote=True) in reveal or r["cite"]["document"] in reveal, (c["id"], r["id"])


def test_quiz_projector_and_deck_answers_are_the_checkers(built_site, cards, rb):
    art = {t["data-rc-card"]: t for c in cards
           for t in tags_with(page(built_site, f"training/cards/{c['id']}"), "data-rc-card")}
    expected = {c["id"]: evaluate(rb, c, art[c["id"]]["data-as-of"])["outcome"] for c in cards}
    quiz = {t["data-card"]: t["data-answer"] for t in tags_with(page(built_site, "training/quiz"), "data-answer")}
    slides = {t["data-card"]: t["data-outcome"] for t in tags_with(page(built_site, "training/projector"), "data-card")
              if t.get("class") == "rc-slide"}
    deck = {t["data-card"]: t["data-outcome"] for t in tags_with(page(built_site, "training/handouts/deck"), "data-outcome")}
    for got in (quiz, slides, deck):
        assert got == expected


def test_every_national_item_is_covered_by_some_card(cards, rb, today):
    """Fails when an exclusion, aggravation, condition, situation or mitigation of the national set is hit/met by
    no card, or when an outcome has no card."""
    rs = rb.ruleset_for("national", today)
    items = {it.id: it.kind for it in rs.all_items() if it.in_force(today)}
    covered: set[str] = set()
    outcomes: set[str] = set()
    for c in cards:
        if (c.get("jurisdiction") or "national") != "national":
            continue
        v = evaluate(rb, c, today)
        outcomes.add(v["outcome"])
        covered |= {r["id"] for r in v["reasons"] if r["status"] in ("hit", "met")}
    missing = sorted(set(items) - covered)
    assert not missing, f"national items covered by no card: {missing}"
    assert outcomes == set(OUTCOMES), f"outcomes without a card: {set(OUTCOMES) - outcomes}"
    assert {k for k in items.values()} == {"exclusions", "aggravations", "conditions", "situations", "mitigations"}


def test_the_kit_reports_an_uncovered_item(tmp_path, rb, today):
    """The coverage computed by rongcuo_site/training.py (shown in the deck's coverage table and logged at
    build time) names the item that a deck without the only dissent card leaves uncovered."""
    from rongcuo_site import training

    docs = tmp_path / "content"
    (docs / "training").mkdir(parents=True)
    shutil.copytree(CONTENT / "cases", docs / "cases")
    data = yaml.safe_load((CONTENT / "training" / "cards.yaml").read_text(encoding="utf-8"))
    data["cards"] = [c for c in data["cards"] if c.get("facts", {}).get("dissent") != "objected_in_collective_decision"]
    (docs / "training" / "cards.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = training.build_all(docs, rb, today)
    assert not out["problems"]
    uncovered = [it["id"] for it in out["items"] if it["id"] not in out["coverage"]]
    assert uncovered == ["nat-si-17-1-2-dissent"]


def test_the_kit_rejects_bad_cards(tmp_path, rb, today):
    from rongcuo_site import training

    docs = tmp_path / "content"
    (docs / "training").mkdir(parents=True)
    (docs / "cases").mkdir()
    (docs / "training" / "cards.yaml").write_text(yaml.safe_dump({"cards": [
        {"id": "x1", "kind": "fictional", "title": "t", "story": "s", "facts": {"intent": "bogus"}},
        {"id": "x2", "kind": "real", "case": "no-such-case.md"},
        {"id": "x1", "kind": "fictional", "title": "t", "story": "s"},
        {"id": "x3", "kind": "real", "case": "a.md", "facts": {"intent": "inadvertent"}},
    ]}, allow_unicode=True), encoding="utf-8")
    (docs / "cases" / "a.md").write_text("---\nkind: real\ntitle: A\nfacts: {}\n---\n## 主要事由\n\n事由。\n", encoding="utf-8")
    out = training.build_all(docs, rb, today)
    msgs = " | ".join(f"{w}: {m}" for w, m, _ in out["problems"])
    assert "x1：自查工具不接受它的事实" in msgs
    assert "content/cases/no-such-case.md 不存在" in msgs
    assert "重复" in msgs
    assert "x3：真实案例卡片的标题、案情和事实都取自案例文件" in msgs
    assert "cards.yaml:" in msgs  # problems name the line of the card


def test_the_kit_names_every_fact_problem_of_a_card(rb, today):
    """One line per problem the checker found, with the allowed values and the checker's fix; an
    InputError that lists no problem (was passed on as if it were a Problem: an empty "（）") still
    gives a line that says what happened."""
    from rongcuo_site import training
    from selfcheck.errors import FactsError

    card = {"id": "x9", "facts": {"intent": "bogus", "loss_level": "huge"}, "jurisdiction": "national",
            "as_of": None, "where": "content/training/cards.yaml:3", "case": None}
    problems = training.evaluate_cards([dict(card)], rb, today)
    assert len(problems) == 2, problems
    for where, msg, fix in problems:
        assert where == "content/training/cards.yaml:3"
        assert msg.startswith("卡片 x9：自查工具不接受它的事实（") and msg.endswith("）") and "允许的取值：" in msg
        assert fix
    assert "intent" in problems[0][1] + problems[1][1] and "loss_level" in problems[0][1] + problems[1][1]

    def no_problems(*args, **kwargs):
        raise FactsError([])

    import selfcheck.explain

    orig = selfcheck.explain.evaluate
    selfcheck.explain.evaluate = no_problems
    try:
        problems = training.evaluate_cards([dict(card)], rb, today)
    finally:
        selfcheck.explain.evaluate = orig
    assert problems == [("content/training/cards.yaml:3", "卡片 x9：自查工具不接受它的事实（FactsError，没有列出具体问题）",
                         "使用 rules/facts.yaml 中的事实 id 和取值")]


# ------------------------------------------------------------------------------- labels and sources


def test_invented_cards_are_labelled_everywhere(built_site, cards):
    fictional = [c for c in cards if c["kind"] == "fictional"]
    quiz = page(built_site, "training/quiz")
    proj = page(built_site, "training/projector")
    deck = page(built_site, "training/handouts/deck")
    index = page(built_site, "training/cards")
    badge = '<span class="rc-badge rc-badge--fiction">虚构</span>'
    for c in fictional:
        text = page(built_site, f"training/cards/{c['id']}")
        assert "<h1" in text and "【虚构】" in text.split("<h1", 1)[1].split("</h1>", 1)[0], c["id"]
        assert badge in text
        title = html.escape(c["title"], quote=True)
        for where, doc, sep in (("quiz", quiz, f'data-card="{c["id"]}"'), ("projector", proj, f'data-card="{c["id"]}"')):
            chunk = doc.split(sep, 1)[1][:600]
            assert badge in chunk, (where, c["id"])
        for doc in (deck, index):
            i = doc.index(title)
            assert badge in doc[max(0, i - 300):i + len(title) + 300], c["id"]
    for c in cards:
        if c["kind"] == "real":
            text = page(built_site, f"training/cards/{c['id']}")
            assert "虚构" not in text.split("<h1", 1)[1].split("</h1>", 1)[0]


def test_real_cards_show_the_case_file_and_the_actual_decision(built_site, cards):
    for c in cards:
        if c["kind"] != "real":
            continue
        text = page(built_site, f"training/cards/{c['id']}")
        body = (CONTENT / "cases" / c["case"]).read_text(encoding="utf-8")
        story = re.search(r"^##\s*主要事由\s*$(.*?)(?=^##\s)", body, re.M | re.S).group(1)
        first = re.sub(r"\s+", "", story.strip().split("\n\n")[0])[:30]
        assert html.escape(first, quote=True) in re.sub(r"\s+", "", text), c["id"]
        dec = c["case_meta"]["decision"]
        actual = text[text.index("实际处理结果"):]
        for m in dec["measures"]:
            assert html.escape(m, quote=True) in actual, (c["id"], m)
        stem = c["case"][:-3]
        assert f'href="../../../cases/{stem}/"' in actual, c["id"]


def test_cards_data_file_is_not_published(built_site):
    assert not (built_site / "training" / "cards.yaml").exists()


# ------------------------------------------------------------------------------- plans and handouts


@pytest.mark.parametrize("plan,minutes", [("plan-1-new-cadres", 45), ("plan-2-leaders", 90), ("plan-3-workshop", 120)])
def test_session_plans_are_complete(built_site, cards, plan, minutes):
    src = (CONTENT / "training" / f"{plan}.md").read_text(encoding="utf-8")
    for heading in ("## 教学目标", "## 时间安排", "## 讨论题", "## 结业", "## 参考来源"):
        assert heading in src, (plan, heading)
    assert f"（{minutes} 分钟）" in src.splitlines()[0]
    # the agenda ends exactly at the session's length
    ends = [int(m.group(1)) for m in re.finditer(r"^\| \d+–(\d+) 分钟 \|", src, re.M)]
    assert ends and ends[-1] == minutes and ends == sorted(ends), (plan, ends)
    ids = {c["id"] for c in cards}
    used = [i for m in re.finditer(r"<!-- rongcuo:cards ([^>]*?) -->", src) for i in m.group(1).split()]
    assert used and set(used) <= ids
    text = page(built_site, f"training/{plan}")
    for cid in used:
        assert f'href="../cards/{cid}/"' in text, (plan, cid)


def test_handout_page_counts_declared(built_site, cards, rb):
    from rongcuo_site import training
    from selfcheck.load import compile_rules

    compiled = compile_rules(ROOT / "rules")
    n = len(cards)
    expected = {
        "summary": 1,
        "procedure": len([k for k in ("model", "national") if k in compiled["procedures"]]),
        "worksheet": math.ceil(len(compiled["facts"]) / training.WORKSHEET_FACTS_PER_PAGE),
        "deck": math.ceil(n / training.DECK_FRONT_PER_PAGE) + math.ceil(n / training.DECK_ANSWERS_PER_PAGE),
    }
    for name, pages in expected.items():
        (tag,) = tags_with(page(built_site, f"training/handouts/{name}"), "data-rc-pages")
        assert int(tag["data-rc-pages"]) == pages, name


def test_worksheet_lists_every_question(built_site):
    from selfcheck.load import compile_rules

    compiled = compile_rules(ROOT / "rules")
    text = html.unescape(page(built_site, "training/handouts/worksheet"))
    for f in compiled["facts"]:
        assert f["question"] in text
        for v in f["values"]:
            assert v["label"] in text


def test_case_front_matter_helper_reads_every_real_card():
    for c in card_sources():
        if c["kind"] == "real":
            assert case_front_matter(c["case"])["decision"]["outcome"] in ("exempted", "reduced", "refused")
