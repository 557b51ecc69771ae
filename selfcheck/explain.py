"""Verdicts: the JSON-able result of one self-check, and its plain-Chinese text. Standard library only.

All user-facing words come from the rule files (rules/outcomes.yaml, facts.yaml, the rule sets and
procedure.yaml); this module only arranges them.
"""

from __future__ import annotations

import datetime as _dt
import json
from typing import Any

from .engine import evaluator, value_of_bit
from .errors import FactsError, Problem
from .facts import derived_loss_levels, normalize_facts
from .model import KINDS, OUTCOMES, QUANTITIES, UNKNOWN, RuleBase, RuleSet

SCHEMA = 1
STATUS = {
    "exclusions": {True: "hit", False: "not_hit", None: "unknown"},
    "conditions": {True: "met", False: "unmet", None: "unknown"},
    "situations": {True: "met", False: "unmet", None: "unknown"},
    "mitigations": {True: "met", False: "unmet", None: "unknown"},
}


def today() -> str:
    return _dt.date.today().isoformat()


def pick_ruleset(rb: RuleBase, jurisdiction: str, as_of: str) -> RuleSet:
    known = rb.jurisdictions()
    if jurisdiction not in known:
        raise FactsError([Problem(f"地区 {jurisdiction}", f"没有地区 {jurisdiction!r} 的规则集", ", ".join(known),
                                  "用 `python -m selfcheck jurisdictions` 查看可选的地区")])
    rs = rb.ruleset_for(jurisdiction, as_of)
    if rs is None:
        spans = "；".join(f"{r.id}: {r.effective} 至 {r.until or '今'}" for r in rb.rulesets
                         if r.jurisdiction == jurisdiction)
        raise FactsError([Problem(f"日期 {as_of}", f"{as_of} 这一天 {jurisdiction} 没有正在施行的规则集", spans,
                                  "换一个在有效期内的 --as-of 日期")])
    return rs


def evaluate(rb: RuleBase, raw_facts: Any, jurisdiction: str = "national", as_of: str | None = None,
             normalized: bool = False) -> dict[str, Any]:
    """The verdict for one set of facts in one jurisdiction (DESIGN.md section 5)."""
    as_of = as_of or today()
    try:
        _dt.date.fromisoformat(as_of)
    except ValueError:
        raise FactsError([Problem(f"日期 {as_of!r}", "不是有效日期", "YYYY-MM-DD", "写成 2024-06-30 这样的日期")]) from None
    facts = raw_facts if normalized else normalize_facts(rb, raw_facts)
    rs = pick_ruleset(rb, jurisdiction, as_of)
    ev = evaluator(rb, rs, as_of)
    loss_levels = derived_loss_levels(rb, facts)
    s = ev.state(facts, loss_levels)
    loss_i = ev.index.get("loss_level")
    loss_mask = s[loss_i] if (loss_i is not None and len(loss_levels) < len(ev.ordered[loss_i])) else None
    an = ev.analyse(s, loss_mask)
    view = an.view
    if view is None:
        view = an.view = _state_view(rb, rs, ev, an)
    texts = rb.texts
    changes = []
    for i, target, new in an.changes:
        fact = rb.facts[i]
        cur = s[i]
        from_id = value_of_bit(ev, i, cur) if cur & (cur - 1) == 0 else UNKNOWN
        from_label = fact.label(from_id, rb.unknown_label)
        for j in range(target.bit_length()):
            if target >> j & 1:
                to = ev.ordered[i][j]
                changes.append({
                    "fact": fact.id, "question": fact.question, "from": from_id, "from_label": from_label,
                    "to": to, "to_label": fact.label(to), "outcome": new,
                    "outcome_label": texts["outcomes"][new]["label"],
                })
    return {
        "schema": SCHEMA,
        "jurisdiction": rs.jurisdiction,
        "jurisdiction_title": rs.title,
        "jurisdiction_short": rs.short,
        "ruleset": rs.id,
        "as_of": as_of,
        "rules_version": rb.version,
        "outcome": view["outcome"],
        "label": view["label"],
        "meaning": view["meaning"],
        "possible_outcomes": view["possible_outcomes"],
        "reasons": view["reasons"],
        "three_distinctions": view["three_distinctions"],
        "missing_facts": view["missing_facts"],
        "would_change": changes,
        "next_steps": view["next_steps"],
        "facts": {**{f.id: facts[f.id] for f in rb.facts},
                  **{q: facts.get(q) for q in QUANTITIES if q in facts},
                  "loss_level_possible": loss_levels},
        "disclaimer": texts["disclaimer"],
    }


class _Encoded(list):
    """A list whose compact JSON (text and UTF-8) is computed once (parts shared by equal states)."""

    __slots__ = ("json", "utf8")
    json: str
    utf8: bytes


class _EncodedDict(dict):
    __slots__ = ("json", "utf8")
    json: str
    utf8: bytes


def _frozen(value: Any) -> Any:
    out: Any = _Encoded(value) if isinstance(value, list) else _EncodedDict(value)
    out.json = _ENCODE(value)
    out.utf8 = out.json.encode("utf-8")
    return out


def _state_view(rb: RuleBase, rs: RuleSet, ev: Any, an: Any) -> dict[str, Any]:
    """Verdict parts that depend only on the (canonical) state: built once per state, then shared.

    Verdicts are read-only: these lists and dicts are shared between verdicts of equal states.
    """
    cs = an.state
    texts = rb.texts
    outcome = an.outcome
    reasons = []
    parts = []
    for kind in KINDS:
        for it in ev.items[kind]:
            status = STATUS[kind][an.items[it.id]]
            facts_of = ev.sorted_facts[it.id]
            unknown = tuple(ev.fact_ids[f] for f in facts_of if status == "unknown" and cs[f] not in ev.class_set[f])
            key = (rb.version, it.id, status, unknown)
            hit = _REASONS.get(key)
            if hit is None:
                reason = {
                    "id": it.id, "kind": kind, "kind_label": texts["kinds"][kind], "title": it.title,
                    "text": it.text, "verbatim": it.verbatim, "cite": it.cite,
                    "facts": [ev.fact_ids[f] for f in facts_of],
                    "status": status, "status_label": texts["statuses"][status], "unknown_facts": list(unknown),
                }
                if len(_REASONS) > 20_000:
                    _REASONS.clear()
                text = _ENCODE(reason)
                hit = _REASONS[key] = (reason, text, text.encode())
            reasons.append(hit[0])
            parts.append(hit)
    encoded_reasons = _Encoded(reasons)
    encoded_reasons.json = "[" + ",".join(p[1] for p in parts) + "]"
    encoded_reasons.utf8 = b"[" + b",".join(p[2] for p in parts) + b"]"
    missing: list[str] = []
    for r in reasons:
        for f in r["unknown_facts"]:
            if f not in missing:
                missing.append(f)
    missing.sort(key=ev.index.__getitem__)
    return {
        "outcome": outcome,
        "label": texts["outcomes"][outcome]["label"],
        "meaning": texts["outcomes"][outcome]["meaning"],
        "possible_outcomes": _frozen([{"id": o, "label": texts["outcomes"][o]["label"]}
                                      for o in OUTCOMES if o in an.found]),
        "reasons": encoded_reasons,
        "three_distinctions": _frozen(distinctions(rb, ev, cs)),
        "missing_facts": _frozen([{"id": f, "question": rb.fact(f).question} for f in missing]),
        "next_steps": _next_steps_frozen(rb, rs, outcome),
    }


_FRAGMENTS: dict[Any, Any] = {}
_REASONS: dict[Any, tuple[dict[str, Any], str, bytes]] = {}  # shared reason dicts and their JSON


def _next_steps_frozen(rb: RuleBase, rs: RuleSet, outcome: str) -> _EncodedDict:
    key = ("next_steps", rb.version, rs.id, outcome)
    hit = _FRAGMENTS.get(key)
    if hit is None:
        hit = _FRAGMENTS[key] = _frozen(next_steps(rb, rs, outcome))
    return hit


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def dumps(v: dict[str, Any]) -> str:
    """Compact JSON of a verdict, equal to json.dumps(v, ensure_ascii=False, separators=(",", ":")).

    The parts shared by equal states carry their encoding (see _state_view), which makes `batch`
    several times faster. Tests check the equality on random verdicts.
    """
    parts = []
    for key, value in v.items():
        enc = value.json if isinstance(value, (_Encoded, _EncodedDict)) else _ENCODE(value)
        parts.append(f'"{key}":{enc}')
    return "{" + ",".join(parts) + "}"


def dumps_compare(result: dict[str, Any]) -> str:
    """Compact JSON of compare()'s result (each verdict through dumps()); equal to json.dumps."""
    parts = []
    for key, value in result.items():
        enc = "[" + ",".join(dumps(v) for v in value) + "]" if key == "verdicts" else _ENCODE(value)
        parts.append(f'"{key}":{enc}')
    return "{" + ",".join(parts) + "}"


_PIECES: dict[Any, bytes] = {}


def dumps_utf8(v: dict[str, Any]) -> bytes:
    """dumps(v) encoded as UTF-8, assembled from cached bytes (what `batch` writes)."""
    if len(_PIECES) > 50_000:
        _PIECES.clear()
    parts = []
    for key, value in v.items():
        if isinstance(value, (_Encoded, _EncodedDict)):
            parts.append(b'"' + key.encode() + b'":' + value.utf8)
        elif isinstance(value, (str, int)):  # labels, ids, dates: few distinct values
            piece = _PIECES.get((key, value))
            if piece is None:
                piece = _PIECES[(key, value)] = f'"{key}":{_ENCODE(value)}'.encode()
            parts.append(piece)
        elif key == "would_change":
            changes = []
            for c in value:
                ck = ("change", v["rules_version"], c["fact"], c["from"], c["to"], c["outcome"])
                piece = _PIECES.get(ck)
                if piece is None:
                    piece = _PIECES[ck] = _ENCODE(c).encode()
                changes.append(piece)
            parts.append(b'"would_change":[' + b",".join(changes) + b"]")
        else:
            parts.append(f'"{key}":{_ENCODE(value)}'.encode())
    return b"{" + b",".join(parts) + b"}"


def distinctions(rb: RuleBase, ev: Any, s: tuple[int, ...]) -> list[dict[str, Any]]:
    out = []
    for d, tol, oth in ev.distinctions:
        other = ev.exact(id(oth), s)
        tolerable = ev.exact(id(tol), s)
        if other is True:
            status = "other"
        elif tolerable is True and other is False:
            status = "tolerable"
        elif tolerable is False and other is False:
            status = "not_applicable"
        else:
            status = "unknown"
        out.append({"id": d.id, "title": d.title, "status": status,
                    "status_label": rb.texts["distinction_statuses"][status],
                    "tolerable_side": d.tolerable_side, "other_side": d.other_side, "text": d.text, "cite": d.cite})
    return out


def next_steps(rb: RuleBase, rs: RuleSet, outcome: str) -> dict[str, Any]:
    proc = rb.procedures.get(rs.jurisdiction) or rb.procedures.get("model") or {}
    steps = [{"stage": stg["name"], **{k: st[k] for k in ("id", "name", "actor", "action")}}
             for stg in proc.get("stages", []) for st in stg["steps"]]
    appeal = [{k: st[k] for k in ("id", "name", "actor", "action")} for st in proc.get("appeal", [])]
    return {"advice": rs.advice.get(outcome, ""), "procedure": proc.get("title", ""),
            "cite": proc.get("cite"), "steps": steps, "appeal": appeal}


def compare(rb: RuleBase, raw_facts: Any, as_of: str | None = None) -> dict[str, Any]:
    """The same facts in every jurisdiction in force on as_of, side by side."""
    as_of = as_of or today()
    facts = normalize_facts(rb, raw_facts)
    verdicts = [evaluate(rb, facts, j, as_of, normalized=True) for j in rb.jurisdictions()
                if rb.ruleset_for(j, as_of) is not None]
    return {"schema": SCHEMA, "as_of": as_of, "rules_version": rb.version, "verdicts": verdicts}


# -- text ---------------------------------------------------------------------------------------------------

MARK = {"hit": "✗", "not_hit": "✓", "met": "✓", "unmet": "✗", "unknown": "？"}


def cite_text(cite: dict[str, Any] | None) -> str:
    if not cite:
        return ""
    out = f"《{cite['document'].strip('《》')}》{cite['article']}"
    src = cite.get("source") or {}
    if cite.get("reliability") != "official":
        out += "（据" + ("陈朋(2022)引述" if cite.get("reliability") == "paper" else "公开转载或转述") + "）"
    if src.get("url"):
        out += f" 见 {src['url']}"
    return out


def to_text(v: dict[str, Any]) -> str:
    """A verdict as plain Chinese text for the terminal."""
    lines = [f"【自查结果】{v['label']}（{v['jurisdiction_title']}，按 {v['as_of']} 施行的规定）",
             v["meaning"]]
    if v["outcome"] == "undetermined":
        lines.append("可能的结果：" + "、".join(o["label"] for o in v["possible_outcomes"]))
    order = ("exclusions", "conditions", "situations", "mitigations")
    for kind in order:
        rs = [r for r in v["reasons"] if r["kind"] == kind]
        if not rs:
            continue
        lines.append("")
        lines.append(f"■ {rs[0]['kind_label']}")
        for r in rs:
            lines.append(f"  {MARK[r['status']]} [{r['status_label']}] {r['title']}（{r['id']}）")
            quote = f"“{r['text']}”" if r["verbatim"] else f"（大意）{r['text']}"
            lines.append(f"      {quote}")
            lines.append(f"      出处：{cite_text(r['cite'])}")
            if r["status"] == "unknown":
                lines.append(f"      尚不清楚：{'、'.join(r['unknown_facts'])}")
    if v["three_distinctions"]:
        lines.append("")
        lines.append("■ 三个区分开来")
        for d in v["three_distinctions"]:
            lines.append(f"  {d['title']}：{d['status_label']}（{d['tolerable_side']} / {d['other_side']}）")
    if v["missing_facts"]:
        lines.append("")
        lines.append("■ 还需要查清的事实")
        for m in v["missing_facts"]:
            lines.append(f"  - {m['question']}（{m['id']}）")
    if v["would_change"]:
        lines.append("")
        lines.append("■ 哪些单项变化会改变结果")
        for c in v["would_change"]:
            lines.append(f"  - 若“{c['question']}”为“{c['to_label']}”（现为“{c['from_label']}”）：{c['outcome_label']}")
    ns = v["next_steps"]
    lines.append("")
    lines.append("■ 下一步")
    if ns["advice"]:
        lines.append(f"  {ns['advice']}")
    for st in ns["steps"]:
        lines.append(f"  {st['stage']} · {st['name']}（{st['actor']}）：{st['action']}")
    for st in ns["appeal"]:
        lines.append(f"  申诉复核 · {st['name']}（{st['actor']}）：{st['action']}")
    lines.append("")
    lines.append(f"规则版本 {v['rules_version']}")
    lines.append(f"※ {v['disclaimer']}")
    return "\n".join(lines)

