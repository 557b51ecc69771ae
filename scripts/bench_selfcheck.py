#!/usr/bin/env python3
"""Benchmark the in-browser self-check against a bare Pyodide page, side by side in one run.

    python scripts/bench_selfcheck.py [--site site] [--runs 5] [--calls 30]

Serves the built site (scripts/serve.py: precompressed .br/.gz) on 127.0.0.1 together with a bare
page (a module worker that only imports the same pyodide-<version>/pyodide.mjs and calls loadPyodide()),
drives headless Debian Chromium (Playwright) and prints medians of --runs runs:

- first usable question: max(first contentful paint, the moment the page script has made the form's
  steps live (window.rongcuoSelfcheck.formReadyAt)) of /selfcheck/, cold (ms); DOMContentLoaded is
  printed beside it;
- checker ready, cold: navigation start -> the worker reports ready, fresh persistent profile;
  warm: a second load in the same profile (HTTP cache); the bare page measured the same way
  (navigation start -> loadPyodide() resolved) and the ratio;
- one verdict round trip (page -> worker -> page, evaluate of a complete fact set), and the worst
  case with every fact unknown (median over --calls calls per run, then over runs);
- bytes transferred cold, as sent by the server (brotli where the browser accepts it) and raw
  (the uncompressed sizes of the same files), for the self-check and the bare page.
Persistent profiles are used because an off-the-record context does not keep the wasm in its
cache (reference/tech-notes.md). Build the site first (make build).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import serve  # noqa: E402

CHROMIUM = os.environ.get("RONGCUO_CHROMIUM", "/usr/lib/chromium/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

BARE_HTML = """<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>bare pyodide</title></head>
<body><p>bare loadPyodide()</p><script type="module" src="bare.js"></script></body></html>"""
BARE_JS = """const w = new Worker(new URL("bare-worker.mjs", import.meta.url), {type: "module"});
w.onmessage = (e) => { window.__bareReadyAt = performance.now(); window.__bare = e.data; };"""
BARE_WORKER = """import { loadPyodide } from "./RUNTIME/pyodide.mjs";
try {
  const py = await loadPyodide({ indexURL: new URL("./RUNTIME/", import.meta.url).href });
  postMessage(py.runPython("import sys; sys.version.split()[0]"));
} catch (e) { postMessage("failed: " + e); }"""

COMPLETE = {"work_context": "reform_pilot", "legal_basis": "unclear", "decision_procedure": "followed",
            "improper_benefit": "none", "intent": "inadvertent", "error_nature": "work", "cause": "inexperience",
            "loss_level": "ordinary", "public_impact": "limited", "remedy": "proactive", "cooperation": "yes",
            "repeat": "no", "dissent": "none", "pre_registered": "no"}


class Log:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.rows: list[tuple[str, int, str | None]] = []

    def add(self, path: str, size: int, enc: str | None) -> None:
        with self.lock:
            self.rows.append((path, size, enc))

    def take(self) -> list[tuple[str, int, str | None]]:
        with self.lock:
            out, self.rows = self.rows, []
        return out


LOG = Log()


class CountingHandler(serve.Handler):
    def send_header(self, keyword, value):
        if keyword == "Content-Length":
            self._len = int(value)
        if keyword == "Content-Encoding":
            self._enc = value
        super().send_header(keyword, value)

    def end_headers(self):
        super().end_headers()
        if getattr(self, "_len", None) is not None and self.command == "GET":
            LOG.add(self.path, self._len, getattr(self, "_enc", None))
        self._len = self._enc = None


def make_root(site: Path) -> Path:
    """A folder that mirrors site/ (symlinks) plus the bare page in __bench/."""
    root = Path(tempfile.mkdtemp(prefix="bench-selfcheck-"))
    for entry in site.iterdir():
        os.symlink(entry.resolve(), root / entry.name)
    bench = root / "__bench"
    bench.mkdir()
    (bench / "index.html").write_text(BARE_HTML, encoding="utf-8")
    (bench / "bare.js").write_text(BARE_JS, encoding="utf-8")
    dirs = list((site / "assets" / "selfcheck").glob("pyodide-*"))
    if len(dirs) != 1:
        raise SystemExit(f"bench: expected one site/assets/selfcheck/pyodide-<version>/, found {dirs}")
    (bench / "bare-worker.mjs").write_text(BARE_WORKER.replace("RUNTIME", dirs[0].name), encoding="utf-8")
    # the bare page's runtime: the same files as the site's (with their .br/.gz), plus the package's
    # own pyodide-lock.json (precompressed like the site's files), which loadPyodide() fetches;
    # the same folder name, so scripts/serve.py sends both pages' runtime with the same caching
    runtime = bench / dirs[0].name
    runtime.mkdir()
    for f in dirs[0].iterdir():
        os.symlink(f.resolve(), runtime / f.name)
    lock = (ROOT / "node_modules" / "pyodide" / "pyodide-lock.json").read_bytes()
    (runtime / "pyodide-lock.json").write_bytes(lock)
    import brotli
    import gzip
    (runtime / "pyodide-lock.json.br").write_bytes(brotli.compress(lock, quality=11))
    (runtime / "pyodide-lock.json.gz").write_bytes(gzip.compress(lock, 9))
    return root


def raw_size(root: Path, path: str) -> int:
    p = serve.Handler.translate_path.__get__(type("X", (), {"directory": str(root)})())(path)
    if os.path.isdir(p):
        p = os.path.join(p, "index.html")
    return os.path.getsize(p) if os.path.isfile(p) else 0


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else float("nan")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", default=str(ROOT / "site"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--calls", type=int, default=30)
    args = ap.parse_args(argv)
    site = Path(args.site)
    if not (site / "selfcheck" / "index.html").is_file():
        print(f"bench: {site}/selfcheck/index.html not found. Build first: make build", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    root = make_root(site)
    os.environ["RONGCUO_SERVE_QUIET"] = "1"
    from functools import partial
    from http.server import ThreadingHTTPServer

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(CountingHandler, directory=str(root)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    res: dict[str, list] = {k: [] for k in ("first", "cold", "warm", "bare_cold", "bare_warm", "rt", "rt_unknown",
                                             "rt_first", "fcp", "form", "dcl", "sent", "raw", "bare_sent", "bare_raw", "pyodide",
                                             "unpack", "import_rules")}
    profiles = Path(tempfile.mkdtemp(prefix="bench-profiles-"))

    def fresh_page(p, name: str):
        """A page in a new persistent profile (empty HTTP cache that a second load can reuse)."""
        ctx = p.chromium.launch_persistent_context(str(profiles / name), executable_path=CHROMIUM,
                                                   args=FLAGS, headless=True)
        LOG.take()
        return ctx, (ctx.pages[0] if ctx.pages else ctx.new_page())

    def record_bytes(sent_key: str, raw_key: str) -> None:
        rows = LOG.take()
        res[sent_key].append(sum(r[1] for r in rows))
        res[raw_key].append(sum(raw_size(root, r[0]) for r in rows))

    try:
        with sync_playwright() as p:
            for run in range(args.runs):
                # -- bare page: cold then warm in its own fresh profile
                ctx, page = fresh_page(p, f"bare{run}")
                for key in ("bare_cold", "bare_warm"):
                    page.goto(base + "__bench/")
                    page.wait_for_function("() => window.__bareReadyAt", timeout=120_000)
                    res[key].append(page.evaluate("() => window.__bareReadyAt"))
                    if not str(page.evaluate("() => window.__bare")).startswith("3."):
                        raise SystemExit(f"bench: the bare page failed: {page.evaluate('() => window.__bare')}")
                    if key == "bare_cold":
                        record_bytes("bare_sent", "bare_raw")
                ctx.close()
                # -- the self-check page: cold then warm in a fresh profile
                ctx, page = fresh_page(p, f"sc{run}")
                for key in ("cold", "warm"):
                    page.goto(base + "selfcheck/")
                    page.wait_for_function("() => window.rongcuoSelfcheck && window.rongcuoSelfcheck.readyAt",
                                           timeout=120_000)
                    res[key].append(page.evaluate("() => window.rongcuoSelfcheck.readyAt"))
                    if key == "cold":
                        record_bytes("sent", "raw")
                        t = page.evaluate("() => window.rongcuoSelfcheck.timings")
                        for k in ("pyodide", "unpack", "import_rules"):
                            res[k].append(t[k])
                        fp = page.evaluate("""() => {
                            const fcp = performance.getEntriesByName('first-contentful-paint')[0];
                            const nav = performance.getEntriesByType('navigation')[0];
                            return [fcp ? fcp.startTime : 0, window.rongcuoSelfcheck.formReadyAt,
                                    nav.domContentLoadedEventEnd]; }""")
                        res["fcp"].append(fp[0])
                        res["form"].append(fp[1])
                        res["dcl"].append(fp[2])
                        res["first"].append(max(fp[0], fp[1]))
                times = page.evaluate("""async ([facts, n]) => {
                    const api = window.rongcuoSelfcheck, one = async (f) => {
                        const t = performance.now();
                        await api.call('evaluate', {facts: f, jurisdiction: 'national', as_of: '2025-06-30'});
                        return performance.now() - t; };
                    const first = await one(facts);
                    const rt = [], unk = [];
                    for (let i = 0; i < n; i++) { rt.push(await one(facts)); unk.push(await one({})); }
                    return {first, rt, unk}; }""", [COMPLETE, args.calls])
                res["rt_first"].append(times["first"])
                res["rt"].append(median(times["rt"]))
                res["rt_unknown"].append(median(times["unk"]))
                ctx.close()
                print(f"bench: run {run + 1}/{args.runs}: ready cold {res['cold'][-1]:.0f} ms "
                      f"(bare {res['bare_cold'][-1]:.0f}), warm {res['warm'][-1]:.0f} ms (bare {res['bare_warm'][-1]:.0f})",
                      flush=True)
    finally:
        httpd.shutdown()
        httpd.server_close()
        shutil.rmtree(profiles, ignore_errors=True)
        shutil.rmtree(root, ignore_errors=True)

    m = {k: median(v) for k, v in res.items()}
    mb = 1e6

    def line(name, value, target=""):
        print(f"  {name:<44} {value:>22}   {target}")

    print(f"\nself-check benchmark: medians of {args.runs} runs, headless Chromium, 127.0.0.1, "
          f"{os.cpu_count()} cores")
    line("first usable question", f"{m['first']:.0f} ms", "target <= 300 ms")
    line("  first contentful paint (the form)", f"{m['fcp']:.0f} ms")
    line("  form steps live (page script run)", f"{m['form']:.0f} ms")
    line("  DOMContentLoaded end", f"{m['dcl']:.0f} ms")
    line("checker ready, cold", f"{m['cold']:.0f} ms")
    line("bare loadPyodide() page, cold", f"{m['bare_cold']:.0f} ms")
    line("ratio cold / bare cold", f"{m['cold'] / m['bare_cold']:.2f}", "target <= 1.2")
    line("checker ready, warm (HTTP cache)", f"{m['warm']:.0f} ms", "target <= 1000 ms")
    line("bare loadPyodide() page, warm", f"{m['bare_warm']:.0f} ms")
    line("  of which: loadPyodide in the worker (cold)", f"{m['pyodide']:.0f} ms")
    line("  wheel unpackArchive (cold)", f"{m['unpack']:.1f} ms")
    line("  import checker + RuleBase.from_compiled", f"{m['import_rules']:.0f} ms")
    line("verdict round trip (complete facts)", f"{m['rt']:.2f} ms", "target <= 30 ms")
    line("first verdict round trip", f"{m['rt_first']:.1f} ms")
    line("verdict round trip, every fact unknown", f"{m['rt_unknown']:.2f} ms", "target <= 100 ms")
    line("bytes cold, sent (brotli)", f"{m['sent'] / mb:.2f} MB")
    line("bytes cold, raw", f"{m['raw'] / mb:.2f} MB")
    line("bare page bytes cold, sent (brotli)", f"{m['bare_sent'] / mb:.2f} MB")
    line("bare page bytes cold, raw", f"{m['bare_raw'] / mb:.2f} MB")
    line("ratio sent / bare sent", f"{m['sent'] / m['bare_sent']:.2f}", "target <= 1.1")
    return 0


if __name__ == "__main__":
    sys.exit(main())
