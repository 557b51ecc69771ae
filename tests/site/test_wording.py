"""Wording of the public pages: Chinese quotation marks in Chinese prose, and plain glossary tooltips.

Not prose, so not scanned: fenced and inline code, HTML tags and their attributes, link targets,
attribute lists, web addresses, and the ASCII quotes that Markdown syntax itself needs around an
admonition or tab title (`!!! note "标题"`, `=== "标题"`; quotes inside such a title are prose).
Front matter: the fields shown on the pages (title, description, a source's title and publisher)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

CONTENT = Path(__file__).resolve().parents[2] / "content"
HAN = re.compile(r"[\u4e00-\u9fff]")
NOT_PROSE = re.compile(r"`[^`]*`|<[^>]+>|\]\([^)]*\)|\{[:#.][^}]*\}|https?://\S+")
TITLE_SYNTAX = re.compile(r'^(\s*(?:(?:!!!|\?\?\?\+?)\s+[\w-]+(?:\s+[\w-]+)*|===\+?)\s+)"(.*)"\s*$')
SINGLE = re.compile(r"[\u4e00-\u9fff]'|'[\u4e00-\u9fff]")  # nested quotes: ‘…’
FENCE = re.compile(r"^\s*(```|~~~)")
FRONT = re.compile(r"\A---\n(.*?\n)---\n", re.S)
SHOWN = ("title", "description", "publisher")


def ascii_quotes_in_prose(text: str) -> list[tuple[int, str]]:
    hits = []
    fm = FRONT.match(text)
    start = fm.group(0).count("\n") if fm else 0
    fence = False
    for n, line in enumerate(text.split("\n")[start:], start + 1):
        if FENCE.match(line):
            fence = not fence
            continue
        if fence or not HAN.search(line):
            continue
        m = TITLE_SYNTAX.match(line)
        prose = NOT_PROSE.sub("", m.group(2) if m else line)
        if '"' in prose or SINGLE.search(prose):
            hits.append((n, line.strip()[:60]))
    return hits


def shown_front_matter(text: str) -> list[str]:
    fm = FRONT.match(text)
    out: list[str] = []

    def walk(obj, key=""):
        if isinstance(obj, dict):
            for k, v in obj.items():
                walk(v, k)
        elif isinstance(obj, list):
            for v in obj:
                walk(v, key)
        elif isinstance(obj, str) and key in SHOWN and HAN.search(obj) and '"' in NOT_PROSE.sub("", obj):
            out.append(f"{key}: {obj[:60]}")

    if fm:
        walk(yaml.safe_load(fm.group(1)))
    return out


def test_the_scan_sees_ascii_quotes_in_prose_and_not_in_syntax():
    sample = ('---\ntitle: 一个"标题"\n---\n容错是不是"保护伞"？\n`"代码"`中文\n拿容错当\'保护伞\'\n!!! note "标题里的“引号”"\n'
              '=== "纪检监察机关"\n<span class="x">中文</span>\n[链接](a.md "说明")\n```\n"中文"\n```\n')
    assert [n for n, _ in ascii_quotes_in_prose(sample)] == [4, 6]
    assert shown_front_matter(sample) == ['title: 一个"标题"']


def test_chinese_prose_uses_chinese_quotes():
    files = sorted(CONTENT.rglob("*.md"))
    assert len(files) > 40
    found = {}
    for p in files:
        text = p.read_text(encoding="utf-8")
        hits = [f"{n}: {line}" for n, line in ascii_quotes_in_prose(text)] + shown_front_matter(text)
        if hits:
            found[str(p.relative_to(CONTENT))] = hits[:3]
    assert found == {}


# ------------------------------------------------------------------------------ glossary tooltips

ABBR = re.compile(r"^\*\[(.+?)\]: (.+)$", re.M)
STIFF = ("问责责任", "依规", "予以", "系指", "相关责任")  # officialese a tooltip should not need


def tooltips() -> dict[str, str]:
    return dict(ABBR.findall((CONTENT / "includes" / "abbreviations.md").read_text(encoding="utf-8")))


def test_tooltips_are_plain_explanations():
    tips = tooltips()
    assert len(tips) > 30
    for term, text in tips.items():
        assert term not in text, (term, "explains itself with itself")
        assert not [w for w in STIFF if w in text], (term, text)
        assert len(text) <= 80, (term, len(text))
        assert not text.endswith("。")  # a tooltip is one phrase, like the others


def test_the_tooltip_shown_on_a_page_is_the_plain_one(built_site):
    page = (built_site / "understand" / "which-errors" / "index.html").read_text(encoding="utf-8")
    shown = re.search(r'<abbr title="([^"]+)">不予问责</abbr>', page)
    assert shown and shown.group(1) == tooltips()["不予问责"] == "查明情况后，决定不追究责任"
