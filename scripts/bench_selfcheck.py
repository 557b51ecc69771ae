#!/usr/bin/env python3
"""Benchmark the in-browser self-check against a bare Pyodide page, side by side in one run.

    python scripts/bench_selfcheck.py [--site site] [--runs 5] [--calls 30] [--profiles desktop,9mbps,1.6mbps]

Serves the built site (scripts/serve.py: precompressed .br/.gz) on 127.0.0.1 together with a bare
page (a module worker that only imports the same pyodide-<version>/pyodide.mjs and calls loadPyodide(),
with Pyodide's own full python_stdlib.zip: the stock runtime), drives headless Debian Chromium
(Playwright) and prints, for each network/CPU profile, medians of --runs runs (both pages in the
same run, alternating):

Profiles (Chrome DevTools Protocol on the page's session, set before each navigation):
- desktop: no throttling;
- 9mbps: Network.emulateNetworkConditions 9 Mbps down / 1.5 Mbps up / 40 ms latency, and
  Emulation.setCPUThrottlingRate 4;
- 1.6mbps: 1.6 Mbps / 750 kbps / 150 ms (Lighthouse's "slow 4G"), CPU rate 4.
Whether they reach the worker is measured at the start of each profile (a probe page whose module
worker fetches 256 kB and runs a fixed loop) and printed. Measured with Chromium 156: the network
conditions do apply to the worker's requests; the CPU rate does not apply to a dedicated worker
(only to the page's main thread), and a worker target rejects Emulation.setCPUThrottlingRate
("Operation is only supported for pages, not workers", also with a flat auto-attached session),
so on the 4x profiles Python's start-up in the worker runs at this machine's speed. Figures:

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

PROFILES: dict[str, dict] = {
    "desktop": {"net": None, "cpu": 1, "label": "desktop, no throttling"},
    "9mbps": {"net": (9e6, 1.5e6, 40), "cpu": 4, "label": "9 Mbps / 40 ms, CPU 4x (page)"},
    "1.6mbps": {"net": (1.6e6, 750e3, 150), "cpu": 4, "label": "1.6 Mbps / 150 ms, CPU 4x (page)"},
}

PROBE_HTML = """<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>probe</title></head>
<body><script type="module" src="probe.js"></script></body></html>"""
PROBE_JS = """const loop = () => { const t = performance.now(); let x = 0; for (let i = 0; i < 3e7; i++) x += i % 7;
  return [performance.now() - t, x]; };
const page = [loop()[0], loop()[0], loop()[0]].sort((a, b) => a - b)[1];
const w = new Worker(new URL("probe-worker.mjs", import.meta.url), {type: "module"});
w.onmessage = (e) => { window.__probe = {page, ...e.data}; };"""
PROBE_WORKER = """const loop = () => { const t = performance.now(); let x = 0; for (let i = 0; i < 3e7; i++) x += i % 7;
  return [performance.now() - t, x]; };
const worker = [loop()[0], loop()[0], loop()[0]].sort((a, b) => a - b)[1];
const t = performance.now();
const r = await fetch("probe.bin?" + Math.random()); const n = (await r.arrayBuffer()).byteLength;
postMessage({worker, fetch: performance.now() - t, bytes: n});"""

BARE_HTML = """<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>bare pyodide</title><link rel="icon" href="data:,"></head>
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
    # The benchmark's folder mirrors the site through symlinks (make_root); serve.py refuses any file
    # whose real path is outside the folder it serves, so the real folders those symlinks point into
    # are allowed here (the site, the bench folder itself, the pinned Pyodide package).
    allowed: tuple[str, ...] = ()

    def _inside(self, path: str) -> bool:
        real = os.path.realpath(path)
        return any(real == r or real.startswith(r + os.sep) for r in self.allowed)

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
    (bench / "probe.html").write_text(PROBE_HTML, encoding="utf-8")
    (bench / "probe.js").write_text(PROBE_JS, encoding="utf-8")
    (bench / "probe-worker.mjs").write_text(PROBE_WORKER, encoding="utf-8")
    (bench / "probe.bin").write_bytes(os.urandom(256_000))
    # the bare page's runtime: the same files as the site's (with their .br/.gz), plus the package's
    # own full python_stdlib.zip (deflated: no .br, as build_site.py would keep none) and
    # pyodide-lock.json (precompressed like the site's files), which loadPyodide() fetches;
    # the same folder name, so scripts/serve.py sends both pages' runtime with the same caching
    runtime = bench / dirs[0].name
    runtime.mkdir()
    for f in dirs[0].iterdir():
        os.symlink(f.resolve(), runtime / f.name)
    os.symlink(ROOT / "node_modules" / "pyodide" / "python_stdlib.zip", runtime / "python_stdlib.zip")
    lock = (ROOT / "node_modules" / "pyodide" / "pyodide-lock.json").read_bytes()
    (runtime / "pyodide-lock.json").write_bytes(lock)
    import gzip

    import brotli
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


def throttle(ctx, page, profile: dict):
    """Apply a profile to the page's CDP session (kept across the page's navigations)."""
    cdp = ctx.new_cdp_session(page)
    if profile["net"]:
        down, up, latency = profile["net"]
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": latency,
                                                      "downloadThroughput": down / 8, "uploadThroughput": up / 8})
    if profile["cpu"] != 1:
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": profile["cpu"]})
    return cdp


KEYS = ("first", "cold", "warm", "bare_cold", "bare_warm", "rt", "rt_unknown", "rt_first", "fcp", "form", "dcl",
        "sent", "raw", "bare_sent", "bare_raw", "pyodide", "unpack", "import_rules")
TIMEOUT = 300_000  # ms, for one navigation or one wait on the slowest profile
ROUND_TRIPS = """async ([facts, n]) => {
    const api = window.rongcuoSelfcheck, one = async (f) => {
        const t = performance.now();
        await api.call('evaluate', {facts: f, jurisdiction: 'national', as_of: '2025-06-30'});
        return performance.now() - t; };
    const first = await one(facts);
    const rt = [], unk = [];
    for (let i = 0; i < n; i++) { rt.push(await one(facts)); unk.push(await one({})); }
    return {first, rt, unk}; }"""
FIRST_PAINT = """() => {
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    const nav = performance.getEntriesByType('navigation')[0];
    return [fcp ? fcp.startTime : 0, window.rongcuoSelfcheck.formReadyAt, nav.domContentLoadedEventEnd]; }"""


class Bench:
    """One benchmark run: the served folder, the browser profiles and every figure measured."""

    def __init__(self, root: Path, base: str, names: list[str]) -> None:
        self.root = root
        self.base = base
        self.results: dict[str, dict[str, list]] = {n: {k: [] for k in KEYS} for n in names}
        self.probes: dict[str, dict] = {}
        self.last_rows: dict[str, list] = {}
        self.profiles_dir = Path(tempfile.mkdtemp(prefix="bench-profiles-"))

    def fresh_page(self, p, name: str, profile: dict):
        """A page in a new persistent profile (empty HTTP cache that a second load can reuse)."""
        ctx = p.chromium.launch_persistent_context(str(self.profiles_dir / name), executable_path=CHROMIUM,
                                                   args=FLAGS, headless=True)
        page = ctx.pages[0] if ctx.pages else ctx.new_page()
        throttle(ctx, page, profile)
        LOG.take()
        return ctx, page

    def record_bytes(self, res: dict[str, list], sent_key: str, raw_key: str) -> None:
        rows = LOG.take()
        self.last_rows[sent_key] = rows
        res[sent_key].append(sum(r[1] for r in rows))
        res[raw_key].append(sum(raw_size(self.root, r[0]) for r in rows))

    def probe(self, p, name: str) -> None:
        """Does the profile reach the worker? (network: its fetch time; CPU: its loop against the page's)"""
        ctx, page = self.fresh_page(p, f"probe-{name}", PROFILES[name])
        page.goto(self.base + "__bench/probe.html")
        page.wait_for_function("() => window.__probe", timeout=TIMEOUT)
        self.probes[name] = page.evaluate("() => window.__probe")
        ctx.close()

    def bare_run(self, p, name: str, run: int) -> None:
        """The bare page: cold then warm in its own fresh profile."""
        res = self.results[name]
        ctx, page = self.fresh_page(p, f"{name}-bare{run}", PROFILES[name])
        for key in ("bare_cold", "bare_warm"):
            page.goto(self.base + "__bench/", timeout=TIMEOUT)
            page.wait_for_function("() => window.__bareReadyAt", timeout=TIMEOUT)
            res[key].append(page.evaluate("() => window.__bareReadyAt"))
            if not str(page.evaluate("() => window.__bare")).startswith("3."):
                raise SystemExit(f"bench: the bare page failed: {page.evaluate('() => window.__bare')}")
            if key == "bare_cold":
                self.record_bytes(res, "bare_sent", "bare_raw")
        ctx.close()

    def selfcheck_run(self, p, name: str, run: int, runs: int, calls: int) -> None:
        """The self-check page: cold then warm in a fresh profile, then the verdict round trips."""
        res = self.results[name]
        ctx, page = self.fresh_page(p, f"{name}-sc{run}", PROFILES[name])
        for key in ("cold", "warm"):
            page.goto(self.base + "selfcheck/", timeout=TIMEOUT)
            page.wait_for_function("() => window.rongcuoSelfcheck && window.rongcuoSelfcheck.readyAt",
                                   timeout=TIMEOUT)
            res[key].append(page.evaluate("() => window.rongcuoSelfcheck.readyAt"))
            if key != "cold":
                continue
            self.record_bytes(res, "sent", "raw")
            t = page.evaluate("() => window.rongcuoSelfcheck.timings")
            for k in ("pyodide", "unpack", "import_rules"):
                res[k].append(t[k])
            fcp, form, dcl = page.evaluate(FIRST_PAINT)
            res["fcp"].append(fcp)
            res["form"].append(form)
            res["dcl"].append(dcl)
            res["first"].append(max(fcp, form))
        times = page.evaluate(ROUND_TRIPS, [COMPLETE, calls])
        res["rt_first"].append(times["first"])
        res["rt"].append(median(times["rt"]))
        res["rt_unknown"].append(median(times["unk"]))
        ctx.close()
        print(f"bench: {name} run {run + 1}/{runs}: ready cold {res['cold'][-1]:.0f} ms "
              f"(bare {res['bare_cold'][-1]:.0f}), warm {res['warm'][-1]:.0f} ms "
              f"(bare {res['bare_warm'][-1]:.0f}), sent {res['sent'][-1] / 1e6:.2f} MB "
              f"(bare {res['bare_sent'][-1] / 1e6:.2f})", flush=True)


def _row(label: str, a: float, b: float | None = None, unit: str = "ms", fmt: str = ".0f", target: str = "") -> None:
    bb = f"{b:{fmt}} {unit}" if b is not None else "-"
    r = f"{a / b:.2f}" if b else "-"
    print(f"  {label:<40} {f'{a:{fmt}} {unit}':>12} {bb:>10} {r:>7}   {target}")


def report_profile(name: str, m: dict[str, float], probe: dict, desktop_probe: dict | None) -> None:
    """The medians of one profile, with the bare page beside them and the targets."""
    print(f"\n## {name}: {PROFILES[name]['label']}")
    ratio_note = ""
    if desktop_probe and name != "desktop":
        ratio_note = (f"; loop vs desktop: page {probe['page'] / desktop_probe['page']:.1f}x, "
                      f"worker {probe['worker'] / desktop_probe['worker']:.1f}x")
    print(f"  probe: worker fetched {probe['bytes'] / 1000:.0f} kB in {probe['fetch']:.0f} ms, loop page {probe['page']:.0f} ms, "
          f"worker {probe['worker']:.0f} ms{ratio_note}")
    print(f"  {'figure':<40} {'self-check':>12} {'bare':>10} {'ratio':>7}   target")
    mb = 1e6
    _row("first usable question", m["first"], target="<= 300 ms desktop" if name == "desktop" else "")
    _row("  first contentful paint", m["fcp"])
    _row("  form steps live", m["form"])
    _row("  DOMContentLoaded end", m["dcl"])
    _row("checker ready, cold", m["cold"], m["bare_cold"],
         target="ratio <= 1.0" if name == "desktop" else "ratio <= 0.6" if name == "1.6mbps" else "")
    _row("checker ready, warm (HTTP cache)", m["warm"], m["bare_warm"])
    _row("  loadPyodide in the worker (cold)", m["pyodide"])
    _row("  wheel unpackArchive (cold)", m["unpack"], fmt=".1f")
    _row("  import checker + rules (cold)", m["import_rules"])
    _row("verdict round trip (complete facts)", m["rt"], fmt=".2f", target="<= 30 ms")
    _row("  first verdict round trip", m["rt_first"], fmt=".1f")
    _row("  every fact unknown", m["rt_unknown"], fmt=".2f", target="<= 100 ms")
    _row("bytes on the wire, cold (as sent)", m["sent"] / mb, m["bare_sent"] / mb, unit="MB", fmt=".2f",
         target="ratio <= 0.6")
    _row("bytes cold, raw (decoded)", m["raw"] / mb, m["bare_raw"] / mb, unit="MB", fmt=".2f")


def report_files(last_rows: dict[str, list]) -> None:
    for key in ("sent", "bare_sent"):
        print(f"\nfiles of the last cold load ({'self-check' if key == 'sent' else 'bare page'}): bytes sent, encoding")
        for path, size, enc in sorted(last_rows.get(key, []), key=lambda r: -r[1]):
            print(f"  {size:>10}  {enc or '-':<5} {path}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--site", default=str(ROOT / "site"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--calls", type=int, default=30)
    ap.add_argument("--profiles", default=",".join(PROFILES), help=f"comma-separated, of {', '.join(PROFILES)}")
    ap.add_argument("--files", action="store_true", help="also list the files of the last cold loads with their bytes")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    site = Path(args.site)
    names = [n for n in args.profiles.split(",") if n]
    if not (site / "selfcheck" / "index.html").is_file():
        print(f"bench: {site}/selfcheck/index.html not found. Build first: make build", file=sys.stderr)
        return 2
    if any(n not in PROFILES for n in names):
        print(f"bench: unknown profile in {args.profiles!r}; known: {', '.join(PROFILES)}", file=sys.stderr)
        return 2
    from functools import partial
    from http.server import ThreadingHTTPServer

    from playwright.sync_api import sync_playwright

    root = make_root(site)
    CountingHandler.allowed = tuple(os.path.realpath(d) for d in (root, site, ROOT / "node_modules" / "pyodide"))
    os.environ["RONGCUO_SERVE_QUIET"] = "1"
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(CountingHandler, directory=str(root)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    bench = Bench(root, f"http://127.0.0.1:{httpd.server_address[1]}/", names)
    load = os.getloadavg()
    try:
        with sync_playwright() as p:
            for name in names:
                bench.probe(p, name)
                for run in range(args.runs):
                    bench.bare_run(p, name, run)
                    bench.selfcheck_run(p, name, run, args.runs, args.calls)
    finally:
        httpd.shutdown()
        httpd.server_close()
        shutil.rmtree(bench.profiles_dir, ignore_errors=True)
        shutil.rmtree(root, ignore_errors=True)

    print(f"\nself-check benchmark: medians of {args.runs} runs per profile, headless Chromium, 127.0.0.1, "
          f"{os.cpu_count()} cores, load average {load[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end "
          "(compare only figures of one run)")
    for name in names:
        report_profile(name, {k: median(v) for k, v in bench.results[name].items()}, bench.probes[name],
                       bench.probes.get("desktop"))
    if args.files:
        report_files(bench.last_rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
