"""The anonymous self-check in real Chromium: end to end per jurisdiction, differential against
CPython, privacy, instant navigation, accessibility, keyboard only, failure fallback, print."""

from __future__ import annotations

import json
import time

import pytest

from rongcuo_site import selfcheck_pack
from selfcheck.errors import InputError
from selfcheck.explain import dumps, evaluate
from tests.selfcheck_page.helpers import (
    AS_OF,
    PAGE,
    begin,
    cli,
    fill_form,
    open_from_home_by_instant_navigation,
    scenarios,
    submit,
    wait_ready,
)
from tests.site.conftest import AXE


def first_scenario(jurisdiction: str) -> dict:
    for j, _, sc in scenarios():
        if j == jurisdiction:
            return sc
    raise AssertionError(f"no scenario for {jurisdiction}")


# -- end to end -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("jurisdiction", ["national", "jiangsu", "shaanxi"])
def test_end_to_end_verdict_equals_cli(context, base_url, rb, jurisdiction):
    sc = first_scenario(jurisdiction)
    facts = {k: v for k, v in sc["facts"].items()}
    facts.pop("cause", None)  # one unknown, so would_change and missing_facts are exercised too
    # a question not asked given the other answers (facts.yaml asked_when) stays unknown in the form
    facts = {k: v for k, v in facts.items() if k not in {f.id for f in rb.facts if not f.is_asked(facts)}}
    as_of = str(sc.get("as_of", AS_OF))
    page = context.new_page()
    page.goto(base_url + PAGE)
    wait_ready(page)
    fill_form(page, facts, jurisdiction, as_of)
    review = page.inner_text("#rc-sc-review")
    assert rb.fact("cause").question in review and "不清楚" in review
    still_open = sum(1 for f in rb.facts if f.is_asked(facts) and facts.get(f.id, "unknown") == "unknown")
    assert f"有 {still_open} 个问题的回答是“不清楚”" in review  # a skipped question is noticed
    last = submit(page)
    expected = cli("evaluate", "--jurisdiction", jurisdiction, "--as-of", as_of, facts=facts)
    shown = json.loads(last["json"])
    assert shown == expected
    # the page shows the presenter's HTML for that verdict (CPython's, byte for byte)
    from selfcheck.present import application_html, verdict_html
    comp_v = cli("compare", "--as-of", as_of, facts=facts)
    normal = "h => { const t = document.createElement('template'); t.innerHTML = h; return t.innerHTML; }"
    def strip(s):
        return s[s.index("</p>", s.index("rc-v-printhead")):]  # the print date is the browser's today
    assert strip(page.inner_html("#rc-sc-verdict")) == strip(page.evaluate(normal, verdict_html(rb, expected, comp_v, "")))
    assert page.inner_html("#rc-sc-draft") == page.evaluate(normal, application_html(rb, expected))
    # what the page shows is that verdict
    assert page.inner_text(".rc-sc-outcome") == expected["label"]
    statuses = page.eval_on_selector_all(".rc-sc-r", "els => els.map(e => [e.dataset.id, e.dataset.status])")
    assert statuses == [[r["id"], r["status"]] for r in expected["reasons"]]
    text = page.text_content("#rc-sc-verdict")  # also what sits in the closed 详细依据 box
    for r in expected["reasons"]:
        assert r["title"] in text and r["cite"]["article"] in text
    assert "《中共中央办公厅《" not in text and "《陈朋《" not in text  # a titled name is not wrapped again
    for d in expected["three_distinctions"]:
        assert d["title"] in text and d["status_label"] in text
    for m in expected["missing_facts"]:
        assert m["question"] in text
    assert len(page.query_selector_all(".rc-sc-changes li")) == len(expected["would_change"])
    for st in expected["next_steps"]["steps"]:
        assert st["action"] in text
    assert expected["disclaimer"] in text and expected["rules_version"] in text
    comp = cli("compare", "--as-of", as_of, facts=facts)
    rows = page.eval_on_selector_all(".rc-sc-compare tbody tr", "els => els.map(e => [e.dataset.jurisdiction, e.dataset.outcome])")
    assert rows == [[v["jurisdiction"], v["outcome"]] for v in comp["verdicts"]]
    assert json.loads(last["compare"]) == comp
    # the printed page: the verdict without the form, the site chrome or the buttons
    page.emulate_media(media="print")
    assert page.is_visible(".rc-sc-outcome") and not page.is_visible("#rc-sc-form")
    assert not page.is_visible(".md-header") and not page.is_visible(".rc-sc-actions")
    page.emulate_media(media="screen")
    # back to the review keeps every answer
    page.click(".rc-sc-actions [data-rc-action=edit]")
    assert page.inner_text("#rc-sc-review") == review


def test_back_and_forward_keep_answers_and_change_links(context, base_url, rb):
    page = context.new_page()
    page.goto(base_url + PAGE)
    begin(page)
    page.click("#rc-sc-next")
    page.click("label[for='rc-f-intent-inadvertent']")
    page.click("#rc-sc-next")
    page.click("#rc-sc-prev")
    assert page.is_checked("#rc-f-intent-inadvertent")
    for _ in range(6):
        if page.is_visible("#rc-sc-next"):
            page.click("#rc-sc-next")
    question = rb.fact("intent").question
    page.click(f"#rc-sc-review button[aria-label='修改：{question}']")
    assert page.evaluate("() => document.activeElement.id") == "rc-f-intent-inadvertent"
    page.click("label[for='rc-f-intent-knowing_violation']")
    page.click("#rc-sc-to-review")
    assert rb.fact("intent").label("knowing_violation") in page.inner_text("#rc-sc-review")


# -- differential: the same verdict JSON, byte for byte ---------------------------------------------------

def test_differential_pyodide_equals_cpython(context, base_url, rb):
    # every scenario file and 320 seeded random fact sets: the workload the stdlib recording also runs
    items = [tuple(i) for i in selfcheck_pack.workload(rb)[0]]
    page = context.new_page()
    page.goto(base_url + PAGE)
    wait_ready(page)
    t = time.perf_counter()
    out = page.evaluate("items => window.rongcuoSelfcheck.call('batch', {items})", [list(i) for i in items])
    browser_s = time.perf_counter() - t
    got = json.loads(out["json"])
    assert len(got) == len(items) >= 300
    mismatches = []
    for (facts, j, d), g in zip(items, got, strict=True):
        try:
            want = dumps(evaluate(rb, facts, j, d))
        except InputError as exc:
            want = json.dumps({"error": str(exc)}, ensure_ascii=False)
        if g != want:
            mismatches.append((facts, j, d))
    assert not mismatches, f"{len(mismatches)} of {len(items)} differ, e.g. {mismatches[:2]}"
    print(f"differential: {len(items)} fact sets byte-identical; Pyodide batch {browser_s:.2f} s")
    # the page wording too: the presenter's HTML (result page + application draft), byte for byte
    from selfcheck.explain import compare
    from selfcheck.present import application_html, verdict_html

    some = items[::4]
    out = page.evaluate("items => window.rongcuoSelfcheck.call('present_batch', {items})", [list(i) for i in some])
    got_html = json.loads(out["json"])
    differ = []
    for (facts, j, d), g in zip(some, got_html, strict=True):
        try:
            v = evaluate(rb, facts, j, d)
            want = verdict_html(rb, v, compare(rb, facts, d), "2026-01-01") + application_html(rb, v)
        except InputError as exc:
            want = "error: " + str(exc)
        if g != want:
            differ.append((facts, j, d))
    assert not differ, f"{len(differ)} of {len(some)} page wordings differ, e.g. {differ[:2]}"


# -- privacy ----------------------------------------------------------------------------------------------

def test_privacy_no_request_after_load_no_storage_csp_blocks(context, base_url, rb):
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(base_url + PAGE)
    wait_ready(page)
    page.wait_for_load_state("networkidle")
    at_ready = len(requests)
    sc = first_scenario("national")
    fill_form(page, sc["facts"], "jiangsu", None)
    submit(page)
    page.click(".rc-sc-compare button")  # another jurisdiction's verdict
    page.wait_for_timeout(300)
    assert requests[at_ready:] == [], "requests after the checker was ready"
    origin = base_url.rstrip("/")
    assert all(u.startswith(origin + "/") for u in requests), [u for u in requests if not u.startswith(origin)]
    assert context.cookies() == []
    storage = page.evaluate("""async () => ({
        local: localStorage.length, session: sessionStorage.length,
        idb: indexedDB.databases ? (await indexedDB.databases()).length : 0})""")
    assert storage == {"local": 0, "session": 0, "idb": 0}
    # a script injected into the page cannot send anything to another origin (a live server there)
    other = base_url.replace("127.0.0.1", "localhost")
    result = page.evaluate("url => fetch(url).then(() => 'sent', e => 'blocked: ' + e.name)", other + "x")
    assert result.startswith("blocked"), result
    assert any("connect-src" in v for v in page.evaluate("() => window.__cspViolations"))
    assert not any(u.startswith(other) for u in requests)
    csp = page.get_attribute("meta[http-equiv='Content-Security-Policy']", "content")
    assert "connect-src 'self'" in csp and "'unsafe-eval'" not in csp


# -- nothing outlives the visit: Back, the back/forward cache, instant navigation ------------------------

CHECKED = "() => [...document.querySelectorAll('#rc-sc-form input:checked')].map(i => i.id).sort()"
FILLED = "() => [...document.querySelectorAll('#rc-sc-form input[type=text], #rc-sc-form input[type=number], #rc-sc-form input[type=date]')].filter(i => i.value !== i.defaultValue).map(i => i.id)"


def test_back_after_leaving_brings_no_answer_back(context, base_url):
    page = context.new_page()
    page.goto(base_url + PAGE)
    fresh = page.evaluate(CHECKED)
    assert page.get_attribute("#rc-sc-form", "autocomplete") == "off"
    wait_ready(page)
    fill_form(page, {"intent": "knowing_violation", "remedy": "none", "economic_loss_wan": 800}, "shaanxi", AS_OF)
    submit(page)
    assert page.evaluate(CHECKED) != fresh
    for leave in ("full page load", "back/forward cache"):
        if leave == "full page load":
            page.goto(base_url + "glossary/")  # a whole new document, as a source link or a typed URL does
        else:
            page.evaluate("url => { location.href = url; }", base_url + "myths/")
            page.wait_for_url("**/myths/")
        page.go_back()
        page.wait_for_selector("#rc-sc-form")
        page.wait_for_function("() => document.getElementById('rc-selfcheck').dataset.rcInit === '1'")
        assert page.evaluate(CHECKED) == fresh, leave
        assert page.evaluate(FILLED) == [], leave
        assert page.evaluate("() => window.rongcuoSelfcheck.last") is None, leave
        assert not page.is_visible("#rc-sc-verdict .rc-sc-outcome"), leave
        wait_ready(page)
        fill_form(page, {"intent": "inadvertent"}, "national", AS_OF)
        submit(page)


def test_instant_navigation_away_drops_the_last_verdict(context, base_url):
    page = context.new_page()
    page.goto(base_url + PAGE)
    wait_ready(page)
    fill_form(page, {"intent": "inadvertent", "remedy": "proactive"}, "national", AS_OF)
    submit(page)
    assert page.evaluate("() => window.rongcuoSelfcheck.last") is not None
    page.evaluate("() => { window.__sameDocument = true; }")
    page.click(".md-content a[href$='rules/']:visible >> nth=0")
    page.wait_for_function("() => !document.getElementById('rc-selfcheck')")
    assert page.evaluate("() => window.__sameDocument === true"), "not an instant (same-document) navigation"
    assert page.evaluate("() => window.rongcuoSelfcheck.last") is None


# -- instant navigation -----------------------------------------------------------------------------------

def test_instant_navigation_from_home(context, base_url):
    page = context.new_page()
    open_from_home_by_instant_navigation(page, base_url)
    wait_ready(page)
    fill_form(page, {"intent": "inadvertent"}, "national", AS_OF)
    submit(page)
    assert page.is_visible(".rc-sc-outcome")
    # away and back again: the form starts anew and the worker is reused (no second download)
    page.click(".md-content a[href$='rules/']:visible >> nth=0")
    page.wait_for_function("() => !document.getElementById('rc-selfcheck')")
    page.go_back()
    page.wait_for_selector("#rc-selfcheck")
    page.wait_for_function("() => document.getElementById('rc-selfcheck').dataset.rcInit === '1'")
    assert page.evaluate("() => window.rongcuoSelfcheck.state") == "ready"
    assert page.evaluate("() => window.__sameDocument === true")
    fill_form(page, {"intent": "knowing_violation", "remedy": "none", "cooperation": "no"}, "national", AS_OF)
    v = json.loads(submit(page)["json"])
    assert v["outcome"] == "not_eligible"


# -- accessibility and keyboard ---------------------------------------------------------------------------

AXE_RUN = ("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
           ".filter(v => ['serious', 'critical'].includes(v.impact))"
           ".map(v => ({id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))")


def settle(page) -> None:
    """Let the theme's transitions end (the back-to-top button fades in after a scroll): axe measures
    the contrast of what is on screen, and a half-faded button fails it."""
    page.wait_for_timeout(100)
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')", timeout=5000)
    page.wait_for_timeout(50)


def test_axe_form_review_verdict(context, base_url):
    axe = AXE.read_text(encoding="utf-8")
    page = context.new_page()
    page.goto(base_url + PAGE)
    found = {}
    page.evaluate(axe + "\n;0")
    found["form"] = page.evaluate(AXE_RUN)
    page.click("#rc-sc-next")  # from the start page to step 1
    # 上一步 now sits under the pointer: the theme's hover colours (white on #526cfe, 4.25:1) are not
    # what this checks (noted for the theme's colours), so the pointer moves away
    page.mouse.move(0, 0)
    settle(page)
    found["step 1"] = page.evaluate(AXE_RUN)
    wait_ready(page)
    fill_form(page, {"intent": "inadvertent", "remedy": "proactive"}, "shaanxi", AS_OF)
    settle(page)
    found["review"] = page.evaluate(AXE_RUN)
    submit(page)
    settle(page)
    found["verdict"] = page.evaluate(AXE_RUN)
    assert all(not v for v in found.values()), json.dumps(found, ensure_ascii=False, indent=1)


def _tab_to(page, selector: str, limit: int = 80, shift: bool = False) -> None:
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Shift+Tab" if shift else "Tab")
    raise AssertionError(f"keyboard focus never reached {selector}")


def test_keyboard_only_run(context, base_url):
    page = context.new_page()
    page.goto(base_url + PAGE)
    wait_ready(page)
    _tab_to(page, "#rc-sc-next")  # 开始自查, on the start page
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "rc-s-0"
    # jurisdiction: focus the checked radio, arrow to the next one (江苏 or whichever is second)
    _tab_to(page, "input[name=jurisdiction]")
    page.keyboard.press("ArrowDown")
    chosen = page.evaluate("() => document.querySelector('input[name=jurisdiction]:checked').value")
    assert chosen != "national"
    steps = page.eval_on_selector("#rc-selfcheck", "r => Number(r.dataset.steps)")
    for _ in range(steps - 1):
        _tab_to(page, "#rc-sc-next")
        page.keyboard.press("Enter")
        # the new step's heading has the focus; answer its first question with the arrow keys
        assert page.evaluate("() => document.activeElement.tagName") == "H2"
        if page.query_selector(".rc-sc-step:not([hidden]) fieldset[data-fact]"):
            _tab_to(page, ".rc-sc-step:not([hidden]) fieldset[data-fact] input")
            page.keyboard.press("ArrowDown")  # from 不清楚 (last) to the first value
    _tab_to(page, "#rc-sc-submit")
    page.keyboard.press("Enter")
    page.wait_for_selector("#rc-sc-verdict:not([hidden]) .rc-sc-outcome")
    assert page.evaluate("() => document.activeElement.id") == "rc-sc-verdict"
    v = json.loads(page.evaluate("() => window.rongcuoSelfcheck.last.json"))
    assert v["jurisdiction"] == chosen
    _tab_to(page, ".rc-sc-actions button")  # the print / change buttons are reachable too


# -- failure fallback and first paint -------------------------------------------------------------------

def test_without_webassembly_the_page_says_so_and_offers_the_checklist(context, base_url):
    page = context.new_page()
    page.add_init_script("Object.defineProperty(window, 'WebAssembly', {value: undefined});")
    page.goto(base_url + PAGE)
    page.wait_for_function("() => window.rongcuoSelfcheck && window.rongcuoSelfcheck.state === 'failed'")
    text = page.inner_text("#rc-sc-load-text")
    assert "WebAssembly" in text
    page.click("#rc-sc-load-text a")
    page.wait_for_selector(".rc-sc-checklist")
    assert page.url.endswith("/selfcheck/checklist/")


def test_first_question_usable_before_the_checker_is_ready(context, base_url):
    page = context.new_page()
    page.goto(base_url + PAGE, wait_until="domcontentloaded")
    page.click("#rc-sc-next")  # from the start page
    page.click("label[for='rc-j-national']")
    assert page.is_visible("#rc-q-jurisdiction")
    state = page.evaluate("() => window.rongcuoSelfcheck ? window.rongcuoSelfcheck.state : 'no script yet'")
    assert state != "ready"


def test_steps_work_before_the_theme_bundle_and_domcontentloaded(context, base_url):
    """The page script runs as soon as it arrives (async module after the form): with the theme's
    bundle held back, the page is still loading, yet 下一步 already moves to the next step."""
    page = context.new_page()
    held = []
    page.route("**/assets/javascripts/bundle.*.min.js", lambda route: held.append(route))
    page.goto(base_url + PAGE, wait_until="commit")
    try:
        page.wait_for_function("() => window.rongcuoSelfcheck && window.rongcuoSelfcheck.formReadyAt")
        assert page.evaluate("() => [document.readyState, typeof window.document$]") == ["loading", "undefined"]
        page.click("#rc-sc-next")  # from the start page
        page.click("label[for='rc-j-jiangsu']")
        page.click("#rc-sc-next")
        assert page.is_visible("#rc-q-improper_benefit") and not page.is_visible("#rc-q-jurisdiction")
        assert "第 2 步" in page.inner_text("#rc-sc-steptext")
    finally:
        for route in held:
            route.continue_()
    page.wait_for_function("() => document.readyState === 'complete'")
    # once the bundle has run, the subscription to document$ does not initialise the form twice
    page.click("#rc-sc-prev")
    assert page.is_checked("#rc-j-jiangsu") and "第 1 步" in page.inner_text("#rc-sc-steptext")
