"""Verdicts: the JSON-able result of one self-check. Standard library only.

All user-facing words come from the rule files (rules/outcomes.yaml, facts.yaml, the rule sets and
procedure.yaml); this module only arranges them. How a verdict is worded for a reader (text, Markdown,
HTML) is selfcheck/present.py.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from typing import Any

from .engine import AGGRAVATED, EXEMPT, GAP, MITIGATED, REDUCED, evaluator, value_of_bit
from .errors import FactsError, Problem
from .facts import READ_AS, derived_loss_levels, normalize_facts
from .model import KINDS, OUTCOMES, UNKNOWN, Item, RuleBase, RuleSet
from .present import cn_date, fill, titled

SCHEMA = 1
_HIT = {True: "hit", False: "not_hit", None: "unknown"}
_MET = {True: "met", False: "unmet", None: "unknown"}
STATUS = {kind: _HIT if kind in ("exclusions", "aggravations") else _MET for kind in KINDS}
TRI = {True: "yes", False: "no", None: "unknown"}


def today() -> str:
    return _dt.date.today().isoformat()


def pick_ruleset(rb: RuleBase, jurisdiction: str, as_of: str) -> tuple[RuleSet, dict[str, str] | None]:
    """The rule set of a jurisdiction in force on as_of, and a fallback note when that jurisdiction's
    own rules were not in force then and the national floor it extends is used instead."""
    known = rb.jurisdictions()
    if jurisdiction not in known:
        raise FactsError([Problem(f"地区 {jurisdiction}", f"没有地区 {jurisdiction!r} 的规则集", ", ".join(known),
                                  "用 `python -m selfcheck jurisdictions` 查看可选的地区")])
    rs = rb.ruleset_for(jurisdiction, as_of)
    if rs is not None:
        return rs, None
    own = [r for r in rb.rulesets if r.jurisdiction == jurisdiction]
    bases = [rb.ruleset(r.extends) for r in own if r.extends]
    base = next((b for b in bases if b.in_force(as_of)), None)
    texts = rb.texts["fallback"]
    if base is not None:
        first = min(r.effective for r in own)
        note = fill(texts["note"], short=own[0].short, date=cn_date(as_of), first=cn_date(first), base=base.short)
        return base, {"jurisdiction": jurisdiction, "short": own[0].short, "note": note}
    earliest = min(r.effective for r in rb.rulesets)
    raise FactsError([Problem(f"日期 {as_of}", fill(texts["none"], date=cn_date(as_of), first=cn_date(earliest)),
                              "", f"换一个不早于{cn_date(earliest)}（{earliest}）的日期")])  # the same words on the web page


def evaluate(rb: RuleBase, raw_facts: Any, jurisdiction: str = "national", as_of: str | None = None,
             normalized: bool = False) -> dict[str, Any]:
    """The verdict for one set of facts in one jurisdiction (README: "Verdict JSON")."""
    as_of = as_of or today()
    try:
        _dt.date.fromisoformat(as_of)
    except ValueError:
        raise FactsError([Problem(f"日期 {as_of!r}", "不是有效日期", "YYYY-MM-DD", "写成 2024-06-30 这样的日期")]) from None
    facts = raw_facts if normalized else normalize_facts(rb, raw_facts)
    rs, fallback = pick_ruleset(rb, jurisdiction, as_of)
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
    changes = _encoded_changes(rb, ev, s, an.changes)
    return {
        "schema": SCHEMA,
        "jurisdiction": fallback["jurisdiction"] if fallback else rs.jurisdiction,
        "jurisdiction_title": rs.title,
        "jurisdiction_short": fallback["short"] if fallback else rs.short,
        "ruleset": rs.id,
        "as_of": as_of,
        "rules_version": rb.version,
        "outcome": view["outcome"],
        "label": view["label"],
        "headline": view["headline"],
        "meaning": view["meaning"],
        "why": view["why"],
        "possible_outcomes": view["possible_outcomes"],
        "tracks": view["tracks"],
        "coverage": view["coverage"],
        "fallback": fallback,
        "read_as": facts.get(READ_AS, []),
        "scope": view["scope"],
        "reasons": view["reasons"],
        "three_distinctions": view["three_distinctions"],
        "missing_facts": view["missing_facts"],
        "would_change": changes,
        "next_steps": view["next_steps"],
        "facts": {**{f.id: facts[f.id] for f in rb.facts},
                  **{q: facts.get(q) for q in rb.quantity_ids if q in facts},
                  "loss_level_possible": loss_levels},
        "disclaimer": texts["disclaimer"],
    }


def _encoded_changes(rb: RuleBase, ev: Any, s: Any, found: Any) -> _Encoded:
    """The verdict's `would_change` entries (one answer changed → another outcome), each also kept
    as its JSON, cached per rule set and state class: the browser's answer is their concatenation."""
    texts = rb.texts
    changes = _Encoded()
    chunks = changes.chunks = [b"["]
    cache = ev.views.setdefault("changes", {})  # (fact, its class now, target classes, outcome): entries
    for i, target, new in found:
        cur = s[i]
        entries = cache.get((i, cur, target, new))
        if entries is None:
            fact = rb.facts[i]
            from_id = value_of_bit(ev, i, cur) if cur & (cur - 1) == 0 else UNKNOWN
            from_label = fact.label(from_id, rb.unknown_label)
            dicts = [{"fact": fact.id, "question": fact.question, "from": from_id, "from_label": from_label,
                      "to": ev.ordered[i][j], "to_label": fact.label(ev.ordered[i][j]), "outcome": new,
                      "outcome_label": texts["outcomes"][new]["label"]}
                     for j in range(target.bit_length()) if target >> j & 1]
            entries = cache[(i, cur, target, new)] = (dicts, [_ENCODE(d).encode() for d in dicts])
        for d, utf8 in zip(*entries, strict=True):
            if len(chunks) > 1:
                chunks.append(b",")
            chunks.append(utf8)
            changes.append(d)
    chunks.append(b"]")
    return changes


class _Encoded(list):
    """A list whose compact JSON (as UTF-8) is computed once (parts shared by equal states), whole
    (`utf8`) or in pieces (`chunks`, for the long reasons list)."""

    __slots__ = ("_utf8", "chunks")
    chunks: list[bytes]

    @property
    def utf8(self) -> bytes:
        try:
            return self._utf8
        except AttributeError:
            self._utf8: bytes = b"".join(self.chunks)
            return self._utf8

    @utf8.setter
    def utf8(self, value: bytes) -> None:
        self._utf8 = value
        self.chunks = [value]


class _EncodedDict(dict):
    __slots__ = ("utf8",)
    utf8: bytes


def _frozen(value: Any) -> Any:
    out: Any = _Encoded(value) if isinstance(value, list) else _EncodedDict(value)
    out.utf8 = _ENCODE(value).encode("utf-8")
    return out


_FROZEN: dict[Any, Any] = {}


def _frozen_as(key: Any, make: Any) -> Any:
    """A frozen part shared by every view with the same `key` (its content is a function of key)."""
    hit = _FROZEN.get(key)
    if hit is None:
        if len(_FROZEN) > 50_000:
            _FROZEN.clear()
        hit = _FROZEN[key] = _frozen(make())
    return hit


def _state_view(rb: RuleBase, rs: RuleSet, ev: Any, an: Any) -> dict[str, Any]:
    """Verdict parts that depend only on the (canonical) state: built once per state, then shared.

    Verdicts are read-only: these lists and dicts are shared between verdicts of equal states.
    """
    cs = an.state
    values = tuple(an.items[iid] for iid in ev.order)
    unknown_of = tuple(tuple(f for f in ev.sorted_facts[iid] if cs[f] not in ev.class_set[f])
                       for iid, v in zip(ev.order, values, strict=True) if v is None) if None in values else ()
    statuses = distinction_statuses(ev, cs)
    signature = (an.outcome, an.found, values, unknown_of, tuple(an.tracks.values()), statuses)
    hit = ev.views.get(signature)  # equal signatures give equal verdict parts
    if hit is not None:
        return hit
    if len(ev.views) > 20_000:
        ev.views.clear()
    view = ev.views[signature] = _build_view(rb, rs, ev, an, values, statuses)
    return view


def _build_view(rb: RuleBase, rs: RuleSet, ev: Any, an: Any, values: tuple[bool | None, ...],
                statuses: tuple[str, ...]) -> dict[str, Any]:
    cs = an.state
    texts = rb.texts
    outcome = an.outcome
    table = ev.views.get("reasons")
    if table is None:  # per item: its decided reasons by value, and their JSON with a comma before
        table = ev.views["reasons"] = [
            {v: (r[0], r[2], b"," + r[2]) for v, r in
             ((True, _reason(rb, ev, it, STATUS[it.kind][True], ())), (False, _reason(rb, ev, it, STATUS[it.kind][False], ())))}
            for kind in KINDS for it in ev.items[kind]]
    reasons = []
    chunks = [b"["]
    missing: list[str] = []
    for k, value in enumerate(values):
        if value is None:
            iid = ev.order[k]
            unknown = tuple(ev.fact_ids[f] for f in ev.sorted_facts[iid] if cs[f] not in ev.class_set[f])
            reason, _, utf8 = _reason(rb, ev, ev.item_of[iid], "unknown", unknown)
            chunks.append(b"," + utf8 if k else utf8)
            missing.extend(f for f in unknown if f not in missing)
        else:
            entry = table[k][value]
            reason = entry[0]
            chunks.append(entry[2] if k else entry[1])
        reasons.append(reason)
    chunks.append(b"]")
    encoded_reasons = _Encoded(reasons)
    encoded_reasons.chunks = chunks  # joined only where the whole verdict is written (dumps_utf8)
    missing.sort(key=ev.index.__getitem__)
    coverage = {"complete": rs.coverage.get("complete", True), "note": rs.coverage.get("note", ""),
                "gap": TRI[an.tracks[GAP]] if not rs.coverage.get("complete", True) else "no"}
    tracks = _tracks(rb, an, coverage["gap"] == "yes")
    label = texts["outcomes"][outcome]["label"]
    headline = label
    if coverage["gap"] == "yes" and outcome in ("not_eligible", "mitigable"):
        headline = texts["coverage"][outcome]
    # the sentences depend only on the outcome, the tracks and which items decide: shared widely
    text_key = (rb.version, rs.id, outcome, tuple(an.tracks.values()), coverage["gap"],
                tuple((k, v) for k, v in enumerate(values) if v is not ev.plain[k]),
                tuple(sorted({i for i, _, _ in an.changes})) if outcome == "undetermined" else ())
    words = ev.views.get(text_key)
    if words is None:
        words = ev.views[text_key] = (_meaning(rb, rs, ev, an, coverage), _frozen(_why(rb, ev, an, reasons)))
    return {
        "outcome": outcome,
        "label": label,
        "headline": headline,
        "meaning": words[0],
        "why": words[1],
        "tracks": _frozen_as(("tracks", rb.version, tuple(an.tracks.values()), coverage["gap"]), lambda: tracks),
        "coverage": _frozen_as(("coverage", rb.version, rs.id, coverage["gap"]), lambda: coverage),
        "scope": _scope(rb),
        "possible_outcomes": _frozen_as(("possible", rb.version, an.found), lambda: [
            {"id": o, "label": texts["outcomes"][o]["label"]} for o in OUTCOMES if o in an.found]),
        "reasons": encoded_reasons,
        "three_distinctions": _frozen_as(("three", rb.version, statuses), lambda: distinctions(rb, ev, statuses)),
        "missing_facts": _frozen_as(("missing", rb.version, tuple(missing)), lambda: [
            {"id": f, "question": rb.fact(f).question} for f in missing]),
        "next_steps": _next_steps_frozen(rb, rs, outcome),
    }


def _reason(rb: RuleBase, ev: Any, it: Item, status: str, unknown: tuple[str, ...]) -> tuple[dict[str, Any], str, bytes]:
    """One item's reason in a verdict, with its compact JSON (shared by every verdict that has it)."""
    key = (rb.version, it.id, status, unknown)
    hit = _REASONS.get(key)
    if hit is None:
        texts = rb.texts
        reason = {
            "id": it.id, "kind": it.kind, "kind_label": texts["kinds"][it.kind], "title": it.title,
            "text": it.text, "verbatim": it.verbatim, "cite": it.cite,
            "origin": it.origin, "origin_short": _short(rb, it.origin),
            "facts": [ev.fact_ids[f] for f in ev.sorted_facts[it.id]],
            "status": status, "status_label": texts["statuses"][status], "unknown_facts": list(unknown),
            "unknown_questions": [rb.fact(f).question for f in unknown],
        }
        if len(_REASONS) > 20_000:
            _REASONS.clear()
        text = _ENCODE(reason)
        hit = _REASONS[key] = (reason, text, text.encode())
    return hit


def _short(rb: RuleBase, ruleset_id: str) -> str:
    for rs in rb.rulesets:
        if rs.id == ruleset_id:
            return rs.short
    return ruleset_id


def _scope(rb: RuleBase) -> str:
    """Who the national texts bind (held by the national rule set, shared by every jurisdiction)."""
    for rs in rb.rulesets:
        if rs.scope:
            return rs.scope
    return ""


def _tracks(rb: RuleBase, an: Any, gap: bool) -> dict[str, Any]:
    """The two tracks of the verdict: 容错 (免责 / 容错减责 / 不予容错, or not covered by the
    collected text) and the general 从轻减轻 / 从重加重 circumstances of 问责 and 处分, each with its
    wording from rules/outcomes.yaml."""
    t = an.tracks
    if gap and t[REDUCED] is not True:
        tolerance = "not_covered"
    elif t[EXEMPT] is True:
        tolerance = "exempt"
    elif t[EXEMPT] is False and t[REDUCED] is True:
        tolerance = "reduced"
    elif t[EXEMPT] is False and t[REDUCED] is False:
        tolerance = "refused"
    else:
        tolerance = "unknown"
    words = rb.texts["tracks"]
    return {
        "tolerance": {"status": tolerance, "label": words["tolerance"][tolerance]},
        "general": {"mitigating": TRI[t[MITIGATED]], "mitigating_label": words["mitigating"][TRI[t[MITIGATED]]],
                    "aggravating": TRI[t[AGGRAVATED]], "aggravating_label": words["aggravating"][TRI[t[AGGRAVATED]]]},
    }


def _titles(items: list[Item], sep: str = "；") -> str:
    return sep.join(it.title for it in items)


_EDITION = re.compile(r"（[^（）]*(?:修订|年)[^（）]*）$")
_ARTICLE = re.compile(r"^第[一二三四五六七八九十百零〇]+条")


def _documents(items: list[Item]) -> str:
    """《中国共产党问责条例》第十八条、《中国共产党纪律处分条例》第十七条…: each cited article once."""
    out: list[str] = []
    for it in items:
        doc = _EDITION.sub("", it.cite["document"])
        m = _ARTICLE.match(it.cite["article"])
        ref = f"{titled(doc)}{m.group(0) if m else it.cite['article']}"
        if ref not in out:
            out.append(ref)
    return "、".join(out)


def _with_status(ev: Any, an: Any, kind: str, value: bool | None) -> list[Item]:
    return [it for it in ev.items[kind] if an.items[it.id] is value]


def _meaning(rb: RuleBase, rs: RuleSet, ev: Any, an: Any, coverage: dict[str, Any]) -> str:
    """What the outcome means for these facts: the outcome's wording, and for 可依规从轻或减轻 which
    track it comes from (容错减责, or the general 从轻减轻 of 问责 and 处分: "这不是容错")."""
    words = rb.texts["meanings"]
    outcome = an.outcome
    if coverage["gap"] == "yes" and outcome in ("not_eligible", "mitigable"):
        text = fill(words["gap"], short=rs.short, note=coverage["note"])
        if outcome == "mitigable":
            text += words["gap_mitigable"]
        return text
    if outcome != "mitigable":
        return str(rb.texts["outcomes"][outcome]["meaning"])
    if an.tracks[REDUCED] is True:
        return fill(words["reduced"], titles=_titles(_with_status(ev, an, "reductions", True), "、"))
    met = _with_status(ev, an, "mitigations", True)
    return fill(words["general"], titles=_titles(met, "、"), documents=_documents(met))


def _why(rb: RuleBase, ev: Any, an: Any, reasons: list[dict[str, Any]]) -> list[str]:
    """Plain sentences built only from the items actually hit, met or unmet (never a generic list)."""
    words = rb.texts["why"]
    out: list[str] = []

    def add(key: str, items: list[Item]) -> None:
        if items:
            out.append(fill(words[key], titles=_titles(items)))

    add("exclusions", _with_status(ev, an, "exclusions", True))
    add("aggravations", _with_status(ev, an, "aggravations", True))
    add("conditions", _with_status(ev, an, "conditions", False))
    if an.tracks[EXEMPT] is True:
        add("situations", _with_status(ev, an, "situations", True))
    elif an.tracks[GAP] is True:
        out.append(words["no_situation"])
    if an.tracks[EXEMPT] is not True:
        add("reductions", _with_status(ev, an, "reductions", True) if an.tracks[REDUCED] is True else [])
        add("mitigations", _with_status(ev, an, "mitigations", True))
    if an.outcome == "undetermined":  # the unknown facts that would settle the outcome, in the questions' words
        deciding = sorted({i for i, _, _ in an.changes if an.state[i] not in ev.class_set[i]})
        names = [rb.facts[i].question.rstrip("？?") for i in deciding]
        if names:
            out.append(fill(words["unknown"], titles="；".join(names[:4]) + ("等" if len(names) > 4 else "")))
    return out


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
        enc = value.utf8.decode("utf-8") if isinstance(value, (_Encoded, _EncodedDict)) else _ENCODE(value)
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
    """dumps(v) encoded as UTF-8."""
    return b"".join(dumps_parts(v))


def dumps_parts(v: dict[str, Any]) -> list[bytes]:
    """dumps(v) encoded as UTF-8 in pieces, mostly cached ones (`batch` joins many verdicts at once)."""
    if len(_PIECES) > 50_000:
        _PIECES.clear()
    parts = []
    for key, value in v.items():
        if isinstance(value, (_Encoded, _EncodedDict)):
            prefix = _PIECES.get(key)
            if prefix is None:
                prefix = _PIECES[key] = f',"{key}":'.encode()
            parts.append(prefix)
            if isinstance(value, _Encoded):
                parts.extend(value.chunks)
            else:
                parts.append(value.utf8)
        elif isinstance(value, (str, int)):  # labels, ids, dates: few distinct values
            piece = _PIECES.get((key, value))
            if piece is None:
                piece = _PIECES[(key, value)] = f',"{key}":{_ENCODE(value)}'.encode()
            parts.append(piece)
        elif key == "facts":  # {fact: value}: each pair is one of few
            sep = b',"facts":{'
            for fid, fv in value.items():
                # the type keeps true apart from 1; a list (loss_level_possible) is keyed as a tuple
                pk: tuple[Any, ...] = ("fact", fid, type(fv), tuple(fv) if isinstance(fv, list) else fv)
                piece = _PIECES.get(pk)
                if piece is None:
                    piece = _PIECES[pk] = f"{_ENCODE(fid)}:{_ENCODE(fv)}".encode()
                parts.append(sep)
                parts.append(piece)
                sep = b","
            parts.append(b"}" if value else b',"facts":{}')
        elif value is None or (isinstance(value, list) and not value):  # no fallback, nothing read as legacy
            piece = _PIECES.get((key, "empty", type(value)))
            if piece is None:
                piece = _PIECES[(key, "empty", type(value))] = f',"{key}":{_ENCODE(value)}'.encode()
            parts.append(piece)
        else:
            parts.append(f',"{key}":{_ENCODE(value)}'.encode())
    parts[0] = b"{" + parts[0][1:]  # the first key has no comma before it
    parts.append(b"}")
    return parts


def distinction_statuses(ev: Any, s: tuple[int, ...]) -> tuple[str, ...]:
    """Which side of each 三个区分开来 line the state falls on."""
    out = []
    for _d, tol, oth in ev.distinctions:
        other = ev.exact(id(oth), s)
        tolerable = ev.exact(id(tol), s)
        if other is True:
            out.append("other")
        elif tolerable is True and other is False:
            out.append("tolerable")
        elif tolerable is False and other is False:
            out.append("not_applicable")
        else:
            out.append("unknown")
    return tuple(out)


def distinctions(rb: RuleBase, ev: Any, statuses: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{"id": d.id, "title": d.title, "status": status,
             "status_label": rb.texts["distinction_statuses"][status],
             "tolerable_side": d.tolerable_side, "other_side": d.other_side, "text": d.text, "cite": d.cite}
            for (d, _tol, _oth), status in zip(ev.distinctions, statuses, strict=True)]


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
    verdicts = []
    refused: FactsError | None = None
    for j in rb.jurisdictions():
        try:
            pick_ruleset(rb, j, as_of)
        except FactsError as exc:  # no rules of this jurisdiction (nor the floor it extends) for that date
            refused = refused or exc
            continue
        verdicts.append(evaluate(rb, facts, j, as_of, normalized=True))
    if not verdicts and refused is not None:
        raise refused
    return {"schema": SCHEMA, "as_of": as_of, "rules_version": rb.version, "verdicts": verdicts}
