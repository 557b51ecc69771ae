"""The command line. Exit codes: 0 ok, 1 invalid input, 2 usage."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from .errors import FactsError, InputError, Problem
from .explain import compare, dumps_parts, evaluate, to_text, today
from .model import RuleBase

DEFAULT_RULES = Path(__file__).resolve().parent.parent / "rules"


def _dump(obj: Any, out: TextIO, pretty: bool = True) -> None:
    out.write(json.dumps(obj, ensure_ascii=False, indent=2 if pretty else None,
                         separators=None if pretty else (",", ":")))
    out.write("\n")


def _rules(args: argparse.Namespace) -> RuleBase:
    from .load import load_rulebase

    return load_rulebase(Path(args.rules))


def _facts(args: argparse.Namespace, rb: RuleBase, stdin: TextIO) -> dict[str, Any]:
    from .load import read_facts_file

    return read_facts_file(args.facts, rb, stdin.read() if args.facts == "-" else None)


def cmd_evaluate(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    rb = _rules(args)
    facts = _facts(args, rb, stdin)
    verdict = evaluate(rb, facts, args.jurisdiction, args.as_of, normalized=True)
    if args.format == "text":
        out.write(to_text(verdict) + "\n")
    else:
        _dump(verdict, out)
    return 0


def cmd_batch(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    """Read JSON Lines of facts; validate every line first, so bad input writes nothing."""
    from .facts import normalize_facts

    rb = _rules(args)
    problems: list[Problem] = []
    rows = []
    for n, line in enumerate(stdin, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(Problem(f"<stdin>:{n}", f"不是有效的 JSON：{exc.msg}", fix="每行写一个 JSON 对象"))
            continue
        def where(path: tuple[Any, ...], n: int = n) -> str:
            return f"<stdin>:{n}" + (f" 事实 {path[0]}" if path else "")

        try:
            rows.append(normalize_facts(rb, raw, where))
        except FactsError as exc:
            problems.extend(exc.problems)
    if problems:
        raise FactsError(problems)
    as_of = args.as_of or today()
    buffer = getattr(out, "buffer", None)  # write UTF-8 bytes directly when out is a real file
    chunk: list[bytes] = []  # the pieces of up to 256 verdicts, each ending in a newline

    def flush() -> None:
        data = b"".join(chunk)
        if buffer is not None:
            out.flush()
            buffer.write(data)
        else:
            out.write(data.decode("utf-8"))
        chunk.clear()

    for n, facts in enumerate(rows, start=1):
        chunk.extend(dumps_parts(evaluate(rb, facts, args.jurisdiction, as_of, normalized=True)))
        chunk.append(b"\n")
        if n % 256 == 0:
            flush()
    if chunk:
        flush()
    return 0


def cmd_compare(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    rb = _rules(args)
    result = compare(rb, _facts(args, rb, stdin), args.as_of)
    if args.format == "text":
        width = max(len(v["jurisdiction_short"]) for v in result["verdicts"])
        for v in result["verdicts"]:
            out.write(f"{v['jurisdiction_short']:<{width}}  {v['headline']}  （{v['jurisdiction_title']}）\n")
        out.write(f"※ {result['verdicts'][0]['disclaimer']}\n" if result["verdicts"] else "")
    else:
        _dump(result, out)
    return 0


def cmd_lint(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    from .lint import lint

    problems, summary = lint(Path(args.rules), Path(args.content) if args.content else None)
    for p in problems:
        out.write(f"{p}\n")
    if problems:
        out.write(f"共 {len(problems)} 个问题。\n")
        return 1
    out.write(summary + "\n")
    return 0


def cmd_facts(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    rb = _rules(args)
    if args.format == "json":
        _dump([{"id": f.id, "question": f.question, "values": [{"id": v.id, "label": v.label} for v in f.values]}
               for f in rb.facts], out)
    else:
        for f in rb.facts:
            out.write(f"{f.id}  {f.question}（{f.dimension}）\n")
            for v in f.values:
                out.write(f"    {v.id:<32} {v.label}\n")
            out.write(f"    {'unknown':<32} {rb.unknown_label}\n")
        for q in rb.quantities:
            out.write(f"{q.id}  {q.question}（数字，单位：{q.unit}）\n")
    return 0


def cmd_jurisdictions(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    rb = _rules(args)
    rows = [{"id": rs.jurisdiction, "title": rs.title, "effective": rs.effective, "until": rs.until,
             "ruleset": rs.id} for j in rb.jurisdictions() for rs in rb.rulesets if rs.jurisdiction == j]
    if args.format == "json":
        _dump([{k: r[k] for k in ("id", "title", "effective")} for r in rows], out)
    else:
        for r in rows:
            out.write(f"{r['id']:<10} {r['effective']} 起  {r['title']}\n")
    return 0


def cmd_ask(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    from .ask import ask

    rb = _rules(args)
    return ask(rb, args.jurisdiction, args.as_of, stdin, out)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m selfcheck",
                                description="容错纠错自查：按公开规定核对一次工作失误是否符合容错情形（自查，不是认定）。")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(sp: argparse.ArgumentParser, jurisdiction: bool = True, as_of: bool = True) -> None:
        sp.add_argument("--rules", default=str(DEFAULT_RULES), help="规则目录（默认：项目的 rules/）")
        if jurisdiction:
            sp.add_argument("--jurisdiction", default="national", help="地区规则集 id（默认 national）")
        if as_of:
            sp.add_argument("--as-of", dest="as_of", default=None, help="按哪一天施行的规定（YYYY-MM-DD，默认今天）")

    sp = sub.add_parser("evaluate", help="对一个事实文件作出自查结果")
    sp.add_argument("--facts", required=True, help="YAML 或 JSON 事实文件；- 表示标准输入")
    common(sp)
    sp.add_argument("--format", choices=("json", "text"), default="json")
    sp.set_defaults(func=cmd_evaluate)

    sp = sub.add_parser("batch", help="逐行读取 JSON 事实（JSON Lines），逐行输出结果")
    common(sp)
    sp.set_defaults(func=cmd_batch)

    sp = sub.add_parser("compare", help="同一事实在各地规定下的结果对照")
    sp.add_argument("--facts", required=True, help="YAML 或 JSON 事实文件；- 表示标准输入")
    common(sp, jurisdiction=False)
    sp.add_argument("--format", choices=("json", "text"), default="json")
    sp.set_defaults(func=cmd_compare)

    sp = sub.add_parser("lint", help="检查规则文件和案例文件，列出全部问题")
    common(sp, jurisdiction=False, as_of=False)
    sp.add_argument("--content", default=None, help="内容目录（检查 cases/*.md 的事实和出处）")
    sp.set_defaults(func=cmd_lint)

    sp = sub.add_parser("ask", help="在终端里逐题回答，最后给出自查结果")
    common(sp)
    sp.set_defaults(func=cmd_ask)

    for name, func, helptext in (("facts", cmd_facts, "列出全部事实及取值"),
                                 ("jurisdictions", cmd_jurisdictions, "列出可选的地区规则集")):
        sp = sub.add_parser(name, help=helptext)
        common(sp, jurisdiction=False, as_of=False)
        sp.add_argument("--format", choices=("json", "text"), default="text")
        sp.set_defaults(func=func)
    return p


def main(argv: list[str] | None = None, out: TextIO | None = None, stdin: TextIO | None = None) -> int:
    out = out or sys.stdout
    stdin = stdin or sys.stdin
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args, out, stdin))
    except InputError as exc:
        sys.stderr.write(f"{exc}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("已取消。\n")
        return 1
    except BrokenPipeError:
        return 0
