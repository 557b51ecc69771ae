"""The result page in Chromium: the answer on the first screen (desktop and phone), a printout of at
most two A4 pages, the application draft made in the page without a request, source links in a
new tab."""

from __future__ import annotations

import re

import pytest

from tests.selfcheck_page.helpers import AS_OF, PAGE, fill_form, scenarios, submit, wait_ready

SIZES = {"desktop": (1366, 768), "phone": (390, 844)}


def eligible_facts() -> dict:
    for j, _, sc in scenarios():
        if j == "national" and sc.get("outcome") == "eligible":
            return dict(sc["facts"])
    raise AssertionError("no eligible national scenario")


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def checked_page(context, base_url, facts: dict, jurisdiction: str = "national", size=(1366, 768)):
    page = context.new_page()
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(base_url + PAGE)
    wait_ready(page)
    fill_form(page, facts, jurisdiction, AS_OF)
    submit(page)
    return page


def check_again(page, facts: dict, jurisdiction: str = "national") -> None:
    """From a shown verdict, 重新开始 (confirmed) and a new check in the same page: the checker stays
    loaded, as for a user who checks a second situation."""
    page.emulate_media(media="screen")
    page.once("dialog", lambda d: d.accept())
    page.click(".rc-sc-actions [data-rc-action=restart]")
    assert page.evaluate("() => window.rongcuoSelfcheck.last") is None
    fill_form(page, facts, jurisdiction, AS_OF)
    submit(page)


@pytest.mark.parametrize("size", SIZES, ids=list(SIZES))
def test_first_screen_holds_the_answer_why_and_next_steps(context, base_url, size):
    page = None
    for facts in (eligible_facts(), {"intent": "inadvertent"}):  # an eligible and an undetermined verdict
        if page is None:
            page = checked_page(context, base_url, facts, size=SIZES[size])
        else:
            check_again(page, facts)
        page.wait_for_timeout(200)  # scrollIntoView of the verdict
        box = page.evaluate("""() => {
          const r = (s) => { const e = document.querySelector(s); if (!e) return null;
            const b = e.getBoundingClientRect(); return {top: b.top, bottom: b.bottom}; };
          return {h: innerHeight, outcome: r('.rc-sc-outcome'), why: r('.rc-sc-why'),
                  next: r('.rc-v-next h3'), advice: r('.rc-sc-advice'), basis: r('.rc-v-basis')};
        }""")
        h = box["h"]
        assert box["outcome"]["top"] >= 0 and box["outcome"]["bottom"] <= h, (size, box)
        assert box["why"]["bottom"] <= h, (size, box)
        assert box["next"]["bottom"] <= h and box["advice"]["top"] < h - 40, (size, box)
        assert page.evaluate("() => !document.querySelector('.rc-v-basis').open")  # the detailed basis is closed
        assert page.evaluate("() => document.documentElement.scrollWidth") <= SIZES[size][0]
    page.close()


def test_a_printed_result_is_at_most_two_a4_pages(context, base_url, tmp_path):
    # A new page for each verdict. Headless Chromium now and then paginates the same verdict onto three
    # A4 pages, from new pages too. Keeping the two-column answers list whole (selfcheck.css) took that
    # from about 1 print in 14 to 0 in 81 in a browser of its own, but it still happens in the whole
    # suite now and then; the cause is not found. A failure keeps the PDF and says what a second print
    # of the same page gives, for whoever looks into it.
    for facts in (eligible_facts(), {"intent": "inadvertent"}, {}):
        for jurisdiction in ("national", "jiangsu", "shaanxi"):
            page = checked_page(context, base_url, facts, jurisdiction)
            page.emulate_media(media="print")
            assert page.is_visible(".rc-v-printhead") and page.is_visible(".rc-sc-answers")
            head = page.inner_text(".rc-v-printhead")
            assert "打印日期" in head and "规则版本" in head and "施行的规定" in head
            assert not page.is_visible(".rc-sc-actions") and not page.is_visible(".rc-sc-r")  # the basis stays closed
            # the comparison table prints its region names on one line
            widths = page.eval_on_selector_all(".rc-sc-compare th[scope=row]", "els => els.map(e => e.getClientRects().length)")
            assert widths and all(w == 1 for w in widths)
            pdf = page.pdf(format="A4")
            n = pdf_pages(pdf)
            if not 1 <= n <= 2:
                kept = tmp_path / f"{jurisdiction}-{len(facts)}.pdf"
                kept.write_bytes(pdf)
                again = pdf_pages(page.pdf(format="A4"))
                height = page.evaluate("() => document.querySelector('#rc-sc-verdict').getBoundingClientRect().height")
                raise AssertionError(f"{facts}, {jurisdiction}: {n} A4 pages (a second print of the same page: "
                                     f"{again}; verdict {height:.0f} px high in print media; PDF kept in {kept})")
            page.close()


def test_application_draft_is_made_in_the_page_and_prints_alone(context, base_url, rb):
    requests: list[str] = []
    page = checked_page(context, base_url, eligible_facts())
    page.on("request", lambda r: requests.append(r.url))
    v = page.evaluate("() => JSON.parse(window.rongcuoSelfcheck.last.json)")
    assert v["outcome"] == "eligible"
    page.click(".rc-sc-actions [data-rc-action=draft]")
    assert page.is_visible("#rc-sc-draft") and not page.is_visible("#rc-sc-verdict")
    draft = page.inner_text("#rc-sc-draft")
    assert rb.texts["application"]["title_eligible"] in draft
    for r in v["reasons"]:
        if r["kind"] in ("situations", "conditions") and r["status"] == "met":
            assert r["title"] in draft and r["cite"]["article"] in draft
    assert f"{rb.fact('work_context').name}：{rb.fact('work_context').label(v['facts']['work_context'])}。" in draft
    # the user can edit the text before printing; it is printed without the verdict or the buttons
    page.click(".rc-app-doc h4")
    page.keyboard.type("补充")
    assert "补充" in page.inner_text(".rc-app-doc")
    page.emulate_media(media="print")
    assert page.is_visible(".rc-app-doc") and not page.is_visible(".rc-sc-outcome")
    assert not page.is_visible(".rc-app-intro") and not page.is_visible("#rc-sc-draft .rc-sc-actions")
    assert pdf_pages(page.pdf(format="A4")) <= 2
    page.emulate_media(media="screen")
    page.click("#rc-sc-draft [data-rc-action=back]")
    assert page.is_visible("#rc-sc-verdict") and not page.is_visible("#rc-sc-draft")
    assert requests == [], requests
    # leaving the page wipes the draft with the answers
    page.evaluate("() => window.dispatchEvent(new PageTransitionEvent('pagehide', {persisted: true}))")
    assert page.inner_html("#rc-sc-draft") == "" and page.evaluate("() => window.rongcuoSelfcheck.last") is None


def test_source_links_open_in_a_new_tab(context, base_url):
    page = checked_page(context, base_url, {"intent": "inadvertent"})
    links = page.eval_on_selector_all("#rc-sc-verdict a[href^=http]", "els => els.map(a => [a.target, a.rel])")
    assert links and all(t == "_blank" and "noopener" in r for t, r in links)
