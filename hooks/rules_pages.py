"""Generate the 各地规定 pages and the procedure diagrams from rules/*.yaml at build time.

The rule files are read and validated by the checker's own loader (selfcheck.load), so the site
and the self-check can never disagree; a problem in a rule file (file:line, what, fix) fails the
strict build. Pages are added in memory (nothing is written into content/):

- rules/index.md        overview + comparison tables across jurisdictions
- rules/<set id>.md     one page per rule set: every item with id, text, citation, dates
- rules/procedures.md   every procedure in rules/procedure.yaml as an SVG diagram + text list

Any hand-written page may embed one procedure diagram with a line of its own:

    <!-- rongcuo:procedure jiangsu -->      (or: <!-- procedure-diagram: jiangsu -->)

The rules folder is `rules/` next to mkdocs.yml, or $RONGCUO_RULES_DIR (used by the tests to build
from a modified copy). `mkdocs serve` watches it.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import rules_render  # noqa: E402
from _paths import STATE, add_generated, error, log, problem  # noqa: E402

VERSION_MARK = re.compile(r"^[ \t]*<!--\s*rules-version\s*-->[ \t]*$", re.M)
EMBED = re.compile(r"^[ \t]*<!--\s*(?:rongcuo:procedure|procedure-diagram:)\s*([a-z][a-z0-9_-]*)\s*-->[ \t]*$", re.M)
_state = STATE


def rules_dir(config) -> Path:
    env = os.environ.get("RONGCUO_RULES_DIR")
    if env:
        return Path(env).resolve()
    return Path(config.config_file_path).resolve().parent / "rules"


def _compile(config) -> dict:
    root = Path(config.config_file_path).resolve().parent
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    try:
        from selfcheck.load import compile_rules_with_problems
    except ImportError as exc:
        raise error("hooks/rules_pages.py", f"无法导入自查工具的规则加载模块（selfcheck.load）：{exc}",
                    "运行 `make setup`（pip install -e .）") from exc
    compiled, problems = compile_rules_with_problems(rules_dir(config))
    for p in problems:  # the checker's own Problem: its where, what, allowed values and fix
        problem(p.where, p.what, p.fix or "规则文件格式见 docs/rules-format.md，也可以运行 `python -m selfcheck lint` 检查",
                allowed=p.allowed)
    return compiled


def on_config(config):
    _state["compiled"] = _compile(config)
    return config


def on_files(files, config):
    compiled = _state.get("compiled") or {}
    pages = {"rules/index.md": rules_render.index_page(compiled)}
    if compiled.get("procedures"):
        pages["rules/procedures.md"] = rules_render.procedures_page(compiled)
    for rs in rules_render.ordered_sets(compiled):
        pages[f"rules/{rs['id']}.md"] = rules_render.ruleset_page(rs, compiled)
    add_generated(files, config, pages, "规则文件（rules/*.yaml）", "，改为修改规则文件")
    log.debug(f"generated {len(pages)} pages from {rules_dir(config)}")
    return files


def on_page_markdown(markdown, page, config, files):
    procs = (_state.get("compiled") or {}).get("procedures") or {}

    def repl(m: re.Match) -> str:
        key = m.group(1)
        if key not in procs:
            line = markdown[: m.start()].count("\n") + 1
            problem(f"content/{page.file.src_uri}:~{line}", f"未知的流程 '{key}'",
                    f"改用其中之一：{', '.join(procs) or '（没有可用的流程：rules/procedure.yaml 是空的）'}")
            return ""
        return rules_render.procedure_block(key, procs[key], collapsed=True)

    markdown = EMBED.sub(repl, markdown)
    if VERSION_MARK.search(markdown):
        markdown = VERSION_MARK.sub(lambda m: version_block(_state.get("compiled") or {}), markdown)
    return markdown


def version_block(compiled: dict) -> str:
    """The rules version (the hash every verdict shows) and each rule set's dates, for 关于."""
    from selfcheck.model import rules_version

    if not compiled.get("rulesets"):
        return ""
    rows = ["| 规则集 | 施行日期 | 失效日期 | 最后核对 |", "|---|---|---|---|"]
    for rs in rules_render.ordered_sets(compiled):
        rows.append(f"| [{rules_render.esc(rs['title'])}](rules/{rs['id']}.md) | {rules_render.cn_date(rs['effective'])} | "
                    f"{rules_render.cn_date(rs['until']) if rs.get('until') else '—'} | "
                    f"{rules_render.cn_date(rs['last_reviewed'])} |")
    return (f"当前规则版本：`{rules_version(compiled)}`（由全部规则文件编译后计算的哈希，自查结果中显示的是同一个值）。\n\n"
            + "\n".join(rows) + "\n")


def on_serve(server, config, builder):
    server.watch(str(rules_dir(config)))
    return server
