"""The self-check benchmark's harness (scripts/bench_selfcheck.py) serves what it measures: the site's
files and its own bare page through the folder that mirrors the site with symlinks. serve.py refuses
files outside the folder it serves, which once left every asset of the mirrored site a 404 and the
benchmark waiting forever. The browser part is not run here (minutes per profile)."""

from __future__ import annotations

import os
import shutil
import threading
import urllib.request
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path

from tests.conftest import ROOT, scripts_module

bench = scripts_module("bench_selfcheck")


def test_the_mirrored_site_and_the_bare_page_are_served(built_site: Path):
    root = bench.make_root(built_site)
    handler = bench.CountingHandler
    old = handler.allowed
    handler.allowed = tuple(os.path.realpath(d) for d in (root, built_site, ROOT / "node_modules" / "pyodide"))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(root)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    try:
        runtime = next((built_site / "assets" / "selfcheck").glob("pyodide-*")).name
        for path in ("selfcheck/", "assets/selfcheck/selfcheck.js", f"assets/selfcheck/{runtime}/pyodide.mjs",
                     "__bench/", "__bench/bare-worker.mjs", f"__bench/{runtime}/python_stdlib.zip",
                     f"__bench/{runtime}/pyodide-lock.json"):
            with urllib.request.urlopen(base + path, timeout=30) as r:
                assert r.status == 200, path
                assert r.read(1), path
        bench.LOG.take()
        # a file outside the mirrored folders is still refused
        os.symlink("/etc/hostname", root / "outside.txt")
        try:
            urllib.request.urlopen(base + "outside.txt", timeout=30)
            raise AssertionError("a file outside the served folders was sent")
        except urllib.error.HTTPError as exc:
            assert exc.code == 404
    finally:
        httpd.shutdown()
        httpd.server_close()
        handler.allowed = old
        shutil.rmtree(root, ignore_errors=True)
