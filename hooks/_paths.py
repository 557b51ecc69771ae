"""Shared helpers for the mkdocs hooks (hooks/*.py are loaded by path, so they import this module
after putting hooks/ on sys.path)."""

from __future__ import annotations

import logging

# A logger under "mkdocs." so that mkdocs counts its warnings: `--strict` then fails the build.
log = logging.getLogger("mkdocs.plugins.rongcuo")

# State shared by the hooks (this module is imported by name, so all hooks see one object).
STATE: dict = {}


def add_generated(files, config, pages: dict, made_from: str, fix: str):
    """Add generated pages {uri: markdown} to mkdocs' files. A hand-written file at the same path is
    an error (the generated page would silently replace it)."""
    from mkdocs.exceptions import PluginError
    from mkdocs.structure.files import File

    for uri, text in pages.items():
        existing = files.get_file_from_path(uri)
        if existing is not None and not existing.generated_by:
            raise PluginError(f"content/{uri}: this page is generated from {made_from}. Fix: delete content/{uri}{fix}")
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, uri, content=text))
    return files


def problem(where: str, what: str, fix: str) -> None:
    """Report a content error as `where: what. Fix: fix` (a warning; strict mode fails on it)."""
    log.warning(f"{where}: {what}. Fix: {fix}")
