"""The anonymous self-check page: its question form, its printable checklist and its runtime files.

- content/selfcheck/index.md holds `<div id="rc-selfcheck-form"></div>`: replaced here by the
  whole question form, generated from the compiled rules (rules/facts.yaml: one step per dimension,
  every question with 不清楚 and its help text; the jurisdictions from the rule sets). Plain HTML,
  usable before any script has run.
- content/selfcheck/checklist.md holds `<div id="rc-selfcheck-checklist"></div>`: replaced by the
  same questions as a printable checklist (the fallback when the checker cannot load).
- the page's <head> gets an async <script src=boot.js data-config=…> right after the CSP meta
  (on_post_page): it creates the worker just after the first paint, while the page may still be
  parsed, without waiting for the stylesheets, the form or the theme's bundle; selfcheck.js adopts it.
- on_config adds the page script (module, subscribes to document$, so it works after instant
  navigation) and its stylesheet to every page: a few kB, cached; the script does nothing on
  pages without the form.
- on_post_build packs the runtime (selfcheck_pack.py: Pyodide files from node_modules/pyodide, the
  trimmed python_stdlib-<hash>.zip (.pyc), the checker wheel, rules-<rules_version>.json) into
  site/assets/selfcheck/. on_config fails the build when a checker module imports a standard-library
  module the trimmed zip lacks (selfcheck_pack.check_wheel_imports).

All wording about facts and outcomes comes from the rule files; only UI chrome is written here and
in content/assets/selfcheck/selfcheck.js. Decision record: docs/decisions/0002-selfcheck-in-the-browser.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from markupsafe import Markup
from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from rongcuo_site import selfcheck_pack
from rongcuo_site.report import error
from rongcuo_site.rules_render import effective_text
from rongcuo_site.templating import render
from selfcheck.errors import Problem

FORM_MARK = '<div id="rc-selfcheck-form"></div>'
CHECKLIST_MARK = '<div id="rc-selfcheck-checklist"></div>'
SCRIPT = "assets/selfcheck/selfcheck.js"
STYLE = "assets/selfcheck/selfcheck.css"


class SelfcheckPage:
    """The self-check page of one build: the compiled rules, and what its page script is told
    (`client`: the runtime's file names, sizes and versions)."""

    def __init__(self, compiled: dict[str, Any], problems: list[Problem], rules_dir: Path) -> None:
        if problems:  # rules_pages.py lists them with file:line
            raise error("rules/", f"规则文件中有 {len(problems)} 个问题（已在上方逐条列出），自查工具无法编译",
                        "按列出的文件和行号改正，或运行 `python -m selfcheck lint` 查看")
        try:
            data, version = selfcheck_pack.rules_json(compiled)
            runtime = selfcheck_pack.runtime_files()
            lock = json.loads((selfcheck_pack.PYODIDE_DIR / "pyodide-lock.json").read_text(encoding="utf-8"))
            selfcheck_pack.check_wheel_imports()
            stdlib_name, stdlib = selfcheck_pack.site_stdlib()
        except selfcheck_pack.PackError as exc:
            raise error("自查工具", f"无法准备运行文件（{exc}）", "运行 `make setup` 后重新构建") from exc
        self.compiled = compiled
        self.rules_dir = rules_dir
        self.stdlib_zip = (stdlib_name, stdlib)  # the imports checked against it: packed as it is
        self.version = version
        self.form_pages: set[str] = set()
        sizes = {p.name: p.stat().st_size for p in runtime}
        sizes[stdlib_name] = len(stdlib)
        self.client = {
            "runtime": selfcheck_pack.runtime_dir_name() + "/",
            "stdlib": stdlib_name,
            "wheel": f"{selfcheck_pack.DIST}-{selfcheck_pack.selfcheck_version()}-py3-none-any.whl",
            "rules": f"rules-{version}.json",
            "rules_version": version,
            "pyodide": selfcheck_pack.pyodide_version(),
            "sizes": sizes,
            "lock_info": lock["info"],
        }

    @staticmethod
    def add_assets(config: MkDocsConfig) -> None:
        """The page script (a module, subscribed to document$) and its stylesheet, on every page."""
        if STYLE not in [str(s) for s in config.extra_css]:
            config.extra_css.append(STYLE)
        if SCRIPT not in [str(s) for s in config.extra_javascript]:
            script = ExtraScriptValue(SCRIPT)
            script.type = "module"
            config.extra_javascript.append(script)

    def page_content(self, html: str, page: Page) -> str:
        """The question form and the printable checklist in place of their marks."""
        if FORM_MARK in html:
            script = get_relative_url(SCRIPT, page.url)
            html = html.replace(FORM_MARK, form_html(self.compiled, self.client, script), 1)
            self.form_pages.add(page.url)
        if CHECKLIST_MARK in html:
            html = html.replace(CHECKLIST_MARK, checklist_html(self.compiled), 1)
        return html

    def post_page(self, output: str, page: Page) -> str:
        """Start the worker from <head> on the form's page (see boot.js): async, so nothing waits for it;
        fetch the page script at once (modulepreload), so it runs as soon as the form is parsed; and add
        the popstate guard (templates/selfcheck/head.html) before the theme's bundle."""
        if page.url not in self.form_pages:
            return output
        if HEAD_MARK not in output:
            raise error(f"content/{page.file.src_uri}", "页面的 <head> 里找不到 referrer meta，无法提前启动自查程序",
                        "在 mkdocs.yml 中保留 theme.custom_dir: overrides（overrides/main.html）")
        tags = str(render("selfcheck/head.html", boot_src=get_relative_url("assets/selfcheck/boot.js", page.url),
                          config=_json(self.client), script_src=get_relative_url(SCRIPT, page.url)))
        return output.replace(HEAD_MARK, HEAD_MARK + tags, 1)

    def pack(self, site_dir: str) -> None:
        """The runtime files, with the rules compiled again from disk: a rule file changed during the
        build is caught here."""
        try:
            manifest = selfcheck_pack.pack(Path(site_dir), self.rules_dir, self.stdlib_zip)
        except selfcheck_pack.PackError as exc:
            raise error("自查工具", f"无法打包运行文件（{exc}）", "运行 `make setup` 后重新构建") from exc
        if manifest["rules_version"] != self.version:
            raise error("rules/", "构建过程中规则文件被修改了", "重新构建")


# -- the form ---------------------------------------------------------------------------------------------


def _jurisdictions(compiled: dict) -> list[tuple[str, str]]:
    seen: dict[str, dict] = {}
    for rs in compiled["rulesets"]:
        cur = seen.get(rs["jurisdiction"])
        if cur is None or rs["effective"] > cur["effective"]:
            seen[rs["jurisdiction"]] = rs
    order = sorted(seen, key=lambda j: (j != "national", j))
    return [(j, seen[j]["title"]) for j in order]


def affects(compiled: dict, fact_id: str) -> str:
    """What a question decides, in the reader's words: the kinds of rule items that read the fact."""
    from selfcheck.validate import fact_uses

    kinds = fact_uses(compiled["rulesets"]).get(fact_id, [])
    words = {**compiled["texts"]["kinds"], "distinctions": "三个区分开来"}
    return "这一题关系到：" + "、".join(words[k] for k in kinds) + "。" if kinds else ""


def steps(compiled: dict) -> list[dict]:
    """[{id, title, help, facts: [...], quantities: [...]}] — one step per dimension of facts.yaml."""
    out = []
    for d in compiled["dimensions"]:
        facts = [f for f in compiled["facts"] if f["dimension"] == d["id"]]
        quantities = [q for q in compiled["quantities"] if d["id"] == "后果程度"]
        out.append({"id": d["id"], "title": d["id"], "help": d["help"], "facts": facts, "quantities": quantities})
    dims = {d["id"] for d in compiled["dimensions"]}
    stray = [f["id"] for f in compiled["facts"] if f["dimension"] not in dims]
    if stray:
        raise error("rules/facts.yaml", f"事实 {', '.join(stray)} 所属的维度没有列在 dimensions 中",
                    "在 dimensions 中加上这个维度，或改正这些事实的 dimension")
    if compiled["quantities"] and "后果程度" not in dims:
        out[-1]["quantities"] = compiled["quantities"]
    return out


def _latest_rulesets(compiled: dict) -> list[dict]:
    """The rule set now in force per jurisdiction, national first (the order of the jurisdiction step)."""
    seen: dict[str, dict] = {}
    for rs in compiled["rulesets"]:
        cur = seen.get(rs["jurisdiction"])
        if cur is None or rs["effective"] > cur["effective"]:
            seen[rs["jurisdiction"]] = rs
    return [seen[j] for j, _ in _jurisdictions(compiled)]


def start_html(compiled: dict, total: int) -> Markup:
    """The start page before step 1: time, what to have ready, what is stored, the rule sets and how
    completely they are collected (from the compiled rules: their coverage notes)."""
    asked = [f for f in compiled["facts"] if not f.get("asked_when")]
    questions = len(asked) + 1  # + the jurisdiction
    rulesets = [(rs, (rs.get("coverage") or {}).get("complete") is False, (rs.get("coverage") or {}).get("note") or "",
                 effective_text(rs)) for rs in _latest_rulesets(compiled)]
    return render("selfcheck/start.html", total=total, dimensions=len(compiled["dimensions"]), questions=questions,
                  conditional=len(compiled["facts"]) - len(asked), quantities=len(compiled["quantities"]),
                  unknown_label=compiled["unknown_label"], minutes=max(1, round(questions * 0.5)), rulesets=rulesets)


def _json(value: Any) -> str:
    """A data-config or data-asked-when attribute's value, before escaping."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def form_html(compiled: dict, client: dict, script_src: str = "") -> Markup:
    sts = steps(compiled)
    total = len(sts) + 2  # jurisdiction step, the dimensions, review
    facts = compiled["facts"]
    return render("selfcheck/form.html", config=_json(client), total=total, start=start_html(compiled, total),
                  jurisdictions=_jurisdictions(compiled), steps=sts, unknown_label=compiled["unknown_label"],
                  asked_when={f["id"]: _json(f["asked_when"]) if f.get("asked_when") else "" for f in facts},
                  uses={f["id"]: affects(compiled, f["id"]) for f in facts}, script_src=script_src)


def _asked_note(compiled: dict, fact: dict) -> str:
    """For the printed checklist: when a conditional question (asked_when) is to be answered."""
    cond = fact.get("asked_when") or {}
    by_id = {f["id"]: f for f in compiled["facts"]}
    parts = []
    for fid, vals in cond.items():
        other = by_id[fid]
        labels = "”或“".join(v["label"] for v in other["values"] if v["id"] in vals)
        parts.append(f"“{other['question']}”选了“{labels}”")
    return "，或".join(parts)


def checklist_html(compiled: dict) -> Markup:
    return render("selfcheck/checklist.html", jurisdictions=_jurisdictions(compiled), steps=steps(compiled),
                  conditions={f["id"]: _asked_note(compiled, f) for f in compiled["facts"]},
                  unknown_label=compiled["unknown_label"])


HEAD_MARK = '<meta name="referrer" content="no-referrer">'  # overrides/main.html, right after the CSP
