"""Fixtures shared by every test folder, one instance per pytest run: the shipped rule base, and for
the site, browser and build tests one local server, one strict build of the real site and one
Chromium (Debian's, driven by Playwright; no browser download).

Each test gets a layer marker (unit, property, build, browser; registered in pyproject.toml) in
pytest_collection_modifyitems below, from the fixtures it uses and the folder it is in."""

from __future__ import annotations

import logging
import os
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"

CHROMIUM = os.environ.get("RONGCUO_CHROMIUM", "/usr/lib/chromium/chromium")
# Flags for this machine's closed network (tech-notes): no background requests to Google hosts.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def scripts_module(name: str):
    """A module of scripts/ (build_site, serve), imported as those scripts import each other."""
    scripts = str(ROOT / "scripts")
    if scripts not in sys.path:
        sys.path.insert(0, scripts)
    return __import__(name)


def link_build_cache(copy: Path) -> None:
    """A project copy uses the project's build cache (.cache/: the self-check's standard library
    compiled by Pyodide under Node, about 8 s, and precompressed files), as the build of the project
    itself does: the entries are keyed by the hash of their inputs, so a copy whose inputs differ
    still compiles its own. Without it, every fresh copy compiled the same standard library again."""
    cache = ROOT / ".cache"
    cache.mkdir(exist_ok=True)
    (copy / ".cache").symlink_to(cache)


@pytest.fixture(scope="session")
def rb():
    from selfcheck.load import load_rulebase

    return load_rulebase(RULES)


@pytest.fixture
def shipped_rules_read_once(monkeypatch, rb):
    """In-process CLI runs (selfcheck.cli.main) take the shipped rules/ from the session's rule base
    instead of reading the YAML again for each run (rules/ does not change during a test run); any
    other --rules directory is read by the CLI as usual."""
    from selfcheck import cli

    read = cli._rules

    def rules(args):
        return rb if Path(args.rules).resolve() == RULES.resolve() else read(args)

    monkeypatch.setattr(cli, "_rules", rules)


@pytest.fixture(scope="session")
def _server(tmp_path_factory):
    """A local server bound first (random port), so that the site can be built for its address."""
    serve = scripts_module("serve")
    os.environ["RONGCUO_SERVE_QUIET"] = "1"
    site = tmp_path_factory.mktemp("built") / "site"
    httpd = serve.make_server(site, "127.0.0.1", 0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield site, f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


_BUILD_LOG = _Warnings()


@pytest.fixture(scope="session")
def built_site(_server) -> Path:
    """The real project built once (strict, atomic, precompressed) into a temporary folder.
    site_url = the test server's address: the theme's instant navigation needs the exact origin.
    Its mkdocs warnings and errors are kept (site_build_warnings)."""
    build_site = scripts_module("build_site")
    site, url = _server
    setup_logging = build_site.setup_logging

    def logging_kept(quiet: bool) -> None:  # build_site sets up mkdocs' logging afresh: keep a copy too
        setup_logging(quiet)
        logging.getLogger("mkdocs").addHandler(_BUILD_LOG)

    os.environ["RONGCUO_SITE_URL"] = url
    build_site.setup_logging = logging_kept
    try:
        build_site.build(ROOT / "mkdocs.yml", site, compress=True, quiet=True)
    finally:
        build_site.setup_logging = setup_logging
        logging.getLogger("mkdocs").removeHandler(_BUILD_LOG)
        os.environ.pop("RONGCUO_SITE_URL", None)
    return site


@pytest.fixture(scope="session")
def site_build_warnings(built_site) -> list[str]:
    """The warning and error messages mkdocs logged while building built_site."""
    return list(_BUILD_LOG.messages)


@pytest.fixture(scope="session")
def base_url(_server, built_site) -> str:
    return _server[1]


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run (Playwright's sync API allows one running instance per thread)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}. Fix: run `make setup` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield b
        b.close()


# ------------------------------------------------------------------------------- layers

LAYERS = ("unit", "property", "build", "browser")
_LAYER_OF: dict[str, str] = {}  # node id -> layer, set at collection (for the time per layer)
BUILD_FIXTURES = {"built_site", "library_build"}  # the real site, or the case library built from a copy


def _layer(item: pytest.Item) -> str:
    """browser: drives Chromium (and needs the built site); build: builds the site or a copy of it, or
    serves a build; property: Hypothesis or seeded fuzz inputs; unit: everything else (in-process,
    no site build, no browser). A module or test may declare build or property itself (a test that
    builds a project copy without a fixture); a declaration that the fixtures contradict is an error."""
    names = set(getattr(item, "fixturenames", ()))
    derived = "browser" if "browser" in names else "build" if names & BUILD_FIXTURES else None
    declared = {m.name for m in item.iter_markers() if m.name in LAYERS}
    if len(declared) > 1 or (declared and derived and declared != {derived}):
        raise pytest.UsageError(f"{item.nodeid}: layer markers {sorted(declared)} but its fixtures make it {derived}")
    if derived:
        return derived
    if declared:
        return declared.pop()
    if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
        return "property"
    return "unit"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        layer = _layer(item)
        _LAYER_OF[item.nodeid] = layer
        if not item.get_closest_marker(layer):
            item.add_marker(getattr(pytest.mark, layer))


# ------------------------------------------------------------------------------- time per layer

_LAYER_TIME: dict[str, float] = {}
_LAYER_TESTS: dict[str, set[str]] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Add each phase's duration (setup, call, teardown) to the layer of its test."""
    layer = _LAYER_OF.get(report.nodeid)
    if layer is not None:
        _LAYER_TIME[layer] = _LAYER_TIME.get(layer, 0.0) + report.duration
        _LAYER_TESTS.setdefault(layer, set()).add(report.nodeid)


@pytest.hookimpl(trylast=True)  # after the slowest durations
def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config) -> None:
    """Test time per layer: the sum of setup, call and teardown of its tests (session fixtures count
    in the setup of the first test that uses them), and how many tests ran."""
    if not _LAYER_TIME:
        return
    terminalreporter.section("time per layer")
    for layer in LAYERS:
        if layer in _LAYER_TIME:
            terminalreporter.write_line(
                f"{layer:<9}{_LAYER_TIME[layer]:8.1f} s  {len(_LAYER_TESTS[layer]):4d} tests")
    terminalreporter.write_line(f"{'total':<9}{sum(_LAYER_TIME.values()):8.1f} s")
