"""Fixtures for the trainers' kit tests: the site fixtures of tests/site (one strict build, a local
server, Debian's Chromium) plus the card sources read independently of hooks/training.py."""

from __future__ import annotations

import datetime as _dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

import tests.site.conftest as _site

# Re-export the fixtures of tests/site/conftest.py (built_site, base_url and whatever they depend
# on), so these tests use the same strict build and server set-up. `browser` is defined below.
globals().update({k: v for k, v in vars(_site).items() if k != "browser" and (
    type(v).__name__ == "FixtureFunctionDefinition" or hasattr(v, "_pytestfixturefunction"))})


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright, launched like tests/site does.

    Playwright's sync API allows one running instance per thread. When tests/site has already
    started its session-wide browser (same pytest run), that browser is reused; otherwise one is
    launched for this module only and closed before any later module could start its own."""
    import gc

    from playwright.sync_api import Browser, sync_playwright

    for obj in gc.get_objects():
        if isinstance(obj, Browser) and obj.is_connected():
            yield obj
            return
    if not Path(_site.CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {_site.CHROMIUM}. Fix: run `make setup` (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=_site.CHROMIUM, args=_site.CHROMIUM_FLAGS)
        yield b
        b.close()

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
    case file's front matter for real ones (read here, not through the hook)."""
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
