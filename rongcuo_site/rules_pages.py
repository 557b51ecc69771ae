"""Generate the 各地规定 pages and the procedure diagrams from rules/*.yaml at build time.

The rule files are read and validated by the checker's own loader (selfcheck.load), so the site
and the self-check can never disagree; a problem in a rule file (file:line, what, fix) fails the
strict build. Pages are added in memory (nothing is written into content/):

- rules/index.md        overview + comparison tables across jurisdictions
- rules/<set id>.md     one page per rule set: every item with id, text, citation, dates
- rules/procedures.md   every procedure in rules/procedure.yaml as an SVG diagram + text list

Any hand-written page may embed one procedure diagram with a line of its own:

    <!-- rongcuo:procedure jiangsu -->      (or: <!-- procedure-diagram: jiangsu -->)

and the coverage table of 各地规定 (documents, read from what, how complete) with
`<!-- rongcuo:coverage -->` (the home page does).

The rules folder is the plugin's `rules_dir` option (mkdocs.yml: `rules/` next to it, or
$RONGCUO_RULES_DIR, with which the tests build from a modified copy). `mkdocs serve` watches it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from rongcuo_site import rules_render
from rongcuo_site.generated import add_generated
from rongcuo_site.report import log, problem
from selfcheck.errors import InputError, Problem
from selfcheck.explain import evaluate
from selfcheck.model import RuleBase, rules_version
from selfcheck.yamlsrc import ParseFailure, parse

VERSION_MARK = re.compile(r"^[ \t]*<!--\s*rules-version\s*-->[ \t]*$", re.M)
COVERAGE_MARK = re.compile(r"^[ \t]*<!--\s*rongcuo:coverage\s*-->[ \t]*$", re.M)
EXAMPLE = re.compile(r"^([ \t]*)<!--\s*rongcuo:example\s+([a-z0-9][a-z0-9-]*)\s*-->[ \t]*$", re.M)
EXAMPLES_FILE = "includes/examples.yaml"
EMBED = re.compile(r"^[ \t]*<!--\s*(?:rongcuo:procedure|procedure-diagram:)\s*([a-z][a-z0-9_-]*)\s*-->[ \t]*$", re.M)


def report_rule_problems(problems: list[Problem]) -> None:
    """Every problem of the rule files, as the checker words it: where, what, allowed values, fix."""
    for p in problems:
        problem(p.where, p.what, p.fix or "规则文件格式见 docs/rules-format.md，也可以运行 `python -m selfcheck lint` 检查",
                allowed=p.allowed)


def worked_examples(docs_dir: str, rb: RuleBase | None) -> dict[str, dict]:
    """The worked examples of the explainers, each with the checker's verdict in every rule set.

    The build fails (a warning in strict mode) when the checker's 容错 track or a distinction's side
    differs from what content/includes/examples.yaml says the page's words rely on."""

    path = Path(docs_dir) / EXAMPLES_FILE
    where = f"content/{EXAMPLES_FILE}"
    if not path.exists() or rb is None:
        return {}
    out: dict[str, dict] = {}
    try:  # bounded: alias bombs, tags, huge integers… are file:line problems (selfcheck/yamlsrc.py)
        data = parse(path.read_text(encoding="utf-8"), where).data or {}
    except ParseFailure as exc:
        for p in exc.problems:
            problem(p.where, p.what, p.fix or "改正 YAML 格式")
        return {}
    for ex in (data.get("examples") or [] if isinstance(data, dict) else []):
        eid = ex.get("id", "?")
        try:
            verdicts = {j: evaluate(rb, ex.get("facts") or {}, j) for j in rb.jurisdictions()}
        except InputError as exc:
            problem(where, f"示例 {eid} 的事实有误：{exc}", "改正 facts（见 rules/facts.yaml）")
            continue
        for j, want in (ex.get("tolerance") or {}).items():
            got = verdicts[j]["tracks"]["tolerance"]["status"] if j in verdicts else None
            if got != want:
                problem(where, f"示例 {eid}：按{j}规则，自查工具的容错结论是 {got!r}，而示例写的是 {want!r}，页面上的文字与检查器不一致",
                        "先核对规则和事实；确实是规则变了的，就改写页面上的示例，再改这里的 tolerance")
        for did, want in (ex.get("distinctions") or {}).items():
            got = next((d["status"] for d in verdicts["national"]["three_distinctions"] if d["id"] == did), None)
            if got != want:
                problem(where, f"示例 {eid}：三个区分开来 {did} 落在 {got!r} 一侧，而示例写的是 {want!r}",
                        "核对示例的事实和页面上的“偏左/偏右”")
        out[eid] = {**ex, "verdicts": verdicts}
    return out


def example_line(ex: dict) -> str:
    """What the checker says about a worked example, in every rule set (one line of Markdown)."""
    parts = []
    for v in ex["verdicts"].values():
        parts.append(f"{rules_render.md_escape(v['jurisdiction_short'])}：{rules_render.md_escape(v['tracks']['tolerance']['label'])}")
    why = "".join(w for w in ex["verdicts"]["national"]["why"] if not w.startswith("还取决于"))
    return ("**按本站收录的规定自查**：" + "；".join(parts) + "。"
            + (f"（全国性规定：{rules_render.md_escape(why)}）" if why else "")
            + "这是自查工具在建站时的推演，不是认定结论。")


class RulePages:
    """The 各地规定 pages, the procedure diagrams and the worked examples of one build."""

    def __init__(self, compiled: dict[str, Any], rb: RuleBase | None, docs_dir: str) -> None:
        self.compiled = compiled
        self.examples = worked_examples(docs_dir, rb)

    def add_pages(self, files: Files, config: MkDocsConfig) -> Files:
        compiled = self.compiled
        pages = {"rules/index.md": rules_render.index_page(compiled)}
        if compiled.get("procedures"):
            pages["rules/procedures.md"] = rules_render.procedures_page(compiled)
        for rs in rules_render.ordered_sets(compiled):
            pages[f"rules/{rs['id']}.md"] = rules_render.ruleset_page(rs, compiled)
        add_generated(files, config, pages, "规则文件（rules/*.yaml）", "，改为修改规则文件")
        for eid, ex in self.examples.items():  # every example is shown on its page
            f = files.get_file_from_path(ex.get("page") or "")
            text = Path(f.abs_src_path).read_text(encoding="utf-8") if f and f.abs_src_path else ""
            if not re.search(rf"<!--\s*rongcuo:example\s+{re.escape(eid)}\s*-->", text):
                problem(f"content/{EXAMPLES_FILE}", f"示例 {eid} 没有出现在它的页面 {ex.get('page')} 上",
                        f"在该页的示例中加上 <!-- rongcuo:example {eid} -->，或改正 page")
        log.debug(f"generated {len(pages)} rule pages")
        return files

    def page_markdown(self, markdown: str, page: Page) -> str:
        """Embedded procedure diagrams, worked examples, the coverage table and the rules version."""
        procs = self.compiled.get("procedures") or {}

        def repl(m: re.Match) -> str:
            key = m.group(1)
            if key not in procs:
                line = markdown[: m.start()].count("\n") + 1
                problem(f"content/{page.file.src_uri}:~{line}", f"未知的流程 '{key}'",
                        f"改用其中之一：{', '.join(procs) or '（没有可用的流程：rules/procedure.yaml 是空的）'}")
                return ""
            return rules_render.procedure_block(key, procs[key], self.compiled['texts'], collapsed=True)

        markdown = EMBED.sub(repl, markdown)
        examples = self.examples

        def example(m: re.Match) -> str:
            indent, eid = m.group(1), m.group(2)
            ex = examples.get(eid)
            if ex is None:
                line = markdown[: m.start()].count("\n") + 1
                problem(f"content/{page.file.src_uri}:{line}", f"未知的示例 '{eid}'",
                        f"在 content/{EXAMPLES_FILE} 中定义它，或改用其中之一：{', '.join(examples) or '（没有）'}")
                return ""
            return indent + example_line(ex)

        markdown = EXAMPLE.sub(example, markdown)
        if COVERAGE_MARK.search(markdown):  # the coverage table (as on 各地规定), links relative to the page
            prefix = "../" * page.file.src_uri.count("/") + "rules/"
            markdown = COVERAGE_MARK.sub(lambda m: rules_render.coverage_table(self.compiled, prefix), markdown)
        if VERSION_MARK.search(markdown):
            markdown = VERSION_MARK.sub(lambda m: version_block(self.compiled), markdown)
        return markdown


def version_block(compiled: dict) -> str:
    """The rules version (the hash every verdict shows) and each rule set's dates, for 关于."""
    if not compiled.get("rulesets"):
        return ""
    rows = ["| 规则集 | 施行日期 | 失效日期 | 最后核对 |", "|---|---|---|---|"]
    for rs in rules_render.ordered_sets(compiled):
        rows.append(f"| [{rules_render.md_escape(rs['title'])}](rules/{rs['id']}.md) | {rules_render.effective_text(rs)} | "
                    f"{rules_render.cn_date(rs['until']) if rs.get('until') else '—'} | "
                    f"{rules_render.cn_date(rs['last_reviewed'])} |")
    return ("\n".join(rows) + "\n\n"
            '??? info "技术信息"\n\n'
            f"    规则版本：`{rules_version(compiled)}`。这是把全部规则编译后计算出的校验值，"
            "自查结果的 JSON 和命令行工具显示的是同一个值，可以用来核对两边依据的是不是同一版规则。\n")
