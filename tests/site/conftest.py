"""Fixtures for the site tests: one strict build of the real site per session, one local server,
one Chromium (Debian's, driven by Playwright; no browser download), one visit per page."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import build_site  # noqa: E402
import serve  # noqa: E402

CHROMIUM = os.environ.get("RONGCUO_CHROMIUM", "/usr/lib/chromium/chromium")
# Flags for this machine's closed network (tech-notes): no background requests to Google hosts.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

CSP_PROBE = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(
  e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));
"""


# Other test folders import these fixtures (tests/selfcheck, tests/training): pytest then makes one
# instance per importing conftest, so the server, the build and the browser are shared through this
# module-level cache, and the site is built once per pytest run.
_SHARED: dict = {}


@pytest.fixture(scope="session")
def _server(tmp_path_factory):
    """A local server bound first (random port), so that the site can be built for its address."""
    owner = "server" not in _SHARED
    if owner:
        os.environ["RONGCUO_SERVE_QUIET"] = "1"
        site = tmp_path_factory.mktemp("built") / "site"
        httpd = serve.make_server(site, "127.0.0.1", 0)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        _SHARED["server"] = (site, f"http://127.0.0.1:{httpd.server_address[1]}/", httpd)
    site, url, httpd = _SHARED["server"]
    yield site, url
    if owner:
        httpd.shutdown()
        httpd.server_close()
        _SHARED.pop("server", None)


@pytest.fixture(scope="session")
def built_site(_server) -> Path:
    """The real project built once (strict, atomic, precompressed) into a temporary folder.
    site_url = the test server's address: the theme's instant navigation needs the exact origin."""
    site, url = _server
    if _SHARED.get("built") != url:
        os.environ["RONGCUO_SITE_URL"] = url
        try:
            build_site.build(ROOT / "mkdocs.yml", site, compress=True, quiet=True)
        finally:
            os.environ.pop("RONGCUO_SITE_URL", None)
        _SHARED["built"] = url
    return site


@pytest.fixture(scope="session")
def compiled_rules() -> dict:
    sys.path.insert(0, str(ROOT))
    from selfcheck.load import compile_rules

    return compile_rules(ROOT / "rules")


@pytest.fixture(scope="session")
def base_url(_server, built_site) -> str:
    return _server[1]


def page_paths(site: Path) -> list[str]:
    """URL paths of every built page (directory URLs), plus the 404 page."""
    out = []
    for p in sorted(site.rglob("index.html")):
        rel = p.parent.relative_to(site).as_posix()
        out.append("" if rel == "." else rel + "/")
    if (site / "404.html").exists():
        out.append("404.html")
    return out


def _running_browser():
    """A Playwright Browser already running in this process (ours, or one another test folder
    started): Playwright's sync API allows one running instance per thread."""
    b = _SHARED.get("browser")
    if b is not None and b.is_connected():
        return b
    import gc

    from playwright.sync_api import Browser

    for obj in gc.get_objects():
        if isinstance(obj, Browser) and obj.is_connected():
            return obj
    return None


@pytest.fixture(scope="session")
def browser():
    running = _running_browser()
    if running is not None:
        yield running
        return
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}. Fix: run `make setup` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
    _SHARED["browser"] = b
    yield b
    _SHARED.pop("browser", None)
    b.close()
    pw.stop()


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
