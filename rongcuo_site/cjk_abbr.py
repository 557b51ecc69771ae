"""Glossary tooltips that work inside Chinese text.

Python-Markdown's `abbr` wraps a term only between word boundaries (`\\b`), and in Chinese, where
words are not separated by spaces, a term is almost never between boundaries ("容错纠错机制是…").
This extension swaps in a tree processor that matches terms anywhere except inside a Latin word, and
marks only the first occurrence of each term per page (a page where every second word is dotted is
hard to read). Links, code, headings and existing <abbr> are left alone. Definitions still come
from content/includes/abbreviations.md (auto-appended to every page by pymdownx.snippets), and
mkdocs-material's `content.tooltips` feature shows them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Extension
from markdown.extensions.abbr import AbbrTreeprocessor
from markdown.util import AtomicString
from mkdocs.config.defaults import MkDocsConfig

SKIP = {"a", "abbr", "code", "pre", "kbd", "script", "style", "h1", "h2", "h3", "h4", "h5", "h6",
        "svg", "title"}


class CjkAbbrTreeprocessor(AbbrTreeprocessor):
    def run(self, root: etree.Element) -> None:
        if not self.abbrs:
            return
        keys = sorted(self.abbrs, key=len, reverse=True)
        self.RE = re.compile(
            r"(?<![A-Za-z0-9_])(?:" + "|".join(re.escape(k) for k in keys) + r")(?![A-Za-z0-9_])"
        )
        self.seen: set[str] = set()
        self._walk(root)

    def _split(self, text: str) -> tuple[str, list[etree.Element]]:
        """Cut `text` at the first unseen terms: returns the leading text and the abbr elements
        (each carrying the text that follows it as its tail)."""
        if isinstance(text, AtomicString):
            return text, []
        lead, pos = None, 0
        out: list[etree.Element] = []
        for m in self.RE.finditer(text):
            term = m.group(0)
            if term in self.seen or not self.abbrs.get(term):
                continue
            self.seen.add(term)
            chunk = text[pos:m.start()]
            if out:
                out[-1].tail = chunk
            else:
                lead = chunk
            el = etree.Element("abbr", {"title": self.abbrs[term]})
            el.text = AtomicString(term)
            out.append(el)
            pos = m.end()
        if not out:
            return text, []
        out[-1].tail = text[pos:]
        return lead or "", out

    def _walk(self, el: etree.Element) -> None:
        if el.text:
            el.text, new = self._split(el.text)
            for i, a in enumerate(new):
                el.insert(i, a)
        for child in list(el):
            if not isinstance(child.tag, str) or child.tag.lower() not in SKIP:
                self._walk(child)
            if child.tail:
                child.tail, new = self._split(child.tail)
                at = list(el).index(child) + 1
                for i, a in enumerate(new):
                    el.insert(at + i, a)


class CjkAbbrExtension(Extension):
    def extendMarkdown(self, md):
        current = md.treeprocessors["abbr"] if "abbr" in md.treeprocessors else None  # noqa: SIM401 (a markdown Registry has no .get)
        abbrs = current.abbrs if current is not None else {}
        md.treeprocessors.register(CjkAbbrTreeprocessor(md, abbrs), "abbr", 7)


def register(config: MkDocsConfig) -> None:
    """Add the extension after `abbr` in the list, so that it replaces abbr's tree processor."""
    if not any(isinstance(e, CjkAbbrExtension) for e in config.markdown_extensions):
        config.markdown_extensions.append(CjkAbbrExtension())
