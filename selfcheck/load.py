"""Load rules/ (YAML) and facts files into the validated model, with file:line errors.

`compile_rules` gives the compiled rule base as plain data (what the browser receives as JSON);
`load_rulebase` gives the typed model. Reading YAML needs PyYAML (build side); reading the compiled
JSON does not.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import validate as v
from .errors import FactsError, Problem, RuleError
from .facts import normalize_facts
from .model import LOSS_LEVEL, RuleBase
from .yamlsrc import Located, ParseFailure, parse

FIXED_FILES = ("facts.yaml", "scale.yaml", "outcomes.yaml", "procedure.yaml")
MAX_BYTES = 2_000_000  # any input file (rules, facts, case); the largest rule file is ~45 KB


class ReadFailure(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def decode(data: bytes, file: str, fix: str = "把文件另存为 UTF-8 编码") -> str:
    """UTF-8 text of data, or ReadFailure naming the line of the first invalid byte."""
    if len(data) > MAX_BYTES:
        raise ReadFailure(Problem(file, f"内容过大（超过 {MAX_BYTES:,} 字节）", fix="检查是否选错了文件"))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ReadFailure(Problem(f"{file}:{line}", f"不是 UTF-8 编码（第 {exc.start + 1} 个字节无效）", fix=fix)) from None


def read_input(path: Path, file: str, *, allow_symlink: bool = True) -> str:
    """The UTF-8 text of a regular file of at most MAX_BYTES; ReadFailure (file:line, Chinese) otherwise.

    Never blocks on a FIFO and never reads a device: the file is opened non-blocking and checked to be
    a regular file before anything is read.
    """
    if not allow_symlink and path.is_symlink():
        raise ReadFailure(Problem(f"{file}:1", f"是符号链接（指向 {os.readlink(path)}），不予读取",
                                  fix="把文件本身复制到这里，不要用符号链接"))
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise ReadFailure(Problem(file, "文件不存在", fix="检查路径")) from None
    except OSError as exc:
        raise ReadFailure(Problem(file, f"无法打开文件：{exc.strerror}", fix="检查路径和读取权限")) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = "目录" if stat.S_ISDIR(st.st_mode) else "管道、设备或套接字"
            raise ReadFailure(Problem(f"{file}:1", f"不是普通文件（是{kind}），不予读取", fix="指向一个普通的 YAML 或 JSON 文件"))
        if st.st_size > MAX_BYTES:
            raise ReadFailure(Problem(f"{file}:1", f"文件过大（{st.st_size:,} 字节，上限 {MAX_BYTES:,}）",
                                      fix="检查是否选错了文件"))
        chunks = []
        size = 0
        while size <= MAX_BYTES:
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError as exc:
                raise ReadFailure(Problem(file, f"无法读取文件：{exc.strerror}")) from None
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    return decode(b"".join(chunks), file)


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _read(path: Path, problems: list[Problem]) -> Located | None:
    file = _rel(path)
    if not path.exists() and not path.is_symlink():
        problems.append(Problem(file, "文件不存在", fix="检查路径；规则目录里应有 facts.yaml、scale.yaml、outcomes.yaml、procedure.yaml"))
        return None
    try:
        text = read_input(path, file, allow_symlink=False)
    except ReadFailure as exc:
        problems.append(exc.problem)
        return None
    try:
        return parse(text, file)
    except ParseFailure as exc:
        problems.extend(exc.problems)
        return None


def _compile_rulesets(set_docs: list[tuple[str, Located | None]], locate: Callable[[str, v.Path], str],
                      problems: list[Problem], vocab: v.Vocabulary, scale: dict[str, Any] | None,
                      ) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The rule sets of the <地区>.yaml files (each named by its file's stem) and the file of each."""
    seen: dict[str, str] = {}
    rulesets = []
    file_of: dict[str, str] = {}
    for stem, doc in set_docs:
        if doc is None:
            continue
        rs = v.compile_ruleset(doc.data, doc.file, stem, locate, problems, vocab, seen)
        if rs is None:
            continue
        rulesets.append(rs)
        file_of[rs["id"]] = doc.file
        if rs["scale"] and (scale is None or rs["scale"] != scale["id"]):
            problems.append(Problem(locate(doc.file, ("scale",)), f"未知的后果尺度 {rs['scale']!r}",
                                    scale["id"] if scale else "", "删除 scale 以使用 rules/scale.yaml"))
    return rulesets, file_of


def compile_rules_with_problems(rules_dir: Path) -> tuple[dict[str, Any], list[Problem]]:
    """Validate every file in rules_dir; return the compiled rule base and every problem found."""
    rules_dir = Path(rules_dir)
    problems: list[Problem] = []
    docs: dict[str, Located] = {}
    if not rules_dir.is_dir():
        return {}, [Problem(_rel(rules_dir), "规则目录不存在", fix="用 --rules 指向含 facts.yaml 的目录")]

    def locate(file: str, path: v.Path) -> str:
        doc = docs.get(file)
        line = doc.line(path) if doc else None
        return f"{file}:{line}" if line else file

    set_files = sorted(p for p in rules_dir.glob("*.yaml") if p.name not in FIXED_FILES)
    loaded = {name: _read(rules_dir / name, problems) for name in FIXED_FILES}
    loaded.update({p.name: _read(p, problems) for p in set_files})
    docs.update({doc.file: doc for doc in loaded.values() if doc is not None})

    def data(name: str) -> tuple[Any, str]:
        doc = loaded.get(name)
        return (doc.data, doc.file) if doc else (None, _rel(rules_dir / name))

    facts_data, facts_file = data("facts.yaml")
    vocab_data: dict[str, Any] = (
        v.compile_facts(facts_data, facts_file, locate, problems) if facts_data is not None
        else {"facts": [], "quantities": [], "dimensions": [], "unknown_label": "不清楚", "legacy": []})
    vocab = v.Vocabulary(vocab_data["facts"])
    texts_data, texts_file = data("outcomes.yaml")
    texts = v.compile_texts(texts_data, texts_file, locate, problems) if texts_data is not None else {}
    scale_data, scale_file = data("scale.yaml")
    loss_levels = next(([x["id"] for x in f["values"]] for f in vocab_data["facts"] if f["id"] == LOSS_LEVEL), [])
    scale = (v.compile_scale(scale_data, scale_file, locate, problems, loss_levels,
                             [q["id"] for q in vocab_data["quantities"]]) if scale_data is not None else None)
    rulesets, file_of = _compile_rulesets([(p.stem, loaded[p.name]) for p in set_files], locate, problems, vocab, scale)
    if not rulesets and not problems:
        problems.append(Problem(_rel(rules_dir), "没有找到任何规则集（<地区>.yaml）"))
    order = {f["id"]: [val["id"] for val in f["values"]] for f in vocab_data["facts"]}
    v.resolve_extends(rulesets, file_of, locate, problems, order)
    if rulesets and facts_data is not None:
        v.check_fact_use(vocab_data, rulesets, facts_file, locate, problems)
    v.check_periods(rulesets, file_of, locate, problems)
    proc_data, proc_file = data("procedure.yaml")
    procedures = v.compile_procedures(proc_data, proc_file, locate, problems,
                                      {rs["jurisdiction"] for rs in rulesets}) if proc_data is not None else {}
    compiled = {
        "schema": 1,
        **vocab_data,
        "texts": texts,
        "scale": scale,
        "rulesets": rulesets,
        "procedures": procedures,
    }
    return compiled, problems


def compile_rules(rules_dir: Path) -> dict[str, Any]:
    compiled, problems = compile_rules_with_problems(rules_dir)
    if problems:
        raise RuleError(problems)
    return compiled


def load_rulebase(rules_dir: Path) -> RuleBase:
    """The validated model of rules_dir; raises RuleError listing every problem."""
    return RuleBase.from_compiled(compile_rules(rules_dir))


def load_compiled_json(path: Path) -> RuleBase:
    return RuleBase.from_compiled(json.loads(Path(path).read_text(encoding="utf-8")))


def read_facts_file(path: str, rb: RuleBase, stdin_text: str | bytes | None = None) -> dict[str, Any]:
    """Read a YAML or JSON facts file (or '-' for stdin: text, or bytes checked to be UTF-8) into
    normalized facts; FactsError on problems."""
    if path == "-":
        file = "<stdin>"
        try:
            text = decode(stdin_text, file) if isinstance(stdin_text, bytes) else stdin_text or ""
        except ReadFailure as exc:
            raise FactsError([exc.problem]) from None
    else:
        file = path
        try:
            text = read_input(Path(path), file)
        except ReadFailure as exc:
            if exc.problem.what == "文件不存在":
                exc.problem.fix = "检查 --facts 后面的路径"
            raise FactsError([exc.problem]) from None
    return parse_facts_text(text, file, rb)


def parse_facts_text(text: str, file: str, rb: RuleBase, first_line: int = 1,
                     locate: Any = None) -> dict[str, Any]:
    """Normalized facts of a YAML/JSON text (`first_line`: where it begins in `file`); FactsError."""
    try:
        doc = parse(text, file, first_line)
    except ParseFailure as exc:
        raise FactsError(exc.problems) from None

    def by_line(path: tuple[Any, ...]) -> str:
        line = doc.line(path)
        return f"{file}:{line}" if line else file

    return normalize_facts(rb, doc.data, locate or by_line)
