"""The case index filters in real Chromium (Debian's, driven by Playwright): every filter value
shows exactly the cases whose front matter has it, combinations intersect, reset shows all, nothing
violates the Content-Security-Policy, no request leaves the site, and the filters also work after
mkdocs-material's instant navigation."""

from __future__ import annotations

import pytest

from . import expected

CSP_PROBE = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(
  e.violatedDirective + ' ' + e.blockedURI));
"""
FIELDS = {"outcome": lambda d: d["decision"]["outcome"], "province": lambda d: str(d["province"]),
          "distinction": lambda d: d["distinction"], "year": lambda d: str(d["year"])}


@pytest.fixture(scope="module")
def index_page(browser, library_url):
    ctx = browser.new_context()
    ctx.add_init_script(CSP_PROBE)
    page = ctx.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(library_url + "cases/", wait_until="load")
    page.wait_for_selector("#rc-case-filter:not([hidden])")
    yield page, requests, library_url
    ctx.close()


def visible(page) -> set[str]:
    return set(page.eval_on_selector_all("#rc-cases tbody tr:not([hidden])", "rs => rs.map(r => r.dataset.case)"))


def choose(page, **criteria):
    page.click("#rc-case-filter button[type=reset]")
    page.wait_for_function("() => document.querySelectorAll('#rc-cases tbody tr[hidden]').length === 0")
    for name, value in criteria.items():
        page.select_option(f"select[data-filter={name}]", value)


def test_every_single_filter_value(index_page, case_files):
    page, _, _ = index_page
    data = {p.stem: expected.front(p) for p in case_files}
    for name, get in FIELDS.items():
        options = page.eval_on_selector_all(f"select[data-filter={name}] option", "os => os.map(o => o.value)")
        assert options[0] == ""
        assert set(options[1:]) >= {get(d) for d in data.values()} - {""}, name
        for value in options[1:]:
            choose(page, **{name: value})
            want = {s for s, d in data.items() if get(d) == value}
            assert visible(page) == want, (name, value)
            count = page.text_content("#rc-case-count")
            assert (str(len(want)) in count) and (str(len(data)) in count)
            assert page.is_visible("#rc-case-empty") == (not want)


def test_filters_combine_and_reset(index_page, case_files):
    page, _, _ = index_page
    data = {p.stem: expected.front(p) for p in case_files}
    for outcome in ("exempted", "reduced"):
        for province in sorted({str(d["province"]) for d in data.values()}):
            choose(page, outcome=outcome, province=province)
            want = {s for s, d in data.items() if d["decision"]["outcome"] == outcome and str(d["province"]) == province}
            assert visible(page) == want, (outcome, province)
    page.click("#rc-case-filter button[type=reset]")
    page.wait_for_function("() => document.querySelectorAll('#rc-cases tbody tr[hidden]').length === 0")
    assert visible(page) == set(data)


def test_no_csp_violation_and_no_request_elsewhere(index_page):
    page, requests, base = index_page
    assert page.evaluate("window.__cspViolations") == []
    assert [u for u in requests if not u.startswith(base)] == []


def test_without_javascript_every_case_is_listed(browser, library_url, case_files):
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto(library_url + "cases/", wait_until="load")
    assert page.eval_on_selector("#rc-case-filter", "f => f.hidden") is True
    assert len(page.query_selector_all("#rc-cases tbody tr")) == len(case_files)
    ctx.close()


def test_filters_work_after_instant_navigation(browser, library_url):
    ctx = browser.new_context()
    ctx.add_init_script(CSP_PROBE)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(library_url, wait_until="load")
    page.click("a.md-tabs__link[href$='cases/']")
    page.wait_for_url("**/cases/")
    page.wait_for_selector("#rc-case-filter:not([hidden])")
    page.select_option("select[data-filter=outcome]", "reduced")
    page.wait_for_function("() => document.querySelectorAll('#rc-cases tbody tr[hidden]').length > 0")
    outcomes = set(page.eval_on_selector_all("#rc-cases tbody tr:not([hidden])", "rs => rs.map(r => r.dataset.outcome)"))
    assert outcomes == {"reduced"}
    assert page.evaluate("window.__cspViolations") == [] and not errors
    ctx.close()
