"""`python -m selfcheck ask`: walk through the questions in the terminal, then print the verdict."""

from __future__ import annotations

from typing import Any, TextIO

from .errors import FactsError
from .explain import evaluate
from .model import UNKNOWN, RuleBase
from .present import verdict_text


def _read(stdin: TextIO, out: TextIO, prompt: str) -> str | None:
    out.write(prompt)
    out.flush()
    line = stdin.readline()
    if not line:
        return None
    return line.strip()


def ask(rb: RuleBase, jurisdiction: str, as_of: str | None, stdin: TextIO, out: TextIO) -> int:
    out.write("容错纠错自查（在终端里作答）。每题输入序号；不清楚输入 0 或直接回车。输入 q 退出。\n")
    out.write("您的回答只留在这台电脑上，不会发送到任何地方。\n\n")
    facts: dict[str, Any] = {}
    total = len(rb.facts)
    for n, fact in enumerate(rb.facts, start=1):
        if not fact.is_asked(facts):  # only matters given another answer (facts.yaml asked_when)
            facts[fact.id] = UNKNOWN
            out.write(f"[{n}/{total}]（{fact.dimension}）{fact.question}\n  根据前面的回答，这一题不需要回答。\n\n")
            continue
        out.write(f"[{n}/{total}]（{fact.dimension}）{fact.question}\n  {fact.help}\n")
        for i, v in enumerate(fact.values, start=1):
            out.write(f"  {i}. {v.label}\n")
        out.write(f"  0. {rb.unknown_label}\n")
        while True:
            answer = _read(stdin, out, "> ")
            if answer is None or answer.lower() == "q":
                out.write("\n已退出，没有作出结果。\n")
                return 1 if answer is None else 0
            if answer in ("", "0", "?", "？", rb.unknown_label):
                facts[fact.id] = UNKNOWN
                break
            if answer.isdigit() and 1 <= int(answer) <= len(fact.values):
                facts[fact.id] = fact.values[int(answer) - 1].id
                break
            out.write(f"  请输入 0 到 {len(fact.values)} 之间的序号。\n")
        out.write("\n")
    for q in rb.quantities:
        while True:
            answer = _read(stdin, out, f"{q.question}（{q.unit}，不清楚直接回车）> ")
            if answer is None or answer == "":
                break
            try:
                value: float = float(answer)
            except ValueError:
                out.write("  请输入数字，或直接回车表示不清楚。\n")
                continue
            facts[q.id] = int(value) if value == int(value) else value
            break
    out.write("\n")
    try:
        verdict = evaluate(rb, facts, jurisdiction, as_of)
    except FactsError as exc:
        out.write(f"{exc}\n")
        return 1
    out.write(verdict_text(rb, verdict) + "\n")
    return 0
