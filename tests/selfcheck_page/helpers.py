"""Helpers shared by the self-check browser tests."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.site.conftest import ROOT

PAGE = "selfcheck/"
AS_OF = "2025-06-30"


def open_from_home_by_instant_navigation(page, base_url: str) -> None:
    """Load the home page and follow its link to the self-check; the theme must swap the page in place
    (instant navigation: the marker set on the home page's window survives)."""
    page.goto(base_url)
    page.evaluate("() => { window.__sameDocument = true; }")
    page.click(".md-content a[href$='selfcheck/'] >> nth=0")
    page.wait_for_selector("#rc-selfcheck")
    assert page.evaluate("() => window.__sameDocument === true"), "not an instant (same-document) navigation"


def wait_ready(page, timeout=90_000):
    page.wait_for_function("() => window.rongcuoSelfcheck && ['ready', 'failed'].includes(window.rongcuoSelfcheck.state)",
                           timeout=timeout)
    state = page.evaluate("() => window.rongcuoSelfcheck.state")
    assert state == "ready", page.inner_text("#rc-sc-load-text")


def fill_form(page, facts: dict, jurisdiction: str, as_of: str | None):
    """Answer through the UI: one step after the other (clicking the labels), then open the review."""
    for _ in range(20):
        if not page.is_visible("#rc-sc-prev"):
            break
        page.click("#rc-sc-prev")
    begin(page)
    page.click(f"label[for='rc-j-{jurisdiction}']")
    if as_of:
        page.fill("#rc-asof", as_of)
    steps = page.eval_on_selector("#rc-selfcheck", "r => Number(r.dataset.steps)")
    for _ in range(steps - 1):
        for fs in page.query_selector_all(".rc-sc-step:not([hidden]) fieldset[data-fact]"):
            if not fs.is_visible():  # asked only given an earlier answer (facts.yaml asked_when)
                continue
            fid = fs.get_attribute("data-fact")
            value = facts.get(fid, "unknown")
            if isinstance(value, bool):
                value = "yes" if value else "no"
            page.click(f"label[for='rc-f-{fid}-{value}']")
        for q in page.query_selector_all(".rc-sc-step:not([hidden]) [data-quantity]"):
            qid = q.get_attribute("data-quantity")
            if facts.get(qid) is not None:
                page.fill(f"#rc-n-{qid}", str(facts[qid]))
        page.click("#rc-sc-next")
    assert page.is_visible("#rc-sc-review")


def begin(page):
    """From the start page (shown first) to step 1; nothing when a step is already shown."""
    if page.is_visible("#rc-sc-start"):
        page.click("#rc-sc-next")
    assert page.is_visible("#rc-q-jurisdiction")


def submit(page):
    page.click("#rc-sc-submit")
    page.wait_for_selector("#rc-sc-verdict:not([hidden]) .rc-sc-outcome", timeout=30_000)
    return page.evaluate("() => window.rongcuoSelfcheck.last")


def cli(*args: str, facts: dict) -> dict:
    r = subprocess.run([sys.executable, "-m", "selfcheck", *args, "--facts", "-"], input=json.dumps(facts),
                       capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(r.stdout)


def scenarios() -> list[tuple[str, str, dict]]:
    import yaml

    out = []
    for path in sorted((ROOT / "tests" / "scenarios").glob("*/*.yaml")):
        for i, sc in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")) or []):
            out.append((path.parent.name, f"{path.parent.name}/{path.name}#{i + 1}", sc))
    return out
