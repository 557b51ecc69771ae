"""Load rules/ (YAML) and facts files into the validated model, with file:line errors.

`compile_rules` gives the compiled rule base as plain data (what the browser receives as JSON);
`load_rulebase` gives the typed model. Reading YAML needs PyYAML (build side); reading the compiled
JSON does not.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import validate as v
from .errors import FactsError, Problem, RuleError
from .facts import normalize_facts
from .model import RuleBase
from .yamlsrc import Located, ParseFailure, parse

FIXED_FILES = ("facts.yaml", "scale.yaml", "outcomes.yaml", "procedure.yaml")


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _read(path: Path, problems: list[Problem]) -> Located | None:
    file = _rel(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(Problem(file, "文件不存在", fix="检查路径；规则目录里应有 facts.yaml、scale.yaml、outcomes.yaml、procedure.yaml"))
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(file, f"无法读取文件：{exc}", fix="确认文件存在且为 UTF-8 编码"))
        return None
    try:
        return parse(text, file)
    except ParseFailure as exc:
        problems.extend(exc.problems)
        return None


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

    loaded: dict[str, Located | None] = {}
    for name in FIXED_FILES:
        loaded[name] = _read(rules_dir / name, problems)
    set_files = sorted(p for p in rules_dir.glob("*.yaml") if p.name not in FIXED_FILES)
    for p in set_files:
        loaded[p.name] = _read(p, problems)
    for doc in loaded.values():
        if doc is not None:
            docs[doc.file] = doc

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
    scale = v.compile_scale(scale_data, scale_file, locate, problems) if scale_data is not None else None
    seen: dict[str, str] = {}
    rulesets = []
    file_of: dict[str, str] = {}
    for p in set_files:
        doc = loaded[p.name]
        if doc is None:
            continue
        rs = v.compile_ruleset(doc.data, doc.file, p.stem, locate, problems, vocab, seen)
        if rs is not None:
            rulesets.append(rs)
            file_of[rs["id"]] = doc.file
            if rs["scale"] and (scale is None or rs["scale"] != scale["id"]):
                problems.append(Problem(locate(doc.file, ("scale",)), f"未知的后果尺度 {rs['scale']!r}",
                                        scale["id"] if scale else "", "删除 scale 以使用 rules/scale.yaml"))
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


def read_facts_file(path: str, rb: RuleBase, stdin_text: str | None = None) -> dict[str, Any]:
    """Read a YAML or JSON facts file (or '-' for stdin) into normalized facts; FactsError on problems."""
    if path == "-":
        file, text = "<stdin>", stdin_text or ""
    else:
        file = path
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise FactsError([Problem(file, "文件不存在", fix="检查 --facts 后面的路径")]) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise FactsError([Problem(file, f"无法读取文件：{exc}", fix="确认文件为 UTF-8 编码的 YAML 或 JSON")]) from None
    return parse_facts_text(text, file, rb)


def parse_facts_text(text: str, file: str, rb: RuleBase) -> dict[str, Any]:
    try:
        doc = parse(text, file)
    except ParseFailure as exc:
        raise FactsError(exc.problems) from None

    def locate(path: tuple[Any, ...]) -> str:
        line = doc.line(path)
        return f"{file}:{line}" if line else file

    return normalize_facts(rb, doc.data, locate)
