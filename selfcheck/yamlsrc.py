"""Read YAML (and JSON) with the line of every node, rejecting duplicated keys.

Build side only: this is the one module that imports PyYAML, lazily, so the checker itself (model,
engine, explain) stays standard-library only and runs unchanged in Pyodide.
"""

from __future__ import annotations

from typing import Any

from .errors import Problem

Path = tuple[Any, ...]


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


def parse(text: str, file: str) -> Located:
    """Parse YAML text. Raises InputError-compatible Problem list via ParseFailure."""
    yaml = _yaml()
    try:
        node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ParseFailure([Problem(f"{file}:{line}", f"不是有效的 YAML/JSON：{what}",
                                    fix="检查这一行的缩进、冒号和引号")]) from None
    lines: dict[Path, int] = {}
    problems: list[Problem] = []
    if node is None:
        return Located(file, None, {(): 1})
    constructor = yaml.SafeLoader("")
    data = _build(node, (), lines, problems, file, constructor, yaml)
    if problems:
        raise ParseFailure(problems)
    return Located(file, data, lines)


class ParseFailure(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


def _build(node: Any, path: Path, lines: dict[Path, int], problems: list[Problem], file: str,
           constructor: Any, yaml: Any) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = constructor.construct_object(key_node, deep=True)
            if isinstance(key, (list, dict)):
                problems.append(Problem(f"{file}:{key_node.start_mark.line + 1}", "键不能是列表或映射"))
                continue
            if key in out:
                problems.append(Problem(f"{file}:{key_node.start_mark.line + 1}", f'键 "{key}" 重复出现',
                                        fix="删除或合并重复的键（YAML 只会保留最后一个，容易悄悄丢掉内容）"))
                continue
            out[key] = _build(value_node, path + (key,), lines, problems, file, constructor, yaml)
            lines[path + (key,)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(v, path + (i,), lines, problems, file, constructor, yaml) for i, v in enumerate(node.value)]
    try:
        return constructor.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        problems.append(Problem(f"{file}:{node.start_mark.line + 1}", f"无法读取这个值：{exc}"))
        return None
