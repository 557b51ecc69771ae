"""The command line. Exit codes: 0 ok, 1 invalid input, 2 usage."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from .errors import FactsError, InputError, Problem
from .explain import compare, dumps_parts, evaluate, today
from .model import RuleBase
from .present import verdict_text

DEFAULT_RULES = Path(__file__).resolve().parent.parent / "rules"


def _dump(obj: Any, out: TextIO, pretty: bool = True) -> None:
    out.write(json.dumps(obj, ensure_ascii=False, indent=2 if pretty else None,
                         separators=None if pretty else (",", ":")))
    out.write("\n")


def _rules(args: argparse.Namespace) -> RuleBase:
    from .load import load_rulebase

    return load_rulebase(Path(args.rules))


def _facts(args: argparse.Namespace, rb: RuleBase, stdin: TextIO) -> dict[str, Any]:
    from .load import MAX_BYTES, read_facts_file

    data: str | bytes | None = None
    if args.facts == "-":
        buffer = getattr(stdin, "buffer", None)  # the bytes of a real stdin, checked to be UTF-8
        data = buffer.read(MAX_BYTES + 1) if buffer is not None else stdin.read()
    return read_facts_file(args.facts, rb, data)


def cmd_evaluate(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    rb = _rules(args)
    facts = _facts(args, rb, stdin)
    verdict = evaluate(rb, facts, args.jurisdiction, args.as_of, normalized=True)
    if args.format == "text":
        out.write(verdict_text(rb, verdict) + "\n")
    else:
        _dump(verdict, out)
    return 0


MAX_LINE = 1 << 20  # bytes of one batch line; a facts object is a few hundred


class _Slow(Exception):
    """The fast JSON reading of a batch line might differ from evaluate's: read it as evaluate does."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _Slow
    return out


def _no_float(text: str) -> Any:
    raise _Slow


def _small_int(text: str) -> int:
    if len(text) > 18:
        raise _Slow
    return int(text)


def _fast_json(line: str) -> Any:
    """The data of a plain JSON line exactly as evaluate's YAML reading gives it, or _Slow.

    Only ASCII lines without tabs, DEL, surrogate escapes, floats, NaN/Infinity, long integers and
    duplicated keys are read here; on those, JSON and the YAML reader agree. Everything else goes
    through the reader evaluate uses.
    """
    if not line.isascii() or "\t" in line or "\x7f" in line or "\\ud" in line or "\\uD" in line:
        raise _Slow
    try:
        return json.loads(line, object_pairs_hook=_no_duplicates, parse_float=_no_float,
                          parse_constant=_no_float, parse_int=_small_int)
    except (ValueError, RecursionError):
        raise _Slow from None


def _batch_lines(stdin: TextIO, before_wait: Any) -> Iterator[tuple[int, str | None, Problem | None]]:
    """(line number, text, None) for each line, or (n, None, problem) for a line that cannot be read.

    A real stdin is read in binary, at most 64 KB at a time, and `before_wait` runs before each read
    that may block, so the verdicts of the lines already read are written first; memory stays flat.
    """
    buffer = getattr(stdin, "buffer", None)
    if buffer is None or not hasattr(buffer, "read1"):
        for n, text in enumerate(stdin, start=1):
            yield n, text, None
        return
    pending = b""
    n = 0
    skipping = False  # inside a line longer than MAX_LINE: drop it up to its end
    while True:
        before_wait()
        data = buffer.read1(1 << 16)
        if not data:
            break
        pending += data
        start = 0
        while True:
            end = pending.find(b"\n", start)
            if end < 0:
                break
            raw = pending[start:end + 1]
            start = end + 1
            if skipping:
                skipping = False
                continue
            n += 1
            yield _decode_line(n, raw)
        pending = pending[start:]
        if len(pending) > MAX_LINE and not skipping:
            n += 1
            yield n, None, Problem(f"<stdin>:{n}", f"这一行超过 {MAX_LINE:,} 字节", fix="每行写一个事实对象（通常只有几百字节）")
            skipping = True
        if skipping:
            pending = b""
    if pending and not skipping:
        n += 1
        yield _decode_line(n, pending)


def _decode_line(n: int, raw: bytes) -> tuple[int, str | None, Problem | None]:
    try:
        return n, raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return n, None, Problem(f"<stdin>:{n}", f"不是 UTF-8 编码（这一行第 {exc.start + 1} 个字节无效）",
                                fix="以 UTF-8 编码写入")


def cmd_batch(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    """Read JSON Lines of facts, write one verdict per line as soon as it is read (streaming).

    Each line is validated exactly as `evaluate` validates a facts file. A line that is invalid gets,
    in its place in the output, `{"line": n, "error": [problems]}` instead of a verdict, and its
    problems go to stderr as file:line messages; the other lines still get their verdicts, and the
    exit code is 1 when any line was invalid. Blank lines are skipped.
    """
    from .facts import normalize_facts
    from .load import parse_facts_text

    rb = _rules(args)
    as_of = args.as_of or today()
    buffer = getattr(out, "buffer", None)  # write UTF-8 bytes directly when out is a real file
    chunk: list[bytes] = []  # the pieces of up to 256 verdicts, each ending in a newline
    count = 0
    failed = 0

    def flush() -> None:
        if not chunk:
            return
        data = b"".join(chunk)
        if buffer is not None:
            out.flush()
            buffer.write(data)
            buffer.flush()
        else:
            out.write(data.decode("utf-8"))
        chunk.clear()

    for n, line, problem in _batch_lines(stdin, flush):
        if line is not None and not line.strip():
            continue

        def where(path: tuple[Any, ...], n: int = n) -> str:
            return f"<stdin>:{n}" + (f" 事实 {path[0]}" if path else "")

        facts = None
        problems = [problem] if problem is not None else []
        if line is not None:
            try:
                facts = normalize_facts(rb, _fast_json(line), where)
            except (_Slow, FactsError):
                try:
                    facts = parse_facts_text(line, "<stdin>", rb, first_line=n, locate=where)
                except FactsError as exc:
                    problems = exc.problems
        if facts is None:
            failed += 1
            sys.stderr.write("".join(f"{p}\n" for p in problems))
            chunk.append(json.dumps({"line": n, "error": [p.__dict__ for p in problems]}, ensure_ascii=False,
                                    separators=(",", ":")).encode("utf-8"))
        else:
            chunk.extend(dumps_parts(evaluate(rb, facts, args.jurisdiction, as_of, normalized=True)))
        chunk.append(b"\n")
        count += 1
        if count % 256 == 0:
            flush()
    flush()
    if failed:
        sys.stderr.write(f"共 {failed} 行无效：这些行的输出是 {{\"line\": 行号, \"error\": [...]}}，其余行照常给出结果。\n")
        return 1
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

    sp = sub.add_parser("batch", help="逐行读取 JSON 事实（JSON Lines），逐行输出结果",
                        description="逐行读取 JSON 事实（JSON Lines），每读一行就输出这一行的结果。每行按 evaluate 读取事实文件的同样规则检查"
                                    "（重复的键无效，可带 UTF-8 BOM）。无效的行不会中止处理：输出中它的位置写 "
                                    '{"line": 行号, "error": [...]}，问题同时写到标准错误（<stdin>:行号），其余行照常输出结果，'
                                    "最后退出码为 1。空行跳过。")
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
    except UnicodeDecodeError as exc:  # a text stream (ask) that is not UTF-8
        sys.stderr.write(f"<stdin>: 输入不是 UTF-8 编码（{exc.reason}）。修正方法：以 UTF-8 编码输入。\n")
        return 1
    except (MemoryError, RecursionError):  # a last guard: every reader caps its input before this
        sys.stderr.write("输入过大或嵌套过深，无法处理。修正方法：检查输入文件是否正确。\n")
        return 1
