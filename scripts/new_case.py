#!/usr/bin/env python3
"""Scaffold a new case file for the case library: content/cases/<year>-<slug>.md.

Answer the questions in the terminal:

    python scripts/new_case.py

or give everything as flags (nothing is asked then; a missing required flag is an error):

    python scripts/new_case.py --slug huaian-civil-air-defence --title "…" --kind real \\
        --region "江苏省淮安市清江浦区" --province 江苏 --year 2025 --role "区管干部" \\
        --outcome exempted --measure 容错免责 --distinction d3 \\
        --fact work_context=development --fact improper_benefit=none \\
        --publisher "淮安市清江浦区纪委监委" --source-title "…" --date 2025-07-02 --url https://…

A published discipline case (纪委 通报, 以案说纪: a sanction, NOT a 容错 decision) takes --kind
discipline, --line (which line it crossed, as id:basis:the source's words; repeatable), --sanction
(the sanction in the source's words) and --reliability instead of --outcome/--measure/--distinction:

    python scripts/new_case.py --kind discipline --slug eshan-school-fees --title "…" \\
        --region "云南省玉溪市峨山县" --province 云南 --year 2023 --role "学校党支部书记、校长" \\
        --line "d2:stated:无视上级明令禁止违规收费要求" --sanction "2023年7月，……受到党内警告处分。" \\
        --fact compliance=prohibited --publisher "云南省纪委监委" --source-title "…" --date 2023-12-29 \\
        --url https://… --reliability official

It is written as content/cases/disc-<year>-<slug>.md (docs/cases-format.md describes both kinds).

The file is validated with the same lint as the build (selfcheck.lint.lint_case: fact ids and
values, decision, 三个区分开来, year, source) before it is written; on a problem nothing is written
and the problem is printed with what to fix. Only real, published cases belong in content/cases/:
record only facts the source states (anything else stays 不清楚), then write the four sections of
the body in your own words.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from selfcheck.lint import NO_DISTINCTION, decision_ids, distinction_ids, lint_case  # noqa: E402
from selfcheck.load import load_rulebase  # noqa: E402

NO_DISTINCTION_HELP = dict(zip(NO_DISTINCTION, ("来源说不涉及", "来源没写依据哪一条"), strict=True))


def distinction_help(rb) -> dict[str, str]:
    """Each value a case's distinction may take, in the words of the rule sets' distinctions."""
    return {**{d.id: f"{d.tolerable_side} vs {d.other_side}" for d in rb.distinctions()}, **NO_DISTINCTION_HELP}


BODY = """
## 对应标准

（来源援引的规定或标准；没写就写“来源未载明”。）

## 主要事由

（用自己的话概述事情经过，只写来源说了的。）

## 组织调查过程及决定意见

（谁调查、查明了什么、作出什么决定及理由。）

## 后续跟踪管理

（整改、跟踪、回访等；来源没写就写“来源未载明”。）
"""


def _q(s: str) -> str:
    """A YAML scalar on one line: double-quoted (JSON escaping is valid YAML)."""
    import json

    return json.dumps(str(s), ensure_ascii=False)


DISCIPLINE_BODY = """
## 主要事由

（用自己的话概述事情经过，只写来源说了的。）

## 查处经过与处分

（谁调查、查明了什么、给了什么处分；来源没写就写“来源未载明”。）

## 后续跟踪管理

（来源没写就写“来源未载明”。）
"""


def parse_line(text: str) -> dict:
    """--line id:basis:words (basis stated | inferred; the words are the source's)."""
    parts = text.split(":", 2)
    if len(parts) != 3 or not parts[2].strip():
        raise SystemExit(f"--line {text!r}: write it as id:basis:原话, e.g. --line d2:stated:无视上级明令禁止")
    return {"id": parts[0].strip(), "basis": parts[1].strip(), "words": parts[2].strip()}


def render(a: dict) -> str:
    lines = ["---", f"title: {_q(a['title'])}", f"kind: {a['kind']}", f"region: {_q(a['region'])}",
             f"province: {_q(a['province'])}", f"year: {int(a['year'])}", f"role: {_q(a['role'])}"]
    if a["kind"] == "discipline":
        lines.append("line:")
        for x in a["lines"]:
            lines += [f"  - id: {_q(x['id'])}", f"    basis: {_q(x['basis'])}", f"    words: {_q(x['words'])}"]
        lines.append(f"sanction: {_q(a['sanction'])}")
    else:
        lines += ["decision:", f"  outcome: {a['outcome']}",
                  "  measures: [" + ", ".join(_q(m) for m in a["measures"]) + "]",
                  f"distinction: {a['distinction']}"]
    if a["facts"]:
        lines.append("facts:")
        for k, v in a["facts"].items():
            lines.append(f"  {k}: {v if isinstance(v, (int, float)) else _q(v)}")
    else:
        lines.append("facts: {}")
    lines += ["source:", f"  publisher: {_q(a['publisher'])}", f"  title: {_q(a['source_title'])}",
              f"  date: {_q(a['date'])}", f"  url: {_q(a['url'])}"]
    if a.get("reliability"):
        lines.append(f"  reliability: {_q(a['reliability'])}")
    if a.get("note"):
        lines.append(f"note: {_q(a['note'])}")
    lines.append("---")
    return "\n".join(lines) + "\n" + (DISCIPLINE_BODY if a["kind"] == "discipline" else BODY)


def parse_fact(rb, text: str) -> tuple[str, object]:
    k, sep, v = text.partition("=")
    if not sep:
        raise SystemExit(f"--fact {text!r}: write it as id=value, e.g. --fact intent=inadvertent")
    k, v = k.strip(), v.strip()
    if k in {q.id for q in rb.quantities}:
        try:
            return k, (float(v) if "." in v else int(v))
        except ValueError:
            return k, v  # lint reports it
    return k, v


def ask(prompt: str, choices: list[str] | None = None, default: str | None = None, optional: bool = False,
        stdin=sys.stdin, out=sys.stdout) -> str:
    while True:
        hint = f" [{'/'.join(choices)}]" if choices else ""
        hint += f"（回车 = {default}）" if default else ("（可留空）" if optional else "")
        out.write(f"{prompt}{hint}: ")
        out.flush()
        line = stdin.readline()
        if not line:
            raise SystemExit("\n输入结束，未写入文件。")
        ans = line.strip() or (default or "")
        if not ans and optional:
            return ""
        if not ans:
            out.write("  这一项必填。\n")
            continue
        if choices and ans not in choices:
            out.write(f"  请从 {', '.join(choices)} 中选一个。\n")
            continue
        return ans


def interview(rb, a: dict, stdin=sys.stdin, out=sys.stdout) -> dict:
    out.write("新建案例（只收录公开发布的真实案例；来源没写的事实一律选“不清楚”）。\n\n")
    a["title"] = a["title"] or ask("案例标题", stdin=stdin, out=out)
    a["region"] = a["region"] or ask("地区（来源写到哪一级就写到哪一级）", stdin=stdin, out=out)
    a["province"] = a["province"] or ask("省份（中央案例写“全国”）", stdin=stdin, out=out)
    a["year"] = a["year"] or ask("年份（作出决定或发布的年份）", stdin=stdin, out=out)
    a["role"] = a["role"] or ask("当事人的职务或身份（按来源）", stdin=stdin, out=out)
    if not a["outcome"]:
        for k, v in rb.texts["decisions"].items():
            out.write(f"  {k}: {v}\n")
        a["outcome"] = ask("实际决定", list(decision_ids(rb)), stdin=stdin, out=out)
    if not a["measures"]:
        a["measures"] = [m for m in re.split(r"[,，、]", ask("实际处理方式（多项用逗号分隔，如 免予问责、批评教育）",
                                                          stdin=stdin, out=out)) if m.strip()]
    if not a["distinction"]:
        for k, v in distinction_help(rb).items():
            out.write(f"  {k}: {v}\n")
        a["distinction"] = ask("“三个区分开来”中来源写明依据的一条", list(distinction_ids(rb)), "unknown", stdin=stdin, out=out)
    if not a["facts"]:
        out.write("\n下面逐项记录事实。来源没写明的直接回车（= 不清楚）。\n")
        for f in rb.facts:
            out.write(f"\n{f.question}\n")
            for v in f.values:
                out.write(f"  {v.id}: {v.label}\n")
            ans = ask(f"  {f.id}", [v.id for v in f.values] + ["unknown"], "unknown", stdin=stdin, out=out)
            if ans != "unknown":
                a["facts"][f.id] = ans
    a["publisher"] = a["publisher"] or ask("\n出处：发布机构", stdin=stdin, out=out)
    a["source_title"] = a["source_title"] or ask("出处：标题", stdin=stdin, out=out)
    a["date"] = a["date"] or ask("出处：日期（YYYY-MM-DD）", stdin=stdin, out=out)
    a["url"] = a["url"] or ask("出处：网址（http:// 或 https://）", stdin=stdin, out=out)
    if a.get("note") is None:
        a["note"] = ask("整理说明（记录取舍理由，可留空）", optional=True, stdin=stdin, out=out)
    if not a["slug"]:
        a["slug"] = ask("文件名用的英文短名（小写字母、数字和连字符，如 huaian-civil-air-defence）", stdin=stdin, out=out)
    return a


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description="新建一个案例文件（content/cases/<年份>-<短名>.md），写入前按构建时的规则检查。")
    p.add_argument("--slug", help="英文短名：小写字母、数字、连字符")
    p.add_argument("--title")
    p.add_argument("--kind", default="real", choices=["real", "discipline"],
                   help="real：容错案例；discipline：纪律处分案例（不是容错决定）。虚构的教学情景放在 content/training/")
    p.add_argument("--region")
    p.add_argument("--province")
    p.add_argument("--year", type=int)
    p.add_argument("--role")
    p.add_argument("--outcome", help="实际决定（取值见 rules/outcomes.yaml 的 decisions）")
    p.add_argument("--measure", action="append", default=[], help="实际处理方式，可重复")
    p.add_argument("--distinction", help="来源写明依据的“三个区分开来”中的一条（取值见 rules/national.yaml 的 distinctions），或 none、unknown")
    p.add_argument("--fact", action="append", default=[], help="id=value，可重复；见 python -m selfcheck facts")
    p.add_argument("--line", action="append", default=[],
                   help="纪律处分案例越过的界线：id:basis:来源原话，可重复（id 为 d1/d2/d3 或全国规则集的排除条目；basis 为 stated 或 inferred）")
    p.add_argument("--sanction", help="纪律处分案例：照来源原话写出的处分")
    p.add_argument("--reliability", choices=["official", "secondary", "weak"], help="出处的可靠程度（纪律处分案例必填）")
    p.add_argument("--publisher")
    p.add_argument("--source-title")
    p.add_argument("--date")
    p.add_argument("--url")
    p.add_argument("--note")
    p.add_argument("--rules", default=str(ROOT / "rules"), help="规则目录（默认 rules/）")
    p.add_argument("--out-dir", default=str(ROOT / "content" / "cases"), help="写到哪个目录（默认 content/cases/）")
    p.add_argument("--no-input", action="store_true", help="不提问：缺少的必填项直接报错")
    p.add_argument("--force", action="store_true", help="覆盖同名文件")
    return p


REQUIRED = ("slug", "title", "region", "province", "year", "role", "outcome", "measures", "publisher",
            "source_title", "date", "url")
DISCIPLINE_REQUIRED = ("slug", "title", "region", "province", "year", "role", "lines", "sanction", "publisher",
                       "source_title", "date", "url", "reliability")


def main(argv: list[str] | None = None, stdin=sys.stdin, out=sys.stdout) -> int:
    args = build_parser().parse_args(argv)
    rb = load_rulebase(Path(args.rules))
    a = {"slug": args.slug, "title": args.title, "kind": args.kind, "region": args.region,
         "province": args.province, "year": args.year, "role": args.role, "outcome": args.outcome,
         "measures": args.measure, "distinction": args.distinction,
         "facts": dict(parse_fact(rb, f) for f in args.fact), "publisher": args.publisher,
         "source_title": args.source_title, "date": args.date, "url": args.url, "note": args.note,
         "lines": [parse_line(x) for x in args.line], "sanction": args.sanction, "reliability": args.reliability}
    discipline = args.kind == "discipline"
    required = DISCIPLINE_REQUIRED if discipline else REQUIRED
    flags_given = any(a[k] for k in required)
    if discipline or args.no_input or (flags_given and not stdin.isatty()):
        missing = [k for k in required if not a[k]]
        if missing:
            out.write("缺少必填项：" + "、".join("--" + k.replace("_", "-").replace("measures", "measure")
                                            .replace("lines", "line") for k in missing) + "\n")
            return 2
        a["distinction"] = a["distinction"] or "unknown"
    else:
        a = interview(rb, a, stdin, out)
    slug = str(a["slug"]).strip()
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
        out.write(f"短名 {slug!r} 只能用小写字母、数字和连字符（如 huaian-civil-air-defence）。\n")
        return 2
    try:
        year = int(a["year"])
    except (TypeError, ValueError):
        out.write(f"年份 {a['year']!r} 不是数字。\n")
        return 2
    text = render(a)
    target = Path(args.out_dir) / (f"disc-{year}-{slug}.md" if discipline else f"{year}-{slug}.md")
    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp) / target.name
        probe.write_text(text, encoding="utf-8")
        problems = lint_case(rb, probe)
    if problems:
        out.write("案例文件没有通过检查，未写入：\n")
        for p in problems:
            out.write("  " + str(p).replace(str(probe), target.name) + "\n")
        return 1
    if target.exists() and not args.force:
        out.write(f"{target} 已存在；换一个短名，或加 --force 覆盖。\n")
        return 1
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    out.write(f"已写入 {target}（{_dt.date.today().isoformat()}）。下一步：用自己的话补全正文四节，"
              "然后运行 .venv/bin/python scripts/build_site.py 检查。\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
