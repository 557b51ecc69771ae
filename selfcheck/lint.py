"""`python -m selfcheck lint`: every problem in rules/ and in the case files, in one run."""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path
from typing import Any

from .errors import FactsError, Problem
from .facts import normalize_facts
from .load import ReadFailure, _rel, compile_rules_with_problems, read_input
from .model import RuleBase
from .yamlsrc import ParseFailure, parse

FRONT = re.compile(r"\A---\n(.*?\n)---\n", re.S)
CASE_KEYS = ("title", "kind", "region", "province", "year", "role", "decision", "distinction", "facts", "source")
CASE_OPTIONAL = ("note", "tags", "id", "disagreement")
# `disagreement`: {jurisdiction: {kind: …, reason: …}}, why the checker's verdict differs from the
# published decision there (hooks/cases.py requires one for every disagreement).
DISAGREEMENT_KINDS = ("missing_rule", "ambiguous_fact", "unexplained")
DECISIONS = ("exempted", "reduced", "refused")
DISTINCTIONS = ("d1", "d2", "d3", "none", "unknown")


def split_front_matter(text: str) -> tuple[str | None, str]:
    """(the YAML between the opening and closing ---, or None; the Markdown body after it)."""
    m = FRONT.match(text)
    return (m.group(1), text[m.end():]) if m else (None, text)


def read_front_matter(path: Path) -> tuple[Any, str, int]:
    """(data, file, first line of the YAML). Raises ParseFailure with file:line problems."""
    file = _rel(path)
    try:
        text = read_input(path, file, allow_symlink=False)
    except ReadFailure as exc:
        raise ParseFailure([exc.problem]) from None
    front, _ = split_front_matter(text)
    if front is None:
        raise ParseFailure([Problem(f"{file}:1", "缺少开头的 front matter（--- 包围的 YAML）",
                                    fix="用 scripts/new_case.py 生成案例文件，或照 content/cases/ 中的现有文件补上")])
    try:
        doc = parse(front, file)
    except ParseFailure as exc:
        for p in exc.problems:  # shift YAML line numbers past the opening ---
            f, _, line = p.where.rpartition(":")
            if line.isdigit():
                p.where = f"{f}:{int(line) + 1}"
        raise
    return doc, file, 2


def lint_case(rb: RuleBase, path: Path) -> list[Problem]:
    try:
        doc, file, _ = read_front_matter(path)
    except ParseFailure as exc:
        return exc.problems
    data = doc.data

    def where(p: tuple[Any, ...]) -> str:
        line = doc.line(p)
        return f"{file}:{line + 1}" if line else file

    problems: list[Problem] = []
    if not isinstance(data, dict):
        return [Problem(where(()), "front matter 应为键值映射")]
    for key in data:
        if key not in CASE_KEYS + CASE_OPTIONAL:
            problems.append(Problem(where((key,)), f'未知的键 "{key}"', ", ".join(CASE_KEYS + CASE_OPTIONAL),
                                    "检查拼写，或删除这个键"))
    for key in CASE_KEYS:
        if data.get(key) in (None, ""):
            what = "缺少出处 source" if key == "source" else f'缺少 "{key}"'
            problems.append(Problem(where(()), what, fix=f'补上 "{key}"（格式见 scripts/new_case.py --help）'))
    if data.get("kind") not in ("real", "fictional"):
        problems.append(Problem(where(("kind",)), f"kind 应为 real 或 fictional：{data.get('kind')!r}", "real, fictional"))
    dec = data.get("decision")
    if isinstance(dec, dict):
        if dec.get("outcome") not in DECISIONS:
            problems.append(Problem(where(("decision", "outcome")), f"未知的决定 {dec.get('outcome')!r}",
                                    "exempted（免责）, reduced（减责）, refused（不予容错）"))
        if not isinstance(dec.get("measures"), list) or not dec.get("measures"):
            problems.append(Problem(where(("decision", "measures")), "measures 应列出实际处理方式",
                                    fix="例如 [免予问责] 或 [诫勉]"))
    elif dec is not None:
        problems.append(Problem(where(("decision",)), "decision 应为映射：outcome 和 measures"))
    if data.get("distinction") not in DISTINCTIONS and data.get("distinction") is not None:
        problems.append(Problem(where(("distinction",)), f"未知的区分 {data.get('distinction')!r}", ", ".join(DISTINCTIONS)))
    year = data.get("year")
    if year is not None and (not isinstance(year, int) or not 2000 <= year <= _dt.date.today().year):
        problems.append(Problem(where(("year",)), f"year 不是有效年份：{year!r}"))
    src = data.get("source")
    if isinstance(src, dict):
        for key in ("publisher", "title", "date", "url"):
            if not src.get(key):
                problems.append(Problem(where(("source",)), f"出处缺少 {key}", fix="写明发布机构、标题、日期和网址"))
        url = str(src.get("url") or "")
        if url and not url.startswith(("http://", "https://")):
            problems.append(Problem(where(("source", "url")), f"网址应以 http:// 或 https:// 开头：{url}"))
    elif src is not None:
        problems.append(Problem(where(("source",)), "source 应为映射：publisher、title、date、url"))
    dis = data.get("disagreement")
    if dis is not None and not isinstance(dis, dict):
        problems.append(Problem(where(("disagreement",)), "disagreement 应为映射：地区 → {kind, reason}"))
    for jur, item in (dis or {}).items() if isinstance(dis, dict) else ():
        if jur not in rb.jurisdictions():
            problems.append(Problem(where(("disagreement", jur)), f"没有地区 {jur!r} 的规则集", ", ".join(rb.jurisdictions())))
        elif not isinstance(item, dict) or item.get("kind") not in DISAGREEMENT_KINDS or not item.get("reason"):
            problems.append(Problem(where(("disagreement", jur)), "不一致的原因应写成 {kind, reason}",
                                    "kind: " + ", ".join(DISAGREEMENT_KINDS), "reason 用一两句话说明原因"))
    if "facts" in data:
        try:
            normalize_facts(rb, data["facts"], lambda p: where(("facts",) + tuple(p)))
        except FactsError as exc:
            problems.extend(exc.problems)
    return problems


def lint(rules_dir: Path, content_dir: Path | None) -> tuple[list[Problem], str]:
    compiled, problems = compile_rules_with_problems(rules_dir)
    summary = []
    if not problems:
        rb = RuleBase.from_compiled(compiled)
        n_items = sum(len(rs.all_items()) for rs in rb.rulesets)
        summary.append(f"规则：{len(rb.rulesets)} 个规则集，{n_items} 个条目，{len(rb.facts)} 个事实，版本 {rb.version}")
        if content_dir is not None:
            cases = sorted((content_dir / "cases").glob("*.md"))
            cases = [c for c in cases if c.name != "index.md"]
            for c in cases:
                problems.extend(lint_case(rb, c))
            summary.append(f"案例：{len(cases)} 个文件")
    elif content_dir is not None:
        summary.append("规则有误，案例未检查")
    return problems, "；".join(summary) + "。没有发现问题。"
