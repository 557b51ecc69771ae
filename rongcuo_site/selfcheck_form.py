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
from html import escape
from pathlib import Path
from typing import Any

from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from rongcuo_site import selfcheck_pack
from rongcuo_site.report import error
from rongcuo_site.rules_render import effective_text
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
        the popstate guard (POP_GUARD) before the theme's bundle."""
        if page.url not in self.form_pages:
            return output
        if HEAD_MARK not in output:
            raise error(f"content/{page.file.src_uri}", "页面的 <head> 里找不到 referrer meta，无法提前启动自查程序",
                        "在 mkdocs.yml 中保留 theme.custom_dir: overrides（overrides/main.html）")
        boot = get_relative_url("assets/selfcheck/boot.js", page.url)
        script = get_relative_url(SCRIPT, page.url)
        tag = (POP_GUARD + f'<script async src="{escape(boot)}" data-config="{_config_attr(self.client)}"></script>'
               f'<link rel="modulepreload" href="{escape(script)}">')
        return output.replace(HEAD_MARK, HEAD_MARK + tag, 1)

    def pack(self, site_dir: str) -> None:
        """The runtime files, with the rules compiled again from disk: a rule file changed during the
        build is caught here."""
        try:
            manifest = selfcheck_pack.pack(Path(site_dir), self.rules_dir)
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


def _radio(name: str, rid: str, value: str, label: str, help_: str, checked: bool) -> str:
    h = f'<span class="rc-sc-vhelp">{escape(help_)}</span>' if help_ else ""
    return (f'<div class="rc-sc-choice"><input type="radio" name="{name}" id="{rid}" value="{escape(value)}"'
            f'{" checked" if checked else ""}><label for="{rid}"><span class="rc-sc-vlabel">{escape(label)}</span>'
            f"{h}</label></div>")


def affects(compiled: dict, fact_id: str) -> str:
    """What a question decides, in the reader's words: the kinds of rule items that read the fact."""
    from selfcheck.validate import fact_uses

    kinds = fact_uses(compiled["rulesets"]).get(fact_id, [])
    words = {**compiled["texts"]["kinds"], "distinctions": "三个区分开来"}
    return "这一题关系到：" + "、".join(words[k] for k in kinds) + "。" if kinds else ""


def _question(fact: dict, unknown_label: str, uses: str = "") -> str:
    fid = fact["id"]
    # asked only given an earlier answer (facts.yaml asked_when): the page script shows it then
    cond = fact.get("asked_when")
    when = f' data-asked-when="{_config_attr(cond)}"' if cond else ""
    parts = [f'<fieldset class="rc-sc-q" id="rc-q-{fid}" data-fact="{fid}"{when} aria-describedby="rc-h-{fid}">',
             f'<legend>{escape(fact["question"])}</legend>',
             f'<p class="rc-sc-help" id="rc-h-{fid}">{escape(fact["help"])}'
             + (f'<span class="rc-sc-affects">{escape(uses)}</span>' if uses else "") + "</p>"]
    for v in fact["values"]:
        parts.append(_radio(f"f-{fid}", f"rc-f-{fid}-{v['id']}", v["id"], v["label"], v.get("help", ""), False))
    parts.append(_radio(f"f-{fid}", f"rc-f-{fid}-unknown", "unknown", unknown_label, "", True))
    parts.append("</fieldset>")
    return "".join(parts)


def _quantity(q: dict) -> str:
    qid = q["id"]
    step = "1" if q.get("whole") else "any"
    return (f'<div class="rc-sc-qty" id="rc-q-{qid}" data-quantity="{qid}">'
            f'<label for="rc-n-{qid}">{escape(q["question"])}</label>'
            f'<p class="rc-sc-help" id="rc-h-{qid}">{escape(q["help"])}</p>'
            f'<span class="rc-sc-num"><input type="number" inputmode="decimal" min="0" step="{step}" '
            f'id="rc-n-{qid}" name="n-{qid}" aria-describedby="rc-h-{qid}"> '
            f'<span class="rc-sc-unit">{escape(q["unit"])}</span></span></div>')


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


def start_html(compiled: dict, total: int) -> str:
    """The start page before step 1: time, what to have ready, what is stored, the rule sets and how
    completely they are collected (from the compiled rules: their coverage notes)."""
    asked = [f for f in compiled["facts"] if not f.get("asked_when")]
    conditional = len(compiled["facts"]) - len(asked)
    questions = len(asked) + 1  # + the jurisdiction
    minutes = max(1, round(questions * 0.5))
    extra = f"另有 {conditional} 题只在前面的回答需要时才出现，" if conditional else ""
    qty = f"{len(compiled['quantities'])} 个数字可以不填，" if compiled["quantities"] else ""
    h = ['<section class="rc-sc-start" id="rc-sc-start" aria-labelledby="rc-s-start">'
         '<h2 id="rc-s-start" tabindex="-1">开始之前</h2>',
         '<h3>需要多长时间</h3>'
         f'<p>共 {total} 步：先选适用的规定，再分 {len(compiled["dimensions"])} 个方面回答 {questions} 个选择题'
         f'（{extra}{qty}每题都可以选“{escape(compiled["unknown_label"])}”），最后核对回答、查看结果。'
         f'按每题半分钟估算，大约需要 {minutes} 分钟。</p>',
         '<h3>要准备什么</h3>'
         '<p>想好是哪一次具体的失误：当时在做什么工作、决定是怎样作出的、造成了什么后果、事后怎样处理的。'
         '手边有请示批复、会议记录、损失金额和伤亡人数更好，但不是必需。'
         '不需要填写姓名、单位或任何能认出您的信息。</p>',
         '<h3>保存什么、不保存什么</h3>'
         '<p>回答只在这个页面里：不发送到任何服务器，不使用 Cookie，也不写入浏览器的存储。'
         '浏览器的“后退”“前进”在各步之间移动；网址和浏览记录里不留任何回答。'
         '离开、刷新或关闭页面，回答即清空；要留下结果，请用“打印”。</p>',
         '<h3>收录了哪些规定</h3><ul class="rc-sc-rulesets">']
    for rs in _latest_rulesets(compiled):
        cov = rs.get("coverage") or {}
        state = "收录不完整：" if cov.get("complete") is False else ""
        note = f'{state}{escape(cov["note"])}' if cov.get("note") else state.rstrip("：")
        h.append(f'<li data-ruleset="{escape(rs["id"])}" data-complete="{"false" if state else "true"}">'
                 f'<strong>{escape(rs["short"])}</strong>：{escape(rs["title"])}'
                 f'（施行日期：{escape(effective_text(rs))}）。{note}</li>')
    h.append('</ul><p>每一条规定的原文、出处和可靠程度，见<a href="../rules/">各地规定</a>。</p></section>')
    return "".join(h)


def _config_attr(client: dict) -> str:
    return escape(json.dumps(client, ensure_ascii=False, separators=(",", ":")), quote=True)


def form_html(compiled: dict, client: dict, script_src: str = "") -> str:
    sts = steps(compiled)
    total = len(sts) + 2  # jurisdiction step, the dimensions, review
    h = [f'<div id="rc-selfcheck" class="rc-sc" data-config="{_config_attr(client)}" data-steps="{total}">',
         '<div class="rc-sc-load" id="rc-sc-load" role="status">'
         '<p class="rc-sc-load-text" id="rc-sc-load-text">自查程序需要脚本才能运行；'
         '没有脚本时，可以使用<a href="checklist/">可打印的自查清单</a>。</p>'
         '<progress id="rc-sc-load-bar" max="100" hidden aria-label="自查程序加载进度"></progress></div>',
         '<form id="rc-sc-form" class="rc-sc-form" novalidate autocomplete="off" aria-describedby="rc-sc-steptext">',
         '<div class="rc-sc-progress"><p id="rc-sc-steptext" class="rc-sc-steptext">'
         f'第 1 步，共 {total} 步</p><progress id="rc-sc-stepbar" max="{total}" value="1" '
         'aria-labelledby="rc-sc-steptext"></progress></div>',
         start_html(compiled, total)]
    # the start page shows first (no step number); then step 1: jurisdiction and date
    h.append('<section class="rc-sc-step" data-step="0" data-title="适用的规定" aria-labelledby="rc-s-0" hidden>'
             '<h2 id="rc-s-0" tabindex="-1">适用的规定</h2>'
             '<fieldset class="rc-sc-q" id="rc-q-jurisdiction"><legend>按哪个地区的规定自查？</legend>'
             '<p class="rc-sc-help">选您所在的地区；没有本地区规则集的，选全国。'
             '结果页会同时列出各地规定下的结果。</p>')
    for i, (jid, title) in enumerate(_jurisdictions(compiled)):
        h.append(_radio("jurisdiction", f"rc-j-{jid}", jid, title, "", i == 0))
    h.append('</fieldset><div class="rc-sc-qty" id="rc-q-as_of"><label for="rc-asof">按哪一天施行的规定（可不填）</label>'
             '<p class="rc-sc-help" id="rc-h-asof">不填就按今天施行的规定。想知道失误发生时的规定怎么说，'
             '可以填当时的日期。</p><input type="date" id="rc-asof" name="as_of" aria-describedby="rc-h-asof">'
             '</div></section>')
    for n, st in enumerate(sts, start=1):
        h.append(f'<section class="rc-sc-step" data-step="{n}" data-title="{escape(st["title"])}" '
                 f'aria-labelledby="rc-s-{n}" hidden><h2 id="rc-s-{n}" tabindex="-1">{escape(st["title"])}</h2>'
                 f'<p class="rc-sc-dimhelp">{escape(st["help"])}</p>')
        for f in st["facts"]:
            h.append(_question(f, compiled["unknown_label"], affects(compiled, f["id"])))
            if f["id"] == "loss_level" and st["quantities"]:
                h.append('<div class="rc-sc-qtys"><p class="rc-sc-help">也可以（或者只）填写下面的数字，'
                         '由自查程序按分级标准换算；不清楚的留空。</p>')
                h.extend(_quantity(q) for q in st["quantities"])
                h.append("</div>")
        if st["quantities"] and not any(f["id"] == "loss_level" for f in st["facts"]):
            h.extend(_quantity(q) for q in st["quantities"])
        h.append("</section>")
    h.append(f'<section class="rc-sc-step" data-step="{total - 1}" data-title="核对回答" aria-labelledby="rc-s-review" '
             'hidden><h2 id="rc-s-review" tabindex="-1">核对您的回答</h2>'
             '<p>请逐项核对。点“修改”回到那一题，改完后可以直接回到这里。</p>'
             '<div id="rc-sc-review" class="rc-sc-review"></div>'
             '<p class="rc-sc-submit-note" id="rc-sc-submit-note" role="status"></p>'
             '<button type="submit" class="md-button md-button--primary" id="rc-sc-submit">查看自查结果</button> '
             '<button type="button" class="md-button" id="rc-sc-print-answers">打印我的回答</button>'
             '</section>')
    h.append('<div class="rc-sc-nav"><button type="button" class="md-button" id="rc-sc-prev" hidden>上一步</button> '
             '<button type="button" class="md-button md-button--primary" id="rc-sc-next">开始自查</button> '
             '<button type="button" class="md-button" id="rc-sc-to-review" hidden>回到核对页</button></div>')
    h.append("</form>")
    h.append('<section id="rc-sc-verdict" class="rc-sc-verdict" tabindex="-1" aria-labelledby="rc-v-title" hidden>'
             "</section>")
    h.append("</div>")
    if script_src:  # the page script, run as soon as it arrives (the same module as the site-wide one)
        h.append(f'<script type="module" async src="{escape(script_src)}"></script>')
    return "".join(h)


def _asked_note(compiled: dict, fact: dict) -> str:
    """For the printed checklist: when a conditional question (asked_when) is to be answered."""
    cond = fact.get("asked_when") or {}
    by_id = {f["id"]: f for f in compiled["facts"]}
    parts = []
    for fid, vals in cond.items():
        other = by_id[fid]
        labels = "”或“".join(v["label"] for v in other["values"] if v["id"] in vals)
        parts.append(f"“{other['question']}”选了“{labels}”")
    return f'<span class="rc-sc-help">（只在{escape("，或".join(parts))}时回答）</span>' if parts else ""


def checklist_html(compiled: dict) -> str:
    h = ['<div class="rc-sc-checklist">']
    h.append('<h2>适用的规定</h2><ul class="rc-sc-boxes">')
    for _, title in _jurisdictions(compiled):
        h.append(f"<li>☐ {escape(title)}</li>")
    h.append("</ul><p>日期：＿＿＿＿年＿＿月＿＿日（不填即按今天施行的规定）</p>")
    for st in steps(compiled):
        h.append(f'<h2>{escape(st["title"])}</h2><p class="rc-sc-dimhelp">{escape(st["help"])}</p><ol>')
        for f in st["facts"]:
            h.append(f'<li class="rc-sc-cl-q"><p><strong>{escape(f["question"])}</strong>{_asked_note(compiled, f)}</p>'
                     f'<p class="rc-sc-help">{escape(f["help"])}</p><ul class="rc-sc-boxes">')
            for v in f["values"]:
                hv = f'（{escape(v["help"])}）' if v.get("help") else ""
                h.append(f"<li>☐ {escape(v['label'])}{hv}</li>")
            h.append(f"<li>☐ {escape(compiled['unknown_label'])}</li></ul></li>")
        for q in st["quantities"]:
            h.append(f'<li class="rc-sc-cl-q"><p><strong>{escape(q["question"])}</strong></p>'
                     f'<p class="rc-sc-help">{escape(q["help"])}</p><p>＿＿＿＿＿＿ {escape(q["unit"])}</p></li>')
        h.append("</ol>")
    h.append("</div>")
    return "".join(h)


HEAD_MARK = '<meta name="referrer" content="no-referrer">'  # overrides/main.html, right after the CSP
# Back / Forward between the form's steps (selfcheck.js, window.__rcSelfcheckPopState): a popstate
# listener that must be added before the theme's bundle adds its own (listeners at the window run in
# the order they were added), so that a step entry can be hidden from the theme's instant navigation,
# which would otherwise re-fetch this same page on the first popstate after a full load. Inline, so it
# runs during parsing, before the bundle at the end of <body>; csp.py lists its hash.
POP_GUARD = ('<script>if(!window.__rcSelfcheckPopGuard){window.__rcSelfcheckPopGuard=true;'
             'addEventListener("popstate",function(e){var h=window.__rcSelfcheckPopState;'
             'if(typeof h==="function"&&h())e.stopImmediatePropagation()},true)}</script>')
