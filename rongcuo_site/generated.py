"""Pages the plugin generates, added to mkdocs' files in memory (nothing is written into content/)."""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from rongcuo_site.report import error


def add_generated(files: Files, config: MkDocsConfig, pages: dict[str, str], made_from: str, fix: str) -> Files:
    """Add generated pages {uri: markdown} to mkdocs' files. A hand-written file at the same path is
    an error (the generated page would silently replace it). `made_from` and `fix` are Chinese:
    「本页由 {made_from}生成」, 「删除 content/{uri}{fix}」."""
    for uri, text in pages.items():
        existing = files.get_file_from_path(uri)
        if existing is not None and not existing.generated_by:
            raise error(f"content/{uri}", f"这个页面由{made_from}自动生成，不能手写同名文件",
                        f"删除 content/{uri}{fix}")
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, uri, content=text))
    return files
