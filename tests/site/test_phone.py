"""Every built page on a phone (390×844): nothing makes the page scroll sideways, diagram text is at
least 12 px as rendered, and a table wider than the screen scrolls inside its own box with its
first column held in place. The crawl goes through serve.py (the desktop crawl goes through nginx),
so it also records the privacy and CSP checks for the pages as serve.py sends them.

A context of its own (is_mobile, has_touch), not the desktop crawl's page resized: a phone context
also applies the page's viewport meta element and the touch media features (pointer: coarse,
hover: none), which a resized desktop window does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import CSP_PROBE, Recorder, dump, page_paths, privacy_problems

PHONE = {"width": 390, "height": 844}
MIN_DIAGRAM_PX = 12

MEASURE = """() => {
  const svgText = [];
  for (const t of document.querySelectorAll('svg text')) {
    const r = t.getBoundingClientRect();
    if (!r.width && !r.height) continue;            // not rendered (the other layout of a diagram)
    const m = t.getScreenCTM();
    const px = parseFloat(getComputedStyle(t).fontSize) * (m ? Math.hypot(m.a, m.b) : 1);
    svgText.push([Math.round(px * 100) / 100, t.textContent]);
  }
  const tables = [...document.querySelectorAll('.md-typeset table')].filter(t => {
    const box = getComputedStyle(t).overflowX === 'auto' ? t : t.closest('.md-typeset__scrollwrap');
    return box && box.scrollWidth > box.clientWidth + 1;
  }).length;
  return {width: document.documentElement.scrollWidth, svgText, tables};
}"""

STICKY = """() => {
  const out = [];
  for (const t of document.querySelectorAll('.md-typeset table:not([class])')) {
    if (t.scrollWidth <= t.clientWidth + 1) continue;
    const cell = t.querySelector('tbody tr td:first-child, tbody tr th:first-child');
    const second = cell.nextElementSibling;
    const before = [cell.getBoundingClientRect().left, second.getBoundingClientRect().left];
    t.scrollLeft = 120;
    const scrolled = t.scrollLeft;
    const after = [cell.getBoundingClientRect().left, second.getBoundingClientRect().left];
    t.scrollLeft = 0;
    out.push({first: cell.textContent.trim().slice(0, 12), scrolled, firstMoved: after[0] - before[0],
              secondMoved: after[1] - before[1]});
  }
  return out;
}"""


@pytest.fixture(scope="module")
def phone_reports(browser, base_url, built_site: Path) -> dict[str, dict]:
    ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    ctx.add_init_script(CSP_PROBE)
    page = ctx.new_page()
    rec = Recorder(page)
    out = {}
    for path in page_paths(built_site):
        rec.goto(base_url + path)
        page.wait_for_timeout(100)  # the theme's script wraps tables after load
        rec.settle(0.1)  # and no request still under way (or made in the last 0.1 s)
        out[path] = page.evaluate(MEASURE) | rec.report(path, base_url)
        if out[path]["tables"]:
            out[path]["sticky"] = page.evaluate(STICKY)
    ctx.close()
    return out


def test_the_crawl_saw_every_page(phone_reports, built_site: Path):
    assert len(phone_reports) == len(page_paths(built_site)) > 50


def test_serve_py_pages_request_no_other_origin_store_nothing_and_keep_the_csp(phone_reports):
    """The desktop crawl's privacy and CSP checks (test_browser.py) for the pages as serve.py sends them."""
    bad = privacy_problems(phone_reports)
    assert not bad, dump(bad)


def test_no_page_scrolls_sideways_at_390px(phone_reports):
    wide = {p: r["width"] for p, r in phone_reports.items() if r["width"] > PHONE["width"]}
    assert wide == {}


def test_diagram_text_is_at_least_12px_at_390px(phone_reports):
    small = {p: [t for t in r["svgText"] if t[0] < MIN_DIAGRAM_PX][:3]
             for p, r in phone_reports.items() if any(t[0] < MIN_DIAGRAM_PX for t in r["svgText"])}
    assert small == {}
    # the diagrams are there and rendered (not hidden on both layouts)
    for path in ("rules/procedures/", "understand/how/", "training/handouts/procedure/"):
        assert phone_reports[path]["svgText"], path


def test_wide_tables_scroll_in_their_box_with_the_first_column_held(phone_reports):
    checked = 0
    for path, r in phone_reports.items():
        for t in r.get("sticky", []):
            checked += 1
            assert t["scrolled"] > 0 and abs(t["firstMoved"]) < 1, (path, t)
            assert abs(t["secondMoved"] + t["scrolled"]) < 1, (path, t)
    # the 谁来容错 matrix, the 各地规定 comparison tables and the case index are among them
    for path in ("understand/who/", "rules/", "cases/"):
        assert phone_reports[path].get("sticky"), path
    assert checked > 10
