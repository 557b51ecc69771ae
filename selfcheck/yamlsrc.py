"""Read YAML (and JSON) with the line of every node, rejecting duplicated keys.

Build side only: this is the one module that imports PyYAML, lazily, so the checker itself (model,
engine, explain) stays standard-library only and runs unchanged in Pyodide.

Hostile input costs at most a bounded amount: the text is capped at MAX_CHARS, nesting at MAX_DEPTH,
aliases (`*a`) are expanded but the whole document may hold at most MAX_NODES values once expanded
(a 340-byte "billion laughs" is refused after MAX_NODES steps, not after gigabytes), a recursive
alias is refused, and so are, with a file:line message: merge keys (`<<:`), explicit tags (`!!set`,
`!!python/…`), keys that are not plain values, integers longer than MAX_INT_DIGITS, NaN and
infinity.
"""

from __future__ import annotations

import math
from typing import Any

from .errors import Problem

Path = tuple[Any, ...]

MAX_CHARS = 2_000_000  # the largest rule file is ~45 KB
MAX_DEPTH = 64
MAX_NODES = 50_000  # values (after expanding aliases); the largest rule file has ~900
MAX_INT_DIGITS = 18
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
MERGE_TAG = "tag:yaml.org,2002:merge"


class Located:
    """Parsed data plus the 1-based line of each path inside it."""

    def __init__(self, file: str, data: Any, lines: dict[Path, int]) -> None:
        self.file = file
        self.data = data
        self.lines = lines

    def line(self, path: Path) -> int | None:
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())


def _yaml() -> Any:
    try:
        import yaml
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise SystemExit("需要 PyYAML 才能读取 YAML 文件：请先运行 `make setup`（或 pip install pyyaml）") from exc
    return yaml


def _loader(yaml: Any) -> Any:
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _syntax_problem(exc: Any, file: str, first_line: int, lines: int) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    # an unclosed bracket is reported at the end of input, the line after the last: name the last line
    line = min(mark.line + 1, max(lines, 1)) if mark is not None else 1
    what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if "nesting depth" in what:
        what = f"嵌套过深（{what}）"
    return Problem(f"{file}:{line + first_line - 1}", f"不是有效的 YAML/JSON：{what}", fix="检查这一行的缩进、冒号和引号")


def _scan(text: str, file: str, first_line: int, yaml: Any) -> list[Problem]:
    """Refuse explicit tags, deep nesting and too many values from the event stream, before composing."""
    problems: list[Problem] = []
    depth = 0
    for count, event in enumerate(yaml.parse(text, Loader=_loader(yaml))):
        where = f"{file}:{event.start_mark.line + first_line}"
        if count > MAX_NODES:  # before composing: the nodes alone would cost hundreds of MB
            problems.append(Problem(where, f"超过 {MAX_NODES:,} 个值", fix="规则、事实和案例文件都只有几千个值；检查是否选错了文件"))
            break
        if getattr(event, "tag", None) is not None and not isinstance(event, (yaml.DocumentStartEvent, yaml.StreamStartEvent)):
            problems.append(Problem(where, f"不支持 YAML 标签 {event.tag.replace('tag:yaml.org,2002:', '!!')}",
                                    fix="删去以 ! 开头的标签，直接写文字、数字、列表或映射"))
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                problems.append(Problem(where, f"嵌套超过 {MAX_DEPTH} 层", fix="检查括号和缩进；规则和事实文件只需几层嵌套"))
                break
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        if len(problems) >= 100:
            break
    return problems


def parse(text: str, file: str, first_line: int = 1) -> Located:
    """Parse YAML text; raises ParseFailure with every problem (file:line, in Chinese).

    `first_line` is the line of the file where `text` begins (for front matter or a line of a batch).
    """
    yaml = _yaml()
    if len(text) > MAX_CHARS:
        raise ParseFailure([Problem(f"{file}:{first_line}", f"内容过长（{len(text):,} 个字符，上限 {MAX_CHARS:,}）",
                                    fix="规则、事实和案例文件都应远小于这个上限；检查是否选错了文件")])
    try:
        problems = _scan(text, file, first_line, yaml)
        if problems:
            raise ParseFailure(problems)
        node = yaml.compose(text, Loader=_loader(yaml))
    except yaml.YAMLError as exc:
        raise ParseFailure([_syntax_problem(exc, file, first_line, len(text.splitlines()))]) from None
    lines: dict[Path, int] = {}
    if node is None:
        return Located(file, None, {(): first_line})
    builder = _Builder(file, first_line, yaml)
    try:
        data = builder.build(node, (), lines)
    except _TooBig as exc:
        raise ParseFailure([exc.problem]) from None
    if builder.problems:
        raise ParseFailure(builder.problems)
    return Located(file, data, lines)


class ParseFailure(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


class _TooBig(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class _Builder:
    def __init__(self, file: str, first_line: int, yaml: Any) -> None:
        self.file = file
        self.offset = first_line
        self.yaml = yaml
        self.constructor = yaml.SafeLoader("")
        self.problems: list[Problem] = []
        self.count = 0  # values built so far, aliases counted at every use
        self.open: set[int] = set()  # the collections being built (a recursive alias comes back to one)

    def where(self, node: Any) -> str:
        return f"{self.file}:{node.start_mark.line + self.offset}"

    def scalar(self, node: Any) -> tuple[bool, Any]:
        """(ok, value) of a scalar node; a problem is recorded when not ok."""
        yaml = self.yaml
        if not isinstance(node, yaml.ScalarNode):
            self.problems.append(Problem(self.where(node), "键不能是列表或映射"))
            return False, None
        if node.tag == MERGE_TAG:
            self.problems.append(Problem(self.where(node), "不支持合并键 <<", fix="把要合并的键直接写出来"))
            return False, None
        if node.tag == INT_TAG and sum(ch.isalnum() for ch in node.value) > MAX_INT_DIGITS:
            self.problems.append(Problem(self.where(node), f"数字过大：{node.value[:40]}{'…' if len(node.value) > 40 else ''}",
                                         fix=f"整数最多 {MAX_INT_DIGITS} 位"))
            return False, None
        try:
            value = self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError, TypeError) as exc:
            self.problems.append(Problem(self.where(node), f"无法读取这个值：{str(exc).splitlines()[0][:200]}"))
            return False, None
        if isinstance(value, float) and not math.isfinite(value):
            self.problems.append(Problem(self.where(node), f"不接受 NaN 或无穷大：{node.value}", fix="写一个有限的数字"))
            return False, None
        return True, value

    def build(self, node: Any, path: Path, lines: dict[Path, int]) -> Any:
        yaml = self.yaml
        self.count += 1
        if self.count > MAX_NODES:
            top = lines.get(path[:1], node.start_mark.line + self.offset)  # where the expansion is used
            raise _TooBig(Problem(f"{self.file}:{top}", f"展开别名（*）后超过 {MAX_NODES:,} 个值",
                                  fix="不要用锚点 & 和别名 * 反复引用大段内容；把内容直接写出来"))
        if len(path) > MAX_DEPTH:
            raise _TooBig(Problem(self.where(node), f"展开别名（*）后嵌套超过 {MAX_DEPTH} 层"))
        if id(node) in self.open:
            raise _TooBig(Problem(self.where(node), "别名引用了包含它自己的内容（递归别名）",
                                  fix="删去这个别名 *，把内容直接写出来"))
        if path not in lines:
            lines[path] = node.start_mark.line + self.offset
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            self.open.add(id(node))
            try:
                return self.collection(node, path, lines)
            finally:
                self.open.discard(id(node))
        return self.scalar(node)[1]

    def collection(self, node: Any, path: Path, lines: dict[Path, int]) -> Any:
        yaml = self.yaml
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                ok, key = self.scalar(key_node)
                if not ok:
                    continue
                if key in out:
                    self.problems.append(Problem(self.where(key_node), f'键 "{key}" 重复出现',
                                                 fix="删除或合并重复的键（YAML 只会保留最后一个，容易悄悄丢掉内容）"))
                    continue
                lines[path + (key,)] = key_node.start_mark.line + self.offset
                out[key] = self.build(value_node, path + (key,), lines)
            return out
        return [self.build(v, path + (i,), lines) for i, v in enumerate(node.value)]
