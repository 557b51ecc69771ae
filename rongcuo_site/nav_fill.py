"""Complete the nav of mkdocs.yml from the folders and from the rules.

- A section whose first entry is `<folder>/index.md` gets the folder's other Markdown pages that
  the nav does not list yet, in file-name order (so a new explainer appears without editing
  mkdocs.yml). `cases/` is left out: thousands of case pages are reached from the case index.
- The 各地规定 section (`rules/index.md`) gets the generated procedure page and one page per rule
  set, national first (rules_pages.py makes them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig

from rongcuo_site import rules_render

SKIP_FOLDERS = {"cases"}


def _listed(nav) -> set[str]:
    out: set[str] = set()
    for entry in nav or []:
        if isinstance(entry, str):
            out.add(entry)
        elif isinstance(entry, dict):
            for v in entry.values():
                out |= _listed(v) if isinstance(v, list) else ({v} if isinstance(v, str) else set())
    return out


def complete_nav(config: MkDocsConfig, compiled: dict[str, Any]) -> None:
    nav = config.nav
    if not nav:
        return
    docs = Path(config.docs_dir)
    listed = _listed(nav)
    for entry in nav:
        if not isinstance(entry, dict):
            continue
        for children in entry.values():
            if not isinstance(children, list) or not children or not isinstance(children[0], str):
                continue
            first = children[0]
            if not first.endswith("/index.md"):
                continue
            folder = first[: -len("/index.md")]
            if folder == "rules":
                extra: list[str | dict[str, str]] = []
                if compiled.get("procedures"):
                    extra.append({"办理程序图": "rules/procedures.md"})
                extra += [f"rules/{rs['id']}.md" for rs in rules_render.ordered_sets(compiled)]
                children += [e for e in extra if (e if isinstance(e, str) else next(iter(e.values()))) not in listed]
                continue
            if folder in SKIP_FOLDERS or "/" in folder:
                continue
            for path in sorted((docs / folder).glob("*.md")):
                uri = f"{folder}/{path.name}"
                if uri not in listed:
                    children.append(uri)
