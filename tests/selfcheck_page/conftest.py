"""Fixtures for the in-browser self-check tests (real Debian chromium via Playwright).

The local server, the site build and the browser are the session fixtures of tests/conftest.py, so
one pytest run builds the site once. RONGCUO_SELFCHECK_NONSTRICT=1 builds without --strict instead
(only to work on the self-check while another part of the site is unfinished).
"""

from __future__ import annotations

import os
import shutil

import pytest

from tests.conftest import ROOT, scripts_module

if os.environ.get("RONGCUO_SELFCHECK_NONSTRICT"):
    @pytest.fixture(scope="session")
    def built_site(_server):
        site, url = _server
        build_site = scripts_module("build_site")
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        os.environ["RONGCUO_SITE_URL"] = url
        try:
            tmp = site.with_name("nonstrict")
            cfg = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(tmp), strict=False)
            cfg.plugins.on_startup(command="build", dirty=False)
            build(cfg)
            build_site.precompress(tmp, True)
            if site.exists():
                shutil.rmtree(site)
            tmp.rename(site)
        finally:
            os.environ.pop("RONGCUO_SITE_URL", None)
        return site


@pytest.fixture()
def context(browser):
    ctx = browser.new_context(viewport={"width": 1100, "height": 900})
    ctx.add_init_script("""
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(
  e.violatedDirective + ' ' + e.blockedURI));
""")
    yield ctx
    ctx.close()
