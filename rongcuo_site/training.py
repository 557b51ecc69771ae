"""The trainers' kit (专题培训): scenario cards, quiz, projector view and printable handouts.

Everything here is generated at build time from data, so nothing shown to a trainee is typed by hand:

- content/training/cards.yaml       the scenario cards (format in the file's header). Real cards
                                     name a case file in content/cases/ and take its title, story
                                     ("主要事由"), facts and published decision from there; invented
                                     cards (虚构) carry their own story and facts.
- every card's verdict               selfcheck.explain.evaluate(facts, jurisdiction, as_of): the same
                                     checker as the CLI and the self-check page.
- handouts                           rules/national.yaml (三个区分开来, negative list),
                                     rules/procedure.yaml (diagrams drawn by procedure_svg.py),
                                     rules/facts.yaml (the blank worksheet).

Generated pages (in memory, nothing is written into content/):

    training/cards/index.md       the deck: list, and (folded) answers + coverage of the national set
    training/cards/<id>.md        one card: decide first (outcome + reasons), then reveal
    training/quiz.md              self-study quiz over all cards, scored in the page only
    training/projector.md         one card per screen, large type, arrow keys; also one slide per
                                  talking point of the explainers (content/understand/: each
                                  section's heading and key sentence), shown only when chosen
                                  (?cards=talk-…): a plan's 讲解 row links those of the explainers it
                                  names
    training/handouts/index.md    the printable handouts and how many A4 pages each prints to
    training/handouts/{summary,procedure,worksheet,deck}.md

Hand-written pages under content/training/ may list cards with a line of its own:

    <!-- rongcuo:cards f01-one-window-pilot r02-xiaogan-epidemic-pass -->

(a numbered list of links, plus, for two cards or more, links that project or print just that group,
numbered in the same order: training/projector/?cards=id1,id2 and training/handouts/deck/?cards=id1,id2).

The HTML of these pages is in Jinja2 templates, rongcuo_site/templates/training/ (autoescaped:
rongcuo_site/templating.py); this module reads the data, prepares what the templates show and puts
the pages' Markdown (front matter, headings, sources) around them.

Every page under training/ gets content/assets/training/training.css and training.js (same-origin
files: no inline script, no storage API, no network). The card data file itself is not published.
Trainer-facing notes: content/training/index.md (如何使用); data format: content/training/cards.yaml.
"""

from __future__ import annotations

import datetime as _dt
import json
import posixpath
import re
from pathlib import Path
from typing import Any

from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from rongcuo_site import procedure_svg
from rongcuo_site.case_library import EXPECTED, status_of
from rongcuo_site.report import error, log, message, problem
from rongcuo_site.templating import cjk_join, html_escaped, render
from selfcheck import present
from selfcheck.model import RuleBase

CARDS_FILE = "training/cards.yaml"
CSS = "assets/training/training.css"
JS = "assets/training/training.js"
MARKER = re.compile(r"^[ \t]*<!--\s*rongcuo:cards\s+([^>]*?)\s*-->[ \t]*$", re.M)
TALK_ROW = re.compile(r"^\|[^|\n]*\|\s*讲解\s*\|.*\|[ \t]*$", re.M)  # a 讲解 row of a plan's timetable
KINDS = ("exclusions", "aggravations", "conditions", "situations", "reductions", "mitigations")
OUTCOME_ORDER = ("eligible", "mitigable", "not_eligible", "undetermined")

# Print layout of the handouts: how many items go on one A4 sheet (tests/training checks that the
# PDF really has the number of pages computed from these).
DECK_FRONT_PER_PAGE = 3
DECK_ANSWERS_PER_PAGE = 6
WORKSHEET_FACTS_PER_PAGE = 8


def outcome_list(rb: RuleBase) -> list[dict]:
    """[{id, label, meaning}] in the order eligible, mitigable, not_eligible, undetermined."""
    texts = rb.texts["outcomes"]
    return [{"id": o, **texts[o]} for o in OUTCOME_ORDER if o in texts]


# ----------------------------------------------------------------------------------------- cards


def _front_matter(path: Path) -> tuple[dict, str]:
    from selfcheck.lint import split_front_matter
    from selfcheck.yamlsrc import ParseFailure, parse

    front, body = split_front_matter(path.read_text(encoding="utf-8"))
    try:  # bounded (selfcheck/yamlsrc.py); a broken case is reported by content_checks.py
        data = parse(front, str(path), first_line=2).data if front else {}
    except ParseFailure:
        data = {}
    return data if isinstance(data, dict) else {}, body


def _section(body: str, heading: str) -> str:
    m = re.search(rf"^##\s*{re.escape(heading)}\s*$(.*?)(?=^##\s|\Z)", body, re.M | re.S)
    return m.group(1).strip() if m else ""


CARD_KEYS = {"id", "kind", "title", "story", "facts", "case", "focus", "ask", "jurisdiction", "as_of"}
Problems = list[tuple[str, str, str]]  # (where, what, fix)


def read_cards(docs_dir: Path) -> tuple[list[dict], Problems]:
    """The cards of content/training/cards.yaml with real cases resolved from content/cases/.

    Returns (cards, problems); a problem is (where, what, fix). Facts are not validated here (the
    checker does that when it evaluates them)."""
    path = docs_dir / CARDS_FILE
    where = f"content/{CARDS_FILE}"
    if not path.exists():
        return [], [(where, "卡片文件不见了", "恢复 content/training/cards.yaml")]
    from selfcheck.yamlsrc import ParseFailure, parse

    text = path.read_text(encoding="utf-8")
    try:  # bounded: alias bombs, tags, huge integers… are file:line problems (selfcheck/yamlsrc.py)
        data = parse(text, where).data or {}
    except ParseFailure as exc:
        return [], [(p.where, p.what, p.fix or "改正 YAML 格式") for p in exc.problems]
    lines = text.splitlines()

    def line_of(cid: str) -> str:
        for i, ln in enumerate(lines):
            if re.match(rf"^\s*-\s*id:\s*{re.escape(cid)}\s*$", ln):
                return f"{where}:{i + 1}"
        return where

    cards: list[dict] = []
    problems: Problems = []
    seen: set[str] = set()
    for raw in data.get("cards") or []:
        cid = str(raw.get("id", ""))
        at = line_of(cid)
        if not re.match(r"^[a-z0-9][a-z0-9-]*$", cid) or cid in seen:
            problems.append((at, f"卡片 id {cid!r} 缺失、重复，或不是小写字母、数字加连字符",
                             "给每张卡片一个不重复的 id，例如 f20-short-name"))
            continue
        seen.add(cid)
        card = _read_card(raw, cid, at, docs_dir, problems)
        if card is not None:
            cards.append(card)
    return cards, problems


def _read_card(raw: dict, cid: str, at: str, docs_dir: Path, problems: Problems) -> dict | None:
    """One card of cards.yaml (its problems added to `problems`); None when it cannot be shown."""
    for k in raw:
        if k not in CARD_KEYS:
            problems.append((at, f"卡片 {cid}：未知的键 {k!r}", f"只能使用 {', '.join(sorted(CARD_KEYS))}"))
    card = {"id": cid, "kind": raw.get("kind"), "focus": cjk_join(str(raw.get("focus") or "")),
            "ask": cjk_join(str(raw.get("ask") or "")), "jurisdiction": raw.get("jurisdiction") or "national",
            "as_of": str(raw["as_of"]) if raw.get("as_of") else None, "where": at}
    if card["kind"] == "fictional":
        if raw.get("case"):
            problems.append((at, f"卡片 {cid}：虚构卡片不能关联案例", "删去 `case`，或改为 kind: real"))
        if not raw.get("title") or not raw.get("story"):
            problems.append((at, f"卡片 {cid}：虚构卡片需要 `title` 和 `story`", "两项都要写"))
            return None
        card.update(title=str(raw["title"]), story=cjk_join(str(raw["story"])), facts=dict(raw.get("facts") or {}),
                    case=None)
        return card
    if card["kind"] == "real":
        return _real_card(card, raw, docs_dir, problems)
    problems.append((at, f"卡片 {cid}：kind 只能是 real 或 fictional，不能是 {card['kind']!r}",
                     "写 kind: real（并写 case:），或 kind: fictional（并写 story: 和 facts:）"))
    return None


def _real_card(card: dict, raw: dict, docs_dir: Path, problems: Problems) -> dict | None:
    """A card on a published case: title, story, facts and decision from content/cases/<case>."""
    cid, at = card["id"], card["where"]
    if raw.get("facts") or raw.get("story") or raw.get("title"):
        problems.append((at, f"卡片 {cid}：真实案例卡片的标题、案情和事实都取自案例文件",
                         "从卡片中删去 `title`、`story` 和 `facts`"))
    case = str(raw.get("case") or "")
    cpath = docs_dir / "cases" / case
    if not case or not cpath.exists():
        problems.append((at, f"卡片 {cid}：案例文件 content/cases/{case} 不存在",
                         "填写 content/cases/ 中已有的文件名"))
        return None
    meta, body = _front_matter(cpath)
    if meta.get("kind") != "real":
        problems.append((at, f"卡片 {cid}：content/cases/{case} 不是真实案例（kind: {meta.get('kind')}）",
                         "虚构的情景请用 kind: fictional"))
    card.update(title=str(meta.get("title") or case), story=_section(body, "主要事由"),
                facts=dict(meta.get("facts") or {}), case=case, case_meta=meta,
                case_decision_text=_section(body, "组织调查过程及决定意见"))
    if not card["story"]:
        problems.append((f"content/cases/{case}", "没有 '## 主要事由' 一节，卡片无法取得案情",
                         "在案例文件中加上这一节"))
    return card


def evaluate_cards(cards: list[dict], rb: RuleBase, default_as_of: str) -> list[tuple[str, str, str]]:
    """Attach to each card its verdict (and the outcome in every jurisdiction) from the checker."""
    from selfcheck.errors import InputError, Problem
    from selfcheck.explain import evaluate

    problems = []
    for c in cards:
        c["as_of"] = c["as_of"] or default_as_of
        try:
            c["verdict"] = evaluate(rb, c["facts"], c["jurisdiction"], c["as_of"])
            others = []
            for j in rb.jurisdictions():
                if rb.ruleset_for(j, c["as_of"]) is not None:
                    v = evaluate(rb, c["facts"], j, c["as_of"])
                    others.append({"jurisdiction": j, "short": v["jurisdiction_short"], "outcome": v["outcome"],
                                   "label": v["headline"]})
            c["by_jurisdiction"] = others
        except InputError as exc:
            src = f"content/cases/{c['case']}" if c.get("case") else c["where"]
            # one line per problem, in the checker's words (an error without problems still gets a line)
            for e in exc.problems or [Problem(src, f"{type(exc).__name__}，没有列出具体问题")]:
                what = e.what.rstrip("。")
                problems.append((src, f"卡片 {c['id']}：自查工具不接受它的事实（{what}"
                                 + (f"；允许的取值：{e.allowed}" if e.allowed else "") + "）",
                                 e.fix or "使用 rules/facts.yaml 中的事实 id 和取值"))
    return problems


def national_items(rb: RuleBase, as_of: str) -> list[dict]:
    """Every item of the national rule set in force on as_of (the coverage target)."""
    rs = rb.ruleset_for("national", as_of)
    if rs is None:
        return []
    return [{"id": it.id, "kind": it.kind, "title": it.title} for it in rs.all_items() if it.in_force(as_of)]


def coverage(cards: list[dict]) -> dict[str, list[str]]:
    """item id -> ids of the cards whose national verdict hits (exclusions) or meets the item."""
    out: dict[str, list[str]] = {}
    for c in cards:
        v = c.get("verdict")
        if not v or v["jurisdiction"] != "national":
            continue
        for r in v["reasons"]:
            if r["status"] in ("hit", "met"):
                out.setdefault(r["id"], []).append(c["id"])
    return out


# ----------------------------------------------------------------------------------------- pieces


def card_heading_text(card: dict) -> str:
    return f"{'【虚构】' if card['kind'] == 'fictional' else '【真实案例】'}{card['title']}"


def reliability(rb: RuleBase, cite: dict | None) -> str:
    """How reliable a citation's source is, in words (rules/outcomes.yaml `reliability`)."""
    return str(rb.texts["reliability"].get((cite or {}).get("reliability"), ""))


def card_facts(card: dict, rb: RuleBase) -> list[tuple[str, str, bool]]:
    """(question, answer, unknown) for every fact, as the checker used them."""
    facts = card["verdict"]["facts"]
    unknown = rb.compiled.get("unknown_label", "不清楚")
    rows = []
    for f in rb.compiled["facts"]:
        val = facts.get(f["id"], "unknown")
        rows.append((f["question"], next((x["label"] for x in f["values"] if x["id"] == val), unknown), val == "unknown"))
    return rows


def actual_decision(card: dict, rb: RuleBase, page_url: str) -> dict | None:
    """A real case's published decision, its source and the address of the case page."""
    if card["kind"] != "real":
        return None
    meta = card["case_meta"]
    dec = meta.get("decision") or {}
    return {"decision": present.decision(rb.texts, dec.get("outcome")), "measures": list(dec.get("measures") or []),
            "text": card.get("case_decision_text", ""), "source": meta.get("source") or {},
            "case_url": get_relative_url(f"cases/{card['case'][:-3]}/", page_url)}


def verdict_html(card: dict, rb: RuleBase, page_url: str, full: bool = True) -> Markup:
    """The revealed part of a card: the checker's verdict (worded by the presenter), then the card's
    own parts: the same facts in each rule set, the facts, the real decision and the discussion."""
    fictional = card["kind"] == "fictional"
    return render("training/verdict.html", card=card, full=full,
                  verdict_box=present.card_verdict_html(rb, card["verdict"], full=full),
                  facts=card_facts(card, rb) if full else [],
                  facts_source="本卡片的设定（虚构）" if fictional else "案例文件的 front matter（公开报道没有写明的记为“不清楚”）",
                  actual=actual_decision(card, rb, page_url))


def status_map(card: dict) -> str:
    v = card["verdict"]
    return json.dumps({r["id"]: r["status"] for r in v["reasons"]}, ensure_ascii=False, separators=(",", ":"))


def decide_html(card: dict, rb: RuleBase) -> Markup:
    """The participant's side: pick an outcome and the reasons, then reveal."""
    kinds = rb.texts["kinds"]
    # the reasons offered are the items of the rule set the card is checked against
    reasons = card["verdict"]["reasons"]
    groups = [(kinds.get(kind, kind), its) for kind in KINDS if (its := [r for r in reasons if r["kind"] == kind])]
    return render("training/decide.html", cid=card["id"], outcomes=outcome_list(rb), groups=groups)


def card_block(card: dict, rb: RuleBase, page_url: str, number: int | None = None) -> Markup:
    return render("training/card.html", card=card, number=number, status=status_map(card),
                  decide=decide_html(card, rb), verdict=verdict_html(card, rb, page_url))


# ----------------------------------------------------------------------------------------- pages


def _fm(title: str, description: str, extra: str = "") -> list[str]:
    return ["---", f"title: {json.dumps(title, ensure_ascii=False)}",
            f"description: {json.dumps(description, ensure_ascii=False)}", "no_sources: 生成页面，出处随每条理由给出", extra,
            "---", ""]


def _sources_md() -> list[str]:
    return ["", "## 参考来源", "",
            "- 各条理由的出处见每张卡片揭晓后的“出处”；规则全文见[各地规定](../../rules/index.md)。",
            "- 真实案例的来源见案例库中的各案页面。", ""]


def card_page(card: dict, rb: RuleBase, url: str, number: int, prev_next: tuple) -> str:
    prev, nxt = ({"href": get_relative_url(p[0], url), "title": p[1]} if p else None for p in prev_next)
    body = render("training/card_page.html", card=card, card_block=card_block(card, rb, url, number), prev=prev,
                  next=nxt, deck_href=get_relative_url("training/cards/", url),
                  projector_href=get_relative_url("training/projector/", url))
    lines = _fm(card_heading_text(card), f"练习卡片：{card['title']}（先判断、再揭晓）")
    lines += [f"# {html_escaped(card_heading_text(card))}", "", body, ""]
    return "\n".join(lines + _sources_md())


def deck_index_page(cards: list[dict], rb: RuleBase, items: list[dict], urls: dict, url: str) -> str:
    hrefs = {cid: get_relative_url(u, url) for cid, u in urls.items()}
    cov = coverage(cards)
    by_id = {c["id"]: c for c in cards}
    kinds = rb.texts["kinds"]
    counts = {o: sum(1 for c in cards if c["verdict"]["outcome"] == o) for o in OUTCOME_ORDER}
    labels = {o["id"]: o["label"] for o in outcome_list(rb)}
    answers = render("training/deck_answers.html", cards=cards, hrefs=hrefs,
                     distribution=[(labels.get(o, o), counts[o]) for o in OUTCOME_ORDER],
                     coverage=[(kinds.get(it["kind"], it["kind"]), it["title"], [by_id[x] for x in cov.get(it["id"], [])])
                               for it in items])
    n_f = sum(1 for c in cards if c["kind"] == "fictional")
    lines = _fm("练习卡片", "容错纠错专题培训的情景卡片：先判断，再揭晓检查器的结论。")
    lines += ["# 练习卡片", "",
              f"共 {len(cards)} 张卡片：{len(cards) - n_f} 张取自[案例库](../../cases/index.md)的真实案例，"
              f"{n_f} 张是为培训编写的**虚构**情景（处处标明“虚构”）。每张卡片都要求学员**先选结论、再勾理由**，"
              "然后才揭晓检查器的结论、理由和出处；真实案例还会揭晓实际的处理结果。", "",
              "卡片上的结论不是手写的：建站时由本站的自查检查器逐张计算，与[匿名自查](../../selfcheck/index.md)使用同一套规则。", "",
              render("training/deck_list.html", cards=cards, hrefs=hrefs), "",
              "## 培训者用：答案与覆盖表", "", "下面的内容会泄露答案，学员作答前请不要展开。", "", answers, ""]
    return "\n".join(lines + _sources_md())


def quiz_page(cards: list[dict], rb: RuleBase, urls: dict, url: str) -> str:
    questions = [{"card": c, "real": _quiz_real(c, rb), "href": get_relative_url(urls[c["id"]], url)} for c in cards]
    lines = _fm("自测", "用练习卡片自测：选出检查器会给出的结论，当场计分。", "search:\n  exclude: true")
    lines += ["# 自测：这个失误能不能容错？", "", render("training/quiz.html", questions=questions, outcomes=outcome_list(rb)),
              "", "## 参考来源", "", "- 题目即[练习卡片](cards/index.md)，答案由检查器按[全国性规定](../rules/national.md)计算。", ""]
    return "\n".join(lines)


def _quiz_real(card: dict, rb: RuleBase) -> dict | None:
    """For a card on a real case: the outcome the real decision corresponds to (`outcome`, `label`:
    the quiz counts it as right too), the decision in words, how it compares with the checker's verdict
    (case_library.status_of) and the recorded reason for a difference. None for any other card."""
    if card["kind"] != "real":
        return None
    meta = card["case_meta"]
    decision = (meta.get("decision") or {}).get("outcome")
    actual = EXPECTED.get(decision or "", "")
    if not actual:
        return None
    outcomes = {o["id"]: o for o in outcome_list(rb)}
    reason = ((meta.get("disagreement") or {}).get(card["jurisdiction"]) or {}).get("reason")
    return {"outcome": actual, "decision": present.decision(rb.texts, decision),
            "label": f"{present.decision(rb.texts, decision)}”，对应选项“{outcomes[actual]['label']}",
            "status": status_of(actual, card["verdict"]), "reason": str(reason).strip() if reason else None}


# ------------------------------------------------------------------- talking points (讲解 segments)

TALK_DIR = "understand"
# sections that point elsewhere or list sources: nothing to say in a lecture
TALK_SKIP = ("参考来源", "接下来读什么", "想先自己理一理", "在自查中怎么体现")
TALK_ITEMS = 4  # a point shows at most TALK_ITEMS + 2 of the entries it introduces


def _plain(md: str) -> str:
    """Markdown inline text as plain text (links, emphasis, footnotes, attributes, tags removed)."""
    md = re.sub(r"<!--.*?-->", "", md)
    md = re.sub(r"\{[:#.][^}]*\}", "", md)
    md = re.sub(r"\[\^[^\]]*\]", "", md)
    md = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", md)
    md = re.sub(r"<[^>]+>", "", md)
    md = re.sub(r"(\*\*|__|\*|==|\^\^|~~)(.+?)\1", r"\2", md)
    return re.sub(r"\s+", " ", md).strip()


def _first_sentence(text: str) -> str:
    """The first sentence; the first two when the first is a short lead-in (这是最基本的一条。)."""
    m = re.match(r"(.+?[。！？])(?=[^”’」）]|$)", text)
    if not m:
        return text
    if len(m.group(1)) < 12:
        m2 = re.match(r"(.+?[。！？])(?=[^”’」）]|$)", text[m.end():])
        return m.group(1) + (m2.group(1) if m2 else text[m.end():])
    return m.group(1)


def _block_items(block: str) -> list[str]:
    """The entries of a list, a table (first column) or a quote (one per line) in a Markdown block."""
    lines = block.strip().split("\n")
    if lines[0].lstrip().startswith("|"):
        rows = [r for r in lines[2:] if r.strip().startswith("|")]
        return [_plain(r.strip().strip("|").split("|")[0]) for r in rows]
    if lines[0].lstrip().startswith(">"):
        clauses = [_plain(re.sub(r"^\s*>\s?", "", ln)) for ln in lines if re.match(r"^\s*>\s*（", ln)]
        if clauses:
            return clauses
        quote = _plain(" ".join(re.sub(r"^\s*>\s?", "", ln) for ln in lines)).strip("“”")
        return [x + "；" if i < quote.count("；") else x for i, x in enumerate(quote.split("；"))]
    return [_first_sentence(_plain(re.sub(r"^\s*(?:\d+\.|-|\*)\s+", "", li)))
            for li in re.findall(r"^\s*(?:\d+\.|-|\*) .+$", block, re.M)]


LABELLED = re.compile(r"^\*\*([^*]{2,12}?)[。：]?\*\*\s*(.+)$", re.S)  # "**左边是什么。** 改革就是……"


def _talk_point(rest: str) -> tuple[str, list[str]]:
    """A section's key sentence and the entries it introduces (see talk_points)."""
    blocks = [b.strip("\n") for b in re.split(r"\n\s*\n", rest) if b.strip()]
    subheads = [_plain(re.sub(r"^\d+\.\s*", "", h)) for h in re.findall(r"^### (.+)$", rest, re.M)]
    tabs = [_plain(t) for t in re.findall(r'^===\+?\s+"(.+)"\s*$', rest, re.M)]
    labelled = [m for b in blocks if not b.startswith(" ") if (m := LABELLED.match(b.strip()))]
    point: str = ""
    items: list[str] = []
    if tabs:
        items = tabs
    elif subheads and rest.lstrip().startswith("###"):  # no lead-in: the steps are the point
        items = subheads
    elif len(labelled) >= 2:
        for m in labelled:
            sentences = re.findall(r".+?[。！？](?=[^”’」）]|$)", _plain(m.group(2))) or [_plain(m.group(2))]
            items.append(f"{_plain(m.group(1))}：{sentences[-1]}")
    for i, b in enumerate(blocks if not items else []):
        first = b.lstrip()
        if b.startswith(" ") or first.startswith(("|", "!!!", "???", "===", "<", "```", "#", "*[")):
            continue
        if first.startswith(">"):
            text = _plain(re.sub(r"^\s*>\s?", "", b, flags=re.M))
        elif re.match(r"^(\d+\.|-|\*) ", first):
            text = _plain(re.split(r"\n(?=\s*(?:\d+\.|-|\*) )", b)[0][2:].lstrip(". "))
        else:
            text = _plain(b)
        if not text:
            continue
        point = _first_sentence(text)
        if point.endswith("：") or "下表" in point:
            if subheads:
                items = subheads
            else:
                nxt = next((x for x in blocks[i + 1:] if not x.lstrip().startswith(("!!!", "<"))), "")
                items = _block_items(nxt) if nxt else []
        break
    if not point and not items:  # a section of notes only: their titles
        items = [_plain(t) for t in re.findall(r'^(?:!!!|\?\?\?\+?) [\w-]+ "(.+)"\s*$', rest, re.M)]
    return point, items


def talk_points(docs_dir: Path) -> dict[str, dict]:
    """The explainers (content/understand/*.md) as talking points, one per section (##): the heading,
    the key sentence (the first sentence of the section's first paragraph, or of its first quote or
    list item) and, when that sentence introduces something ("…：", 下表), the entries it introduces
    (the section's ### headings, or the items, table rows or quoted clauses that follow). A section
    of tabs lists the tab titles; one of labelled paragraphs ("**左边是什么。**…") lists each label
    with the paragraph's last sentence; one of notes only lists the notes' titles. page stem -> {title, points: [{id, heading, point, items}]}"""
    out: dict[str, dict] = {}
    for path in sorted((docs_dir / TALK_DIR).glob("*.md")):
        _fm_data, body = _front_matter(path)
        title_m = re.search(r"^# (.+)$", body, re.M)
        page: dict[str, Any] = {"title": _plain(title_m.group(1)) if title_m else path.stem, "points": []}
        for sec in re.split(r"^## ", body, flags=re.M)[1:]:
            head, _, rest = sec.partition("\n")
            heading = _plain(head)
            if any(heading.startswith(x) for x in TALK_SKIP):
                continue
            point, items = _talk_point(rest)
            items = [x for x in items if x][:TALK_ITEMS + 2]
            if point or items:
                n = len(page["points"]) + 1
                page["points"].append({"id": f"talk-{path.stem}-{n}", "heading": heading, "point": point, "items": items})
        out[path.stem] = page
    return out


def projector_page(cards: list[dict], rb: RuleBase, url: str, talks: dict[str, dict] | None = None) -> str:
    slides = [(c, verdict_html(c, rb, url, full=False)) for c in cards]
    lines = _fm("投影放映", "一屏一张卡片的大字放映：方向键翻页，回车揭晓。", HIDE_NAV_AND_TOC + "\nsearch:\n  exclude: true")
    lines += ["# 投影放映", "", render("training/projector.html", slides=slides, talks=talks or {}), "",
              "## 参考来源", "", "- 卡片与出处见[练习卡片](cards/index.md)；讲解要点摘自[读懂容错](../understand/index.md)各页。", ""]
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------- handouts


def _steps(proc: dict) -> list[dict]:
    """The steps of a procedure in order (name, actor, action), the appeal's last."""
    return [s for st in proc.get("stages", []) for s in st.get("steps", [])] + list(proc.get("appeal") or [])


HIDE_NAV_AND_TOC = "hide:\n  - navigation\n  - toc"


def _handout_page(title: str, description: str, heading: str, body: str, source: str, extra: str = HIDE_NAV_AND_TOC) -> str:
    return "\n".join(_fm(title, description, extra) + [f"# {heading}", "", body, "", "## 参考来源", "", source, ""])


def handout_pages(cards: list[dict], rb: RuleBase, as_of: str) -> dict[str, tuple[str, int]]:
    """uri -> (markdown, number of A4 pages it prints to)."""
    out: dict[str, tuple[str, int]] = {
        "training/handouts/summary.md": _summary_handout(rb, as_of),
        "training/handouts/procedure.md": _procedure_handout(rb, as_of),
        "training/handouts/worksheet.md": _worksheet_handout(rb, as_of),
        "training/handouts/deck.md": _deck_handout(cards, rb, as_of),
    }
    out["training/handouts/index.md"] = _handouts_index(out)
    return out


def _summary_handout(rb: RuleBase, as_of: str) -> tuple[str, int]:
    """One page: 三个区分开来, the negative list, the conditions, situations and the general track."""
    rs = rb.ruleset_for("national", as_of)
    exclusions = [(it.title, present.short_cite(it.cite),
                   None if it.cite.get("reliability") == "official" else reliability(rb, it.cite))
                  for it in (rs.items["exclusions"] if rs else ()) if it.in_force(as_of)]
    # one line per circumstance: the same circumstance in 问责、处分 and 政务处分 is listed once
    circumstances = {kind: list(dict.fromkeys(re.sub(r"（[^（）]*）$", "", it.title)
                                              for it in (rs.items[kind] if rs else ()) if it.in_force(as_of)))
                     for kind in ("aggravations", "conditions", "situations", "mitigations")}
    d_cite = rb.distinctions()[0].cite if rb.distinctions() else None
    body = render("training/handouts/summary.html", as_of=as_of, distinctions=rb.distinctions(),
                  distinctions_cite=present.short_cite(d_cite), distinctions_reliability=reliability(rb, d_cite),
                  exclusions=exclusions, circumstances=circumstances)
    return _handout_page("讲义：三个区分开来与负面清单", "一页纸讲义：三个区分开来、负面清单、容错条件与情形。",
                         "三个区分开来与负面清单", body, "- 全部条目及出处见[全国性规定](../../rules/national.md)。"), 1


def _procedure_handout(rb: RuleBase, as_of: str) -> tuple[str, int]:
    """The procedure diagrams, one page each."""
    procs = rb.compiled.get("procedures") or {}
    sheets = [{"title": p.get("title", k), "svg": procedure_svg.render_pair(k, p), "steps": _steps(p),
               "cite": present.short_cite(p.get("cite")), "reliability": reliability(rb, p.get("cite"))}
              for k in ("model", "national") if (p := procs.get(k)) is not None]
    body = render("training/handouts/procedure.html", as_of=as_of, procedures=sheets)
    return _handout_page("讲义：容错办理程序图", "容错办理流程图：论文提出的一般流程和全国性规定的流程。", "容错办理程序图",
                         body, "- 各步依据见[办理程序图](../../rules/procedures.md)。"), len(sheets)


def _worksheet_handout(rb: RuleBase, as_of: str) -> tuple[str, int]:
    """The blank worksheet: every question of rules/facts.yaml with its answers to tick."""
    numbered = list(enumerate(rb.compiled["facts"], 1))
    per = WORKSHEET_FACTS_PER_PAGE
    pages = [numbered[i:i + per] for i in range(0, len(numbered), per)] or [[]]
    body = render("training/handouts/worksheet.html", as_of=as_of, pages=pages,
                  unknown=rb.compiled.get("unknown_label", "不清楚"), quantities=rb.compiled.get("quantities", []),
                  outcomes=outcome_list(rb))
    return _handout_page("讲义：空白自查工作表", "按自查问题生成的空白工作表，供分组讨论时逐题填写。", "空白自查工作表",
                         body, "- 问题与选项与[匿名自查](../../selfcheck/index.md)相同。"), len(pages)


def _deck_answer(card: dict, rb: RuleBase) -> str:
    """A card's answer on the printed sheet, worded by the presenter (a real case's decision last)."""
    real = ""
    if card["kind"] == "real":
        dec = card["case_meta"].get("decision") or {}
        real = str(render("training/handouts/deck_real.html", decision=present.decision(rb.texts, dec.get("outcome")),
                          measures=list(dec.get("measures") or [])))  # a str: the presenter concatenates it
    return present.deck_answer_html(rb.texts, card["verdict"], real)


def _deck_handout(cards: list[dict], rb: RuleBase, as_of: str) -> tuple[str, int]:
    """The card deck: the fronts, then the answers on pages of their own."""
    numbered = list(enumerate(cards, 1))
    fronts = [numbered[i:i + DECK_FRONT_PER_PAGE] for i in range(0, len(cards), DECK_FRONT_PER_PAGE)]
    answers = [[(j, c, _deck_answer(c, rb)) for j, c in numbered[i:i + DECK_ANSWERS_PER_PAGE]]
               for i in range(0, len(cards), DECK_ANSWERS_PER_PAGE)]
    body = render("training/handouts/deck.html", as_of=as_of, fronts=fronts, answers=answers, outcomes=outcome_list(rb),
                  front_per_page=DECK_FRONT_PER_PAGE, answers_per_page=DECK_ANSWERS_PER_PAGE)
    return _handout_page("讲义：卡片组", "可打印的练习卡片：每页三张，答案另页。", "练习卡片组（打印版）", body,
                         "- 每张卡片的完整理由和出处见[练习卡片](../cards/index.md)。",
                         HIDE_NAV_AND_TOC + "\nsearch:\n  exclude: true"), len(fronts) + len(answers)


def _handouts_index(out: dict[str, tuple[str, int]]) -> tuple[str, int]:
    """The index of the handouts with the A4 pages each prints to."""
    rows = [("summary", "三个区分开来与负面清单", "一页纸：三个区分开来、负面清单、容错条件、情形和从轻情节"),
            ("procedure", "容错办理程序图", "论文提出的一般流程和全国性规定的流程，每张图一页"),
            ("worksheet", "空白自查工作表", "自查的全部问题和选项，分组讨论时逐题填写"),
            ("deck", "练习卡片组", f"每页 {DECK_FRONT_PER_PAGE} 张卡片；答案另起一页，每页 {DECK_ANSWERS_PER_PAGE} 张")]
    table = render("training/handouts/index.html",
                   handouts=[(k, t, d, out[f"training/handouts/{k}.md"][1]) for k, t, d in rows])
    return (
        "\n".join(_fm("打印讲义", "可直接打印的A4讲义：一页纸要点、程序图、空白工作表、卡片组。")
                  + ["# 打印讲义", "",
                     "打开讲义页后用浏览器的“打印”（Ctrl+P）即可，纸张选 A4；打印时网站的导航、搜索和页脚会自动隐去。"
                     "每份讲义的内容都在建站时由规则文件和卡片数据生成，规则更新后重新建站即同步更新。", "",
                     table, "", "## 参考来源", "", "- 规则与出处见[各地规定](../../rules/index.md)。", ""]), 0)


# ----------------------------------------------------------------------------------------- mkdocs events


def _as_of() -> str:
    return _dt.date.today().isoformat()


def build_all(docs_dir: Path, rb: RuleBase, as_of: str | None = None) -> dict[str, Any]:
    """Cards with verdicts, the national items, coverage and problems (used by TrainingKit and the tests)."""
    as_of = as_of or _as_of()
    cards, problems = read_cards(docs_dir)
    problems += evaluate_cards(cards, rb, as_of)
    cards = [c for c in cards if c.get("verdict")]
    items = national_items(rb, as_of)
    return {"cards": cards, "items": items, "coverage": coverage(cards), "problems": problems, "as_of": as_of}


def _report(data: dict[str, Any]) -> None:
    """The cards' problems (build errors), and each national item no card exercises (a note only: a
    rule update must not wait for a new training card; tests/training fails on it, and the coverage
    table shows "（没有卡片）")."""
    for where, what, fix in data["problems"]:
        problem(where, what, fix)
    for it in data["items"]:
        if it["id"] not in data["coverage"]:
            log.info(message(f"content/{CARDS_FILE}", f"没有哪张卡片命中或满足全国规则的条目 {it['id']}（{it['title']}）",
                             "新增或修改卡片，让培训卡片覆盖每一个条目"))


def _add_generated(files: Files, config: MkDocsConfig, uri: str) -> File:
    """An empty generated page at uri (its address is known before its text is made)."""
    existing = files.get_file_from_path(uri)
    if existing is not None and not existing.generated_by:
        raise error(f"content/{uri}", "这个页面由培训卡片（content/training/cards.yaml）自动生成，不能手写同名文件",
                    f"删除 content/{uri}")
    if existing is not None:
        files.remove(existing)
    f = File.generated(config, uri, content="")
    files.append(f)
    return f


class TrainingKit:
    """The trainers' kit of one build: the rule base (None when the rules have no rule set), the cards
    with their verdicts and the talking points."""

    def __init__(self, rb: RuleBase | None) -> None:
        self.rb = rb
        self.cards: list[dict] = []
        self.talks: dict[str, dict] = {}

    def add_pages(self, files: Files, config: MkDocsConfig) -> Files:
        rb = self.rb  # the presenter reads the facts' names and every wording from it
        if rb is None:  # no rule set: the rule files' problems are listed above (rules_pages.py)
            raise error("rules/", "没有可用的规则集，无法生成培训卡片", "按上方列出的文件和行号改正规则文件")
        docs = Path(config.docs_dir)
        data = build_all(docs, rb)
        _report(data)
        cards, items, as_of = data["cards"], data["items"], data["as_of"]
        # the data file is not published
        src = files.get_file_from_path(CARDS_FILE)
        if src is not None:
            files.remove(src)
        self.cards = cards

        def add(uri: str) -> File:
            return _add_generated(files, config, uri)

        card_files = {c["id"]: add(f"training/cards/{c['id']}.md") for c in cards}
        urls = {cid: f.url for cid, f in card_files.items()}
        for i, c in enumerate(cards):
            prev = (urls[cards[i - 1]["id"]], cards[i - 1]["title"]) if i > 0 else None
            nxt = (urls[cards[i + 1]["id"]], cards[i + 1]["title"]) if i + 1 < len(cards) else None
            f = card_files[c["id"]]
            f.content_string = card_page(c, rb, f.url, i + 1, (prev, nxt))
        f = add("training/cards/index.md")
        f.content_string = deck_index_page(cards, rb, items, urls, f.url)
        f = add("training/quiz.md")
        f.content_string = quiz_page(cards, rb, urls, f.url)
        f = add("training/projector.md")
        self.talks = talk_points(docs)
        f.content_string = projector_page(cards, rb, f.url, self.talks)
        handouts = handout_pages(cards, rb, as_of)
        for uri, (text, _pages) in handouts.items():
            add(uri).content_string = text
        return files

    def page_markdown(self, markdown: str, page: Page) -> str:
        """Card lists (<!-- rongcuo:cards … -->) and the projector links of a plan's 讲解 rows."""
        if not page.file.src_uri.startswith("training/"):
            return markdown
        by_id = {c["id"]: c for c in self.cards}
        here = posixpath.dirname(page.file.src_uri)

        def repl(m: re.Match) -> str:
            out: list[str] = []
            ids: list[str] = []
            for cid in m.group(1).split():
                c = by_id.get(cid)
                if c is None:
                    line = markdown[: m.start()].count("\n") + 1
                    problem(f"content/{page.file.src_uri}:~{line}", f"未知的卡片 '{cid}'",
                            f"改用 content/{CARDS_FILE} 中的卡片 id")
                    continue
                rel = posixpath.relpath(f"training/cards/{cid}.md", here)
                label = "虚构" if c["kind"] == "fictional" else "真实案例"
                out.append(f"{len(ids) + 1}. [{c['title']}]({rel})（{label}）")
                ids.append(cid)
            if len(ids) > 1:  # the same selection, numbered as listed, for the projector and for print
                proj = posixpath.relpath("training/projector.md", here)
                deck = posixpath.relpath("training/handouts/deck.md", here)
                group = ",".join(ids)
                out += ["", f"[投影放映这一组（{len(ids)} 张）]({proj}?cards={group}) · "
                        f"[打印这一组的卡片和答案]({deck}?cards={group})"]
            return "\n".join(out)

        markdown = MARKER.sub(repl, markdown)
        talks = self.talks

        def talk_row(m: re.Match) -> str:
            row = m.group(0)
            stems = [st for st in re.findall(rf"\]\((?:\.\./)*{TALK_DIR}/([\w-]+)\.md[^)]*\)", row) if st in talks]
            ids = [pt["id"] for st in dict.fromkeys(stems) for pt in talks[st]["points"]]
            if not ids:
                return row
            proj = posixpath.relpath("training/projector.md", here)
            return row.rstrip().rstrip("|").rstrip() + f"、[放映本段讲解要点（{len(ids)} 张）]({proj}?cards={','.join(ids)}) |"

        return TALK_ROW.sub(talk_row, markdown)


def with_page_assets(html_text: str, page: Page) -> str:
    """Every page under training/ gets the kit's stylesheet and script (same-origin files)."""
    if not page.file.src_uri.startswith("training/"):
        return html_text
    return str(render("training/page_assets.html", css_href=get_relative_url(CSS, page.url), page_html=html_text,
                      js_src=get_relative_url(JS, page.url)))
