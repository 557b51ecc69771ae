"""Fixtures for the trainers' kit tests: the card sources, read independently of rongcuo_site/training.py.
The strict build, the local server and the browser are the session fixtures of tests/conftest.py."""

from __future__ import annotations

import datetime as _dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"
CARDS_FILE = CONTENT / "training" / "cards.yaml"


def case_front_matter(name: str) -> dict:
    text = (CONTENT / "cases" / name).read_text(encoding="utf-8")
    m = re.match(r"\A---\n(.*?\n)---\n", text, re.S)
    assert m, f"content/cases/{name}: no front matter"
    return yaml.safe_load(m.group(1)) or {}


def card_sources() -> list[dict]:
    """Every card with the facts the checker must see: from cards.yaml for invented cards, from the
    case file's front matter for real ones (read here, not through the plugin)."""
    data = yaml.safe_load(CARDS_FILE.read_text(encoding="utf-8"))
    out = []
    for c in data["cards"]:
        c = dict(c)
        if c["kind"] == "real":
            c["case_meta"] = case_front_matter(c["case"])
            c["facts"] = c["case_meta"].get("facts") or {}
        out.append(c)
    return out


@pytest.fixture(scope="session")
def cards() -> list[dict]:
    return card_sources()


@pytest.fixture(scope="session")
def build_date(built_site) -> str:
    """The date the site was built on (the default as-of date of its cards)."""
    return _dt.date.today().isoformat()


@pytest.fixture()
def today() -> str:
    """The as-of date for tests that run the kit's code themselves (no site build needed)."""
    return _dt.date.today().isoformat()


class _Tags(HTMLParser):
    def __init__(self, attr: str):
        super().__init__(convert_charrefs=True)
        self.attr = attr
        self.found: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self.attr in a:
            self.found.append({"tag": tag, **{k: (v or "") for k, v in a.items()}})


def tags_with(html_text: str, attr: str) -> list[dict]:
    """The attributes (plus "tag") of every start tag carrying `attr`, in document order."""
    p = _Tags(attr)
    p.feed(html_text)
    return p.found
