"""Fixtures for the site tests: nginx with the production configuration (nginx_url) and one visit per
page through it (page_reports). The strict build of the real site, the local server (serve.py) and the
browser are the session fixtures of tests/conftest.py."""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import urlsplit

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
def nginx_url(built_site, tmp_path_factory):
    """The built site served by nginx with the production configuration (scripts/nginx_local.py)."""
    nginx_local = scripts_module("nginx_local")
    missing = nginx_local.available()
    if missing:
        pytest.fail(f"{missing}. Fix: run `make setup`")
    proc, port, _ = nginx_local.start(built_site, 0, tmp_path_factory.mktemp("nginx"))
    yield f"http://127.0.0.1:{port}/"
    nginx_local.stop(proc)


def other_origin(requests: list[str], base: str) -> list[str]:
    """The web requests (http, https, ws, wss) to an origin other than base's."""
    origin = urlsplit(base).netloc
    return [u for u in requests if urlsplit(u).scheme in ("http", "https", "ws", "wss") and urlsplit(u).netloc != origin]


class Recorder:
    """What a page does while it is visited: every request, console errors and script errors; the CSP
    violations are collected in the page by CSP_PROBE (an init script of its context)."""

    def __init__(self, page) -> None:
        self.page = page
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.inflight: set = set()
        self.last = time.monotonic()
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _started(self, r) -> None:
        self.requests.append(r.url)
        self.inflight.add(r)
        self.last = time.monotonic()

    def _ended(self, r) -> None:
        self.inflight.discard(r)
        self.last = time.monotonic()

    def goto(self, url: str) -> None:
        self.requests.clear()
        self.errors.clear()
        self.page.goto(url, wait_until="load")

    def settle(self, quiet: float = 0.25) -> None:
        """Like "networkidle", but `quiet` seconds without a request instead of 0.5 s."""
        deadline = time.monotonic() + 30
        while (self.inflight or time.monotonic() - self.last < quiet) and time.monotonic() < deadline:
            self.page.wait_for_timeout(50)

    def report(self, path: str, base: str) -> dict:
        """requests, other_origin, errors (the 404 page's own 404 aside), csp, storage."""
        return {
            "requests": list(self.requests),
            "other_origin": other_origin(self.requests, base),
            "errors": [e for e in self.errors if "404" not in e or path != "404.html"],
            "csp": self.page.evaluate("window.__cspViolations"),
            "storage": self.page.evaluate("() => [localStorage.length, sessionStorage.length, document.cookie]"),
        }


def privacy_problems(reports: dict[str, dict]) -> dict[str, dict]:
    """The pages that requested another origin, violated the CSP, logged an error or stored anything."""
    return {p: {k: r[k] for k in ("other_origin", "csp", "errors", "storage")} for p, r in reports.items()
            if r["other_origin"] or r["csp"] or r["errors"] or r["storage"] != [0, 0, ""]}


@pytest.fixture(scope="session")
def page_reports(browser, nginx_url, built_site) -> dict[str, dict]:
    """Visit every page once, served by nginx with the production configuration (whose headers and
    bytes tests/site/test_servers.py shows to be serve.py's, file by file); record requests, CSP
    violations, console errors, storage and axe results. The privacy and axe checks of
    test_browser.py and the nginx check of test_servers.py read this one crawl; the phone crawl
    (test_phone.py) visits every page through serve.py."""
    if not AXE.exists():
        pytest.fail(f"{AXE} missing. Fix: run `make setup` (npm ci)")
    axe_source = AXE.read_text(encoding="utf-8")
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.add_init_script(CSP_PROBE)
    page = ctx.new_page()
    rec = Recorder(page)
    reports: dict[str, dict] = {}
    for path in page_paths(built_site):
        rec.goto(nginx_url + path)
        rec.settle()  # 0.25 s of quiet instead of networkidle's 0.5 s (about 40 % of this fixture's time)
        page.evaluate(axe_source + "\n;0")
        axe = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))")
        reports[path] = rec.report(path, nginx_url) | {"axe": axe}
    ctx.close()
    return reports


def dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1)
