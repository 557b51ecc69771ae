"""Fixtures for the site tests: one visit per page (page_reports). The strict build of the real site,
the local server and the browser are the session fixtures of tests/conftest.py."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.conftest import AXE, CHROMIUM, CHROMIUM_FLAGS, ROOT, scripts_module  # noqa: F401  (tests import them from here)

build_site = scripts_module("build_site")  # test_build.py imports it from here

CSP_PROBE = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(
  e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));
"""


@pytest.fixture(scope="session")
def compiled_rules() -> dict:
    from selfcheck.load import compile_rules

    return compile_rules(ROOT / "rules")


def page_paths(site: Path) -> list[str]:
    """URL paths of every built page (directory URLs), plus the 404 page."""
    out = []
    for p in sorted(site.rglob("index.html")):
        rel = p.parent.relative_to(site).as_posix()
        out.append("" if rel == "." else rel + "/")
    if (site / "404.html").exists():
        out.append("404.html")
    return out


@pytest.fixture(scope="session")
def page_reports(browser, base_url, built_site) -> dict[str, dict]:
    """Visit every page once; record requests, CSP violations, console errors and axe results."""
    if not AXE.exists():
        pytest.fail(f"{AXE} missing. Fix: run `make setup` (npm ci)")
    axe_source = AXE.read_text(encoding="utf-8")
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.add_init_script(CSP_PROBE)
    page = ctx.new_page()
    requests: list[str] = []
    errors: list[str] = []
    inflight: set = set()
    last = [time.monotonic()]

    def started(r):
        requests.append(r.url)
        inflight.add(r)
        last[0] = time.monotonic()

    def ended(r):
        inflight.discard(r)
        last[0] = time.monotonic()

    page.on("request", started)
    page.on("requestfinished", ended)
    page.on("requestfailed", ended)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    reports: dict[str, dict] = {}
    for path in page_paths(built_site):
        requests.clear()
        errors.clear()
        page.goto(base_url + path, wait_until="load")
        # like "networkidle", but 0.25 s of quiet instead of 0.5 s (about 40 % of this fixture's time)
        deadline = time.monotonic() + 30
        while (inflight or time.monotonic() - last[0] < 0.25) and time.monotonic() < deadline:
            page.wait_for_timeout(50)
        page.evaluate(axe_source + "\n;0")
        axe = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))")
        reports[path] = {
            "requests": list(requests),
            "errors": [e for e in errors if "404" not in e or path != "404.html"],
            "csp": page.evaluate("window.__cspViolations"),
            "axe": axe,
            "storage": page.evaluate("() => [localStorage.length, sessionStorage.length, document.cookie]"),
        }
    ctx.close()
    return reports


def dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1)
