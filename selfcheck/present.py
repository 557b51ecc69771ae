"""The one presenter: every wording of a verdict, a reason and a citation, as plain text (the
command line), Markdown (the rule pages) and HTML (the browser's result page, the training cards and
the case pages). Standard library only (it runs in the browser too).

The words come from the rule files (rules/outcomes.yaml: `presenter`, `reliability`, `decisions`,
`application`; the facts' questions and labels); this module only arranges them. The CLI, the site
plugin and the browser worker call these functions and word nothing themselves.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from .model import KINDS, UNKNOWN, Fact, RuleBase

Format = Literal["text", "md", "html"]
MARK = {"hit": "✗", "not_hit": "✓", "met": "✓", "unmet": "✗", "unknown": "？"}
# the items that decide an outcome come first; those simply not hit or not met are folded away
MINOR = {"exclusions": ("not_hit",), "aggravations": ("not_hit",), "conditions": (), "situations": ("unmet",),
         "reductions": ("unmet",), "mitigations": ("unmet",)}
# what an application rests on: for 免责 the situation and the conditions met; for 从轻减轻 the
# reductions (容错减责) and the general mitigations met
APPLICATION_KINDS = {"eligible": ("situations", "conditions"), "mitigable": ("reductions", "mitigations")}
_RANK = {"hit": 0, "met": 0, "unknown": 1, "unmet": 2, "not_hit": 3}


_HTML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def h(value: Any) -> str:
    """HTML-escaped text, quotes too (safe in attributes): what html.escape(quote=True) gives. Not
    imported from `html`, whose package loads html.entities (~75 kB of source) into the browser's
    trimmed standard library for nothing; tests/test_present.py checks the two agree."""
    return ("" if value is None else str(value)).translate(_HTML_ESCAPES)


def fill(template: str, **values: str) -> str:
    """Put values into a wording template from the rule files ({name} placeholders)."""
    out = template
    for key, value in values.items():
        out = out.replace("{" + key + "}", value)
    return out


def cn_date(iso: str | None) -> str:
    """2024-01-01 -> 2024年1月1日 (an empty or malformed date is given back as it is)."""
    if not iso or iso.count("-") != 2:
        return iso or ""
    y, m, d = iso.split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


def titled(document: str) -> str:
    """A document's name in title marks, once: a name that already holds 《…》 (中共中央办公厅《关于…》,
    陈朋《…》) is kept as it is."""
    if "《" in document or document.startswith("陈朋"):
        return document
    return f"《{document}》"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")
_MD_HTML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def md(value: Any) -> str:
    """Text safe inside Markdown (no emphasis, links, tables or HTML made by accident)."""
    return _MD_SPECIAL.sub(r"\\\1", ("" if value is None else str(value)).translate(_MD_HTML))


def _esc(fmt: Format, value: Any) -> str:
    return h(value) if fmt == "html" else md(value) if fmt == "md" else ("" if value is None else str(value))


def link(fmt: Format, title: str, url: str | None) -> str:
    """A source link; on a page it opens in a new tab (leaving the self-check would end it)."""
    if not url:
        return _esc(fmt, title)
    if fmt == "html":
        return f'<a href="{h(url)}" target="_blank" rel="noopener noreferrer">{h(title)}</a>'
    if fmt == "md":
        return f"[{md(title)}]({url})"
    return f"{title} {url}"


def reliability(texts: dict[str, Any], value: str | None) -> str:
    return str(texts["reliability"].get(value or "", value or ""))


def cite(texts: dict[str, Any], c: dict[str, Any] | None, fmt: Format = "text", note: bool = True) -> str:
    """《document》article（how reliable）；读自：source。说明：note — the one wording of a citation."""
    p = texts["presenter"]
    if not c:
        return _esc(fmt, p["no_cite"])
    doc = str(c.get("document") or "")
    out = _esc(fmt, (titled(doc) if doc else "") + str(c.get("article") or ""))
    rel = reliability(texts, c.get("reliability"))
    if rel:
        out += _esc(fmt, f"（{rel}）")
    src = c.get("source") or {}
    if src.get("title"):
        out += _esc(fmt, f"；{p['read_from']}：") + link(fmt, str(src["title"]), src.get("url"))
    if note and c.get("note"):
        out += _esc(fmt, f"。{p['note']}：{c['note']}")
    return out


def short_cite(c: dict[str, Any] | None) -> str:
    """《document》article, without source and note (a card's reason list)."""
    if not c:
        return ""
    doc = str(c.get("document") or "")
    return (titled(doc) if doc else "") + str(c.get("article") or "")


def decision(texts: dict[str, Any], outcome: str | None) -> str:
    """The real decision of a published case in words (免责 / 减责 / 不予容错)."""
    return str(texts["decisions"].get(outcome or "", outcome or ""))


def source_reliability(texts: dict[str, Any], value: str | None) -> str:
    return str(texts["source_reliability"].get(value or "", ""))


def quote(texts: dict[str, Any], r: dict[str, Any]) -> str:
    """A rule's words: “verbatim” or （大意）paraphrase."""
    p = texts["presenter"]
    return f"{p['quote']}：“{r['text']}”" if r.get("verbatim") else f"{p['gist']}：{r['text']}"


def ordered_reasons(v: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """A kind's reasons, those that decide first (hit/met), then unknown, then the rest."""
    return sorted((r for r in v["reasons"] if r["kind"] == kind), key=lambda r: _RANK.get(r["status"], 9))


def questions_of(r: dict[str, Any]) -> list[str]:
    """The questions of a reason's unknown facts (the verdict carries them: `unknown_questions`)."""
    return list(r.get("unknown_questions") or r.get("unknown_facts") or [])


def outcome_line(v: dict[str, Any]) -> str:
    """The headline; an undetermined verdict adds its possible outcomes."""
    out = str(v["headline"])
    if v["outcome"] == "undetermined":
        out += "（可能：" + "、".join(o["label"] for o in v["possible_outcomes"]) + "）"
    return out


def outcome_short(texts: dict[str, Any], v: dict[str, Any]) -> str:
    """The headline in a short cell; an undetermined verdict says whether 符合容错情形 is already ruled out."""
    if v["outcome"] == "undetermined" and "eligible" not in {o["id"] for o in v["possible_outcomes"]}:
        return v["headline"] + fill(texts["presenter"]["ruled_out"], outcome=texts["outcomes"]["eligible"]["label"])
    return str(v["headline"])


def applied(texts: dict[str, Any], v: dict[str, Any]) -> str:
    return fill(texts["presenter"]["applied"], title=v["jurisdiction_title"], date=cn_date(v["as_of"]))


# -- the verdict as text (command line) -------------------------------------------------------------------

def verdict_text(rb: RuleBase, v: dict[str, Any]) -> str:
    """A verdict as plain Chinese text for the terminal."""
    texts = rb.texts
    p = texts["presenter"]
    lines = [f"【{p['title']}】{v['headline']}（{applied(texts, v)}）", v["meaning"]]
    if v.get("fallback"):
        lines.append(f"※ {v['fallback']['note']}")
    for sentence in v.get("why", []):
        lines.append(f"· {sentence}")
    if v["outcome"] == "undetermined":
        lines.append(f"{p['possible']}：" + "、".join(o["label"] for o in v["possible_outcomes"]))
    tracks = v["tracks"]
    lines.append(f"{p['tolerance']}：{tracks['tolerance']['label']}；{p['general']}：{tracks['general']['mitigating_label']}，"
                 f"{tracks['general']['aggravating_label']}")
    if v.get("read_as"):
        lines += ["", f"■ {p['read_as']}"]
        for r in v["read_as"]:
            new = "，".join(f"{k}={val}" for k, val in r["read_as"].items()) or "不再使用"
            lines.append(f"  {r['fact']}={r['value']} → {new}（{r['note']}）")
    for kind in KINDS:
        rs = [r for r in v["reasons"] if r["kind"] == kind]
        if not rs:
            continue
        lines += ["", f"■ {rs[0]['kind_label']}"]
        for r in rs:
            origin = fill(p["origin"], short=r["origin_short"]) if r["origin"] != v["ruleset"] else ""
            lines.append(f"  {MARK[r['status']]} [{r['status_label']}] {r['title']}{origin}")
            lines.append(f"      {quote(texts, r)}")
            lines.append(f"      {p['source']}：{cite(texts, r['cite'])}")
            if r["status"] == "unknown":
                lines.append(f"      {p['unknown_facts']}：{'；'.join(questions_of(r))}")
    if v["three_distinctions"]:
        lines += ["", f"■ {p['distinctions']}"]
        for d in v["three_distinctions"]:
            lines.append(f"  {d['title']}：{d['status_label']}（{d['tolerable_side']} / {d['other_side']}）")
    if v["coverage"]["note"] and not v["coverage"]["complete"]:
        lines += ["", f"■ {p['coverage']}", f"  {v['coverage']['note']}"]
    lines += ["", f"■ {p['unclear']}"]
    lines += [f"  - {m['question']}" + (f"（{s}）" if (s := _settles_text(rb, v, m['id'])) else "")
              for m in v["missing_facts"]] or [f"  {p['unclear_none']}"]
    changes = would_change(rb, v)
    if changes:
        lines += ["", f"■ {p['would_change']}"] + [f"  - {c}" for c in changes]
    ns = v["next_steps"]
    lines += ["", f"■ {p['next']}"]
    if ns["advice"]:
        lines.append(f"  {ns['advice']}")
    for st in ns["steps"]:
        lines.append(f"  {st['stage']} · {st['name']}（{st['actor']}）：{st['action']}")
    for st in ns["appeal"]:
        lines.append(f"  {p['appeal']} · {st['name']}（{st['actor']}）：{st['action']}")
    if v.get("scope"):
        lines += ["", f"{p['scope']}：{v['scope']}"]
    lines += ["", fill(p["version"], version=v["rules_version"]), f"※ {v['disclaimer']}"]
    return "\n".join(lines)


def settles(rb: RuleBase, v: dict[str, Any], fact_id: str) -> str:
    """Which answers to a still-unknown fact would settle the outcome (only answers to that fact:
    what the user has already answered is not put in question)."""
    p = rb.texts["presenter"]
    items = [fill(p["settle_item"], to=c["to_label"], outcome=c["outcome_label"])
             for c in v["would_change"] if c["fact"] == fact_id and c["from"] == "unknown"]
    return fill(p["settles"], changes="；".join(items)) if items else ""


def _settles_text(rb: RuleBase, v: dict[str, Any], fact_id: str) -> str:
    first = asked_after(rb, fact_id) if not_put(rb, v, fact_id) else None
    return first[1] if first else settles(rb, v, fact_id)


def _fact(rb: RuleBase, fact_id: str) -> Fact | None:
    return next((f for f in rb.facts if f.id == fact_id), None)


def shown_changes(rb: RuleBase, v: dict[str, Any]) -> list[dict[str, Any]]:
    """The verdict's single changes that fit the answers given: none to a question those answers do
    not put (facts.yaml asked_when), which the user could not answer differently."""
    return [c for c in v["would_change"] if (f := _fact(rb, c["fact"])) is None or f.is_asked(v["facts"])]


def not_put(rb: RuleBase, v: dict[str, Any], fact_id: str) -> bool:
    """Whether the user was not asked this question, given their other answers (facts.yaml asked_when):
    its value is then unknown or the one the rules imply (value_if_not_asked)."""
    f = _fact(rb, fact_id)
    return f is not None and not f.is_asked(v["facts"]) and v["facts"].get(fact_id) in (UNKNOWN, f.value_if_not_asked)


def asked_after(rb: RuleBase, fact_id: str) -> tuple[str, str] | None:
    """For a conditional question: (the earlier fact it depends on, a sentence saying to answer that first)."""
    f = _fact(rb, fact_id)
    if f is None or not f.asked_when:
        return None
    first = f.asked_when[0][0]
    return first, fill(rb.texts["presenter"]["asked_after"], question=rb.fact(first).question)


def would_change(rb: RuleBase, v: dict[str, Any]) -> list[str]:
    """The single answers that, given differently, would change the outcome (for checking one's
    answers; shown_changes, in that order)."""
    p = rb.texts["presenter"]
    out = []
    for c in shown_changes(rb, v):
        fact = _fact(rb, c["fact"])
        topic = fact.name if fact else c["question"]
        out.append(fill(p["would_change_item"], topic=topic, to=c["to_label"], **{"from": c["from_label"]},
                        outcome=c["outcome_label"]))
    return out


# -- the verdict as HTML (the browser's result page) ------------------------------------------------------

def _reason_li(texts: dict[str, Any], v: dict[str, Any], r: dict[str, Any], full: bool = True) -> str:
    p = texts["presenter"]
    origin = fill(p["origin"], short=r["origin_short"]) if r.get("origin") and r["origin"] != v["ruleset"] else ""
    out = (f'<li class="rc-sc-r rc-sc-r--{h(r["status"])}" data-id="{h(r["id"])}" data-status="{h(r["status"])}">'
           f'<p><span class="rc-sc-status">{h(r["status_label"])}</span> <strong>{h(r["title"])}</strong>'
           f'{f"<span class=rc-sc-origin>{h(origin)}</span>" if origin else ""}</p>')
    if full:
        out += f"<blockquote>{h(quote(texts, r))}</blockquote>"
        if r["status"] == "unknown" and (r.get("unknown_questions") or r.get("unknown_facts")):
            out += f'<p class="rc-sc-unknownfacts">{h(p["unknown_facts"])}：{h("；".join(questions_of(r)))}</p>'
        out += f'<p class="rc-sc-cite">{h(p["source"])}：{cite(texts, r["cite"], "html")}</p>'
    else:
        out += f'<p class="rc-sc-cite">{h(short_cite(r["cite"]))}</p>'
    return out + "</li>"


def reasons_html(texts: dict[str, Any], v: dict[str, Any], full: bool = True, fold: bool = False) -> str:
    """The reasons by kind. `fold`: the items simply not hit or not met go into one closed box
    (the training cards); `full`: with the rule's words and the citation (else title and article)."""
    major: list[str] = []
    rest: list[str] = []
    n_rest = 0
    for kind in KINDS:
        rs = ordered_reasons(v, kind) if fold else [r for r in v["reasons"] if r["kind"] == kind]
        if not rs:
            continue
        if not full:  # the short form shows only what decides
            keep = ("unmet", "unknown") if kind == "conditions" else ("hit", "met", "unknown")
            rs = [r for r in rs if r["status"] in keep]
        head = [r for r in rs if not fold or r["status"] not in MINOR[kind]]
        tail = [r for r in rs if fold and r["status"] in MINOR[kind]]
        for group, into in ((head, major), (tail, rest)):
            if group:
                into.append(f'<h4 class="rc-kind">{h(group[0]["kind_label"])}</h4><ul class="rc-sc-reasons">'
                            + "".join(_reason_li(texts, v, r, full) for r in group) + "</ul>")
        n_rest += len(tail)
    out = "".join(major)
    if rest:
        out += f'<details class="rc-rest"><summary>其余 {n_rest} 条未触及或不符合的条目</summary>{"".join(rest)}</details>'
    return out


def distinctions_html(texts: dict[str, Any], v: dict[str, Any]) -> str:
    p = texts["presenter"]
    if not v["three_distinctions"]:
        return ""
    items = "".join(
        f'<li data-id="{h(d["id"])}" data-status="{h(d["status"])}"><p><strong>{h(d["title"])}</strong>：'
        f'<span class="rc-sc-status">{h(d["status_label"])}</span></p>'
        f'<p class="rc-sc-sides">{h(p["tolerable_side"])}：{h(d["tolerable_side"])}<br>{h(p["other_side"])}：{h(d["other_side"])}</p>'
        f'<p class="rc-sc-cite">{h(p["source"])}：{cite(texts, d["cite"], "html")}</p></li>'
        for d in v["three_distinctions"])
    return f'<h3>{h(p["distinctions"])}</h3><ul class="rc-sc-distinctions">{items}</ul>'


CARD_BOX = {"eligible": "success", "mitigable": "warning", "not_eligible": "failure", "undetermined": "question"}


def card_verdict_html(rb: RuleBase, v: dict[str, Any], full: bool = True) -> str:
    """A verdict on a training card or a projector slide: the outcome box, the reasons (what decides
    first, the rest folded), the three distinctions, what is still unclear and, in full, the answers
    that would change it (the first twelve)."""
    texts = rb.texts
    p = texts["presenter"]
    o = v["outcome"]
    out = [f'<div class="admonition {CARD_BOX.get(o, "note")} rc-outcome rc-outcome--{h(o)}">'
           f'<p class="admonition-title">{h(fill(p["card_title"], headline=v["headline"]))}</p><p>{h(v["meaning"])}</p>']
    if v.get("why"):
        out.append('<ul class="rc-why">' + "".join(f"<li>{h(w)}</li>" for w in v["why"]) + "</ul>")
    if o == "undetermined":
        out.append(f'<p>{h(fill(p["card_possible"], outcomes="、".join(x["label"] for x in v["possible_outcomes"])))}</p>')
    out.append(f'<p class="rc-small">{h(applied(texts, v))}。{h(p["card_note"])}</p></div>')
    out.append(reasons_html(texts, v, full=full, fold=True))
    if full and v["three_distinctions"]:
        rows = "".join(f"<tr><td>{h(d['title'])}</td><td>{h(d['status_label'])}</td></tr>" for d in v["three_distinctions"])
        out.append(f'<table class="rc-distinctions"><caption>{h(p["card_distinctions"])}</caption>'
                   f'<thead><tr><th scope="col">{h(p["card_distinction"])}</th><th scope="col">{h(p["card_side"])}</th></tr></thead>'
                   f"<tbody>{rows}</tbody></table>")
    if v["missing_facts"]:
        out.append(f"<p><strong>{h(p['unclear'])}：</strong>" + "；".join(h(m["question"]) for m in v["missing_facts"]) + "</p>")
    changes = would_change(rb, v) if full else []
    if changes:
        items = "".join(f"<li>{h(c)}</li>" for c in changes[:12])
        more = f'<li>{h(fill(p["card_more_changes"], n=str(len(changes) - 12)))}</li>' if len(changes) > 12 else ""
        out.append(f'<details class="rc-would"><summary>{h(p["card_changes"])}</summary><ul>{items}{more}</ul></details>')
    return "".join(out)


def deck_answer_html(texts: dict[str, Any], v: dict[str, Any], note_html: str = "") -> str:
    """A verdict on the printed answer sheet of the card deck: the outcome, for an undetermined one
    the possible outcomes and the first facts to establish, then the items that decide it (note_html,
    already HTML, follows them)."""
    p = texts["presenter"]
    key = [r for r in v["reasons"] if (r["kind"] == "exclusions" and r["status"] == "hit")
           or (r["kind"] in ("situations", "mitigations") and r["status"] == "met")
           or (r["kind"] == "conditions" and r["status"] in ("unmet", "unknown"))]
    why = "；".join(f"{h(r['status_label'])}：{h(r['title'])}" for r in key) or h(p["deck_nothing"])
    extra = ""
    if v["outcome"] == "undetermined":
        missing = v["missing_facts"]
        more = fill(p["deck_more"], n=str(len(missing))) if len(missing) > 3 else ""
        extra = h(fill(p["deck_undetermined"], outcomes="、".join(o["label"] for o in v["possible_outcomes"]),
                       facts="；".join(m["question"].rstrip("？?") for m in missing[:3]), more=more))
    return (f'{h(p["deck_verdict"])}：<strong>{h(v["label"])}</strong>。{extra}<br>'
            f'<span class="rc-small">{why}{note_html}</span>')


def _next_html(rb: RuleBase, v: dict[str, Any]) -> str:
    p = rb.texts["presenter"]
    ns = v["next_steps"]
    out = f'<section class="rc-v-next"><h3>{h(p["next"])}</h3>'
    if ns["advice"]:
        out += f'<p class="rc-sc-advice">{h(ns["advice"])}</p>'
    apply = application_step(rb, v)
    if apply and v["outcome"] in ("eligible", "mitigable", "undetermined"):
        out += (f'<p class="rc-v-receiver"><strong>{h(p["receiver"])}：</strong>{h(apply["action"])}'
                f'<span class="rc-sc-cite">（{h(short_cite(apply["cite"]))}，{h(reliability(rb.texts, apply["cite"].get("reliability")))}）</span></p>')
    return out + "</section>"


def _unclear_html(rb: RuleBase, v: dict[str, Any]) -> str:
    p = rb.texts["presenter"]
    if not v["missing_facts"]:
        return ""
    items = []
    for m in v["missing_facts"]:
        s = settles(rb, v, m["id"]) or (p["settles_none"] if v["outcome"] != "undetermined" else "")
        goto = m["id"]
        if not_put(rb, v, m["id"]) and (first := asked_after(rb, m["id"])):  # not asked yet: answer that first
            goto, s = first[0], first[1]
        items.append(f'<li><strong>{h(m["question"])}</strong>{f"<br>{h(s)}" if s else ""} '
                     f'<button type="button" class="rc-sc-link" data-rc-goto="{h(goto)}" '
                     f'aria-label="{h(p["fill_in"])}：{h(m["question"])}">{h(p["fill_in"])}</button></li>')
    return f'<section class="rc-v-unclear"><h3>{h(p["unclear"])}</h3><ul class="rc-sc-missing">{"".join(items)}</ul></section>'


def _procedure_html(texts: dict[str, Any], v: dict[str, Any]) -> str:
    p = texts["presenter"]
    ns = v["next_steps"]
    if not ns["steps"] and not ns["appeal"]:
        return ""
    out = f'<h3>{h(fill(p["procedure"], title=ns["procedure"]) if ns["procedure"] else p["next"])}</h3>'
    if ns["steps"]:
        out += '<ol class="rc-sc-steps">' + "".join(
            f'<li><strong>{h(s["stage"])} · {h(s["name"])}</strong>（{h(s["actor"])}）：{h(s["action"])}</li>'
            for s in ns["steps"]) + "</ol>"
    if ns["appeal"]:
        out += f'<h4>{h(p["appeal"])}</h4><ol class="rc-sc-steps">' + "".join(
            f'<li><strong>{h(s["name"])}</strong>（{h(s["actor"])}）：{h(s["action"])}</li>' for s in ns["appeal"]) + "</ol>"
    if ns.get("cite"):
        out += f'<p class="rc-sc-cite">{h(p["source"])}：{cite(texts, ns["cite"], "html")}</p>'
    return out


def _compare_html(texts: dict[str, Any], v: dict[str, Any], comparison: dict[str, Any] | None) -> str:
    p = texts["presenter"]
    if not comparison or len(comparison.get("verdicts", [])) < 2:
        return ""
    rows = []
    for x in comparison["verdicts"]:
        if x["jurisdiction"] == v["jurisdiction"]:
            cell = f'<strong>{h(x["headline"])}</strong>'
        else:
            cell = (f'<button type="button" class="rc-sc-link" data-rc-jurisdiction="{h(x["jurisdiction"])}" '
                    f'aria-label="{h(x["headline"])}（{h(fill(p["compare_show"], short=x["jurisdiction_short"]))}）">'
                    f'{h(x["headline"])}</button>')
        rows.append(f'<tr data-jurisdiction="{h(x["jurisdiction"])}" data-outcome="{h(x["outcome"])}">'
                    f'<th scope="row">{h(x["jurisdiction_short"])}</th><td>{cell}</td></tr>')
    return (f'<section class="rc-v-compare"><h3>{h(p["compare"])}</h3><div class="rc-sc-table"><table class="rc-sc-compare">'
            f'<thead><tr><th scope="col">{h(p["compare_region"])}</th><th scope="col">{h(p["compare_outcome"])}</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div></section>')


def answers(rb: RuleBase, v: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The user's answers as (fact or quantity id, question, answer), in the form's order."""
    out = []
    for f in rb.facts:
        value = v["facts"].get(f.id)
        if value is None or not_put(rb, v, f.id):  # not asked, given the other answers
            continue
        out.append((f.id, f.question, f.label(str(value), rb.unknown_label)))
    for q in rb.quantities:
        if v["facts"].get(q.id) is not None:
            n = v["facts"][q.id]
            out.append((q.id, q.question, f"{n:g} {q.unit}" if isinstance(n, (int, float)) else f"{n} {q.unit}"))
    return out


def _answers_html(rb: RuleBase, v: dict[str, Any]) -> str:
    p = rb.texts["presenter"]
    rows = [f'<dt>{h(p["jurisdiction"])}</dt><dd>{h(v["jurisdiction_title"])}</dd>',
            f'<dt>{h(p["as_of"])}</dt><dd>{h(cn_date(v["as_of"]))}</dd>']
    for fid, question, answer in answers(rb, v):
        unknown = v["facts"].get(fid) == "unknown"
        rows.append(f'<dt>{h(question)}</dt><dd{" class=rc-sc-unknown" if unknown else ""}>{h(answer)}</dd>')
    return (f'<details class="rc-sc-answers-box"><summary>{h(p["answers"])}</summary>'
            f'<dl class="rc-sc-answers">{"".join(rows)}</dl></details>')


def verdict_html(rb: RuleBase, v: dict[str, Any], comparison: dict[str, Any] | None = None,
                 printed_on: str = "") -> str:
    """The result page: the answer first (headline, why, what to do, what is still unclear), one
    disclaimer, then the detailed basis behind a disclosure. Buttons carry data-rc-* attributes; the
    page script only wires them (print, edit, restart, draft, another jurisdiction, an unclear answer)."""
    texts = rb.texts
    p = texts["presenter"]
    o = v["outcome"]
    out = [f'<div class="rc-v" data-outcome="{h(o)}">',
           f'<p class="rc-v-printhead"><strong>{h(p["print_title"])}</strong>'
           + (f'<span>{h(p["printed_on"])}：{h(cn_date(printed_on))}</span>' if printed_on else "")
           + f'<span>{h(applied(texts, v))}</span><span>{h(fill(p["version"], version=v["rules_version"]))}</span></p>',
           f'<h2 id="rc-v-title" tabindex="-1">{h(p["title"])}</h2>',
           f'<p class="rc-sc-outcome rc-sc-outcome--{h(o)}" data-outcome="{h(o)}">{h(v["headline"])}</p>']
    why = list(v.get("why") or []) or [v["meaning"]]
    out.append('<ul class="rc-sc-why">' + "".join(f"<li>{h(w)}</li>" for w in why) + "</ul>")
    if v.get("fallback"):
        out.append(f'<p class="rc-sc-fallback">※ {h(v["fallback"]["note"])}</p>')
    out.append(_next_html(rb, v))
    out.append(_unclear_html(rb, v))
    actions = [("print", p["print"], True), ("edit", p["edit"], False), ("restart", p["restart"], False)]
    if o in ("eligible", "mitigable"):
        actions.insert(1, ("draft", p["draft"], False))
    out.append('<p class="rc-sc-actions">' + " ".join(
        f'<button type="button" class="md-button{" md-button--primary" if primary else ""}" data-rc-action="{a}">{h(label)}</button>'
        for a, label, primary in actions) + "</p>")
    out.append(f'<p class="rc-sc-applied">{h(applied(texts, v))}</p>')
    out.append(f'<div class="rc-sc-disclaimer" role="note"><strong>※ </strong>{h(v["disclaimer"])}</div>')
    out.append(_compare_html(texts, v, comparison))
    out.append(_answers_html(rb, v))
    # the detailed basis: closed, and printed only when opened
    basis = [f'<p class="rc-sc-meaning"><strong>{h(p["meaning"])}：</strong>{h(v["meaning"])}</p>',
             f'<p class="rc-sc-tracks"><strong>{h(p["tolerance"])}：</strong>{h(v["tracks"]["tolerance"]["label"])}；'
             f'<strong>{h(p["general"])}：</strong>{h(v["tracks"]["general"]["mitigating_label"])}，'
             f'{h(v["tracks"]["general"]["aggravating_label"])}</p>']
    if v["coverage"]["note"] and not v["coverage"]["complete"]:
        basis.append(f'<p class="rc-sc-coverage"><strong>{h(p["coverage"])}：</strong>{h(v["coverage"]["note"])}</p>')
    if len(v["possible_outcomes"]) > 1:
        basis.append(f'<p><strong>{h(p["possible"])}：</strong>' + "、".join(h(x["label"]) for x in v["possible_outcomes"]) + "</p>")
    if v.get("read_as"):
        basis.append(f'<p><strong>{h(p["read_as"])}：</strong>'
                     + "；".join(h(f"{r['fact']}={r['value']}（{r['note']}）") for r in v["read_as"]) + "</p>")
    basis.append(f'<h3>{h(p["reasons"])}</h3>' + reasons_html(texts, v))
    basis.append(distinctions_html(texts, v))
    changes = would_change(rb, v)
    basis.append(f'<h3>{h(p["would_change"])}</h3>' + (
        '<ul class="rc-sc-changes">' + "".join(
            f'<li data-fact="{h(c["fact"])}" data-to="{h(c["to"])}">{h(t)}</li>'
            for c, t in zip(shown_changes(rb, v), changes, strict=True)) + "</ul>"
        if changes else f'<p>{h(p["would_change_none"])}</p>'))
    basis.append(_procedure_html(texts, v))
    if v.get("scope"):
        basis.append(f'<p class="rc-sc-scope"><strong>{h(p["scope"])}：</strong>{h(v["scope"])}</p>')
    out.append(f'<details class="rc-v-basis"><summary>{h(p["basis"])}</summary>{"".join(basis)}</details>')
    out.append("</div>")
    return "".join(out)


# -- the application draft --------------------------------------------------------------------------------

def application_step(rb: RuleBase, v: dict[str, Any]) -> dict[str, Any] | None:
    """The step of the rule set's procedure where the person concerned applies (its actor is who
    receives it), else that of the general model; None when neither names one."""
    for key in (v["jurisdiction"], "model"):
        proc = rb.procedures.get(key) or {}
        for stage in proc.get("stages", []):
            for st in stage["steps"]:
                if st["id"].endswith("-apply"):
                    return dict(st)
    return None


def application_html(rb: RuleBase, v: dict[str, Any]) -> str:
    """A printable, editable draft 容错免责申请 (eligible) or 情况说明 (mitigable): the user's facts in
    sentences, the clauses met with their citations, a list of materials and who receives it. Made
    in the page from the verdict; nothing in it leaves the page."""
    texts = rb.texts
    a = texts["application"]
    o = v["outcome"]
    if o not in ("eligible", "mitigable"):
        return ""
    kind = "eligible" if o == "eligible" else "mitigable"
    facts = [f"{fact.name}：{answer}。" for fid, _q, answer in answers(rb, v)
             if (fact := _fact(rb, fid)) and v["facts"].get(fid) != "unknown"]
    facts += [f"{q.question.rstrip('？?')}：{v['facts'][q.id]:g} {q.unit}。" for q in rb.quantities
              if isinstance(v["facts"].get(q.id), (int, float))]
    met = [r for r in v["reasons"] if r["kind"] in APPLICATION_KINDS[o] and r["status"] == "met"]
    basis = "".join(f"<li>{h(r['title'])}：{h(short_cite(r['cite']))}（{h(reliability(texts, r['cite'].get('reliability')))}）</li>"
                    for r in met)
    materials = "".join(f"<li>{h(m)}</li>" for m in a["materials_list"].split("；"))
    step = application_step(rb, v)
    receiver = ""
    if step:
        receiver = (f'<p class="rc-app-receiver"><strong>{h(a["receiver"])}：</strong>{h(step["action"])}'
                    f'（{cite(texts, step.get("cite"), "html", note=False)}）</p>')
    doc = (f'<div class="rc-app-doc" contenteditable="true" spellcheck="false" role="textbox" aria-multiline="true" '
           f'aria-label="{h(a["title_" + kind])}">'
           f'<h3 class="rc-app-title">{h(a["title_" + kind])}</h3>'
           f'<p>{h(a["to"])}</p><p>{h(a["opening_" + kind])}</p>'
           f'<h4>{h(a["what"])}</h4><p>{h(a["what_blank"])}</p>'
           f'<h4>{h(a["facts"])}</h4><ul>{"".join(f"<li>{h(s)}</li>" for s in facts)}</ul>'
           f'<h4>{h(a["basis"])}</h4><ul>{basis}</ul>'
           f'<h4>{h(a["remedy"])}</h4><p>{h(a["remedy_blank"])}</p>'
           f'<h4>{h(a["materials"])}</h4><ol>{materials}</ol>'
           f'<p class="rc-app-sign">{h(a["sign"])}</p></div>')
    return (f'<section class="rc-app" aria-labelledby="rc-app-h"><h2 id="rc-app-h" tabindex="-1">{h(a["title_" + kind])}</h2>'
            f'<p class="rc-app-intro" role="note">{h(a["intro"])}</p>{receiver}'
            f'<p class="rc-app-note">{h(a["materials_note"])}</p>{doc}'
            f'<p class="rc-sc-actions"><button type="button" class="md-button md-button--primary" data-rc-action="print">'
            f'{h(a["print"])}</button> <button type="button" class="md-button" data-rc-action="back">{h(a["back"])}</button></p>'
            f'<div class="rc-sc-disclaimer" role="note"><strong>※ </strong>{h(v["disclaimer"])}</div></section>')
