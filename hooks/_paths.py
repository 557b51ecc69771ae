"""Shared helpers for the mkdocs hooks (hooks/*.py are loaded by path, so they import this module
after putting hooks/ on sys.path)."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

# A logger under "mkdocs." so that mkdocs counts its warnings: `--strict` then fails the build.
log = logging.getLogger("mkdocs.plugins.rongcuo")

# State shared by the hooks (this module is imported by name, so all hooks see one object).
STATE: dict = {}

ROOT = Path(__file__).resolve().parent.parent


def rules_dir(config) -> Path:
    """`rules/` next to mkdocs.yml, or $RONGCUO_RULES_DIR (the tests build a copy of the rules)."""
    env = os.environ.get("RONGCUO_RULES_DIR")
    return Path(env).resolve() if env else Path(config.config_file_path).resolve().parent / "rules"


def compiled_rules(config) -> tuple[dict[str, Any], list[Any]]:
    """The rules compiled once per build: (compiled rules, every problem). The first hook that asks
    compiles them; the others of the same build (the same config object) get the same result.
    hooks/rules_pages.py reports the problems with file:line."""
    cached = STATE.get("compiled_rules")
    if cached is not None and cached[0] is config and cached[1] == rules_dir(config):
        return cached[2], cached[3]
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    try:
        from selfcheck.load import compile_rules_with_problems
    except ImportError as exc:
        raise error("hooks/_paths.py", f"无法导入自查工具的规则加载模块（selfcheck.load）：{exc}",
                    "运行 `make setup`（pip install -e .）") from exc
    compiled, problems = compile_rules_with_problems(rules_dir(config))
    STATE["compiled_rules"] = (config, rules_dir(config), compiled, problems)
    return compiled, problems


def message(where: str, what: str, fix: str = "", allowed: str = "") -> str:
    """A content error in the checker's own words and format (selfcheck.errors.Problem):
    `where: what。允许的取值：allowed。修正方法：fix。`"""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    try:
        from selfcheck.errors import Problem
    except ImportError as exc:
        from mkdocs.exceptions import PluginError

        raise PluginError(f"hooks/_paths.py: 无法导入自查工具（selfcheck）：{exc}。修正方法：运行 `make setup`。") from exc
    return str(Problem(where, what, allowed=allowed, fix=fix))


def error(where: str, what: str, fix: str = ""):
    """A PluginError (stops the build at once) with the same message format as problem()."""
    from mkdocs.exceptions import PluginError

    return PluginError(message(where, what, fix))


def add_generated(files, config, pages: dict, made_from: str, fix: str):
    """Add generated pages {uri: markdown} to mkdocs' files. A hand-written file at the same path is
    an error (the generated page would silently replace it). `made_from` and `fix` are Chinese:
    「本页由 {made_from}生成」, 「删除 content/{uri}{fix}」."""
    from mkdocs.structure.files import File

    for uri, text in pages.items():
        existing = files.get_file_from_path(uri)
        if existing is not None and not existing.generated_by:
            raise error(f"content/{uri}", f"这个页面由{made_from}自动生成，不能手写同名文件",
                        f"删除 content/{uri}{fix}")
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, uri, content=text))
    return files


def problem(where: str, what: str, fix: str, allowed: str = "") -> None:
    """Report a content error as `where: what。修正方法：fix。` (a warning; strict mode fails on it)."""
    log.warning(message(where, what, fix, allowed))
