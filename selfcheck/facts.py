"""Validate and normalize a set of facts: {fact_id: value}; omitted facts are unknown.

Standard library only: the CLI and the browser worker both use it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple

from .errors import FactsError, Problem
from .model import LOSS_LEVEL, UNKNOWN, Fact, Quantity, RuleBase

UNKNOWN_WORDS = {UNKNOWN, "不清楚", "unknown", ""}
# Key of the normalized facts that lists how legacy facts were read: [{fact, value, read_as, note}].
READ_AS = "__read_as__"


def _default_locate(path: tuple[Any, ...]) -> str:
    return f"事实 {path[0]}" if path else "事实"


def normalize_facts(rb: RuleBase, raw: Any, locate: Callable[[tuple[Any, ...]], str] | None = None) -> dict[str, Any]:
    """Return {fact: value|"unknown", quantity: number|None}; raise FactsError with every problem."""
    where = locate or _default_locate
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise FactsError([Problem(where(()), f"事实应写成 {{事实id: 取值}} 的映射，实际是 {type(raw).__name__}",
                                  fix="例如 `intent: inadvertent`，每行一个事实")])
    vocab = _Vocabulary({f.id: f for f in rb.facts}, {q.id: q for q in rb.quantities}, {old["id"]: old for old in rb.legacy})
    out: dict[str, Any] = {f.id: UNKNOWN for f in rb.facts}
    out.update({q: None for q in rb.quantity_ids})
    read_as: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for key, value in raw.items():
        problems += _read_answer(vocab, key, value, out, read_as, where)
    problems += _apply_legacy(read_as, raw, out, where)
    if problems:
        raise FactsError(problems)
    for fact in rb.facts:  # a question the earlier answers rule out takes its declared answer (facts.yaml)
        if fact.value_if_not_asked and out[fact.id] == UNKNOWN and fact.not_asked_given(out):
            out[fact.id] = fact.value_if_not_asked
    if read_as:
        out[READ_AS] = read_as
    if LOSS_LEVEL in vocab.facts:
        _check_loss_level(rb, out, where)
    return out


class _Vocabulary(NamedTuple):
    """What a facts file may name, by id: the facts, the quantities and the legacy facts."""
    facts: dict[str, Fact]
    quantities: dict[str, Quantity]
    legacy: dict[str, dict[str, Any]]


def _read_answer(vocab: _Vocabulary, key: Any, value: Any, out: dict[str, Any], read_as: list[dict[str, Any]],
                 where: Callable[[tuple[Any, ...]], str]) -> list[Problem]:
    """Read one entry of a facts file into `out` (a legacy fact into `read_as`); its problems."""
    if key == READ_AS and isinstance(value, list):  # already normalized once: keep how it was read
        read_as.extend(value)
        return []
    if key in vocab.legacy:
        old = vocab.legacy[key]
        value = _choice(value, old["values"])
        if value is None:
            return []
        if not isinstance(value, str) or value not in old["values"]:
            return [Problem(where((key,)), f"事实 {key} 的取值 {value!r} 无效",
                            ", ".join(old["values"]) + f", {UNKNOWN}", f"改成允许的取值之一；{old['note']}")]
        read_as.append({"fact": key, "value": value, "read_as": dict(old["values"][value]), "note": old["note"]})
        return []
    if key in vocab.facts:
        fact = vocab.facts[key]
        value = _choice(value, fact.value_ids)
        if value is None:
            return []
        if not isinstance(value, str) or value not in fact.value_ids:
            return [Problem(where((key,)), f"事实 {key} 的取值 {value!r} 无效",
                            ", ".join(fact.value_ids) + f", {UNKNOWN}",
                            f"改成允许的取值之一；不清楚就写 {UNKNOWN} 或删去这一行")]
        out[key] = value
        return []
    if key in vocab.quantities:
        if _unanswered(value):
            return []
        quantity = vocab.quantities[key]
        amount = _amount(quantity, value)
        if amount is None:
            kind = "非负整数" if quantity.whole else f"非负数（{quantity.unit}）"
            return [Problem(where((key,)), f"{key} 应为{kind}，实际是 {value!r}", kind,
                            f"写数字；不清楚就写 {UNKNOWN} 或删去这一行")]
        out[key] = amount
        return []
    return [Problem(where((key,)), f"未知的事实 {key!r}", ", ".join(list(vocab.facts) + sorted(vocab.quantities)),
                    "检查拼写；可用 `python -m selfcheck facts` 查看全部事实")]


def _apply_legacy(read_as: list[dict[str, Any]], raw: dict[Any, Any], out: dict[str, Any],
                  where: Callable[[tuple[Any, ...]], str]) -> list[Problem]:
    """A legacy answer fills the new facts it stands for, unless they were answered differently."""
    problems: list[Problem] = []
    for reading in read_as:
        for fid, new in reading["read_as"].items():
            given = raw.get(fid)
            if fid in raw and out[fid] != UNKNOWN and out[fid] != new:
                problems.append(Problem(where((reading["fact"],)),
                                        f"旧事实 {reading['fact']}={reading['value']} 相当于 {fid}={new}，"
                                        f"与同时填写的 {fid}={given} 矛盾", "",
                                        f"只保留新的写法 {fid}，删去 {reading['fact']}"))
            else:
                out[fid] = new
    return problems


def _check_loss_level(rb: RuleBase, out: dict[str, Any], where: Callable[[tuple[Any, ...]], str]) -> None:
    """A stated loss level must be one the stated amounts grade to (scale.yaml)."""
    possible = derived_loss_levels(rb, out)
    if out[LOSS_LEVEL] != UNKNOWN and out[LOSS_LEVEL] not in possible:
        given = "，".join(f"{q}={out[q]}" for q in rb.quantity_ids if out.get(q) is not None)
        raise FactsError([Problem(where(("loss_level",)),
                                  f"后果程度 loss_level={out['loss_level']} 与按数量换算的结果（{given} ⇒ "
                                  f"{'、'.join(possible)}）不一致",
                                  "、".join(possible),
                                  "核对损失金额和伤亡人数，或改正 loss_level（二者须一致）")])


def _unanswered(value: Any) -> bool:
    """None, or a word for 不清楚 (UNKNOWN_WORDS): the fact stays unknown."""
    return value is None or (isinstance(value, str) and value.strip() in UNKNOWN_WORDS)


def _choice(value: Any, allowed: Any) -> Any:
    """YAML's bare yes/no (read as booleans) as the values "yes"/"no" where the fact has them; None
    when the answer is 不清楚."""
    if value is True and "yes" in allowed:
        return "yes"
    if value is False and "no" in allowed:
        return "no"
    return None if _unanswered(value) else value


def _amount(q: Any, value: Any) -> float | int | None:
    """A quantity's answer: a non-negative finite number (a whole one for a count), or None if invalid."""
    ok = (isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0
          and (isinstance(value, int) or math.isfinite(value)))
    if not ok or (q.whole and value != int(value)):
        return None
    return int(value) if q.whole else value


def level_of(rb: RuleBase, quantity: str, amount: float) -> int:
    """Index in rb.loss_levels reached by one quantity (0 when the amount is zero)."""
    if amount <= 0:
        return 0
    for lv in (rb.scale or {}).get("levels", []):  # sorted most severe first
        bound = lv.get(quantity)
        if bound is not None and amount >= bound:
            return rb.loss_levels.index(lv["level"])
    return 1


def derived_loss_levels(rb: RuleBase, facts: dict[str, Any]) -> list[str]:
    """The loss levels the given quantities allow (all of them when none is given)."""
    levels = rb.loss_levels
    given: dict[str, float] = {q: facts[q] for q in rb.quantity_ids if facts.get(q) is not None}
    if not given:
        return list(levels)
    low = max(level_of(rb, q, a) for q, a in given.items())
    if len(given) == len(rb.quantity_ids):
        return [levels[low]]
    return list(levels[low:])
