"""The self-check's navigation in real Chromium: the start page, each step a history entry (Back and
Forward move between steps, Back from the start page leaves), a reload starts empty,
questions asked only given an earlier answer (facts.yaml asked_when), the unanswered questions on
the review page, and no answer in the URL or the history state."""

from __future__ import annotations

import json
import re

from tests.selfcheck_page.helpers import (
    AS_OF,
    PAGE,
    begin,
    fill_form,
    open_from_home_by_instant_navigation,
    submit,
    wait_ready,
)

STEP = "() => document.getElementById('rc-sc-steptext').textContent"
STATE = "() => history.state && history.state.rcStep"
ON_START = "() => !document.getElementById('rc-sc-start').hidden"


def _step_no(page) -> int:
    """The step number shown (0 on the start page)."""
    if page.evaluate(ON_START):
        return 0
    return int(page.evaluate(STEP).split(" ")[1])


def _visible_step(page) -> int:
    return int(page.eval_on_selector(".rc-sc-step:not([hidden])", "s => Number(s.dataset.step)")) + 1


def test_start_page_states_time_storage_and_coverage_from_the_rules(context, base_url, rb):
    compiled_rules = rb.compiled
    page = context.new_page()
    page.goto(base_url + PAGE)
    assert page.is_visible("#rc-sc-start") and not page.is_visible("#rc-q-jurisdiction")
    assert not page.is_visible(".rc-sc-progress") and page.inner_text("#rc-sc-next") == "开始自查"
    text = page.inner_text("#rc-sc-start")
    for heading in ("需要多长时间", "要准备什么", "保存什么、不保存什么", "收录了哪些规定"):
        assert heading in text
    asked = [f for f in compiled_rules["facts"] if not f.get("asked_when")]
    assert f"回答 {len(asked) + 1} 个选择题" in text and "分钟" in text
    # every jurisdiction's rule set in force, with its coverage note as the rule files state it
    items = page.eval_on_selector_all(".rc-sc-rulesets li", "els => els.map(e => [e.dataset.ruleset, e.dataset.complete, e.textContent])")
    latest: dict[str, dict] = {}
    for rs in compiled_rules["rulesets"]:
        if rs["jurisdiction"] not in latest or rs["effective"] > latest[rs["jurisdiction"]]["effective"]:
            latest[rs["jurisdiction"]] = rs
    assert sorted(i[0] for i in items) == sorted(rs["id"] for rs in latest.values())
    for rid, complete, li in items:
        rs = next(r for r in latest.values() if r["id"] == rid)
        assert rs["title"] in li and rs["coverage"]["note"] in li
        # the date as the rule pages give it: 不详 where no source states it (the stand-in is not shown)
        date = rs["effective"].split("-")
        assert ("施行日期：不详" in li) == (rs.get("effective_known") is False), li
        assert (f"{int(date[0])}年{int(date[1])}月{int(date[2])}日" in li) == (rs.get("effective_known") is not False), li
        assert (complete == "false") == (rs["coverage"]["complete"] is False)
        assert ("收录不完整" in li) == (complete == "false")
    assert any(c == "false" for _, c, _ in items), "the collected rule sets include incomplete ones"
    page.click("#rc-sc-next")
    assert page.is_visible("#rc-q-jurisdiction") and _step_no(page) == 1
    assert page.evaluate("() => document.activeElement.id") == "rc-s-0"


def test_back_and_forward_move_between_steps_and_back_from_the_start_leaves(context, base_url):
    page = context.new_page()
    page.goto(base_url + "glossary/")
    page.goto(base_url + PAGE)
    begin(page)
    page.click("label[for='rc-j-jiangsu']")
    for _ in range(3):
        page.click("#rc-sc-next")
    page.click("label[for='rc-f-cause-inexperience']")  # on step 4 (客观条件)
    assert _step_no(page) == _visible_step(page) == 4 and page.evaluate(STATE) == 3
    assert page.url == base_url + PAGE  # the URL does not change (a new one refetches the favicon)
    page.mouse.wheel(0, 600)  # the theme writes the scroll offset into the history state
    page.wait_for_timeout(300)
    for expect in (3, 2, 1, 0):
        page.go_back()
        page.wait_for_function(f"() => ({ON_START})() === {str(expect == 0).lower()}")
        assert _step_no(page) == expect, expect
        if expect:
            assert _visible_step(page) == expect and page.evaluate(STATE) == expect - 1
            assert page.evaluate("() => document.activeElement.tagName") == "H2"
    assert page.url == base_url + PAGE
    for expect in (1, 2, 3, 4):
        page.go_forward()
        page.wait_for_function(f"() => !({ON_START})()")
        assert _step_no(page) == _visible_step(page) == expect
    # moving between steps kept the answers and never reloaded the page (the same form)
    assert page.is_checked("#rc-j-jiangsu") and page.is_checked("#rc-f-cause-inexperience")
    for _ in range(4):
        page.go_back()
    assert page.evaluate(ON_START)
    page.go_back()  # Back from the start page leaves the self-check
    page.wait_for_url("**/glossary/")


def test_back_and_forward_after_instant_navigation_and_reload_clears(context, base_url):
    page = context.new_page()
    open_from_home_by_instant_navigation(page, base_url)
    page.wait_for_function("() => document.getElementById('rc-selfcheck').dataset.rcInit === '1'")
    begin(page)
    page.click("#rc-sc-next")
    page.click("label[for='rc-f-intent-inadvertent']")
    page.click("#rc-sc-next")
    page.go_back()
    assert _step_no(page) == 2 and page.is_checked("#rc-f-intent-inadvertent")
    page.go_forward()
    assert _step_no(page) == 3
    assert page.evaluate("() => window.__sameDocument === true"), "a step change reloaded the page"
    # a reload (and a step URL loaded anew) starts at the start page with nothing filled in
    page.reload()
    page.wait_for_function("() => document.getElementById('rc-selfcheck').dataset.rcInit === '1'")
    assert page.evaluate(ON_START) and page.url == base_url + PAGE
    assert not page.is_checked("#rc-f-intent-inadvertent")
    assert page.evaluate("() => history.state === null || !('rcStep' in history.state)")


def test_history_and_url_never_hold_an_answer(context, base_url):
    page = context.new_page()
    page.goto(base_url + PAGE)
    wait_ready(page)
    seen: list[tuple[str, str]] = []

    def record():
        seen.append((page.url, json.dumps(page.evaluate("() => history.state"))))

    fill_form(page, {"intent": "knowing_violation", "remedy": "concealed", "improper_benefit": "self",
                     "economic_loss_wan": 4321, "deaths": 7}, "shaanxi", AS_OF)
    record()
    submit(page)
    record()
    for _ in range(3):
        page.go_back()
        record()
    page.go_forward()
    record()
    for url, state in seen:
        assert url.startswith(base_url + PAGE)
        tail = url[len(base_url + PAGE):]
        assert tail == "", url
        assert "?" not in url
        s = json.loads(state)
        # the page's own state holds the step index only; the theme's, the scroll offset only
        assert s is None or (set(s) <= {"rcStep", "x", "y"} and all(isinstance(v, int) for v in s.values())), state
        for answer in ("knowing_violation", "concealed", "shaanxi", "4321", AS_OF, "self"):
            assert answer not in tail and answer not in state
    assert page.evaluate("() => document.cookie") == ""


def test_a_conditional_question_is_asked_only_given_its_condition(context, base_url, rb):
    """dissent (异议) only after a collective decision (facts.yaml asked_when); undone → its answer is
    dropped, and the checker reads it as 未提出异议 (value_if_not_asked)."""
    fact = rb.fact("dissent")
    cond = dict(fact.asked_when)
    assert cond == {"decision_procedure": ("followed",)}
    page = context.new_page()
    page.goto(base_url + PAGE)
    wait_ready(page)
    begin(page)
    step = int(page.eval_on_selector("#rc-q-dissent", "q => q.closest('.rc-sc-step').dataset.step"))
    assert step == int(page.eval_on_selector("#rc-q-decision_procedure", "q => q.closest('.rc-sc-step').dataset.step"))
    for _ in range(step):
        page.click("#rc-sc-next")
    assert page.is_visible("#rc-q-decision_procedure") and not page.is_visible("#rc-q-dissent")
    page.click("label[for='rc-f-decision_procedure-not_followed']")
    assert not page.is_visible("#rc-q-dissent")
    page.click("label[for='rc-f-decision_procedure-followed']")
    assert page.is_visible("#rc-q-dissent")
    page.click("label[for='rc-f-dissent-objected_in_collective_decision']")
    # the condition undone: hidden again, its answer dropped
    page.click("label[for='rc-f-decision_procedure-reported_afterwards']")
    assert not page.is_visible("#rc-q-dissent") and page.is_checked("#rc-f-dissent-unknown")
    steps = page.eval_on_selector("#rc-selfcheck", "r => Number(r.dataset.steps)")
    for _ in range(steps - 1 - step):
        page.click("#rc-sc-next")
    review = page.inner_text("#rc-sc-review")
    assert fact.question not in review  # not asked, so not listed and not counted as unanswered
    last = submit(page)
    assert last["request"]["facts"]["dissent"] == "unknown"
    assert last["request"]["facts"]["decision_procedure"] == "reported_afterwards"
    # a decision not made collectively leaves nothing to object to (facts.yaml value_if_not_asked)
    assert json.loads(last["json"])["facts"]["dissent"] == "none"
    assert fact.question not in page.inner_text("#rc-sc-verdict")
    # asked and answered: the answer reaches the checker
    page.click(".rc-sc-actions button:nth-of-type(2)")  # 修改回答 → the review
    page.click("#rc-sc-review button[aria-label='修改：" + rb.fact("decision_procedure").question + "']")
    page.click("label[for='rc-f-decision_procedure-followed']")
    page.click("label[for='rc-f-dissent-objected_in_collective_decision']")
    page.click("#rc-sc-to-review")
    assert fact.question in page.inner_text("#rc-sc-review")
    last = submit(page)
    assert last["request"]["facts"]["dissent"] == "objected_in_collective_decision"
    assert "nat-si-17-1-2-dissent" in [r["id"] for r in json.loads(last["json"])["reasons"]]


def test_review_lists_the_unanswered_questions_with_links_back(context, base_url, rb):
    page = context.new_page()
    page.goto(base_url + PAGE)
    answered = {"intent": "inadvertent", "remedy": "proactive", "decision_procedure": "not_followed"}
    fill_form(page, answered, "national", AS_OF)
    open_ids = page.eval_on_selector_all(".rc-sc-open-list li", "els => els.map(e => e.dataset.fact)")
    expected = [f.id for f in rb.facts if f.is_asked(answered) and f.id not in answered]
    assert sorted(open_ids) == sorted(expected) and "dissent" not in open_ids
    assert f"有 {len(expected)} 个问题的回答是“不清楚”" in page.inner_text("#rc-sc-review")
    # each names its question and step; the link goes back to it, and 回到核对页 returns
    cause = rb.fact("cause")
    item = page.inner_text(".rc-sc-open-list li[data-fact='cause']")
    step = int(page.eval_on_selector("#rc-q-cause", "q => q.closest('.rc-sc-step').dataset.step")) + 1
    assert cause.question in item and f"第 {step} 步" in item
    page.click(".rc-sc-open-list li[data-fact='cause'] button")
    assert _step_no(page) == step and page.evaluate(STATE) == step - 1
    assert page.evaluate("() => document.activeElement.id") == "rc-f-cause-unknown"
    page.click("label[for='rc-f-cause-inexperience']")
    page.click("#rc-sc-to-review")
    assert page.eval_on_selector_all(".rc-sc-open-list li", "els => els.map(e => e.dataset.fact)") == \
        [i for i in open_ids if i != "cause"]
    page.go_back()  # Back from the review returns to the question just changed
    assert _step_no(page) == step and page.is_checked("#rc-f-cause-inexperience")


def test_a_source_link_opens_in_a_new_tab_and_the_answers_stay(context, base_url):
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort())  # offline
    page = context.new_page()
    page.goto(base_url + PAGE)
    wait_ready(page)
    fill_form(page, {"intent": "inadvertent", "remedy": "proactive"}, "national", AS_OF)
    submit(page)
    link = "#rc-sc-verdict a[href^='http']:visible >> nth=0"
    page.eval_on_selector_all("#rc-sc-verdict details", "ds => ds.forEach(d => { d.open = true; })")
    with context.expect_page() as popup:
        page.click(link)
    assert popup.value != page
    assert page.get_attribute(link, "target") == "_blank"
    assert page.get_attribute(link, "rel") == "noopener noreferrer"
    assert page.is_visible("#rc-sc-verdict .rc-sc-outcome") and page.is_checked("#rc-f-intent-inadvertent")
