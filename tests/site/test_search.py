"""Search in the browser ranks the explainers (读懂容错) first for their own terms, and a query is
looked up whole: 容错 must not turn into 容* and find 容缺 (rongcuo_site/search_query.py)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

EXPLAINERS = ("understand/", "myths/", "glossary/")


def _results(browser, base_url: str, query: str) -> list[dict]:
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(base_url)
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    box.dispatch_event("keyup")  # typing Chinese through an IME ends with a keyup
    page.wait_for_function("() => !/键入|正在初始化/.test(document.querySelector('.md-search-result__meta').textContent)")
    out = page.eval_on_selector_all(".md-search-result__item", """els => els.map(e => ({
        href: e.querySelector('a').href,
        marks: [...e.querySelectorAll('mark')].map(m => m.textContent)}))""")
    ctx.close()
    base = urlsplit(base_url).path
    for r in out:
        r["path"] = urlsplit(r["href"]).path.removeprefix(base)
    return out


def test_the_worker_page_config_points_at_the_repaired_worker(built_site):
    import re

    home = (built_site / "index.html").read_text(encoding="utf-8")
    name = re.search(r'"search": "assets/javascripts/workers/(search\.[0-9a-f]{8}\.min\.js)"', home).group(1)
    code = (built_site / "assets" / "javascripts" / "workers" / name).read_text(encoding="utf-8")
    assert re.search(r"for\(let (\w+)=\w+\+1;\1<=\w+\.length;", code)


def test_searching_rongcuo_ranks_the_explainers_first_and_never_rongque(browser, base_url):
    results = _results(browser, base_url, "容错")
    paths = [r["path"] for r in results]
    assert len(paths) >= 10
    assert all(p.startswith(EXPLAINERS) for p in paths[:3]), paths[:5]
    assert "understand/" in paths[:3], paths[:5]  # the main explainer
    # 容错 is matched as 容错 (or a word starting with it), never as 容缺, 容易 …
    stray = {m for r in results for m in r["marks"] if not m.startswith("容错")}
    assert stray == set(), stray


@pytest.mark.parametrize(("query", "page"), [("三个区分开来", "understand/three-distinctions/"),
                                             ("谁来容错", "understand/who/"),
                                             ("怎么容错", "understand/how/")])
def test_an_explainers_own_term_finds_it_first(browser, base_url, query, page):
    paths = [r["path"] for r in _results(browser, base_url, query)]
    assert paths and paths[0] == page, paths[:5]
