"""Public pages speak to the public: no rule item ids, no project file paths and no rules hash in the
text a reader sees (the hash is allowed only inside the 技术信息 box on 关于)."""

from __future__ import annotations

import html
import re
from pathlib import Path

from selfcheck.model import KINDS

HIDDEN = re.compile(r"<(script|style|code class=\"rc-hash\")\b.*?</\1>", re.S)
TECH_BOX = re.compile(r'<details class="info">\s*<summary>技术信息</summary>.*?</details>', re.S)
PATHS = re.compile(r"(?<![/\w.])(?:rules|content|rongcuo_site|selfcheck|scripts|tests)/[\w./-]+|\b[\w-]+\.ya?ml\b|DESIGN\.md")
HASH = re.compile(r"(?<![\w/-])[0-9a-f]{12}(?![\w/-])")


def visible_text(page: str) -> str:
    """What a reader sees: the text between tags (attribute values such as href and data-* are not)."""
    page = TECH_BOX.sub(" ", HIDDEN.sub(" ", page))
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_no_ids_paths_or_hashes_on_public_pages(built_site: Path, compiled_rules: dict):
    ids = {it["id"] for rs in compiled_rules["rulesets"] for kind in KINDS for it in rs[kind]}
    ids |= {d["id"] for rs in compiled_rules["rulesets"] for d in rs.get("distinctions") or []}
    word = re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, ids), key=len, reverse=True)) + r")(?![\w-])")
    found: dict[str, set[str]] = {}
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 50
    for p in pages:
        text = visible_text(p.read_text(encoding="utf-8"))
        hits = {m.group(0) for rx in (word, PATHS, HASH) for m in rx.finditer(text)}
        if hits:
            found[str(p.relative_to(built_site))] = hits
    assert found == {}


def test_the_rules_version_sits_in_the_technical_box_on_about(built_site: Path, compiled_rules: dict):
    from selfcheck.model import rules_version

    about = (built_site / "about" / "index.html").read_text(encoding="utf-8")
    box = TECH_BOX.search(about)
    assert box and rules_version(compiled_rules) in box.group(0)
    assert rules_version(compiled_rules) not in visible_text(about)
