"""Validate raw rule data and turn it into the compiled rule base (plain JSON-able dicts).

Standard library only. The raw data comes from YAML on the build side (with line numbers) or from
the compiled JSON in the browser (no line numbers). Every problem is collected, not only the first.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Iterable
from typing import Any

from .errors import Problem

Path = tuple[Any, ...]
Locate = Callable[[str, Path], str]

DIMENSIONS = ("动机态度", "错误性质", "客观条件", "后果程度", "补救措施")
ITEM_KINDS = ("exclusions", "aggravations", "conditions", "situations", "reductions", "mitigations")
# Kinds where a replacement may not be more lenient than the inherited item without a cited reason.
FLOOR_KINDS = ("exclusions", "aggravations", "conditions")
OUTCOMES = ("eligible", "mitigable", "not_eligible", "undetermined")
RELIABILITY = ("official", "secondary", "paper")
ID_RE = re.compile(r"^[a-z][a-z0-9_-]*$")
# YAML folds a long scalar's lines with a space; between Chinese characters that space is noise.
_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
FOLD_RE = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")


def _fmt_path(path: Path) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "（文件顶层）"


class Checker:
    """Collects problems while walking one file's data."""

    def __init__(self, file: str, locate: Locate, problems: list[Problem]) -> None:
        self.file = file
        self.locate = locate
        self.problems = problems

    def where(self, path: Path) -> str:
        return self.locate(self.file, path)

    def add(self, path: Path, what: str, allowed: str = "", fix: str = "") -> None:
        self.problems.append(Problem(self.where(path), f"{what}（位置：{_fmt_path(path)}）", allowed, fix))

    # -- shapes -------------------------------------------------------------------------------
    def mapping(self, obj: Any, path: Path, required: Iterable[str], optional: Iterable[str] = ()) -> bool:
        required = tuple(required)
        optional = tuple(optional)
        if not isinstance(obj, dict):
            self.add(path, f"应为键值映射，实际是 {type(obj).__name__}", fix="按 docs/rules-format.md 的格式书写")
            return False
        allowed = required + optional
        for key in obj:
            if key not in allowed:
                self.add(path + (key,), f'未知的键 "{key}"', ", ".join(allowed), "检查拼写，或删除这个键")
        for key in required:
            if key not in obj or obj[key] is None or obj[key] == "":
                what = "缺少引用出处 cite" if key == "cite" else f'缺少必填的键 "{key}"'
                self.add(path, what, fix=f'补上 "{key}"（格式见 docs/rules-format.md）')
        return True

    def text(self, obj: Any, path: Path, key: str, required: bool = True) -> str | None:
        value = obj.get(key) if isinstance(obj, dict) else None
        if value is None:
            return None  # missing required keys are reported by mapping()
        if not isinstance(value, str) or (required and not value.strip()):
            self.add(path + (key,), f'"{key}" 应为非空文字', fix="用引号写成一段文字")
            return None
        return FOLD_RE.sub("", value.strip())

    def date(self, obj: Any, path: Path, key: str) -> str | None:
        value = obj.get(key) if isinstance(obj, dict) else None
        if value is None:
            return None
        if isinstance(value, _dt.datetime):
            value = value.date()
        if isinstance(value, _dt.date):
            return value.isoformat()
        if isinstance(value, str):
            try:
                return _dt.date.fromisoformat(value).isoformat()
            except ValueError:
                pass
        self.add(path + (key,), f'"{key}" 不是有效日期：{value!r}', "YYYY-MM-DD", "写成 2024-01-01 这样的日期")
        return None

    def boolean(self, obj: Any, path: Path, key: str, default: bool) -> bool:
        value = obj.get(key, default) if isinstance(obj, dict) else default
        if not isinstance(value, bool):
            self.add(path + (key,), f'"{key}" 应为 true 或 false', "true, false")
            return default
        return value

    def items(self, obj: Any, path: Path, key: str) -> list[Any]:
        value = obj.get(key) if isinstance(obj, dict) else None
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(path + (key,), f'"{key}" 应为列表', fix="每一项以 - 开头")
            return []
        return value

    def ident(self, obj: Any, path: Path, seen: dict[str, str]) -> str | None:
        value = obj.get("id") if isinstance(obj, dict) else None
        if value is None:
            return None
        if not isinstance(value, str) or not ID_RE.match(value):
            self.add(path + ("id",), f"id 格式不对：{value!r}", "小写字母开头，只含小写字母、数字、- 和 _",
                     "改成例如 js-ex-private-gain")
            return None
        here = self.where(path + ("id",))
        if value in seen:
            self.add(path + ("id",), f'id "{value}" 重复，已在 {seen[value]} 使用', fix="给这一项换一个唯一的 id")
            return None
        seen[value] = here
        return value


# -- facts vocabulary ------------------------------------------------------------------------------

def compile_facts(data: Any, file: str, locate: Locate, problems: list[Problem]) -> dict[str, Any]:
    c = Checker(file, locate, problems)
    out: dict[str, Any] = {"facts": [], "quantities": [], "dimensions": [], "unknown_label": "不清楚"}
    out["legacy"] = []
    if not c.mapping(data, (), ("facts", "dimensions", "unknown_label"), ("quantities", "legacy")):
        return out
    out["unknown_label"] = c.text(data, (), "unknown_label") or "不清楚"
    for i, dim in enumerate(c.items(data, (), "dimensions")):
        p: Path = ("dimensions", i)
        if c.mapping(dim, p, ("id", "help")):
            if dim.get("id") not in DIMENSIONS:
                c.add(p + ("id",), f"未知的维度 {dim.get('id')!r}", "、".join(DIMENSIONS))
            out["dimensions"].append({"id": dim.get("id"), "help": c.text(dim, p, "help")})
    seen: dict[str, str] = {}
    pending: list[tuple[dict[str, Any], Any, Path]] = []
    for i, fact in enumerate(c.items(data, (), "facts")):
        p = ("facts", i)
        if not c.mapping(fact, p, ("id", "question", "help", "dimension", "values"), ("ordered", "topic", "asked_when", "value_if_not_asked")):
            continue
        fid = c.ident(fact, p, seen)
        if fact.get("dimension") not in DIMENSIONS:
            c.add(p + ("dimension",), f"未知的维度 {fact.get('dimension')!r}", "、".join(DIMENSIONS))
        values = _fact_values(c, fact, p)
        if len(values) < 2:
            c.add(p + ("values",), "一个事实至少要有两个取值")
        if fid:
            entry = {
                "id": fid, "question": c.text(fact, p, "question"), "help": c.text(fact, p, "help"),
                # a short name of the fact for sentences ("造成的损失"), where the question would not fit
                "topic": c.text(fact, p, "topic") if fact.get("topic") is not None else "",
                "dimension": fact.get("dimension"), "ordered": c.boolean(fact, p, "ordered", False),
                "values": values,
            }
            if "asked_when" in fact:
                pending.append((entry, fact, p))
            elif "value_if_not_asked" in fact:
                c.add(p + ("value_if_not_asked",), "value_if_not_asked 只用于带 asked_when 的题目",
                      fix="删去 value_if_not_asked，或给这一题写上 asked_when")
            out["facts"].append(entry)
    conditional = {e["id"] for e, _, _ in pending}
    for entry, fact, p in pending:
        entry["asked_when"] = _asked_when(c, fact, p, entry, out, conditional)
        if "value_if_not_asked" in fact:  # the answer implied when the earlier answers rule the question out
            implied = _value(fact["value_if_not_asked"])
            known = [v["id"] for v in entry["values"]]
            if implied not in known:
                c.add(p + ("value_if_not_asked",), f"事实 {entry['id']} 没有取值 {implied!r}", ", ".join(known),
                      "写这一题的取值之一：前面的回答排除了这一题时，它就取这个值")
            else:
                entry["value_if_not_asked"] = implied
    for i, q in enumerate(c.items(data, (), "quantities")):
        p = ("quantities", i)
        if c.mapping(q, p, ("id", "question", "help", "unit"), ("whole",)):
            qid = c.ident(q, p, seen)
            if qid:
                entry = {"id": qid, "question": c.text(q, p, "question"), "help": c.text(q, p, "help"),
                         "unit": c.text(q, p, "unit")}
                if c.boolean(q, p, "whole", False):  # a count (people): whole numbers only
                    entry["whole"] = True
                out["quantities"].append(entry)
    out["legacy"] = _legacy_facts(c, data, seen, {f["id"]: [v["id"] for v in f["values"]] for f in out["facts"]})
    return out


def _fact_values(c: Checker, fact: Any, p: Path) -> list[dict[str, Any]]:
    """A fact's values: each with an id (never a YAML boolean, never the reserved unknown) and a label."""
    values = []
    vseen: dict[str, str] = {}
    for j, val in enumerate(c.items(fact, p, "values")):
        vp = p + ("values", j)
        if not c.mapping(val, vp, ("id", "label"), ("help",)):
            continue
        vid = val.get("id")
        if isinstance(vid, bool):  # YAML 1.1 reads a bare yes/no as a boolean
            c.add(vp + ("id",), f"取值 id 被 YAML 读成了布尔值 {vid}", fix='给 yes/no 加引号："yes"')
            continue
        vid = c.ident(val, vp, vseen)
        if vid is None:
            continue
        if vid == "unknown":
            c.add(vp + ("id",), '"unknown" 是保留的取值（不清楚），不能用作取值 id', fix="换一个 id")
        values.append({"id": vid, "label": c.text(val, vp, "label"), "help": c.text(val, vp, "help") or ""})
    return values


def _legacy_facts(c: Checker, data: Any, seen: dict[str, str], values_of: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Retired or split facts (`legacy`): each old value mapped to {new fact: new value}."""
    legacy: list[dict[str, Any]] = []
    for i, old in enumerate(c.items(data, (), "legacy")):
        p = ("legacy", i)
        if not c.mapping(old, p, ("id", "note", "values")):
            continue
        lid = c.ident(old, p, seen)
        maps: dict[str, dict[str, str]] = {}
        vals = old.get("values")
        if not isinstance(vals, dict) or not vals:
            c.add(p + ("values",), "values 应为映射：旧取值 → {新事实: 新取值}", fix="例如 unclear: {rules_clarity: unclear}")
            continue
        for raw_vid, target in vals.items():
            vid = _value(raw_vid)
            vp = p + ("values", raw_vid)
            if not isinstance(target, dict):
                c.add(vp, f"旧取值 {vid!r} 应映射为 {{新事实: 新取值}}（可以为空 {{}}）")
                continue
            mapped = {}
            for fid, new in target.items():
                new = _value(new)
                if fid not in values_of:
                    c.add(vp + (fid,), f"未知的事实 {fid!r}", ", ".join(values_of), "映射到 facts 中定义的事实")
                elif new not in values_of[fid]:
                    c.add(vp + (fid,), f"事实 {fid} 没有取值 {new!r}", ", ".join(values_of[fid]))
                else:
                    mapped[fid] = new
            maps[vid] = mapped
        if lid:
            legacy.append({"id": lid, "note": c.text(old, p, "note"), "values": maps})
    return legacy


def _asked_when(c: Checker, fact: Any, path: Path, entry: dict[str, Any], out: dict[str, Any],
                conditional: set[str]) -> dict[str, list[str]]:
    """`asked_when: {fact: [values]}`: the question is asked only when one of these earlier facts has
    one of the listed values (any one of them); otherwise it is not shown and stays unknown. The facts
    named must come earlier in the form (an earlier dimension, or earlier in the same one) and be
    asked unconditionally themselves (no chains)."""
    p = path + ("asked_when",)
    raw = fact.get("asked_when")
    if not isinstance(raw, dict) or not raw:
        c.add(p, "asked_when 应为映射：前面的事实 → [取值, …]", fix="例如 asked_when: {decision_procedure: [followed]}")
        return {}
    dims = [d["id"] for d in out["dimensions"]]

    def place(f: dict[str, Any]) -> tuple[int, int]:  # the form's order: dimension, then the file's order
        d = dims.index(f["dimension"]) if f["dimension"] in dims else len(dims)
        return d, out["facts"].index(f)

    earlier = {f["id"]: f for f in out["facts"] if place(f) < place(entry) and f["id"] not in conditional}
    cond: dict[str, list[str]] = {}
    for fid, vals in raw.items():
        fp = p + (fid,)
        if fid not in earlier:
            c.add(fp, f"asked_when 中的事实 {fid!r} 不是这一题之前必问的题目", ", ".join(earlier),
                  "只能以表单中排在前面、本身没有 asked_when 的题目为条件（前面的维度，或同一维度中写在前面的事实）")
            continue
        vals = vals if isinstance(vals, list) else [vals]
        known = [v["id"] for v in earlier[fid]["values"]]
        ok = []
        for val in vals:
            val = _value(val)
            if val not in known:
                c.add(fp, f"事实 {fid} 没有取值 {val!r}", ", ".join(known))
            else:
                ok.append(val)
        if ok:
            cond[fid] = ok
    return cond


# -- citations and expressions --------------------------------------------------------------------

def compile_cite(c: Checker, obj: Any, path: Path, key: str = "cite") -> dict[str, Any] | None:
    cite = obj.get(key) if isinstance(obj, dict) else None
    p = path + (key,)
    if cite is None:
        return None  # reported as missing by the caller's mapping()
    if not c.mapping(cite, p, ("document", "article", "source", "reliability"), ("note",)):
        return None
    source = cite.get("source")
    out_source = None
    if source is not None and c.mapping(source, p + ("source",), ("title",), ("url", "note")):
        url = c.text(source, p + ("source",), "url")
        if url and not url.startswith(("http://", "https://")):
            c.add(p + ("source", "url"), f"网址应以 http:// 或 https:// 开头：{url}")
        out_source = {"title": c.text(source, p + ("source",), "title"), "url": url}
    if cite.get("reliability") not in RELIABILITY:
        c.add(p + ("reliability",), f"未知的可靠程度 {cite.get('reliability')!r}", ", ".join(RELIABILITY),
              "official=看到了官方原文；secondary=公开发表的转述或转载；paper=只见于陈朋(2022)的引述")
    out = {"document": c.text(cite, p, "document"), "article": c.text(cite, p, "article"),
           "source": out_source, "reliability": cite.get("reliability")}
    if cite.get("note"):
        out["note"] = c.text(cite, p, "note")
    return out


class Vocabulary:
    """The facts and values an expression may use."""

    def __init__(self, facts: list[dict[str, Any]]) -> None:
        self.values = {f["id"]: [v["id"] for v in f["values"]] for f in facts}
        self.ordered = {f["id"] for f in facts if f["ordered"]}


def _value(v: Any) -> Any:
    if v is True:
        return "yes"
    if v is False:
        return "no"
    return v


def compile_when(c: Checker, expr: Any, path: Path, vocab: Vocabulary) -> Any:
    """Validate a `when` expression and return its canonical form (or None when invalid)."""
    if not isinstance(expr, dict) or len(expr) == 0:
        c.add(path, "条件表达式应为映射", "{fact: …, is: …}、{fact: …, in: […]}、{all: […]}、{any: […]}、{not: …}")
        return None
    keys = set(expr)
    for op in ("all", "any"):
        if op in keys:
            if keys != {op}:
                c.add(path, f'"{op}" 不能与其他键并列：{sorted(keys)}', fix=f'把其他条件放进 "{op}" 的列表里')
                return None
            parts = expr[op]
            if not isinstance(parts, list) or not parts:
                c.add(path + (op,), f'"{op}" 后面应是非空列表')
                return None
            compiled = [compile_when(c, e, path + (op, i), vocab) for i, e in enumerate(parts)]
            return None if any(x is None for x in compiled) else {op: compiled}
    if "not" in keys:
        if keys != {"not"}:
            c.add(path, f'"not" 不能与其他键并列：{sorted(keys)}')
            return None
        inner = compile_when(c, expr["not"], path + ("not",), vocab)
        return None if inner is None else {"not": inner}
    if "fact" not in keys:
        c.add(path, f"无法识别的条件表达式键：{sorted(keys)}", "fact, is, in, at_most, at_least, all, any, not")
        return None
    tests = keys & {"is", "in", "at_most", "at_least"}
    extra = keys - {"fact", "is", "in", "at_most", "at_least"}
    for k in sorted(extra):
        c.add(path + (k,), f'未知的键 "{k}"', "fact, is, in, at_most, at_least")
    fact = expr["fact"]
    if fact not in vocab.values:
        c.add(path + ("fact",), f"未知的事实 {fact!r}", ", ".join(vocab.values), "使用 rules/facts.yaml 中定义的事实 id")
        return None
    if len(tests) != 1:
        c.add(path, f"事实 {fact} 的条件应当只有一个比较（is、in、at_most、at_least 之一）")
        return None
    op = tests.pop()
    allowed = vocab.values[fact]
    raw = expr[op]
    if op == "in":
        if not isinstance(raw, list) or not raw:
            c.add(path + ("in",), '"in" 后面应是非空列表')
            return None
        values = [_value(v) for v in raw]
    else:
        values = [_value(raw)]
    bad = [v for v in values if v not in allowed]
    for v in bad:
        c.add(path + (op,), f"事实 {fact} 没有取值 {v!r}", ", ".join(allowed), "改成允许的取值之一")
    if bad:
        return None
    if op in ("at_most", "at_least") and fact not in vocab.ordered:
        c.add(path + (op,), f"事实 {fact} 的取值没有先后顺序，不能用 {op}", fix="改用 is 或 in")
        return None
    return {"fact": fact, op: values if op == "in" else values[0]}


def expr_facts(expr: Any) -> set[str]:
    if "fact" in expr:
        return {expr["fact"]}
    if "not" in expr:
        return expr_facts(expr["not"])
    out: set[str] = set()
    for e in expr.get("all", expr.get("any", [])):
        out |= expr_facts(e)
    return out


# -- rule sets --------------------------------------------------------------------------------------

ITEM_KEYS = ("id", "title", "when", "text", "cite")
ITEM_OPTIONAL = ("verbatim", "effective", "until", "note", "replaces", "more_lenient_because")
RULESET_KEYS = ("id", "title", "short", "issuer", "effective", "last_reviewed", "source", "advice", "coverage")
RULESET_OPTIONAL = ("number", "until", "effective_known", "note", "distinctions", "scale", "jurisdiction", "extends", "scope",
                    *ITEM_KINDS)


def _compile_source(c: Checker, source: Any) -> dict[str, Any] | None:
    """The document a rule set was read from (title, url, reliability, note)."""
    if source is None or not c.mapping(source, ("source",), ("title", "reliability"), ("url", "note")):
        return None
    if source.get("reliability") not in RELIABILITY:
        c.add(("source", "reliability"), f"未知的可靠程度 {source.get('reliability')!r}", ", ".join(RELIABILITY))
    out = {"title": c.text(source, ("source",), "title"), "url": c.text(source, ("source",), "url"),
           "reliability": source.get("reliability")}
    if source.get("note"):
        out["note"] = c.text(source, ("source",), "note")
    return out


def _compile_item(c: Checker, item: Any, p: Path, vocab: Vocabulary, seen: dict[str, str]) -> dict[str, Any] | None:
    """One rule item (an exclusion, situation, condition, …) with its condition and citation."""
    if not c.mapping(item, p, ITEM_KEYS, ITEM_OPTIONAL):
        return None
    iid = c.ident(item, p, seen)
    when = compile_when(c, item.get("when"), p + ("when",), vocab) if "when" in item else None
    compiled = {
        "id": iid, "title": c.text(item, p, "title"), "when": when,
        "text": c.text(item, p, "text"), "verbatim": c.boolean(item, p, "verbatim", False),
        "effective": c.date(item, p, "effective"), "until": c.date(item, p, "until"),
        "cite": compile_cite(c, item, p),
    }
    if item.get("note"):
        compiled["note"] = c.text(item, p, "note")
    if item.get("replaces") is not None:
        compiled["replaces"] = c.text(item, p, "replaces")
    if item.get("more_lenient_because") is not None:
        compiled["more_lenient_because"] = c.text(item, p, "more_lenient_because")
    return compiled


def _compile_distinction(c: Checker, d: Any, p: Path, vocab: Vocabulary, seen: dict[str, str]) -> dict[str, Any] | None:
    """One of the 三个区分开来: its two sides, the condition of each, its text and citation."""
    if not c.mapping(d, p, ("id", "title", "tolerable_side", "other_side", "tolerable_when", "other_when",
                            "text", "cite"), ("verbatim", "note", "text_2018", "cite_2018")):
        return None
    out = {
        "id": c.ident(d, p, seen), "title": c.text(d, p, "title"),
        "tolerable_side": c.text(d, p, "tolerable_side"), "other_side": c.text(d, p, "other_side"),
        "tolerable_when": compile_when(c, d.get("tolerable_when"), p + ("tolerable_when",), vocab),
        "other_when": compile_when(c, d.get("other_when"), p + ("other_when",), vocab),
        "text": c.text(d, p, "text"), "verbatim": c.boolean(d, p, "verbatim", False),
        "cite": compile_cite(c, d, p),
    }
    if d.get("text_2018") is not None or d.get("cite_2018") is not None:
        # The 2018 中办《意见》 restates each distinction in slightly different words.
        out["text_2018"] = c.text(d, p, "text_2018")
        out["cite_2018"] = compile_cite(c, d, p, "cite_2018")
    return out


def compile_ruleset(data: Any, file: str, stem: str, locate: Locate, problems: list[Problem],
                    vocab: Vocabulary, seen: dict[str, str]) -> dict[str, Any] | None:
    c = Checker(file, locate, problems)
    if not c.mapping(data, (), RULESET_KEYS, RULESET_OPTIONAL):
        return None
    if data.get("id") != stem:
        c.add(("id",), f"id {data.get('id')!r} 与文件名 {stem!r} 不一致", fix=f"把 id 改成 {stem}，或改文件名")
    out: dict[str, Any] = {"id": stem, "jurisdiction": data.get("jurisdiction") or stem}
    for key in ("title", "short", "issuer"):
        out[key] = c.text(data, (), key)
    out["number"] = c.text(data, (), "number") if data.get("number") is not None else None
    out["effective"] = c.date(data, (), "effective")
    # false: no source states the date the set took effect; `effective` is the stand-in the checker
    # dates by (the note says which), and the pages show 施行日期 不详
    out["effective_known"] = c.boolean(data, (), "effective_known", True)
    out["until"] = c.date(data, (), "until")
    out["last_reviewed"] = c.date(data, (), "last_reviewed")
    out["source"] = _compile_source(c, data.get("source"))
    out["note"] = c.text(data, (), "note") if data.get("note") else ""
    out["scale"] = c.text(data, (), "scale") if data.get("scale") else None
    out["extends"] = c.text(data, (), "extends") if data.get("extends") else None
    out["scope"] = c.text(data, (), "scope") if data.get("scope") else ""
    coverage = data.get("coverage")
    out["coverage"] = {"complete": True, "note": ""}
    if coverage is not None and c.mapping(coverage, ("coverage",), ("complete", "note")):
        out["coverage"] = {"complete": c.boolean(coverage, ("coverage",), "complete", True),
                           "note": c.text(coverage, ("coverage",), "note") or ""}
    for kind in ITEM_KINDS:
        out[kind] = [item for i, raw in enumerate(c.items(data, (), kind))
                     if (item := _compile_item(c, raw, (kind, i), vocab, seen)) is not None]
    if not out["situations"] and not out["extends"]:
        c.add(("situations",), "至少要有一种容错情形", fix="列出规定中的容错情形；地方规则集可以写 extends: national 继承全国性规定")
    out["distinctions"] = [d for i, raw in enumerate(c.items(data, (), "distinctions"))
                           if (d := _compile_distinction(c, raw, ("distinctions", i), vocab, seen)) is not None]
    advice = data.get("advice")
    out["advice"] = {}
    if advice is not None and c.mapping(advice, ("advice",), OUTCOMES):
        out["advice"] = {o: c.text(advice, ("advice",), o) for o in OUTCOMES}
    return out


def check_periods(rulesets: list[dict[str, Any]], file_of: dict[str, str], locate: Locate,
                  problems: list[Problem]) -> None:
    """Rule sets of one jurisdiction must not overlap in time (no silent fallback)."""
    by_j: dict[str, list[dict[str, Any]]] = {}
    for rs in rulesets:
        by_j.setdefault(rs["jurisdiction"], []).append(rs)
    for j, sets in by_j.items():
        sets = sorted(sets, key=lambda r: r["effective"] or "")
        for a, b in zip(sets, sets[1:], strict=False):
            if a["until"] is None or (b["effective"] and a["until"] > b["effective"]):
                problems.append(Problem(locate(file_of[b["id"]], ("effective",)),
                                        f"{j} 的规则集 {a['id']} 与 {b['id']} 的有效期重叠",
                                        fix=f"给 {a['id']} 写上 until（不晚于 {b['effective']}）"))
    for rs in rulesets:
        if rs["effective"] and rs["until"] and rs["until"] <= rs["effective"]:
            problems.append(Problem(locate(file_of[rs["id"]], ("until",)), "until 早于或等于 effective"))


# -- outcome texts ------------------------------------------------------------------------------------

TEXT_BLOCKS: dict[str, Any] = {
    "kinds": ITEM_KINDS,
    "statuses": ("hit", "not_hit", "met", "unmet", "unknown"),
    "distinction_statuses": ("tolerable", "other", "not_applicable", "unknown"),
    "tracks": {"tolerance": ("exempt", "reduced", "refused", "not_covered", "unknown"), "mitigating": ("yes", "no", "unknown"),
               "aggravating": ("yes", "no", "unknown")},
    "meanings": ("reduced", "general", "gap", "gap_mitigable"),
    "coverage": ("not_eligible", "mitigable"),
    "why": ("exclusions", "aggravations", "conditions", "situations", "no_situation", "reductions", "mitigations",
            "unknown"),
    "fallback": ("note", "none"),
    "reliability": ("official", "secondary", "paper"),
    "decisions": ("exempted", "reduced", "refused"),
    "source_reliability": ("official", "secondary", "weak"),
    # selfcheck/present.py: the words around a verdict, and the application draft
    "presenter": ("title", "print_title", "printed_on", "applied", "version", "next", "receiver", "unclear", "unclear_none", "settles", "settles_none", "settle_item", "fill_in", "asked_after", "basis", "meaning", "tolerance", "general", "coverage", "possible", "reasons", "quote", "gist", "source", "read_from", "note", "no_cite", "origin", "unknown_facts", "distinctions", "tolerable_side", "other_side", "would_change", "would_change_item", "would_change_none", "procedure", "appeal", "read_as", "compare", "compare_region", "compare_outcome", "compare_show", "answers", "jurisdiction", "as_of", "scope", "print", "edit", "restart", "draft", "card_title", "card_possible", "card_note", "card_distinctions", "card_distinction", "card_side", "card_changes", "card_more_changes", "ruled_out", "deck_verdict", "deck_undetermined", "deck_more", "deck_nothing"),
    "application": ("title_eligible", "title_mitigable", "intro", "to", "opening_eligible", "opening_mitigable", "what", "what_blank", "facts", "basis", "remedy", "remedy_blank", "materials", "materials_list", "materials_note", "sign", "receiver", "print", "back"),
}


def _string_keys(obj: Any) -> Any:
    """YAML 1.1 reads a bare yes/no key as a boolean: read it back as "yes"/"no"."""
    if isinstance(obj, dict):
        return {(_value(k) if isinstance(k, bool) else k): _string_keys(v) for k, v in obj.items()}
    return obj


def compile_texts(data: Any, file: str, locate: Locate, problems: list[Problem]) -> dict[str, Any]:
    c = Checker(file, locate, problems)
    out: dict[str, Any] = {"outcomes": {}, "disclaimer": "", **{k: {} for k in TEXT_BLOCKS}}
    if not c.mapping(data, (), ("outcomes", "disclaimer", *TEXT_BLOCKS)):
        return out
    for i, o in enumerate(c.items(data, (), "outcomes")):
        p: Path = ("outcomes", i)
        if c.mapping(o, p, ("id", "label", "meaning")):
            if o["id"] not in OUTCOMES:
                c.add(p + ("id",), f"未知的结果 {o['id']!r}", ", ".join(OUTCOMES))
            out["outcomes"][o["id"]] = {"label": c.text(o, p, "label"), "meaning": c.text(o, p, "meaning")}
    for o in OUTCOMES:
        if o not in out["outcomes"]:
            c.add(("outcomes",), f"缺少结果 {o} 的文字", fix="补上这一项的 id、label、meaning")

    def block(obj: Any, path: Path, shape: Any) -> dict[str, Any]:
        if isinstance(shape, dict):
            if not c.mapping(obj, path, shape):
                return {}
            return {k: block(obj[k], path + (k,), sub) for k, sub in shape.items() if obj.get(k) is not None}
        if not c.mapping(obj, path, tuple(shape)):
            return {}
        return {k: c.text(obj, path, k) for k in shape if obj.get(k) is not None}

    for key, shape in TEXT_BLOCKS.items():
        out[key] = block(_string_keys(data.get(key)), (key,), shape)
    out["disclaimer"] = c.text(data, (), "disclaimer") or ""
    return out


# -- scales ---------------------------------------------------------------------------------------------

def compile_scale(data: Any, file: str, locate: Locate, problems: list[Problem], loss_levels: Iterable[str],
                  quantities: Iterable[str]) -> dict[str, Any] | None:
    """scale.yaml: the lower bounds of each graded loss level, per quantity. The levels are the values
    of the fact loss_level (facts.yaml), from no loss to the most severe: the first (no loss) and the
    second (a loss below every bound) have no bounds; the quantities are those of facts.yaml."""
    c = Checker(file, locate, problems)
    order, amounts = tuple(loss_levels), tuple(quantities)
    if not c.mapping(data, (), ("id", "title", "cite", "levels", "text"), ("verbatim",)):
        return None
    if len(order) < 3:
        c.add((), "facts.yaml 中没有可分级的事实 loss_level（至少三个取值：无损失、一般、分级的等级）",
              fix="在 facts.yaml 中写出事实 loss_level 及其取值，或删去 scale.yaml")
        return None
    levels = []
    for i, lv in enumerate(c.items(data, (), "levels")):
        p: Path = ("levels", i)
        if not c.mapping(lv, p, ("level",), amounts):
            continue
        if lv.get("level") not in order[2:]:
            c.add(p + ("level",), f"未知的后果等级 {lv.get('level')!r}", ", ".join(order[2:]),
                  "写 facts.yaml 中事实 loss_level 的取值之一（前两个取值没有下限）")
            continue
        bounds = {}
        for q in amounts:
            v = lv.get(q)
            if v is None:
                continue
            if isinstance(v, bool) or not isinstance(v, (int, float)) or v <= 0:
                c.add(p + (q,), f"{q} 的下限应为正数：{v!r}")
                continue
            bounds[q] = v
        levels.append({"level": lv["level"], **bounds})
    levels.sort(key=lambda lv: -order.index(lv["level"]))
    return {"id": c.text(data, (), "id"), "title": c.text(data, (), "title"), "text": c.text(data, (), "text"),
            "verbatim": c.boolean(data, (), "verbatim", False), "cite": compile_cite(c, data, ()), "levels": levels}


# -- procedures -------------------------------------------------------------------------------------------

def compile_procedures(data: Any, file: str, locate: Locate, problems: list[Problem],
                       jurisdictions: set[str]) -> dict[str, Any]:
    """rules/procedure.yaml: one procedure per jurisdiction, plus `model` (the seed paper's model)."""
    c = Checker(file, locate, problems)
    out: dict[str, Any] = {}
    if not isinstance(data, dict):
        c.add((), "应为映射：每个地区一个程序")
        return out
    seen: dict[str, str] = {}

    def step(s: Any, p: Path) -> dict[str, Any] | None:
        if not c.mapping(s, p, ("id", "name", "actor", "action"), ("cite", "note")):
            return None
        st: dict[str, Any] = {"id": c.ident(s, p, seen), "name": c.text(s, p, "name"), "actor": c.text(s, p, "actor"),
              "action": c.text(s, p, "action")}
        if s.get("cite") is not None:
            st["cite"] = compile_cite(c, s, p)
        if s.get("note"):
            st["note"] = c.text(s, p, "note")
        return st

    for key, proc in data.items():
        p: Path = (key,)
        if key != "model" and key not in jurisdictions:
            c.add(p, f"程序 {key!r} 没有对应的规则集", "model, " + ", ".join(sorted(jurisdictions)),
                  "程序的键应为规则集的 id，或 model（通用模型）")
        if not c.mapping(proc, p, ("title", "cite", "stages"), ("appeal", "note")):
            continue
        stages = []
        for i, stg in enumerate(c.items(proc, p, "stages")):
            sp = p + ("stages", i)
            if not c.mapping(stg, sp, ("id", "name", "steps"), ("note",)):
                continue
            steps = [s for j, raw in enumerate(c.items(stg, sp, "steps")) if (s := step(raw, sp + ("steps", j)))]
            stages.append({"id": c.ident(stg, sp, seen), "name": c.text(stg, sp, "name"), "steps": steps,
                           "note": c.text(stg, sp, "note") if stg.get("note") else ""})
        appeal = [s for j, raw in enumerate(c.items(proc, p, "appeal")) if (s := step(raw, p + ("appeal", j)))]
        out[key] = {"title": c.text(proc, p, "title"), "cite": compile_cite(c, proc, p), "stages": stages,
                    "appeal": appeal, "note": c.text(proc, p, "note") if proc.get("note") else ""}
    return out


# -- layering: a rule set that extends another ------------------------------------------------------

def holds(when: dict[str, Any], facts: dict[str, str], order: dict[str, list[str]]) -> bool:
    """Evaluate a compiled `when` on complete facts (used by the leniency check; the engine has its own)."""
    if "all" in when:
        return all(holds(w, facts, order) for w in when["all"])
    if "any" in when:
        return any(holds(w, facts, order) for w in when["any"])
    if "not" in when:
        return not holds(when["not"], facts, order)
    value = facts[when["fact"]]
    if "is" in when:
        return bool(value == when["is"])
    if "in" in when:
        return value in when["in"]
    values = order[when["fact"]]
    if "at_most" in when:
        return values.index(value) <= values.index(when["at_most"])
    return values.index(value) >= values.index(when["at_least"])


def more_lenient(kind: str, old: Any, new: Any, order: dict[str, list[str]]) -> dict[str, str] | None:
    """A fact combination where `new` is more lenient than `old` (None if there is none).

    Exclusions and aggravations are more lenient when the old one is hit and the new one is not;
    conditions when the old one is unmet and the new one is met. Exhaustive over the facts that
    either expression reads (a handful of small domains)."""
    import itertools

    facts = sorted(expr_facts(old) | expr_facts(new))
    for combo in itertools.product(*(order[f] for f in facts)):
        env = dict(zip(facts, combo, strict=True))
        a, b = holds(old, env, order), holds(new, env, order)
        if (kind == "conditions" and not a and b) or (kind != "conditions" and a and not b):
            return env
    return None


def _base_of(rs: dict[str, Any], base: dict[str, Any] | None, rulesets: list[dict[str, Any]], where: str,
             problems: list[Problem]) -> dict[str, Any] | None:
    """The rule set `rs` extends, if it may: it exists, is another set and extends nothing itself."""
    if base is None or base is rs:
        problems.append(Problem(where, f"extends 指向不存在的规则集 {rs['extends']!r}",
                                ", ".join(r["id"] for r in rulesets if r is not rs), "写 extends: national"))
        return None
    if base.get("extends"):
        problems.append(Problem(where, f"规则集 {base['id']} 本身也继承了别的规则集；只支持一层继承",
                                fix="让地方规则集直接 extends: national"))
        return None
    return base


def _replacement_problem(it: dict[str, Any], kind: str, inherited_ids: dict[str, tuple[str, dict[str, Any]]],
                         base_id: str, order: dict[str, list[str]], where: str) -> Problem | None:
    """Why item `it` may not replace the inherited item it names, or None when it may."""
    target = it["replaces"]
    if target not in inherited_ids:
        return Problem(where, f"replaces 指向 {base_id} 中不存在的条目 {target!r}", fix="写被替换的全国性条目的 id")
    old_kind, old = inherited_ids[target]
    if old_kind != kind:
        return Problem(where, f"条目 {it['id']}（{kind}）不能替换另一类的条目 {target}（{old_kind}）",
                       fix="把这个条目放到与被替换条目相同的一类里")
    if kind in FLOOR_KINDS and it.get("when") and old.get("when") and not it.get("more_lenient_because"):
        env = more_lenient(kind, old["when"], it["when"], order)
        if env is not None:
            shown = "，".join(f"{k}={v}" for k, v in env.items())
            return Problem(where, f"条目 {it['id']} 比它替换的全国性条目 {target} 更宽松（例如 {shown} 时）",
                           fix="地方规定不能比全国性规定的负面清单、从重情节和容错条件更宽松；只有地方原文明确这样规定时，"
                               "才写 more_lenient_because 说明依据，并在 cite 中引用那句原文")
    return None


def resolve_extends(rulesets: list[dict[str, Any]], file_of: dict[str, str], locate: Locate,
                    problems: list[Problem], order: dict[str, list[str]]) -> None:
    """Give every rule set that `extends` a base the base's items (marked with their origin), in place.

    The province adds items, or replaces an inherited one by naming it in `replaces` (same kind).
    A replacement of an exclusion, aggravation or condition that is more lenient than the national
    floor needs `more_lenient_because` (the province's own explicit words, cited in the item)."""
    by_id = {rs["id"]: rs for rs in rulesets}
    for rs in rulesets:
        for kind in ITEM_KINDS:
            for it in rs[kind]:
                it.setdefault("origin", rs["id"])
    for rs in rulesets:
        base_id = rs.get("extends")
        file = file_of[rs["id"]]
        if not base_id:
            for kind in ITEM_KINDS:
                for i, it in enumerate(rs[kind]):
                    if it.get("replaces"):
                        problems.append(Problem(locate(file, (kind, i, "replaces")),
                                                f"条目 {it['id']} 写了 replaces，但本规则集没有 extends",
                                                fix="删去 replaces，或在规则集顶层写 extends: national"))
            continue
        base = _base_of(rs, by_id.get(base_id), rulesets, locate(file, ("extends",)), problems)
        if base is None:
            continue
        if rs["effective"] and base["effective"] and rs["effective"] < base["effective"]:
            problems.append(Problem(locate(file, ("effective",)),
                                    f"施行日期 {rs['effective']} 早于它继承的规则集 {base_id}（{base['effective']}）",
                                    fix="核对日期；地方规定不会早于它所依据的全国性规定"))
        inherited_ids = {it["id"]: (kind, it) for kind in ITEM_KINDS for it in base[kind]}
        for kind in ITEM_KINDS:
            merged = [dict(it) for it in base[kind]]
            own = []
            for i, it in enumerate(rs[kind]):
                target = it.get("replaces")
                if not target:
                    own.append(it)
                    continue
                problem = _replacement_problem(it, kind, inherited_ids, base_id, order, locate(file, (kind, i, "replaces")))
                if problem is not None:
                    problems.append(problem)
                    continue
                merged = [it if m["id"] == target else m for m in merged]
            rs[kind] = merged + own
        if not rs.get("distinctions"):
            rs["distinctions"] = [dict(d) for d in base.get("distinctions", [])]
    for rs in rulesets:
        if rs.get("extends") and not rs["situations"]:
            problems.append(Problem(locate(file_of[rs["id"]], ("situations",)), "至少要有一种容错情形"))


def fact_uses(rulesets: list[dict[str, Any]]) -> dict[str, list[str]]:
    """{fact: the item kinds (and "distinctions") that read it in any rule set}, in ITEM_KINDS order."""
    used: dict[str, set[str]] = {}
    for rs in rulesets:
        for kind in ITEM_KINDS:
            for it in rs.get(kind, []):
                for f in expr_facts(it["when"]) if it.get("when") else ():
                    used.setdefault(f, set()).add(kind)
        for d in rs.get("distinctions", []):
            for key in ("tolerable_when", "other_when"):
                for f in expr_facts(d[key]) if d.get(key) else ():
                    used.setdefault(f, set()).add("distinctions")
    order = (*ITEM_KINDS, "distinctions")
    return {f: [k for k in order if k in kinds] for f, kinds in used.items()}


def check_fact_use(facts_data: dict[str, Any], rulesets: list[dict[str, Any]], facts_file: str, locate: Locate,
                   problems: list[Problem]) -> None:
    """Every fact the self-check asks must be read by some item or distinction of some rule set."""
    used = fact_uses(rulesets)
    for i, f in enumerate(facts_data.get("facts", [])):
        if f["id"] not in used:
            problems.append(Problem(locate(facts_file, ("facts", i, "id")),
                                    f"事实 {f['id']}（“{f['question']}”）没有被任何规则集的条款读取：问了也不影响结果",
                                    fix="删去这个问题（旧的事实文件可以靠 legacy 继续使用），或在规则集中加入读取它的有出处的条款"))
