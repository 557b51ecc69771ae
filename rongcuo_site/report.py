"""How the site plugin reports a content problem: in the checker's own format (selfcheck.errors.Problem),
`where: what。允许的取值：allowed。修正方法：fix。`

problem() logs a warning on a logger under "mkdocs." (so mkdocs counts it and `--strict` fails the
build after listing every problem); error() returns a PluginError, which stops the build at once.
"""

from __future__ import annotations

import logging

from mkdocs.exceptions import PluginError

from selfcheck.errors import Problem

log = logging.getLogger("mkdocs.plugins.rongcuo")


def message(where: str, what: str, fix: str = "", allowed: str = "") -> str:
    """A content problem as one line: `where: what。允许的取值：allowed。修正方法：fix。`"""
    return str(Problem(where, what, allowed=allowed, fix=fix))


def error(where: str, what: str, fix: str = "") -> PluginError:
    """A PluginError (stops the build at once) worded like problem()."""
    return PluginError(message(where, what, fix))


def problem(where: str, what: str, fix: str, allowed: str = "") -> None:
    """Report a content problem as a warning (a strict build fails on it after listing all of them)."""
    log.warning(message(where, what, fix, allowed))
