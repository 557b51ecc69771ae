"""The one presenter (selfcheck/present.py): per scenario, the terminal text, the result page's HTML
and the application draft say the same verdict, cite every item in the one wording, and show the
public no ids. The browser inserts exactly this HTML (tests/selfcheck_page compare it with Pyodide's)."""

from __future__ import annotations

import html
import random
import re

import pytest

from selfcheck import present
from selfcheck.explain import compare, evaluate
from tests.test_scenarios import DEFAULT_AS_OF, SCENARIOS

TAG = re.compile(r"<[^>]+>")


def visible(markup: str) -> str:
    """The text a reader sees (tags and attributes dropped, entities decoded)."""
    return html.unescape(TAG.sub(" ", markup))


def ids_of(rb) -> set[str]:
    ids = {it.id for rs in rb.rulesets for it in rs.all_items()} | {d.id for d in rb.distinctions()}
    ids |= {f.id for f in rb.facts} | {q.id for q in rb.quantities}
    for proc in rb.procedures.values():
        ids |= {st["id"] for stage in proc.get("stages", []) for st in stage["steps"]}
    return {i for i in ids if "_" in i or "-" in i}  # ids a reader could mistake for words are skipped


def test_html_escape_equals_the_standard_library():
    rnd = random.Random(7)
    alphabet = "<>&\"'ab中文 \n"
    for _ in range(2000):
        s = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 12)))
        assert present.h(s) == html.escape(s, quote=True)


@pytest.mark.parametrize("jurisdiction,name,sc", SCENARIOS, ids=[s[1] for s in SCENARIOS])
def test_every_output_says_the_same_verdict(rb, jurisdiction, name, sc):
    as_of = str(sc.get("as_of", DEFAULT_AS_OF))
    v = evaluate(rb, sc["facts"], jurisdiction, as_of)
    cmp = compare(rb, sc["facts"], as_of)
    text = present.verdict_text(rb, v)
    page = present.verdict_html(rb, v, cmp, "2026-12-02")
    shown = visible(page)
    # the answer first: the headline and the why before the next steps, the disclaimer once
    first = shown.index(v["headline"])
    assert all(first < shown.index(w) for w in v["why"]), name
    assert shown.index(present.fill(rb.texts["presenter"]["next"])) > first
    assert shown.count(v["disclaimer"]) == 1 and text.count(v["disclaimer"]) == 1
    # the detailed basis sits behind one closed disclosure, after the answer
    assert page.count('<details class="rc-v-basis">') == 1
    basis = page[page.index('<details class="rc-v-basis">'):]
    for r in v["reasons"]:
        assert r["title"] in text and r["title"] in visible(basis), (name, r["id"])
        # one wording of the citation: the text output and the page carry the same words
        assert present.cite(rb.texts, r["cite"]) in text, (name, r["id"])
        assert present.cite(rb.texts, r["cite"], "html") in basis, (name, r["id"])
        assert f'data-id="{r["id"]}" data-status="{r["status"]}"' in basis
        for q in r.get("unknown_questions", []):
            assert q in text and q in visible(basis), (name, q)
    for m in v["missing_facts"]:
        assert m["question"] in text and m["question"] in shown
    for x in cmp["verdicts"]:
        assert x["headline"] in shown
    # no id, file path or hash is visible to the public (they stay in data-* attributes)
    words = set(re.findall(r"[A-Za-z0-9_-]+", shown))
    assert not (words & ids_of(rb)), (name, words & ids_of(rb))
    assert "rules/" not in shown and "content/" not in shown
    # a training card and a projector slide: the same headline, reasons with their citations, unclear facts
    card, slide = present.card_verdict_html(rb, v), present.card_verdict_html(rb, v, full=False)
    for out in (card, slide):
        assert v["headline"] in visible(out) and present.applied(rb.texts, v) in visible(out), name
        assert not (set(re.findall(r"[A-Za-z0-9_-]+", visible(out))) & ids_of(rb)), name
    for r in v["reasons"]:
        assert r["title"] in visible(card) and present.cite(rb.texts, r["cite"], "html") in card, (name, r["id"])
    for m in v["missing_facts"]:
        assert m["question"] in visible(card) and m["question"] in visible(slide)
    for c in present.would_change(rb, v)[:12]:
        assert html.escape(c) in card and html.escape(c) not in slide
    # the draft: made only where the verdict allows an application, with the facts and the clauses met
    draft = present.application_html(rb, v)
    if v["outcome"] not in ("eligible", "mitigable"):
        assert draft == "" and 'data-rc-action="draft"' not in page
        return
    assert 'data-rc-action="draft"' in page
    said = visible(draft)
    met = [r for r in v["reasons"] if r["status"] == "met" and r["kind"] in present.APPLICATION_KINDS[v["outcome"]]]
    assert met, name
    for r in met:
        assert r["title"] in said and present.short_cite(r["cite"]) in said, (name, r["id"])
    for fid, _question, answer in present.answers(rb, v):
        if v["facts"].get(fid) != "unknown" and fid in {f.id for f in rb.facts}:
            assert f"{rb.fact(fid).name}：{answer}。" in said, (name, fid)
    assert not (set(re.findall(r"[A-Za-z0-9_-]+", said)) & ids_of(rb)), name


def test_unclear_facts_offer_only_answers_to_the_unknown_fact(rb):
    """What would settle an undetermined verdict changes only facts still unknown, never an answer given."""
    facts = {"work_context": "reform_pilot", "intent": "inadvertent", "improper_benefit": "none", "compliance": "followed",
             "rules_clarity": "unclear", "decision_procedure": "followed", "error_nature": "work",
             "cause": "inexperience", "public_impact": "limited", "liability_accident": "no", "remedy": "proactive",
             "cooperation": "yes", "repeat": "no", "dissent": "none"}  # loss_level unknown
    v = evaluate(rb, facts, "national", DEFAULT_AS_OF)
    page = present.verdict_html(rb, v)
    unclear = visible(page[page.index('class="rc-v-unclear"'):page.index('class="rc-sc-actions"')])
    assert rb.fact("loss_level").question in unclear
    assert v["outcome"] == "undetermined" and "结论为" in unclear
    assert rb.fact("work_context").label("emergency") not in unclear  # the job already answered is not put in question


def test_reliability_and_decision_words_come_from_the_rule_files(rb):
    assert present.reliability(rb.texts, "paper") == rb.texts["reliability"]["paper"]
    assert present.decision(rb.texts, "exempted") == rb.texts["decisions"]["exempted"]
    c = {"document": "中国共产党问责条例", "article": "第十七条", "reliability": "official",
         "source": {"title": "条文 <转载>", "url": "http://example.org/?a=1&b=2"}, "note": "核对过"}
    assert present.cite(rb.texts, c) == ("《中国共产党问责条例》第十七条（官方文本）；读自：条文 <转载> "
                                         "http://example.org/?a=1&b=2。说明：核对过")
    assert present.cite(rb.texts, c, "html") == (
        "《中国共产党问责条例》第十七条（官方文本）；读自：<a href=\"http://example.org/?a=1&amp;b=2\" "
        "target=\"_blank\" rel=\"noopener noreferrer\">条文 &lt;转载&gt;</a>。说明：核对过")
    assert present.cite(rb.texts, c, "md").startswith("《中国共产党问责条例》第十七条（官方文本）；读自：[条文 &lt;转载&gt;]")
