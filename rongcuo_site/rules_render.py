"""Markdown for the pages generated from the compiled rule base (selfcheck.load.compile_rules).

Pure functions of the compiled data: no mkdocs import, so tests can call them directly.
Pages: rules/index.md (overview and comparison tables), rules/<ruleset id>.md (every item with its
text, citation, dates), rules/procedures.md (every procedure as an SVG diagram plus a text list).
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from rongcuo_site import procedure_svg
from rongcuo_site.templating import render
from selfcheck import present

KIND_ORDER = ("exclusions", "aggravations", "conditions", "situations", "reductions", "mitigations")
KIND_LABEL = {"exclusions": "负面清单", "aggravations": "从重、加重情节", "conditions": "容错条件",
              "situations": "容错情形", "reductions": "容错减责情形", "mitigations": "从轻、减轻情节"}
KIND_HELP = {
    "exclusions": "触及其中任何一项，就不属于容错范围（既不能容错免责，也不能容错减责）。",
    "aggravations": "问责、处分时应当从重或加重的情节；具备其中任何一项，就不能容错免责。",
    "conditions": "要容错免责，这些条件都要满足。",
    "situations": "要容错免责，至少要符合其中一种情形。",
    "reductions": "不能容错免责、但没有触及负面清单时，符合这些情形的可以容错减责（从轻、减轻处理）。",
    "mitigations": "问责、处分的一般规定：不论能否容错，具备这些情节的都可以依规从轻或减轻处理。这不是容错。",
}


def md_escape(text: Any) -> str:
    """Text for Markdown as it is: HTML's <, > and & escaped, and a backslash before Markdown's own
    characters (\\ ` * _ [ ] |)."""
    s = html.escape(str(text or ""), quote=False)
    return re.sub(r"([\\`*_\[\]|])", r"\\\1", s)


def effective_text(rs: dict, long: bool = False) -> str:
    """A rule set's 施行日期 for readers: 不详 when no source states it (`effective_known: false`);
    `long` adds the date the self-check counts from instead."""
    if rs.get("effective_known", True):
        return cn_date(rs.get("effective"))
    if long:
        return f"不详（自查从{cn_date(rs.get('effective'))}起按本规定对照，理由见下方核对说明）"
    return "不详"


READ_FROM = {"official": "官方文本", "secondary": "转载或二手来源", "paper": "论文引述"}


def coverage_table(compiled: dict, prefix: str = "") -> str:
    """Which documents each rule set rests on, what they were read from and how complete the
    collection is, counted from the rule data (`prefix`: the link path to the rules folder)."""
    from collections import Counter

    lines = ["| 规定 | 依据的文件（本站收录的条款数） | 条文读自 | 收录得全不全 |", "|---|---|---|---|"]
    for rs in ordered_sets(compiled):
        own = [it for k in KIND_ORDER for it in rs.get(k) or [] if it.get("origin", rs["id"]) == rs["id"]]
        docs = Counter((it.get("cite") or {}).get("document") or "出处未注明" for it in own)
        rel = Counter((it.get("cite") or {}).get("reliability") for it in own)
        doc_cell = "<br>".join(f"{md_escape(d)}（{n} 条）" for d, n in docs.most_common())
        rel_cell = "，".join(f"{READ_FROM.get(r, md_escape(r))} {rel[r]} 条" for r in ("official", "secondary", "paper") if rel[r])
        cov = rs.get("coverage") or {}
        cov_cell = ("未发现缺漏：" if cov.get("complete", True) else "不完整：") + md_escape(cov.get("note") or "")
        if rs.get("extends"):
            base = next((b for b in compiled.get("rulesets", []) if b["id"] == rs["extends"]), None)
            cov_cell += f"（另有{md_escape(base['short'] if base else rs['extends'])}性规定的条款同样适用）"
        lines.append(f"| [{md_escape(rs['short'])}]({prefix}{rs['id']}.md) | {doc_cell or '—'} | {rel_cell or '—'} | {cov_cell} |")
    return "\n".join(lines)


def cn_date(iso: str | None) -> str:
    if not iso:
        return "—"
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})$", str(iso))
    if not m:
        return md_escape(iso)
    return f"{int(m.group(1))}年{int(m.group(2))}月{int(m.group(3))}日"


def ordered_sets(compiled: dict) -> list[dict]:
    sets = list(compiled.get("rulesets", []))
    return sorted(sets, key=lambda r: (r["jurisdiction"] != "national", r["jurisdiction"], r["effective"]))


def _facts(compiled: dict) -> dict[str, dict]:
    return {f["id"]: f for f in compiled.get("facts", [])}


def _fact_name(f: dict) -> str:
    return str(f.get("question", f["id"])).rstrip("？?")


def _label(f: dict | None, vid: str) -> str:
    if f:
        for v in f.get("values", []):
            if v["id"] == vid:
                return v["label"]
    return vid


def _values_for(expr: dict, f: dict | None) -> list[str]:
    ids = [v["id"] for v in (f or {}).get("values", [])]
    if "is" in expr:
        return [expr["is"]]
    if "in" in expr:
        return list(expr["in"])
    if "at_most" in expr and expr["at_most"] in ids:
        return ids[: ids.index(expr["at_most"]) + 1]
    if "at_least" in expr and expr["at_least"] in ids:
        return ids[ids.index(expr["at_least"]):]
    return []


def when_lines(expr: dict, facts: dict[str, dict], depth: int = 0) -> list[str]:
    """A `when` expression as nested Markdown list lines in plain Chinese."""
    pad = "    " * depth
    if "all" in expr or "any" in expr:
        key = "all" if "all" in expr else "any"
        head = "以下各项同时成立：" if key == "all" else "以下任一项成立："
        out = [f"{pad}- {head}"]
        for sub in expr[key]:
            out += when_lines(sub, facts, depth + 1)
        return out
    if "not" in expr:
        return [f"{pad}- 以下情况**不**成立："] + when_lines(expr["not"], facts, depth + 1)
    f = facts.get(expr.get("fact", ""))
    vals = _values_for(expr, f)
    name = _fact_name(f) if f else expr.get("fact", "?")
    labels = "、".join(f"“{md_escape(_label(f, v))}”" for v in vals)
    how = {"at_most": "（或更有利的情况）", "at_least": "（或更严重的情况）"}
    extra = next((how[k] for k in how if k in expr), "")
    return [f"{pad}- {md_escape(name)}：{labels}{extra}"]


def facts_in(expr: Any) -> set[str]:
    if isinstance(expr, dict):
        if "fact" in expr:
            return {expr["fact"]}
        out: set[str] = set()
        for k in ("all", "any"):
            for sub in expr.get(k, []):
                out |= facts_in(sub)
        if "not" in expr:
            out |= facts_in(expr["not"])
        return out
    return set()


def positive_pairs(expr: Any, facts: dict[str, dict]) -> set[tuple[str, str]]:
    """(fact, value) pairs an expression asks for, outside any `not`."""
    if not isinstance(expr, dict):
        return set()
    if "fact" in expr:
        return {(expr["fact"], v) for v in _values_for(expr, facts.get(expr["fact"]))}
    out: set[tuple[str, str]] = set()
    for k in ("all", "any"):
        for sub in expr.get(k, []):
            out |= positive_pairs(sub, facts)
    return out


def cite_md(cite: dict | None, texts: dict) -> str:
    """A citation in Markdown, in the presenter's one wording (selfcheck/present.py)."""
    return present.cite(texts, cite, "md")


def _sources(*cites: dict | None) -> list[str]:
    seen: dict[tuple, str] = {}
    for c in cites:
        if not c:
            continue
        src = c.get("source") or {}
        key = (c.get("document"), src.get("title"), src.get("url"))
        if key in seen:
            continue
        title = md_escape(src.get("title"))
        url = src.get("url")
        seen[key] = (f"{md_escape(c.get('document'))}——" if c.get("document") else "") + \
            (f"[{title}]({url})" if url else title)
    return [f"- {v}" for v in seen.values()]


def ruleset_page(rs: dict, compiled: dict) -> str:
    facts = _facts(compiled)
    src = rs.get("source") or {}
    src_link = f"[{md_escape(src.get('title'))}]({src['url']})" if src.get("url") else md_escape(src.get("title"))
    lines = [
        "---",
        f"title: {json.dumps(rs['short'], ensure_ascii=False)}",
        f"description: {json.dumps(rs['short'] + '容错纠错规定逐条列出：负面清单、容错条件、容错情形和从轻减轻情节，各附出处。', ensure_ascii=False)}",
        "---",
        "",
        f"# {md_escape(rs['title'])}",
        "",
        "!!! info \"本页由规则数据自动生成\"",
        "    本页与匿名自查使用的是同一份规则数据。"
        "条文分“原文”和“转述”两种：只有注明“原文”的才是从所列来源逐字摘录的。",
        "",
        *(_inherit_note(rs, compiled)),
        "| 项目 | 内容 |",
        "|---|---|",
        f"| 地区 | {md_escape(rs['short'])} |",
        f"| 发布机关 | {md_escape(rs.get('issuer'))} |",
        f"| 文号 | {md_escape(rs.get('number') or '未见')} |",
        f"| 施行日期 | {effective_text(rs, long=True)} |",
        f"| 失效日期 | {cn_date(rs.get('until')) if rs.get('until') else '现行有效（据本站所知）'} |",
        f"| 最近核对 | {cn_date(rs.get('last_reviewed'))} |",
        f"| 整体来源 | {src_link}（{md_escape(present.reliability(compiled['texts'], src.get('reliability')))}） |",
        "",
    ]
    if rs.get("note"):
        lines += ["!!! warning \"核对说明：哪些内容还没能核实\"", f"    {md_escape(rs['note'])}", ""]
    coverage = rs.get("coverage") or {}
    if coverage.get("complete") is False and coverage.get("note"):
        lines += ["!!! note \"收录得不完整\"", f"    {md_escape(coverage['note'])}"
                  "自查时，如果没有触及负面清单和从重情节、条件也都满足，只是不在已收录的情形之中，"
                  "结果会写明“收录的条文未涵盖这种情形”，而不是简单地说不符合。", ""]
    cites: list[dict | None] = []
    for kind in KIND_ORDER:
        lines += _kind_section(rs, compiled, facts, kind, cites)
    if rs.get("distinctions") and not rs.get("extends"):
        lines += _distinctions_section(rs, compiled, cites)
    lines += _advice_section(rs, compiled)
    lines += ["## 参考来源", "", f"- 本规定整体：{src_link}", *_sources(*cites), ""]
    return "\n".join(lines)


def _kind_section(rs: dict, compiled: dict, facts: dict, kind: str, cites: list[dict | None]) -> list[str]:
    """One kind of item of a rule set: its own items in full, the inherited ones as links (their
    citations are added to `cites` for the page's sources)."""
    lines: list[str] = []
    all_items = rs.get(kind) or []
    items = [it for it in all_items if it.get("origin", rs["id"]) == rs["id"]]
    inherited = [it for it in all_items if it.get("origin", rs["id"]) != rs["id"]]
    if not all_items:
        return lines
    lines += [f"## {KIND_LABEL[kind]}", "", KIND_HELP[kind], ""]
    if inherited:
        base = next((r for r in compiled.get("rulesets", []) if r["id"] == inherited[0]["origin"]), None)
        name = base["short"] if base else inherited[0]["origin"]
        links = "；".join(f"[{md_escape(it['title'])}]({inherited[0]['origin']}.md#{it['id']})" for it in inherited)
        lines += [f"继承自{md_escape(name)}性规定（在这里同样适用）：{links}。", ""]
    if not items:
        if not inherited:
            lines += ["本规则集没有收录这一类条款（原文未见或未作规定）。", ""]
        else:
            lines += [f"{md_escape(rs['short'])}自己的规定中，本站没有收录这一类条款。", ""]
        return lines
    for it in items:
        cites.append(it.get("cite"))
        kind_word = "原文" if it.get("verbatim") else "转述"
        eff = cn_date(it.get("effective")) if it.get("effective") else f"同本规定（{effective_text(rs)}）"
        lines += [
            f"### {md_escape(it['title'])} {{#{it['id']}}}",
            "",
            f"> {md_escape(it['text'])}",
            f"> <span class=\"rc-item-kind\">（{kind_word}）</span>",
            "",
            "**自查时怎样对照**：",
            "",
            *when_lines(it["when"], facts),
            "",
            f"- **出处**：{cite_md(it.get('cite'), compiled['texts'])}",
            f"- **生效**：{eff}" + (f"；**失效**：{cn_date(it['until'])}" if it.get("until") else ""),
            f"- **最近核对**：{cn_date(rs.get('last_reviewed'))}",
        ]
        if it.get("note"):
            lines.append(f"- **说明**：{md_escape(it['note'])}")
        lines.append("")
    return lines


def _distinctions_section(rs: dict, compiled: dict, cites: list[dict | None]) -> list[str]:
    """The 三个区分开来 as the national rule set holds them (with the 2018 wording where kept)."""
    lines: list[str] = []
    lines += ["## 三个区分开来", "", "自查结果会说明事实落在每一项区分的哪一侧。", ""]
    for d in rs["distinctions"]:
        cites.append(d.get("cite"))
        lines += [
            f"### {md_escape(d['title'])} {{#{d['id']}}}",
            "",
            f"> {md_escape(d['text'])}",
            "",
            f"- **可容的一侧**：{md_escape(d['tolerable_side'])}",
            f"- **不可容的一侧**：{md_escape(d['other_side'])}",
            f"- **出处**：{cite_md(d.get('cite'), compiled['texts'])}",
            "",
        ]
        if d.get("text_2018"):  # the 2018 wording of the same distinction (中办发〔2018〕29号)
            cites.append(d.get("cite_2018"))
            lines += [
                f"2018年中央文件的表述：“{md_escape(d['text_2018'])}”（{cite_md(d.get('cite_2018'), compiled['texts'])}）",
                "",
            ]
    return lines


def _advice_section(rs: dict, compiled: dict) -> list[str]:
    """What to do after a self-check, per outcome, in this rule set's words."""
    lines: list[str] = []
    advice = rs.get("advice") or {}
    if advice:
        outs = (compiled.get("texts") or {}).get("outcomes") or {}
        if isinstance(outs, list):
            outs = {o["id"]: o for o in outs}
        labels = {k: v.get("label", k) for k, v in outs.items()}
        lines += ["## 自查之后怎么办", ""]
        for key in ("eligible", "mitigable", "not_eligible", "undetermined"):
            if advice.get(key):
                lines.append(f"- **{md_escape(labels.get(key, key))}**：{md_escape(advice[key])}")
        lines.append("")
    return lines


def _inherit_note(rs: dict, compiled: dict) -> list[str]:
    """For a provincial set: it stands on the national floor."""
    if not rs.get("extends"):
        return []
    base = next((r for r in compiled.get("rulesets", []) if r["id"] == rs["extends"]), None)
    name = base["short"] if base else rs["extends"]
    return [f"!!! note \"建立在{md_escape(name)}性规定之上\"",
            f"    《问责条例》《纪律处分条例》和“三个区分开来”对各地干部同样适用，所以{md_escape(name)}性规定的负面清单、"
            f"从重情节、容错条件、容错情形和从轻减轻情节在{md_escape(rs['short'])}都适用，各节开头列出继承来的条目；"
            f"下面逐条列出的是{md_escape(rs['short'])}自己的规定。地方规定不能比它们更宽松，除非地方原文明确这样规定（会注明）。",
            ""]


def index_page(compiled: dict) -> str:
    facts = _facts(compiled)
    sets = ordered_sets(compiled)
    lines = [
        "---",
        "title: 各地规定",
        "description: 国家和各地容错纠错规定的逐条整理与对照：负面清单、容错条件、容错情形、从轻减轻情节和办理程序。",
        "---",
        "",
        "# 各地规定",
        "",
        "本栏把国家和各地关于容错纠错的规定整理成统一的格式，逐条列出原文或转述、出处、施行日期和本站最近核对日期。"
        "这些页面和匿名自查读取的是同一份规则数据，数据一改，页面随之更新，没有手工抄录的环节。地方规定建立在全国性规定之上：全国性条款在各地同样适用。",
        "",
        "!!! note \"以原文为准\"",
        "    本站整理的条文可能不全，个别条款只能找到转载或论文引述，页面上都已注明。具体认定以有权机关依据正式文件作出的决定为准。",
        "",
        "## 收录了什么、读自哪里",
        "",
        "下表由规则数据统计：每套规定的条款依据哪些文件，条文是从官方文本、转载还是论文引述中读到的，收录得全不全。",
        "",
        coverage_table(compiled),
        "",
        "## 收录的规定",
        "",
        "条款数依次为：负面清单 / 从重加重情节 / 容错条件 / 容错情形 / 容错减责情形 / 从轻减轻情节"
        "（地方规则集的数字只算自己的条款，全国性条款在各地同样适用）。",
        "",
        "| 地区 | 规定 | 施行 | 最近核对 | 条款数 |",
        "|---|---|---|---|---|",
    ]
    lines += _sets_rows(sets)
    lines += ["", "## 各地考量哪些方面", "",
              "下表列出每项自查问题在各地规定中出现在哪一类条款里。“—”表示该规定没有就这一方面作出（本站能核实的）规定。", ""]
    lines += _aspects_table(compiled, sets)
    lines += ["", "## 容错情形对照", "",
              "每一行是自查问题的一个回答，表格列出各地哪些容错情形包含这一回答（点击可查看条文）。", ""]
    lines += _situations_table(compiled, facts, sets)
    lines += ["", "## 办理程序对照", ""]
    lines += _procedures_table(compiled.get("procedures") or {}, sets)
    lines += ["", "## 参考来源", ""]
    lines += _sources_list(compiled, sets)
    return "\n".join(lines)


def _sets_rows(sets: list[dict]) -> list[str]:
    """One row per rule set: region, title, in force since, last reviewed, its own items per kind."""
    lines: list[str] = []
    for rs in sets:
        counts = " / ".join(str(sum(1 for it in rs.get(k) or [] if it.get("origin", rs["id"]) == rs["id"]))
                            for k in KIND_ORDER)
        until = f"（{cn_date(rs['until'])}失效）" if rs.get("until") else ""
        lines.append(f"| {md_escape(rs['short'])} | [{md_escape(rs['title'])}]({rs['id']}.md) | {effective_text(rs)}{until} | "
                     f"{cn_date(rs.get('last_reviewed'))} | {counts} |")
    return lines


def _aspects_table(compiled: dict, sets: list[dict]) -> list[str]:
    """Per question of the self-check: the kinds of items that read it, in each rule set."""
    lines: list[str] = []
    head = "| 方面 | 自查问题 | " + " | ".join(md_escape(rs["short"]) for rs in sets) + " |"
    lines += [head, "|---|---|" + "---|" * len(sets)]
    used = {rs["id"]: {k: set().union(*(facts_in(it["when"]) for it in rs.get(k) or [])) for k in KIND_ORDER}
            for rs in sets}
    dims = [d["id"] for d in compiled.get("dimensions", [])]
    facts_by_dim = sorted(compiled.get("facts", []),
                          key=lambda f: dims.index(f.get("dimension")) if f.get("dimension") in dims else 99)
    for f in facts_by_dim:
        cells = []
        for rs in sets:
            kinds = [KIND_LABEL[k] for k in KIND_ORDER if f["id"] in used[rs["id"]][k]]
            cells.append("、".join(kinds) if kinds else "—")
        lines.append(f"| {md_escape(f.get('dimension'))} | {md_escape(_fact_name(f))} | " + " | ".join(cells) + " |")
    return lines


def _situations_table(compiled: dict, facts: dict, sets: list[dict]) -> list[str]:
    """Per answer: the situations (容错情形) of each rule set that contain it."""
    lines: list[str] = []
    pairs: dict[tuple[str, str], dict[str, list[dict]]] = {}
    for rs in sets:
        for it in rs.get("situations") or []:
            if it.get("origin", rs["id"]) != rs["id"]:
                continue  # inherited: shown in the national column
            for pair in positive_pairs(it["when"], facts):
                pairs.setdefault(pair, {}).setdefault(rs["id"], []).append(it)
    order = {f["id"]: i for i, f in enumerate(compiled.get("facts", []))}

    def pair_key(p: tuple[str, str]) -> tuple:
        vals = [v["id"] for v in facts.get(p[0], {}).get("values", [])]
        return (order.get(p[0], 99), vals.index(p[1]) if p[1] in vals else 99)

    if pairs:
        lines += ["| 自查问题 | 回答 | " + " | ".join(md_escape(rs["short"]) for rs in sets) + " |",
                  "|---|---|" + "---|" * len(sets)]
        for pair in sorted(pairs, key=pair_key):
            f = facts.get(pair[0])
            cells = []
            for rs in sets:
                its = pairs[pair].get(rs["id"], [])
                cells.append("<br>".join(f"[{md_escape(it['title'])}]({rs['id']}.md#{it['id']})" for it in its) or "—")
            lines.append(f"| {md_escape(_fact_name(f) if f else pair[0])} | {md_escape(_label(f, pair[1]))} | "
                         + " | ".join(cells) + " |")
    else:
        lines.append("规则文件中还没有收录容错情形。")
    return lines


def _procedures_table(procs: dict, sets: list[dict]) -> list[str]:
    """Per stage of the procedures: the steps of each rule set (and of the paper's model)."""
    lines: list[str] = []
    if procs:
        keys = list(procs)
        names = {k: ("通用模型（论文）" if k == "model" else next((rs["short"] for rs in sets if rs["jurisdiction"] == k), k))
                 for k in keys}
        stage_names: list[str] = []
        for k in keys:
            for st in procs[k].get("stages", []):
                if st["name"] not in stage_names:
                    stage_names.append(st["name"])
        lines += ["各地办理容错的步骤（详见[办理程序图](procedures.md)）：", "",
                  "| 阶段 | " + " | ".join(md_escape(names[k]) for k in keys) + " |",
                  "|---|" + "---|" * len(keys)]
        for name in stage_names + ["申诉与复核"]:
            cells = []
            for k in keys:
                if name == "申诉与复核":
                    steps = procs[k].get("appeal") or []
                else:
                    steps = [s for st in procs[k].get("stages", []) if st["name"] == name for s in st["steps"]]
                cells.append("、".join(md_escape(s["name"]) for s in steps) or "—")
            lines.append(f"| {md_escape(name)} | " + " | ".join(cells) + " |")
    else:
        lines.append("规则文件中还没有收录办理程序。")
    return lines


def _sources_list(compiled: dict, sets: list[dict]) -> list[str]:
    """Where each rule set was read, with how reliable that source is."""
    lines: list[str] = []
    for rs in sets:
        src = rs.get("source") or {}
        link = f"[{md_escape(src.get('title'))}]({src['url']})" if src.get("url") else md_escape(src.get("title"))
        lines.append(f"- {md_escape(rs['short'])}：{link}（{md_escape(present.reliability(compiled['texts'], src.get('reliability')))}）")
    lines.append("- 每一条款的具体出处见各规定页面。")
    lines.append("")
    return lines


def procedure_block(key: str, proc: dict, texts: dict, heading_level: int = 0, collapsed: bool = False) -> str:
    """Diagram (inline SVG) + the same steps as an ordered text list, as Markdown/HTML (template
    rules/procedure.html). `collapsed`: the list sits in a closed <details> (for explainers that
    describe the steps in their own words below the diagram; print.css opens it)."""
    def cited(steps: list[dict]) -> list[tuple[dict, str]]:
        return [(s, _cite_html(s["cite"], texts) if s.get("cite") else "") for s in steps]

    stages = []
    n = 0
    for st in proc.get("stages", []):
        stages.append({"name": st["name"], "start": n + 1, "steps": cited(st.get("steps", [])), "note": st.get("note")})
        n += len(st.get("steps", []))
    if proc.get("appeal"):
        stages.append({"name": "申诉与复核", "start": n + 1, "steps": cited(proc["appeal"]), "note": None})
    body = render("rules/procedure.html", key=key, svg=procedure_svg.render_pair(key, proc),
                  title=proc.get("title", key), collapsed=collapsed, stages=stages,
                  cite=_cite_html(proc.get("cite"), texts), note=proc.get("note"))
    parts = [f"{'#' * heading_level} {md_escape(proc.get('title', key))} {{#procedure-{key}}}", ""] if heading_level else []
    return "\n".join([*parts, body, ""])


def _cite_html(cite: dict | None, texts: dict) -> str:
    return present.cite(texts, cite, "html")


def procedures_page(compiled: dict) -> str:
    procs = compiled.get("procedures") or {}
    sets = ordered_sets(compiled)
    lines = [
        "---",
        "title: 办理程序图",
        "description: 容错从申请到认定、反馈、申诉复核的步骤，按通用模型和各地规定分别绘制。",
        "---",
        "",
        "# 办理程序图",
        "",
        "下面每张图都由规则数据在建站时生成；图下的列表是同样的步骤的文字版，并注明每一步的依据。",
        "",
    ]
    cites = []
    for key, proc in procs.items():
        name = "通用模型" if key == "model" else next((rs["short"] for rs in sets if rs["jurisdiction"] == key), key)
        lines += [f"## {md_escape(name)} {{#procedure-{key}}}", "", procedure_block(key, proc, compiled['texts'])]
        cites.append(proc.get("cite"))
    if not procs:
        lines.append("规则文件中还没有收录办理程序。")
    lines += ["## 参考来源", "", *_sources(*cites), "- 每一步的具体依据见图下列表。", ""]
    return "\n".join(lines)
