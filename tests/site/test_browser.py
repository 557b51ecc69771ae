"""Real Chromium on the built site: on every page (one crawl, through nginx with the production
configuration: tests/site/conftest.py page_reports) no request to another origin, no CSP violation or
script error, no storage, axe-core finds no serious or critical problem; Chinese search finds a word inside a longer word,
print layout hides the chrome, and the server sends precompressed files."""

from __future__ import annotations

import gzip
import json
import re
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .conftest import CSP_PROBE, dump, other_origin


def test_no_request_to_another_origin(page_reports, nginx_url):
    assert page_reports
    bad = {p: other_origin(r["requests"], nginx_url) for p, r in page_reports.items()}
    bad = {p: u for p, u in bad.items() if u}
    assert not bad, dump(bad)


def test_no_csp_violation_or_script_error(page_reports):
    bad = {p: {"csp": r["csp"], "errors": r["errors"]} for p, r in page_reports.items() if r["csp"] or r["errors"]}
    assert not bad, dump(bad)


def test_no_cookie_or_storage(page_reports):
    bad = {p: r["storage"] for p, r in page_reports.items() if r["storage"] != [0, 0, ""]}
    assert not bad, dump(bad)


def test_axe_no_serious_or_critical(page_reports):
    bad = {p: [v for v in r["axe"] if v["impact"] in ("serious", "critical")] for p, r in page_reports.items()}
    bad = {p: v for p, v in bad.items() if v}
    assert not bad, dump(bad)


def _inside_only(built_site: Path, word: str) -> list[str]:
    """Locations where `word` occurs only inside longer index tokens (e.g. 容错 in 容错纠错机制)."""
    data = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    out = []
    for d in data["docs"]:
        tokens = re.split(r"[\s\u200b\u3000\-、。，．？！；]+", re.sub(r"<[^>]+>", " ", d["title"] + " " + d["text"]))
        if any(word in t and t != word for t in tokens) and word not in tokens:
            out.append(d["location"])
    return out


def _search(page, query: str) -> list[str]:
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    box.dispatch_event("keyup")  # typing Chinese through an IME ends with a keyup
    page.wait_for_selector(".md-search-result__meta", state="visible")
    page.wait_for_function("q => !/键入|正在初始化/.test(document.querySelector('.md-search-result__meta').textContent)",
                           arg=query)
    # results render lazily as the list scrolls: scroll until no more appear
    seen = -1
    while True:
        links = page.eval_on_selector_all(".md-search-result__link", "els => els.map(e => e.href)")
        if len(links) == seen:
            return links
        seen = len(links)
        page.evaluate("() => { const w = document.querySelector('.md-search__scrollwrap'); w.scrollTop = w.scrollHeight; }")
        page.wait_for_timeout(150)


@pytest.mark.parametrize("word", ["容错", "区分"])
def test_search_finds_a_word_inside_a_longer_word(browser, base_url, built_site, word):
    targets = _inside_only(built_site, word)
    if not targets:
        pytest.fail(f"no page has {word!r} only inside a longer word; the test needs one")
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(base_url)
    links = [urlsplit(u) for u in _search(page, word)]
    found = {(u.path.removeprefix("/"), u.fragment) for u in links}
    ctx.close()

    def key(loc: str) -> tuple[str, str]:
        path, _, frag = loc.partition("#")
        return path, frag

    from urllib.parse import unquote
    found = {(p, unquote(f)) for p, f in found}
    hit = [t for t in targets if key(t) in found]
    assert hit, f"search for {word!r} found none of {targets[:5]}; results: {sorted(found)[:10]}"


def test_print_layout_hides_chrome_and_shows_link_addresses(browser, base_url, built_site):
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(base_url + "understand/")
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => ['.md-header', '.md-tabs', '.md-sidebar--primary', '.md-sidebar--secondary',
        '.md-search', '.md-footer'].filter(s => document.querySelector(s))
        .map(s => [s, getComputedStyle(document.querySelector(s)).display])""")
    assert hidden and all(d == "none" for _, d in hidden), hidden
    after = page.evaluate("""() => [...document.querySelectorAll('.md-typeset a')].map(a =>
        [a.classList.contains('rc-external'), getComputedStyle(a, '::after').content])""")
    assert any(ext and "http" in content for ext, content in after), "external link addresses not printed"
    assert not any(not ext and "http" in content for ext, content in after), "internal link address printed"
    pdf = page.pdf(format="A4", print_background=False)
    assert pdf[:4] == b"%PDF" and len(pdf) > 1000
    ctx.close()


def test_server_sends_precompressed_files(base_url, built_site):
    index = (built_site / "index.html").read_bytes()
    for enc in ("br", "gzip"):
        req = urllib.request.Request(base_url, headers={"Accept-Encoding": enc})
        with urllib.request.urlopen(req) as r:
            body = r.read()
            assert r.headers["Content-Encoding"] == enc
            assert r.headers["Vary"] == "Accept-Encoding"
            assert r.headers["Content-Type"].startswith("text/html")
        if enc == "gzip":
            assert gzip.decompress(body) == index
        else:
            import brotli
            assert brotli.decompress(body) == index
    with urllib.request.urlopen(urllib.request.Request(base_url, headers={"Accept-Encoding": "identity"})) as r:
        assert r.headers.get("Content-Encoding") is None and r.read() == index
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(base_url + "no-such-page/")
    assert exc.value.code == 404
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(base_url + "%2e%2e/%2e%2e/etc/passwd")
    assert exc.value.code == 404

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.build_opener(NoRedirect).open(base_url + "rules")
    assert exc.value.code == 301 and exc.value.headers["Location"] == "/rules/"


def test_instant_navigation_keeps_working_under_the_csp(browser, base_url):
    """The theme swaps pages without reloading: the first page's policy must allow the next page's
    inline scripts (every page lists the hashes of all pages)."""
    ctx = browser.new_context()
    ctx.add_init_script(CSP_PROBE)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base_url + "rules/")
    page.evaluate("() => { window.__sameDocument = true; }")
    link = page.locator(".md-nav--primary a.md-nav__link[href$='procedures/']").first
    link.click()
    page.wait_for_url("**/rules/procedures/")
    page.wait_for_selector("svg.rc-proc")
    assert page.evaluate("() => window.__sameDocument === true"), "no instant navigation (full reload)"
    assert page.evaluate("window.__cspViolations") == [] and not errors
    page.go_back()
    page.wait_for_url(base_url + "rules/")
    assert page.evaluate("window.__cspViolations") == [] and not errors
    ctx.close()


@pytest.mark.parametrize("path", ["", "rules/", "rules/procedures/", "understand/how/"])
def test_axe_on_a_phone_screen(browser, base_url, path):
    """Narrow screens change the layout (drawer navigation, scrolling diagrams and tables)."""
    from .conftest import AXE

    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    page.goto(base_url + path)
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    bad = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                        ".filter(v => ['serious', 'critical'].includes(v.impact))"
                        ".map(v => ({id: v.id, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))")
    ctx.close()
    assert not bad, dump(bad)
