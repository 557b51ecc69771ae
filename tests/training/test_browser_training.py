"""The trainers' kit in real Chromium: decide-then-reveal, the quiz score, the projector keys, nothing
stored or sent, and every handout printing to the expected number of A4 pages without site chrome."""

from __future__ import annotations

import math
import re
from urllib.parse import urlsplit

import pytest

from rongcuo_site import training  # the page-layout constants of the trainers' kit

from .conftest import CONTENT, ROOT

FORBIDDEN_JS = ("fetch(", "XMLHttpRequest", "localStorage", "sessionStorage", "indexedDB", "document.cookie",
                "sendBeacon", "WebSocket", "EventSource", "caches.", "serviceWorker", "postMessage", "eval(",
                "new Function", "innerHTML")

STORAGE_STATE = """async () => ({
  cookie: document.cookie,
  local: window.localStorage.length,
  session: window.sessionStorage.length,
  idb: (indexedDB.databases ? (await indexedDB.databases()).map(d => d.name) : []),
})"""


@pytest.fixture()
def pg(browser, base_url):
    """A fresh page; every request after the first load is recorded in pg.later."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.errors = []
    page.later = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.base = base_url
    yield page
    ctx.close()


def open_page(page, path: str) -> None:
    page.goto(page.base + path, wait_until="load")
    page.wait_for_load_state("networkidle")
    page.on("request", lambda r: page.later.append(r.url))


def assert_private(page) -> None:
    """No request after load (same or other origin) and no trace in any storage. The browser fetches
    the site's own favicon on its own schedule (sometimes after load): that request carries nothing."""
    later = [u for u in page.later if not (u.startswith(page.base) and u.endswith("/assets/images/favicon.png"))]
    assert later == [], later
    st = page.evaluate(STORAGE_STATE)
    assert st == {"cookie": "", "local": 0, "session": 0, "idb": []}, st
    assert page.errors == [], page.errors


def test_training_script_uses_no_storage_or_network_api():
    src = (CONTENT / "assets" / "training" / "training.js").read_text(encoding="utf-8")
    code = re.sub(r"/\*.*?\*/", "", src, flags=re.S)
    code = re.sub(r"(?m)^\s*//.*$", "", code)
    assert not [w for w in FORBIDDEN_JS if w in code]


def test_no_inline_script_on_training_pages(built_site):
    for f in (built_site / "training").rglob("index.html"):
        text = f.read_text(encoding="utf-8")
        article = text[text.index('<article class="md-content__inner'):text.index("</article>", text.index('<article class="md-content__inner'))]
        for m in re.finditer(r"<script(?P<a>[^>]*)>(?P<b>.*?)</script>", article, re.S):
            assert "src=" in m.group("a") and not m.group("b").strip(), f
        assert ' style="' not in article, f  # the CSP allows no inline style


def test_decide_then_reveal(pg, rb):
    open_page(pg, "training/cards/f10-banned-borrowing/")
    card = pg.locator("[data-rc-card]")
    expected = card.get_attribute("data-outcome")
    label = card.get_attribute("data-outcome-label")
    reveal = pg.locator(".rc-reveal")
    assert not reveal.is_visible()
    # nothing chosen: the verdict stays hidden and the page says why
    pg.click(".rc-reveal-btn")
    assert not reveal.is_visible()
    assert "第一步" in pg.text_content(".rc-decide-msg")
    # an outcome but no reason: still hidden
    wrong = next(o for o in ("eligible", "mitigable", "not_eligible", "undetermined") if o != expected)
    pg.check(f".rc-decide input[type=radio][value={wrong}]")
    pg.click(".rc-reveal-btn")
    assert not reveal.is_visible()
    assert "第二步" in pg.text_content(".rc-decide-msg")
    # a reason: revealed, compared, locked
    pg.check('.rc-decide input[type=checkbox][value="nat-ex-prohibited"]')
    pg.check('.rc-decide input[type=checkbox][value="nat-si-17-1-pilot"]')
    pg.click(".rc-reveal-btn")
    assert reveal.is_visible()
    compare = pg.text_content(".rc-compare")
    assert f"检查器的结论是“{label}”" in compare
    assert "明令禁止后依然我行我素" in compare.split("检查器也认定成立的：", 1)[1].split("。", 1)[0]
    assert "推进改革中因缺乏经验" in compare.split("检查器不认为成立的：", 1)[1]
    assert pg.text_content(".rc-outcome .admonition-title") == f"检查器的结论：{label}"
    assert card.get_attribute("data-result") == "wrong"
    assert pg.locator(".rc-decide input[type=radio]").first.is_disabled()
    # the reasons list shows the checker's status of the chosen item
    assert pg.text_content('.rc-reveal li[data-id="nat-ex-prohibited"] .rc-sc-status') == "触及"
    # again, with the right answer
    pg.click(".rc-reset-btn")
    assert not reveal.is_visible()
    pg.check(f".rc-decide input[type=radio][value={expected}]")
    pg.fill(".rc-note", "上级已经明令禁止")
    pg.click(".rc-reveal-btn")
    assert reveal.is_visible()
    assert pg.text_content(".rc-compare").startswith(f"您的判断与检查器一致：{label}")
    assert card.get_attribute("data-result") == "right"
    assert_private(pg)


def test_real_card_reveals_actual_decision(pg):
    open_page(pg, "training/cards/r02-xiaogan-epidemic-pass/")
    actual = pg.locator(".rc-actual")
    assert not actual.is_visible()
    pg.check(".rc-decide input[type=radio][value=eligible]")
    pg.check('.rc-decide input[type=checkbox][value="nat-co-work-error"]')
    pg.click(".rc-reveal-btn")
    assert actual.is_visible()
    assert "实际处理结果" in actual.text_content()
    assert_private(pg)


def test_quiz_score(pg):
    open_page(pg, "training/quiz/")
    qs = pg.locator(".rc-quiz-q")
    total = qs.count()
    assert total >= 24
    assert pg.text_content(".rc-score") == "0"
    # unanswered submit: no score change
    qs.nth(0).locator(".rc-quiz-submit").click()
    assert pg.text_content(".rc-answered") == "0"
    assert qs.nth(0).locator(".rc-quiz-msg").text_content()
    right_target = 0
    for i in range(total):
        q = qs.nth(i)
        answer = q.get_attribute("data-answer")
        if i % 3 == 0:
            choice = answer
            right_target += 1
        else:
            actual = q.get_attribute("data-actual")  # a real case's real outcome counts as right too
            choice = next(o for o in ("eligible", "mitigable", "not_eligible", "undetermined") if o not in (answer, actual))
        q.locator(f"input[type=radio][value={choice}]").check()
        q.locator(".rc-quiz-submit").click()
        assert q.locator(".rc-quiz-feedback").is_visible()
    assert pg.text_content(".rc-score") == str(right_target)
    assert pg.text_content(".rc-answered") == str(total)
    assert pg.locator(".rc-quiz-q[data-result=right]").count() == right_target
    pg.click(".rc-quiz-restart")
    assert pg.text_content(".rc-score") == "0" and pg.text_content(".rc-answered") == "0"
    assert not qs.nth(0).locator(".rc-quiz-feedback").is_visible()
    assert_private(pg)


def test_projector_keys(pg):
    open_page(pg, "training/projector/")
    assert pg.locator(".rc-slide[data-talk]:visible").count() == 0  # talking points only when chosen
    slides = pg.locator(".rc-slide:not([data-talk])")
    n = slides.count()
    visible = lambda: [i for i in range(n) if slides.nth(i).is_visible()]  # noqa: E731
    assert visible() == [0]
    body = pg.locator("body")
    body.press("ArrowRight")
    body.press("ArrowRight")
    assert visible() == [2]
    body.press("ArrowLeft")
    assert visible() == [1]
    assert "第 2 张" in pg.text_content(".rc-counter")
    ans = slides.nth(1).locator(".rc-slide-answer")
    assert not ans.is_visible()
    body.press("Enter")
    assert ans.is_visible()
    body.press("End")
    assert visible() == [n - 1]
    body.press("ArrowRight")
    assert visible() == [n - 1]
    body.press("Home")
    assert visible() == [0]
    # the theme's own shortcut (f opens search) does not fire inside the projector
    body.press("r")
    assert slides.nth(0).locator(".rc-slide-answer").is_visible()
    assert_private(pg)


def test_projector_starts_at_the_card_in_the_address(pg):
    open_page(pg, "training/projector/#f05-flood-embankment")
    assert pg.locator("#f05-flood-embankment").is_visible()
    assert pg.locator(".rc-slide:visible").count() == 1


# ------------------------------------------------------------------------------- handouts on A4

def _pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    boxes = []
    for m in re.finditer(rb"/Type\s*/Page\b(?!s)(.*?)endobj", pdf, re.S):
        mb = re.search(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", m.group(1))
        boxes.append((float(mb.group(3)), float(mb.group(4))) if mb else (0.0, 0.0))
    return boxes


def _expected_pages(name: str, built_site, cards) -> int:
    from selfcheck.load import compile_rules

    compiled = compile_rules(ROOT / "rules")
    n = len(cards)
    return {
        "summary": 1,
        "procedure": len([k for k in ("model", "national") if k in compiled["procedures"]]),
        "worksheet": math.ceil(len(compiled["facts"]) / training.WORKSHEET_FACTS_PER_PAGE),
        "deck": math.ceil(n / training.DECK_FRONT_PER_PAGE) + math.ceil(n / training.DECK_ANSWERS_PER_PAGE),
    }[name]


@pytest.mark.parametrize("name", ["summary", "procedure", "worksheet", "deck"])
def test_handout_prints_to_expected_a4_pages_without_chrome(pg, built_site, cards, name):
    open_page(pg, f"training/handouts/{name}/")
    declared = int(pg.get_attribute(".rc-handout", "data-rc-pages"))
    assert declared == _expected_pages(name, built_site, cards)
    pg.emulate_media(media="print")
    chrome = pg.evaluate("""() => ['.md-header', '.md-tabs', '.md-sidebar--primary', '.md-sidebar--secondary',
        '.md-search', '.md-footer', '.md-top', '.md-content h1', '.md-content__button']
        .flatMap(s => [...document.querySelectorAll(s)])
        .filter(e => getComputedStyle(e).display !== 'none' && e.getClientRects().length)
        .map(e => e.className || e.tagName)""")
    assert chrome == [], chrome
    # besides the handout, nothing of the page's content prints
    stray = pg.evaluate("""() => [...document.querySelector('.md-typeset').children]
        .filter(e => !e.classList.contains('rc-handout') && getComputedStyle(e).display !== 'none'
                && e.getClientRects().length).map(e => e.tagName + '.' + e.className)""")
    assert stray == [], stray
    sheets = pg.locator(".rc-sheet").count()
    assert sheets == declared
    pdf = pg.pdf(format="A4", print_background=False)
    boxes = _pdf_pages(pdf)
    assert len(boxes) == declared, f"{name}: {len(boxes)} pages, expected {declared}"
    for w, h in boxes:  # A4 = 595.28 x 841.89 pt (Chromium rounds to 595.92 x 842.88)
        assert abs(w - 595.5) < 2 and abs(h - 842.4) < 2, (w, h)
    assert_private(pg)


def test_handout_index_lists_page_counts(built_site, cards):
    text = (built_site / "training" / "handouts" / "index.html").read_text(encoding="utf-8")
    for name in ("summary", "procedure", "worksheet", "deck"):
        m = re.search(rf'<a href="{name}/">[^<]+</a></td><td>[^<]*</td><td>(\d+)</td>', text)
        assert m and int(m.group(1)) == _expected_pages(name, built_site, cards), name


def test_kit_pages_load_only_from_the_site(pg):
    origin = urlsplit(pg.base).netloc
    requests: list[str] = []
    pg.on("request", lambda r: requests.append(r.url))
    for path in ("training/", "training/cards/", "training/plan-1-new-cadres/", "training/plan-2-leaders/",
                 "training/plan-3-workshop/", "training/handouts/"):
        pg.goto(pg.base + path, wait_until="load")
        pg.wait_for_load_state("networkidle")
        assert pg.errors == [], (path, pg.errors)
    assert requests and all(urlsplit(u).netloc == origin for u in requests), requests


def test_kit_works_after_instant_navigation(pg):
    """mkdocs-material swaps pages without reloading: the kit's script must set up the new page."""
    open_page(pg, "training/cards/")
    pg.evaluate("window.__sameDocument = true")
    pg.click('a[href$="f01-one-window-pilot/"]')
    pg.wait_for_url("**/f01-one-window-pilot/")
    pg.wait_for_selector("[data-rc-card][data-rc-ready]")
    assert pg.evaluate("window.__sameDocument === true"), "the theme reloaded the page instead of swapping it"
    pg.check(".rc-decide input[type=radio][value=eligible]")
    pg.check('.rc-decide input[type=checkbox][value="nat-si-17-1-pilot"]')
    pg.click(".rc-reveal-btn")
    assert pg.locator(".rc-reveal").is_visible()
    pg.click('.rc-card-nav a[href*="projector/"]')
    pg.wait_for_url("**/projector/#f01-one-window-pilot")
    pg.wait_for_selector("[data-rc-projector][data-rc-ready]")
    assert pg.evaluate("window.__sameDocument === true")
    assert pg.locator("#f01-one-window-pilot").is_visible()
    pg.locator("body").press("ArrowRight")
    assert pg.locator(".rc-slide:visible").get_attribute("id") == "f02-investment-policy-change"
    assert pg.errors == [], pg.errors


def test_every_card_reveals_the_checkers_verdict_in_the_browser(pg, cards, rb):
    """Each card page, driven like a trainee: hidden until an outcome and a reason are given, then
    the revealed label is evaluate()'s label for the card's facts."""
    from selfcheck.explain import evaluate

    for c in cards:
        pg.goto(pg.base + f"training/cards/{c['id']}/", wait_until="load")
        card = pg.locator("[data-rc-card]")
        v = evaluate(rb, c["facts"], c.get("jurisdiction") or "national", card.get_attribute("data-as-of"))
        assert not pg.locator(".rc-reveal").is_visible(), c["id"]
        pg.check(f".rc-decide input[type=radio][value={v['outcome']}]")
        pg.locator(".rc-decide input[type=checkbox]").first.check()
        pg.click(".rc-reveal-btn")
        assert pg.locator(".rc-reveal").is_visible(), c["id"]
        assert pg.text_content(".rc-outcome .admonition-title") == f"检查器的结论：{v['label']}", c["id"]
        assert pg.text_content(".rc-compare").startswith(f"您的判断与检查器一致：{v['label']}"), c["id"]
        assert pg.locator(".rc-actual").count() == (1 if c["kind"] == "real" else 0), c["id"]
    assert pg.errors == [], pg.errors


def test_projector_runs_a_plans_group(pg, built_site):
    """The group links on the session plans project only those cards, in the plan's order."""
    plan = (built_site / "training" / "plan-1-new-cadres" / "index.html").read_text(encoding="utf-8")
    m = re.search(r'href="(\.\./projector/\?cards=((?!talk-)[^"#]+))"', plan)
    assert m, "plan 1 has no group projector link"
    ids = m.group(2).split(",")
    open_page(pg, "training/" + m.group(1)[3:])
    seen = []
    for _ in range(len(ids) + 2):
        (cur,) = pg.eval_on_selector_all(".rc-slide", "els => els.filter(e => !e.hidden).map(e => e.id)")
        if not seen or seen[-1] != cur:
            seen.append(cur)
        pg.locator("body").press("ArrowRight")
    assert seen == ids
    assert f"共 {len(ids)} 张" in pg.text_content(".rc-counter")
    assert_private(pg)


def test_quiz_accepts_the_real_outcome_of_a_real_case(pg):
    open_page(pg, "training/quiz/")
    real = pg.locator(".rc-quiz-q[data-actual]")
    assert real.count() >= 5
    differ = 0
    for i in range(real.count()):
        q = real.nth(i)
        actual, answer = q.get_attribute("data-actual"), q.get_attribute("data-answer")
        assert "实际处理（据公开报道）" in q.locator(".rc-quiz-feedback").text_content()
        if actual == answer:
            continue
        differ += 1
        q.locator(f"input[type=radio][value={actual}]").check()
        q.locator(".rc-quiz-submit").click()
        assert q.get_attribute("data-result") == "right"
        assert "实际的处理结果" in q.locator(".rc-quiz-verdict").text_content()
    assert differ >= 1  # e.g. 孝感: the real 免责 beside the checker's 需进一步核查
    wrong = next(o for o in ("eligible", "mitigable", "not_eligible", "undetermined")
                 if o not in (real.nth(0).get_attribute("data-actual"), real.nth(0).get_attribute("data-answer")))
    q = real.nth(0)
    if q.get_attribute("data-result") is None:
        q.locator(f"input[type=radio][value={wrong}]").check()
        q.locator(".rc-quiz-submit").click()
        assert q.get_attribute("data-result") == "wrong"
        assert "实际的处理结果是" in q.locator(".rc-quiz-verdict").text_content()


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)])
def test_projector_slides_fit_the_screen_before_and_after_reveal(browser, base_url, size):
    """Presenting: no site chrome, one counter, every slide and its revealed verdict on one screen,
    the verdict's key line in large type."""
    width, height = size
    ctx = browser.new_context(viewport={"width": width, "height": height})
    page = ctx.new_page()
    page.goto(base_url + "training/projector/", wait_until="load")
    assert not page.locator(".md-header").is_visible() and not page.locator("h1").is_visible()
    assert page.locator(".rc-counter").is_visible() and page.locator(".rc-slide-num:visible").count() == 0
    slides = page.locator(".rc-slide:not([data-talk])")
    body = page.locator("body")
    overflow = []
    for i in range(slides.count()):
        s = slides.nth(i)
        for state in ("story", "verdict"):
            if state == "verdict":
                body.press("Enter")
            box = s.evaluate("""s => ({scroll: s.scrollHeight, client: s.clientHeight, bottom: s.getBoundingClientRect().bottom,
                                     page: document.documentElement.scrollHeight})""")
            if box["scroll"] > box["client"] + 1 or box["bottom"] > height + 1 or box["page"] > height + 1:
                overflow.append((s.get_attribute("data-card"), state, box))
            text_px = float(s.evaluate("s => getComputedStyle(s).fontSize").rstrip("px"))
            assert text_px >= (24 if height >= 1080 else 16), (s.get_attribute("data-card"), state, text_px)
        title = s.locator(".rc-slide-answer .rc-outcome .admonition-title")
        r = title.bounding_box()
        assert r and r["y"] >= 0 and r["y"] + r["height"] <= height, s.get_attribute("data-card")
        size_px = float(title.evaluate("e => getComputedStyle(e).fontSize").rstrip("px"))
        assert size_px >= (28 if height >= 1080 else 18), (s.get_attribute("data-card"), size_px)
        body.press("ArrowRight")
    assert overflow == []
    # Esc shows the site again (and hides it again)
    body.press("Escape")
    assert page.locator(".md-header").is_visible()
    body.press("Escape")
    assert not page.locator(".md-header").is_visible()
    ctx.close()


def test_a_plans_group_prints_just_its_cards(pg, built_site):
    """The plan's print link lays out only its cards, numbered as in the plan, on the A4 sheets they need."""
    plan = (built_site / "training" / "plan-1-new-cadres" / "index.html").read_text(encoding="utf-8")
    m = re.search(r'href="(\.\./handouts/deck/\?cards=([^"#]+))"', plan)
    assert m, "plan 1 has no link that prints its group"
    assert m.group(2) in re.search(r'href="\.\./projector/\?cards=((?!talk-)[^"#]+)"', plan).group(1)  # the same selection
    ids = m.group(2).split(",")[:3]
    open_page(pg, "training/handouts/deck/?cards=" + ",".join(ids))
    fronts = pg.eval_on_selector_all(".rc-deck-card", "els => els.map(e => [e.dataset.card, e.querySelector('.rc-card-num').textContent])")
    assert fronts == [[cid, f"卡片 {n}"] for n, cid in enumerate(ids, 1)]
    answers = pg.eval_on_selector_all(".rc-deck-answer", "els => els.map(e => e.dataset.card)")
    assert answers == ids
    expected = math.ceil(len(ids) / training.DECK_FRONT_PER_PAGE) + math.ceil(len(ids) / training.DECK_ANSWERS_PER_PAGE)
    assert int(pg.get_attribute(".rc-handout", "data-rc-pages")) == expected
    pg.emulate_media(media="print")
    assert len(_pdf_pages(pg.pdf(format="A4", print_background=False))) == expected
    assert_private(pg)


# ------------------------------------------------------------------ talking points for 讲解 segments

def _sections(stem: str) -> list[str]:
    """The ## headings of an explainer, read from its source, without the ones that only point elsewhere."""
    text = (CONTENT / "understand" / f"{stem}.md").read_text(encoding="utf-8")
    heads = [re.sub(r"\s*\{[^}]*\}$", "", h).strip() for h in re.findall(r"^## (.+)$", text, re.M)]
    return [h for h in heads if not h.startswith(training.TALK_SKIP)]


def _talk_links(built_site, plan: str) -> dict[str, list[str]]:
    """A plan's 讲解 rows (their time) -> the ids of the talking-point slides their link projects."""
    page = (built_site / "training" / plan / "index.html").read_text(encoding="utf-8")
    out = {}
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        if len(cells) > 1 and cells[1].strip() == "讲解":
            m = re.search(r'href="\.\./projector/\?cards=(talk-[^"#]+)"', row)
            assert m, (plan, cells[0])
            out[cells[0].strip()] = m.group(1).split(",")
    return out


@pytest.mark.parametrize(("when", "stems"), [("10–25 分钟", ["three-distinctions", "which-errors"]),
                                           ("55–70 分钟", ["who", "how"])])
def test_the_90_minute_plans_talk_segments_have_slides_from_the_explainers(pg, built_site, when, stems):
    ids = _talk_links(built_site, "plan-2-leaders")[when]
    assert all(i.startswith("talk-") for i in ids)
    open_page(pg, "training/projector/?cards=" + ",".join(ids))
    headings = []
    for k in range(len(ids)):
        (cur,) = pg.eval_on_selector_all(".rc-slide", "els => els.filter(e => !e.hidden).map(e => e.id)")
        assert cur == ids[k]
        s = pg.locator(f"#{cur}")
        headings.append(s.locator(".rc-slide-title").text_content())
        assert s.locator(".rc-talk-point, .rc-talk-items li").count() >= 1, cur  # one point, said in words
        assert not pg.locator(".rc-show").is_visible()  # nothing to reveal on a talking point
        pg.locator("body").press(["ArrowRight", "PageDown", " "][k % 3])
    # one slide per section of the explainers the row names, in page order
    assert headings == [h for st in stems for h in _sections(st)]
    assert f"共 {len(ids)} 张" in pg.text_content(".rc-counter")
    pg.locator("body").press("PageUp")
    pg.locator("body").press("ArrowLeft")
    (cur,) = pg.eval_on_selector_all(".rc-slide", "els => els.filter(e => !e.hidden).map(e => e.id)")
    assert cur == ids[-3]
    assert_private(pg)


def test_talking_point_sentences_come_from_the_explainer(built_site):
    page = (built_site / "training" / "projector" / "index.html").read_text(encoding="utf-8")
    talks = re.findall(r'<section class="rc-slide rc-slide--talk" id="talk-([\w-]+?)-\d+"(.*?)</section>', page, re.S)
    assert len(talks) > 15
    for stem, body in talks:
        source = re.sub(r"[*`]|\[\^[^\]]*\]|\]\([^)]*\)|\[|\{[^}]*\}", "", (CONTENT / "understand" / f"{stem}.md").read_text(encoding="utf-8"))
        source = re.sub(r"\s+", "", source)
        for m in re.findall(r'<p class="rc-talk-point">(.*?)</p>', body):
            sentence = re.sub(r"\s+", "", html_unescape(m))
            assert sentence[:20] in source, (stem, sentence[:30])


def html_unescape(s: str) -> str:
    import html

    return html.unescape(s)


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)])
def test_talking_point_slides_fit_the_screen(browser, base_url, built_site, size):
    width, height = size
    ids = [i for ids in _talk_links(built_site, "plan-2-leaders").values() for i in ids]
    ctx = browser.new_context(viewport={"width": width, "height": height})
    page = ctx.new_page()
    page.goto(base_url + "training/projector/?cards=" + ",".join(ids), wait_until="load")
    assert not page.locator(".md-header").is_visible()
    overflow = []
    for _ in ids:
        s = page.locator(".rc-slide:visible")
        box = s.evaluate("""s => ({id: s.id, scroll: s.scrollHeight, client: s.clientHeight,
                                  bottom: s.getBoundingClientRect().bottom, page: document.documentElement.scrollHeight,
                                  px: parseFloat(getComputedStyle(s).fontSize)})""")
        if box["scroll"] > box["client"] + 1 or box["bottom"] > height + 1 or box["page"] > height + 1:
            overflow.append(box)
        assert box["px"] >= (24 if height >= 1080 else 16), box
        page.locator("body").press("ArrowRight")
    assert overflow == []
    ctx.close()
