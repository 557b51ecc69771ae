"""The case library, generated at build time from content/cases/*.md and the checker.

For every real published case (front matter validated by selfcheck.lint.lint_case) the checker
(selfcheck.explain.evaluate) is run on the case's published facts in every jurisdiction, as of the
end of the case's year (or, when the case predates a rule set, the first day that rule set is in
force; the page says so). Its verdict is set beside the real decision:

    exempted 免责 ↔ eligible · reduced 减责 ↔ mitigable · refused 不予容错 ↔ not_eligible

    agree          the verdict is the real decision
    undetermined   the published facts are not enough: the verdict is 需进一步核查 and the real
                   decision is one of its possible outcomes
    disagree       anything else (a determinate other verdict, or no completion of the unknown facts
                   gives the real decision)

Every disagreement needs a written reason in the case's front matter, e.g.

    disagreement:
      jiangsu: {kind: missing_rule, reason: 江苏规则集未收录从轻减轻条款……}

(kind: missing_rule | ambiguous_fact | unexplained). A disagreement without one fails the strict
build with the file and what to add. Pages made here (in memory, nothing is written to content/):

- cases/index.md       every case, with filters (outcome, province, 三个区分开来, year) run by the
                       same-origin script assets/cases/filter.js (no inline script: see csp.py)
- cases/agreement.md   agreement per jurisdiction and overall, and every disagreement's reason
- each case page gets the decision summary, the verdict table and its source.

Discipline cases (`kind: discipline`, docs/cases-format.md) are published sanctions, not 容错
decisions: they get their own section of the index ("违纪违法的一侧") and a page with the sanction,
the line crossed (with the source's words) and the checker's verdict on the stated facts, shown
for comparison only; they are never compared with a decision nor counted in the agreement page.

Problems in case front matter (selfcheck.lint.lint_case: the fields, the source, the facts' ids and
values) are reported here with file:line, once; content_checks.py checks only the page body.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from rongcuo_site.generated import add_generated
from rongcuo_site.report import log, problem
from rongcuo_site.templating import render_page
from selfcheck import present
from selfcheck.explain import evaluate
from selfcheck.lint import lint_case_front_matter, read_front_matter
from selfcheck.model import RuleBase
from selfcheck.yamlsrc import ParseFailure

EXPECTED = {"exempted": "eligible", "reduced": "mitigable", "refused": "not_eligible"}
STATUS_LABEL = {"agree": "一致", "undetermined": "事实不足", "not_covered": "收录条文未涵盖", "disagree": "不一致"}
KIND_LABEL: dict[str | None, str] = {"missing_rule": "规则缺失", "ambiguous_fact": "事实不明或有歧义",
                                     "unexplained": "公开的规则解释不了这一决定"}
DISTINCTION_UNKNOWN = {"none": "不涉及", "unknown": "来源未写明"}
GENERATED = ("cases/index.md", "cases/agreement.md")
SCRIPT = "assets/cases/filter.js"
STYLE = "assets/cases/cases.css"


# -- loading --------------------------------------------------------------------------------------

def _as_of(year: int) -> str:
    """The end of the case's year: the rules in force then (a province whose own rules came later is
    checked on the national floor of that time, and the verdict says so)."""
    return f"{year}-12-31"


def status_of(expected: str, verdict: dict) -> str:
    if verdict["outcome"] == expected:
        return "agree"
    if verdict["outcome"] == "undetermined" and expected in {p["id"] for p in verdict["possible_outcomes"]}:
        return "undetermined"
    if expected == "eligible" and verdict["coverage"]["gap"] == "yes":
        return "not_covered"  # nothing bars tolerance, but the collected text lists no such situation
    return "disagree"


def discipline_as_of(rb, year: int) -> str:
    """The end of the case's year, or, for a case older than every collected rule, the first day a
    collected rule is in force (the page says so)."""
    return max(_as_of(year), min(rs.effective for rs in rb.rulesets))


def _discipline_case(rb, where: str, data: dict) -> dict | None:
    """{jurisdiction: verdict} on the facts the source states. Not compared with anything: a
    discipline case is not a 容错 decision. `eligible` would be a finding: reported, never hidden."""
    as_of = discipline_as_of(rb, int(data["year"]))
    try:
        out = {j: evaluate(rb, data.get("facts") or {}, j, as_of) for j in rb.jurisdictions()}
    except Exception as exc:  # the checker refused the facts: lint should have caught it
        problem(f"{where}:1", f"自查工具无法推演这个案例的事实（{exc}）", "改正 `facts`（见 rules/facts.yaml）")
        return None
    for v in out.values():
        if v["outcome"] == "eligible":
            log.warning(f"{where}: 这是纪律处分案例，自查工具按{v['jurisdiction_short']}规则却得出“符合容错情形”；"
                        "请核对 facts 是否只记录了来源写明的事实，并把这一发现报告给规则维护者。")
    return out


def _load_cases(docs_dir: str, rb: RuleBase) -> tuple[list[dict], list[dict]]:
    """(容错 cases, discipline cases)."""
    docs = Path(docs_dir)
    folder = docs / "cases"
    cases: list[dict] = []
    discipline: list[dict] = []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        uri = f"cases/{path.name}"
        if uri in GENERATED:
            continue
        where = f"{docs.name}/{uri}"
        try:
            doc, file, _ = read_front_matter(path)
        except ParseFailure:
            continue  # content_checks.py reports broken front matter
        data = doc.data if isinstance(doc.data, dict) else {}
        problems = lint_case_front_matter(rb, doc, file)  # the file is read and parsed once
        for p in problems:
            _, sep, line = p.where.rpartition(":")
            loc = f"{where}:{line}" if sep and line.isdigit() else where
            problem(loc, p.what, p.fix or "参见 `python scripts/new_case.py --help`", allowed=p.allowed)
        if problems:
            continue
        if data.get("kind") == "discipline":
            d = _discipline_case(rb, where, data)
            if d is not None:
                discipline.append({"uri": uri, "stem": path.stem, "where": where, "data": data, "verdicts": d})
            continue
        case = _real_case(rb, doc, where, data)
        if case is not None:
            cases.append({"uri": uri, "stem": path.stem, **case})
    return cases, discipline


def _real_case(rb: RuleBase, doc, where: str, data: dict) -> dict | None:
    """A published 容错 case with its verdict in every jurisdiction, each set beside the real decision;
    a disagreement without a written reason is a build error. None when the case cannot be shown."""
    if data.get("kind") != "real":
        problem(f"{where}:{(doc.line(('kind',)) or 1) + 1}",
                "案例库只收录公开发布的真实案例（kind: real）",
                "把虚构的教学情景移到 content/training/，并标明“虚构”")
        return None
    try:
        expected = EXPECTED[data["decision"]["outcome"]]
        facts = data.get("facts") or {}
        year = int(data["year"])
        verdicts = {}
        for j in rb.jurisdictions():
            v = evaluate(rb, facts, j, _as_of(year))
            v["_status"] = status_of(expected, v)
            verdicts[j] = v
    except Exception as exc:  # the checker refused the facts: lint should have caught it
        problem(f"{where}:1", f"自查工具无法推演这个案例的事实（{exc}）",
                "改正 `facts`（见 rules/facts.yaml）")
        return None
    reasons = data.get("disagreement") or {}
    for j, v in verdicts.items():
        if v["_status"] == "disagree" and j not in reasons:
            problem(f"{where}:{(doc.line(('facts',)) or 1) + 1}",
                    f"按{v['jurisdiction_short']}规则（{v['ruleset']}，依据日期 {v['as_of']}）自查工具的结论是 "
                    f"'{v['outcome']}'，而公开的决定是 '{data['decision']['outcome']}'（对应 {expected}），"
                    "两者不一致，却没有写明原因",
                    f"在 front matter 中加上 `disagreement: {{{j}: {{kind: missing_rule|ambiguous_fact|"
                    "unexplained, reason: <用中文写明原因>}}`；如果是事实与来源不符，就改正 facts")
        elif v["_status"] != "disagree" and j in reasons:
            log.info(f"{where}: {j} 的不一致原因已经用不上了（自查工具现在的结论是 {v['outcome']}），"
                     "页面上不再显示。")
    return {"where": where, "data": data, "verdicts": verdicts, "reasons": reasons}


# -- rendering ------------------------------------------------------------------------------------

def _unstated(v: dict) -> str:
    """Why a case's verdict is undetermined: the first facts its source leaves unstated."""
    missing = "、".join(m["question"].rstrip("？?") for m in v["missing_facts"][:3])
    more = f"等 {len(v['missing_facts'])} 项" if len(v["missing_facts"]) > 3 else ""
    return f"来源没有写明：{missing}{more}" if missing else "来源公开的事实不够"


def _distinction_label(rb, did: str) -> str:
    for d in rb.distinctions():
        if d.id == did:
            return d.title
    return DISTINCTION_UNKNOWN.get(did, did)


def _ruleset(rb, rs_id: str):
    for rs in rb.rulesets:
        if rs.id == rs_id:
            return rs
    return None


_CN_NUMBER = "零一二三四五六七八九十"


def _shorts(rb) -> list[str]:
    """The collected rule sets by their short names (全国, 江苏, …), one per jurisdiction, in order."""
    return [rb.latest(j).short for j in rb.jurisdictions()]


def _count(rb) -> str:
    n = len(_shorts(rb))
    return _CN_NUMBER[n] if n <= 10 else str(n)


def _sets_in_words(rb) -> str:
    """全国、江苏、陕西三套规则 — counted from the rule data, never written by hand."""
    return f"{'、'.join(_shorts(rb))}{_count(rb)}套规则"


def _province_order(p: str) -> tuple:
    return (0 if p == "全国" else 1, p)


def index_page(rb, cases: list[dict], url_of, discipline: list[dict] | None = None) -> str:
    """cases/index.md: every case, with the filters, then the discipline cases (template case_library/index.md)."""
    discipline = discipline or []
    by = {k: sorted({str(c["data"][k]) for c in cases}) for k in ("province", "year", "distinction")}
    dist_ids = [d.id for d in rb.distinctions()] + ["none", "unknown"]
    filters = [
        ("outcome", "处理结果", [(o, present.decision(rb.texts, o)) for o in EXPECTED]),
        ("province", "地区", [(p, p) for p in sorted(by["province"], key=_province_order)]),
        ("distinction", "三个区分开来", [(d, _distinction_label(rb, d)) for d in dist_ids if d in by["distinction"]]),
        ("year", "年份", [(y, y) for y in sorted(by["year"], reverse=True)]),
    ]
    rows = [{"stem": c["stem"], "data": c["data"], "href": url_of(c["uri"]),
             "decision": present.decision(rb.texts, c["data"]["decision"]["outcome"]),
             "measures": "、".join(map(str, c["data"]["decision"]["measures"])),
             "distinction": _distinction_label(rb, c["data"]["distinction"]),
             "status": " / ".join(STATUS_LABEL[v["_status"]] for v in c["verdicts"].values())}
            for c in _newest_first(cases)]
    discipline_rows = [{"stem": c["stem"], "data": c["data"], "href": url_of(c["uri"]),
                        "lines": _lines_short(rb, c["data"]),
                        "verdicts": " / ".join(present.outcome_short(rb.texts, v) for v in c["verdicts"].values())}
                       for c in _newest_first(discipline)]
    counts = {o: sum(1 for c in cases if c["data"]["decision"]["outcome"] == o) for o in EXPECTED}
    return render_page("case_library/index.md", cases=rows, discipline=discipline_rows, counts=counts,
                       sets_in_words=_sets_in_words(rb), shorts=_shorts(rb), filters=filters,
                       style_href=url_of(STYLE), script_href=url_of(SCRIPT),
                       discipline_heading=DISCIPLINE_HEADING, discipline_badge=DISCIPLINE_BADGE)


def _newest_first(cases: list[dict]) -> list[dict]:
    return sorted(cases, key=lambda c: (-int(c["data"]["year"]), c["stem"]))


DISCIPLINE_HEADING = "违纪违法的一侧（纪律处分案例，不是容错决定）"
DISCIPLINE_BADGE = "纪律处分案例（不是容错决定）"
BASIS_LABEL = {"stated": "来源原话直接写明了这种行为", "inferred": "本站据来源原话判断"}


def line_label(rb, line_id: str) -> str:
    """What lies on the far side of the line, in words (never the id)."""
    from selfcheck.lint import line_ids

    text = line_ids(rb).get(line_id, line_id)
    if line_id in {d.id for d in rb.distinctions()}:
        return f"{text}（“三个区分开来”）"
    if line_id == "unknown":
        return text
    return f"{text}（本站收录的不予容错情形）"


def _lines_short(rb, d: dict) -> str:
    return "；".join(line_label(rb, x["id"]) + _basis(x) for x in d["line"])


def _basis(x: dict) -> str:
    return f"（{BASIS_LABEL[x['basis']]}）" if x.get("basis") in BASIS_LABEL else ""


def discipline_block(rb, c: dict) -> str:
    d = c["data"]
    src = d["source"]
    lines = [
        f"!!! warning \"{DISCIPLINE_BADGE}\"",
        "    本案是公开通报的纪律处分或问责，来源没有提到容错。收录它，是为了看清“三个区分开来”"
        "另一侧的行为是什么样子；它不是容错申请被拒绝的案例。",
        "",
        "!!! abstract \"案例概要\"",
        f"    - **处分（来源原话）**：“{md_cell(d['sanction'].strip())}”",
        f"    - **地区**：{md_cell(d['region'])}（{md_cell(d['province'])}）　**年份**：{d['year']}",
        f"    - **当事人**：{md_cell(d['role'])}",
        f"    - **出处**：{md_cell(src['publisher'])}，[{md_cell(src['title'])}]({src['url']})，{src['date']}"
        f"（{present.source_reliability(rb.texts, src['reliability'])}）",
        "",
        "## 越过的界线",
        "",
    ]
    for x in d["line"]:
        lead = "来源的说法" if x["id"] == "unknown" else "依据来源原话"
        lines.append(f"- **{md_cell(line_label(rb, x['id']))}**{_basis(x)}。"
                     f"{lead}：“{md_cell(str(x['words']).strip())}”")
    lines += [
        "",
        "## 自查工具的推演（仅供对照）",
        "",
        "下表把来源写明的事实（没写的记为“不清楚”）交给本站的自查工具推演。这里没有容错决定可以对照，"
        "结论不计入对照汇总；自查工具不会把处分决定本身当作事实。",
        "",
    ]
    if discipline_as_of(rb, int(d["year"])) != _as_of(int(d["year"])):
        from selfcheck.present import cn_date

        first = discipline_as_of(rb, int(d["year"]))
        lines += [f"本案早于本站收录的规定，下表按最早收录的规定施行之日（{cn_date(first)}）推演。", ""]
    lines += facts_list(rb, d.get("facts") or {})
    lines += ["| 规则 | 依据日期 | 自查工具的结论 | 说明 |", "|---|---|---|---|"]
    notes = []
    for v in c["verdicts"].values():
        rs = _ruleset(rb, v["ruleset"])
        date = v["as_of"] + ("※" if v["fallback"] else "")
        if v["fallback"]:
            notes.append(f"※ {v['fallback']['note']}")
        why = _unstated(v) if v["outcome"] == "undetermined" else "—"
        lines.append(f"| [{v['jurisdiction_short']}](../rules/{rs.id}.md) | {date} | {md_cell(present.outcome_line(v))} | {md_cell(why)} |")
    lines.append("")
    lines += notes and [" ".join(notes), ""] or []
    lines += ["全部纪律处分案例见[案例库](index.md#discipline)。", ""]
    return "\n".join(lines)


def tally(rb, cases: list[dict]) -> dict:
    """{jurisdiction: {agree, undetermined, disagree, total}} plus 'overall'."""
    out: dict = {}
    for j in rb.jurisdictions():
        t = {"agree": 0, "undetermined": 0, "not_covered": 0, "disagree": 0}
        for c in cases:
            t[c["verdicts"][j]["_status"]] += 1
        t["total"] = len(cases)
        out[j] = t
    out["overall"] = {k: sum(out[j][k] for j in rb.jurisdictions())
                      for k in ("agree", "undetermined", "not_covered", "disagree", "total")}
    return out


def agreement_page(rb, cases: list[dict], url_of) -> str:
    t = tally(rb, cases)
    shorts = {j: rb.latest(j).short for j in rb.jurisdictions()}
    lines = [
        "---",
        "title: 自查工具与实际决定的对照",
        "no_sources: 每个案例的出处写在案例页面上；本页由构建时运行自查工具自动生成",
        "---",
        "",
        "# 自查工具与实际决定的对照",
        "",
        f"本页在每次构建网站时自动生成：把案例库中每个案例公开的事实交给自查工具，分别按本站收录的{_sets_in_words(rb)}推演，"
        "再与实际作出的决定比较（免责对应“符合容错情形”，减责对应“可依规从轻或减轻”，不予容错对应“不符合容错情形”）。",
        "",
        "- **一致**：自查工具的结论就是实际决定；",
        "- **事实不足**：来源公开的事实不够，自查工具只能给出“需进一步核查”，而实际决定是其中一种可能；",
        "- **不一致**：自查工具给出了别的结论，或者无论补上哪些事实都得不出实际决定。每一处不一致都写明了原因。",
        "",
        "案例多由湖北、四川等地的机关依当地规定处理，而本站只收录了" + "、".join(_shorts(rb)) + "的规则，"
        f"所以这里比较的是“同样的事实放在这{_count(rb)}套规则下会怎样”，不是评判原决定对错。",
        "",
        "## 汇总",
        "",
        "| 规则 | 一致 | 事实不足 | 收录条文未涵盖 | 不一致 | 案例数 |",
        "|---|---|---|---|---|---|",
    ]
    for j in rb.jurisdictions():
        r = t[j]
        lines.append(f"| [{shorts[j]}](../rules/{rb.latest(j).id}.md) | {r['agree']} | {r['undetermined']} | "
                     f"{r['not_covered']} | {r['disagree']} | {r['total']} |")
    o = t["overall"]
    lines.append(f"| **合计（案例×规则）** | {o['agree']} | {o['undetermined']} | {o['not_covered']} | {o['disagree']} | "
                 f"{o['total']} |")
    return "\n".join(lines + _disagreements(rb, cases, shorts) + _missing_facts(rb, cases, t) + [""])


def _disagreements(rb, cases: list[dict], shorts: dict[str, str]) -> list[str]:
    """The agreement page's table of every disagreement with its recorded reason, and the count by kind."""
    lines = ["", "## 不一致的案例及原因", ""]
    rows = [(c, j) for c in cases for j in rb.jurisdictions() if c["verdicts"][j]["_status"] == "disagree"]
    if not rows:
        return lines + ["目前没有不一致的案例。"]
    lines += ["| 案例 | 规则 | 实际决定 | 自查工具 | 原因类型 | 原因 |", "|---|---|---|---|---|---|"]
    for c, j in rows:
        v = c["verdicts"][j]
        r = c["reasons"].get(j) or {}
        verdict = present.outcome_line(v)
        lines.append(
            f"| [{md_cell(c['data']['title'])}]({c['stem']}.md) | {shorts[j]} | "
            f"{present.decision(rb.texts, c['data']['decision']['outcome'])} | {md_cell(verdict)} | "
            f"{KIND_LABEL.get(r.get('kind'), '')} | {md_cell(r.get('reason', ''))} |")
    kinds: dict[str | None, int] = {}
    for c, j in rows:
        k = (c["reasons"].get(j) or {}).get("kind")
        kinds[k] = kinds.get(k, 0) + 1
    return lines + ["", "按原因类型：" + "，".join(f"{KIND_LABEL.get(k, k)} {n} 处" for k, n in kinds.items()) + "。"]


def _missing_facts(rb, cases: list[dict], t: dict) -> list[str]:
    """The facts the published cases most often leave unstated (where the verdict is undetermined)."""
    missing: dict[str, int] = {}
    for c in cases:
        for v in c["verdicts"].values():
            if v["_status"] == "undetermined":
                for m in v["missing_facts"]:
                    missing[m["id"]] = missing.get(m["id"], 0) + 1
    if not missing:
        return []
    lines = ["", "## 事实不足时缺的是什么", "",
             f"在 {t['overall']['undetermined']} 处“事实不足”中，公开材料最常没有写明的是下面这些事实"
             "（括号里是缺少该事实的案例×规则数）。自查时这些正是需要如实回答的问题。", ""]
    for fid, n in sorted(missing.items(), key=lambda kv: (-kv[1], kv[0])):
        try:
            q = rb.fact(fid).question
        except KeyError:
            q = fid
        lines.append(f"- {md_cell(q)}（{n}）")
    return lines


def md_cell(s) -> str:
    """Text for one line of Markdown that may be a table cell: no line break, and a full-width ｜ for |
    (which would end the cell)."""
    return str(s).replace("|", "｜").replace("\n", " ")


def case_block(rb, c: dict) -> str:
    d = c["data"]
    dec = d["decision"]
    src = d["source"]
    lines = [
        "!!! abstract \"案例概要\"",
        f"    - **实际决定**：{present.decision(rb.texts, dec['outcome'])}（{'、'.join(map(str, dec['measures']))}）",
        f"    - **地区**：{md_cell(d['region'])}（{md_cell(d['province'])}）　**年份**：{d['year']}",
        f"    - **当事人**：{md_cell(d['role'])}",
        f"    - **三个区分开来**：{md_cell(_distinction_label(rb, d['distinction']))}",
        f"    - **出处**：{md_cell(src['publisher'])}，[{md_cell(src['title'])}]({src['url']})，{src['date']}",
        "",
        "## 实际决定与自查工具的推演",
        "",
        f"下表把来源公开的事实（没写的记为“不清楚”）交给本站的自查工具，按{_count(rb)}套规则各推演一次。"
        "这是对照学习，不是对原决定的评判；原决定由当地机关依当地规定作出。",
        "",
    ]
    lines += facts_list(rb, d.get("facts") or {})
    lines += [
        "| 规则 | 依据日期 | 自查工具的结论 | 与实际决定（" + present.decision(rb.texts, dec["outcome"]) + "） | 说明 |",
        "|---|---|---|---|---|",
    ]
    notes = []
    for j, v in c["verdicts"].items():
        rs = _ruleset(rb, v["ruleset"])
        date = v["as_of"] + ("※" if v["fallback"] else "")
        if v["fallback"]:
            notes.append(f"※ {v['fallback']['note']}")
        verdict = present.outcome_line(v)
        if v["_status"] == "disagree":
            r = c["reasons"].get(j) or {}
            why = f"{KIND_LABEL.get(r.get('kind'), '')}：{r.get('reason', '')}"
        elif v["_status"] == "not_covered":
            why = v["coverage"]["note"]
        elif v["_status"] == "undetermined":
            why = _unstated(v)
        else:
            why = "—"
        lines.append(f"| [{v['jurisdiction_short']}](../rules/{rs.id}.md) | {date} | {md_cell(verdict)} | "
                     f"{STATUS_LABEL[v['_status']]} | {md_cell(why)} |")
    lines.append("")
    lines += notes and [" ".join(notes), ""] or []
    lines += ["各案的对照汇总见[自查工具与实际决定的对照](agreement.md)。", ""]
    return "\n".join(lines)


def facts_list(rb, facts: dict) -> list[str]:
    """The facts as recorded from the source, in the questions' own words."""
    known = {f.id: f for f in rb.facts}
    quantities = {q.id: q for q in rb.quantities}
    out = ["来源写明、因而记录下来的事实：", ""]
    n = 0
    for f in rb.facts:
        v = facts.get(f.id)
        if v in (None, "", "unknown"):
            continue
        label = next((x.label for x in f.values if x.id == v), str(v))
        out.append(f"- {md_cell(f.question)} **{md_cell(label)}**")
        n += 1
    for q_id, v in facts.items():
        if q_id in quantities and v not in (None, "", "unknown"):
            out.append(f"- {md_cell(quantities[q_id].question)} **{v}{md_cell(quantities[q_id].unit)}**")
            n += 1
    if n == 0:
        out = ["来源没有写明可以对应到自查问题的事实，各项都记为“不清楚”。"]
    else:
        nf = sum(1 for f in rb.facts if facts.get(f.id) not in (None, "", "unknown"))
        out.append(f"- 其余 {len(known) - nf} 项来源未写明，记为“不清楚”。")
    return out + [""]


def source_block(rb, d: dict) -> str:
    src = d["source"]
    out = ["", "## 出处", "",
           f"- {md_cell(src['publisher'])}：[{md_cell(src['title'])}]({src['url']})（{src['date']}"
           + (f"；{label}" if (label := present.source_reliability(rb.texts, src.get("reliability"))) else "")
           + "）",
           "", "事实只按出处记录；整理时的取舍说明保存在案例文件的 `note` 中。"]
    return "\n".join(out) + "\n"


# -- the library of one build --------------------------------------------------------------------

def _url_for(uri: str, use_directory_urls: bool) -> str:
    if uri.endswith(".md"):
        stem = uri[:-3]
        if stem.endswith("index"):
            stem = stem[: -len("index")]
        return stem if not use_directory_urls or stem.endswith("/") else stem + "/"
    return uri


def _links_from(page_uri: str, use_directory_urls: bool) -> Callable[[str], str]:
    """A function giving the address of a source file, relative to the page made from page_uri."""
    base = posixpath.dirname(_url_for(page_uri, use_directory_urls).rstrip("/") + "/x")

    def url_of(uri: str) -> str:
        target = _url_for(uri, use_directory_urls)
        rel = posixpath.relpath(target, base or ".")
        return rel + ("/" if target.endswith("/") and not rel.endswith("/") else "")
    return url_of


class CaseLibrary:
    """The case files of one build, each with the checker's verdicts; None as rule base when the rule
    files have problems (rules_pages.py reports them; no verdict is made from broken rules)."""

    def __init__(self, rb: RuleBase | None) -> None:
        self.rb = rb
        self.cases: dict[str, dict] = {}
        self.discipline: dict[str, dict] = {}

    def add_pages(self, files: Files, config: MkDocsConfig) -> Files:
        rb = self.rb
        if rb is None:
            return files
        cases, discipline = _load_cases(config.docs_dir, rb)
        self.cases = {c["uri"]: c for c in cases}
        self.discipline = {c["uri"]: c for c in discipline}
        for asset in (SCRIPT, STYLE):
            if not (Path(config.docs_dir) / asset).exists():
                problem(f"{Path(config.docs_dir).name}/{asset}", "案例索引需要的文件不见了",
                        f"恢复 content/{asset}")
        use_dir = config.use_directory_urls
        pages = {
            "cases/index.md": index_page(rb, cases, _links_from("cases/index.md", use_dir), discipline),
            "cases/agreement.md": agreement_page(rb, cases, _links_from("cases/agreement.md", use_dir)),
        }
        return add_generated(files, config, pages, "案例文件", "")

    def page_markdown(self, markdown: str, page: Page) -> str:
        """A case page: the decision and verdicts before the text, the source after it."""
        rb = self.rb
        if rb is None:
            return markdown
        dc = self.discipline.get(page.file.src_uri)
        if dc is not None:
            return discipline_block(rb, dc) + "\n" + markdown + source_block(rb, dc["data"])
        c = self.cases.get(page.file.src_uri)
        if c is None:
            return markdown
        return case_block(rb, c) + "\n" + markdown + source_block(rb, c["data"])
