"""`python -m selfcheck lint`: every problem in rules/ and in the case files, in one run."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
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
# published decision there (rongcuo_site/case_library.py requires one for every disagreement).
DISAGREEMENT_KINDS = ("missing_rule", "ambiguous_fact", "unexplained")
NO_DISTINCTION = ("none", "unknown")  # the source says no distinction applies / does not say which
# `kind: discipline`: a published discipline case (纪委 通报, 以案说纪), NOT a 容错 decision. It has no
# `decision`/`distinction`; instead `line` (which line it crossed, each with the source's words) and
# `sanction` (the sanction in the source's words). The checker's verdict is shown, never compared.
DISCIPLINE_KEYS = ("title", "kind", "region", "province", "year", "role", "line", "sanction", "facts", "source")
LINE_BASES = ("stated", "inferred")  # the source names the line / the line is read from the quoted words
RELIABILITY = ("official", "secondary", "weak")


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


def decision_ids(rb: RuleBase) -> tuple[str, ...]:
    """A published case's decisions: the keys of outcomes.yaml `decisions` (exempted, reduced, refused)."""
    return tuple(rb.texts["decisions"])


def distinction_ids(rb: RuleBase) -> tuple[str, ...]:
    """What a case's `distinction` may name: one of the 三个区分开来 of the rules, none or unknown."""
    return tuple(d.id for d in rb.distinctions()) + NO_DISTINCTION


def lint_case(rb: RuleBase, path: Path) -> list[Problem]:
    try:
        doc, file, _ = read_front_matter(path)
    except ParseFailure as exc:
        return exc.problems
    return lint_case_front_matter(rb, doc, file)


def lint_case_front_matter(rb: RuleBase, doc: Any, file: str) -> list[Problem]:
    """The problems of a case's front matter already read by read_front_matter (doc, file)."""
    data = doc.data

    def where(p: tuple[Any, ...]) -> str:
        line = doc.line(p)
        return f"{file}:{line + 1}" if line else file

    problems: list[Problem] = []
    if not isinstance(data, dict):
        return [Problem(where(()), "front matter 应为键值映射")]
    if data.get("kind") == "discipline":
        return _lint_discipline(rb, data, where)
    for key in data:
        if key not in CASE_KEYS + CASE_OPTIONAL:
            problems.append(Problem(where((key,)), f'未知的键 "{key}"', ", ".join(CASE_KEYS + CASE_OPTIONAL),
                                    "检查拼写，或删除这个键"))
    for key in CASE_KEYS:
        if data.get(key) in (None, ""):
            what = "缺少出处 source" if key == "source" else f'缺少 "{key}"'
            problems.append(Problem(where(()), what, fix=f'补上 "{key}"（格式见 scripts/new_case.py --help）'))
    if data.get("kind") not in ("real", "fictional"):
        problems.append(Problem(where(("kind",)), f"kind 应为 real、discipline 或 fictional：{data.get('kind')!r}",
                                "real, discipline, fictional"))
    dec = data.get("decision")
    if isinstance(dec, dict):
        if dec.get("outcome") not in decision_ids(rb):
            problems.append(Problem(where(("decision", "outcome")), f"未知的决定 {dec.get('outcome')!r}",
                                    ", ".join(f"{k}（{label}）" for k, label in rb.texts["decisions"].items())))
        if not isinstance(dec.get("measures"), list) or not dec.get("measures"):
            problems.append(Problem(where(("decision", "measures")), "measures 应列出实际处理方式",
                                    fix="例如 [免予问责] 或 [诫勉]"))
    elif dec is not None:
        problems.append(Problem(where(("decision",)), "decision 应为映射：outcome 和 measures"))
    if data.get("distinction") not in distinction_ids(rb) and data.get("distinction") is not None:
        problems.append(Problem(where(("distinction",)), f"未知的区分 {data.get('distinction')!r}",
                                ", ".join(distinction_ids(rb))))
    problems += _lint_common(rb, data, where)
    dis = data.get("disagreement")
    if dis is not None and not isinstance(dis, dict):
        problems.append(Problem(where(("disagreement",)), "disagreement 应为映射：地区 → {kind, reason}"))
    for jur, item in (dis or {}).items() if isinstance(dis, dict) else ():
        if jur not in rb.jurisdictions():
            problems.append(Problem(where(("disagreement", jur)), f"没有地区 {jur!r} 的规则集", ", ".join(rb.jurisdictions())))
        elif not isinstance(item, dict) or item.get("kind") not in DISAGREEMENT_KINDS or not item.get("reason"):
            problems.append(Problem(where(("disagreement", jur)), "不一致的原因应写成 {kind, reason}",
                                    "kind: " + ", ".join(DISAGREEMENT_KINDS), "reason 用一两句话说明原因"))
    return problems


def _lint_common(rb: RuleBase, data: dict[str, Any], where: Callable[[tuple[Any, ...]], str]) -> list[Problem]:
    """year, source and facts: the same for a 容错 case and a discipline case."""
    problems: list[Problem] = []
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
    if "facts" in data:
        try:
            normalize_facts(rb, data["facts"], lambda p: where(("facts",) + tuple(p)))
        except FactsError as exc:
            problems.extend(exc.problems)
    return problems


def line_ids(rb: RuleBase) -> dict[str, str]:
    """The lines a discipline case may name: {id: what lies on the non-tolerable side}: the three
    distinctions (their other side) and the national exclusions (the negative list), plus unknown."""
    out = {d.id: d.other_side for d in rb.distinctions()}
    for rs in rb.rulesets:
        if rs.jurisdiction == "national":
            out.update({it.id: it.title for it in rs.items.get("exclusions", ())})
    out["unknown"] = "来源没有点明越过的是哪一条"
    return out


def _lint_discipline(rb: RuleBase, data: dict[str, Any], where: Callable[[tuple[Any, ...]], str]) -> list[Problem]:
    problems: list[Problem] = []
    allowed = DISCIPLINE_KEYS + ("note", "tags", "id")
    for key in data:
        if key not in allowed:
            hint = "纪律处分案例不是容错决定，不写 decision、distinction、disagreement；改写 line 和 sanction" \
                if key in ("decision", "distinction", "disagreement") else "检查拼写，或删除这个键"
            problems.append(Problem(where((key,)), f'纪律处分案例中未知的键 "{key}"', ", ".join(allowed), hint))
    for key in DISCIPLINE_KEYS:
        if data.get(key) in (None, "") and key != "facts":
            what = "缺少出处 source" if key == "source" else f'纪律处分案例缺少 "{key}"'
            problems.append(Problem(where(()), what, fix=f'补上 "{key}"（格式见 docs/cases-format.md）'))
    known = line_ids(rb)
    lines = data.get("line")
    if lines is not None and (not isinstance(lines, list) or not lines):
        problems.append(Problem(where(("line",)), "line 应为列表：每项写明越过的界线 id、basis 和来源原话 words",
                                fix="例如 - {id: d2, basis: stated, words: 无视上级明令禁止……}"))
    for i, item in enumerate(lines if isinstance(lines, list) else []):
        at = where(("line", i))
        if not isinstance(item, dict):
            problems.append(Problem(at, "line 的每一项应为映射：id、basis、words"))
            continue
        for key in item:
            if key not in ("id", "basis", "words"):
                problems.append(Problem(where(("line", i, key)), f'line 中未知的键 "{key}"', "id, basis, words"))
        if item.get("id") not in known:
            problems.append(Problem(where(("line", i, "id")), f"未知的界线 {item.get('id')!r}",
                                    ", ".join(known), "三个区分开来写 d1、d2、d3；负面清单写全国规则集中的排除条目 id"))
        if item.get("basis") not in LINE_BASES and not (item.get("id") == "unknown" and "basis" not in item):
            problems.append(Problem(where(("line", i, "basis")), f"basis 应为 stated（来源点明）或 inferred（据原话判断）："
                                    f"{item.get('basis')!r}", ", ".join(LINE_BASES)))
        if not str(item.get("words") or "").strip():
            problems.append(Problem(at, "每一条界线都要引用它所依据的来源原话（words）",
                                    fix="把来源中据以判断的几个字照抄到 words"))
    sanction = data.get("sanction")
    if sanction is not None and (not isinstance(sanction, str) or not sanction.strip()):
        problems.append(Problem(where(("sanction",)), "sanction 应照来源原话写出处分（一段文字）",
                                fix="例如 sanction: 2023年7月，……分别受到党内警告处分。"))
    src = data.get("source")
    if isinstance(src, dict) and src.get("reliability") not in RELIABILITY:
        problems.append(Problem(where(("source", "reliability") if "reliability" in src else ("source",)),
                                f"纪律处分案例的出处要写明可靠程度 reliability：{src.get('reliability')!r}",
                                ", ".join(RELIABILITY), "official 官方原页；secondary 权威媒体转载；weak 镜像、无关网站或无日期的转载"))
    problems += _lint_common(rb, data, where)
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
