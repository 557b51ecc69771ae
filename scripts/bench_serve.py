#!/usr/bin/env python3
"""Load test of the two servers of the built site, side by side; prints figures (not a test).

100 clients fetching the home page and 20 clients fetching the Pyodide WebAssembly (each client:
one request after another, a new connection each time, `Accept-Encoding: br, gzip` as a browser
sends), for scripts/serve.py and for nginx with deploy/nginx/rongcuo.conf. Loopback only; bounded:
--seconds per run (default 5), four runs, under 30 s in all. Prints requests/s, p50/p99/max latency
and errors (timeouts of 10 s, refused or reset connections, non-200 answers).

    python scripts/bench_serve.py [--site site] [--seconds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import nginx_local  # noqa: E402

TIMEOUT = 10.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_listening(port: int, proc: subprocess.Popen, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"bench: server exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("bench: server did not start")


async def one(port: int, path: str) -> tuple[float, bool]:
    t = time.perf_counter()
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), TIMEOUT)
        try:
            writer.write(f"GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nAccept-Encoding: br, gzip\r\n\r\n".encode())
            head = await asyncio.wait_for(reader.readline(), TIMEOUT)
            ok = head.split(b" ", 2)[1:2] == [b"200"]
            while await asyncio.wait_for(reader.read(1 << 16), TIMEOUT):
                pass
        finally:
            writer.close()
    except (TimeoutError, OSError, IndexError):
        ok = False
    return time.perf_counter() - t, ok


async def load(port: int, path: str, clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal errors
        while time.perf_counter() < stop:
            dt, ok = await one(port, path)
            latencies.append(dt)
            errors += not ok

    t = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.perf_counter() - t
    lat = sorted(latencies) or [0.0]
    q = statistics.quantiles(lat, n=100) if len(lat) > 1 else [lat[0]] * 99
    return {"requests": len(latencies), "rps": len(latencies) / elapsed, "p50": q[49] * 1000,
            "p99": q[98] * 1000, "max": lat[-1] * 1000, "errors": errors}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", default=str(ROOT / "site"))
    ap.add_argument("--seconds", type=float, default=5.0)
    args = ap.parse_args(argv)
    site = Path(args.site)
    if not (site / "index.html").is_file():
        raise SystemExit(f"bench: {site}/index.html not found. Build first: make build")
    wasm = "/" + next(site.rglob("*.wasm")).relative_to(site).as_posix()
    scenarios = [("home page", "/", 100), ("wasm", wasm, 20)]
    servers = []
    port = free_port()
    env = dict(os.environ, RONGCUO_SERVE_QUIET="1")
    proc = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "serve.py"), "--dir", str(site),
                             "--port", str(port)], env=env, stdout=subprocess.DEVNULL)
    wait_listening(port, proc)
    servers.append(("serve.py", port, proc))
    missing = nginx_local.available()
    if missing:
        print(f"bench: nginx skipped: {missing}")
    else:
        nproc, nport, _ = nginx_local.start(site, 0, workers=2)
        servers.append(("nginx", nport, nproc))
    print(f"loopback, {os.cpu_count()} CPUs, {args.seconds:g} s per run, one connection per request")
    print(f"{'server':<9} {'what':<10} {'clients':>7} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'max ms':>8} {'errors':>6}")
    try:
        for label, path, clients in scenarios:
            for name, p, _ in servers:
                r = asyncio.run(load(p, path, clients, args.seconds))
                print(f"{name:<9} {label:<10} {clients:>7} {r['requests']:>9} {r['rps']:>8.0f} {r['p50']:>8.1f} "
                      f"{r['p99']:>8.1f} {r['max']:>8.1f} {r['errors']:>6}", flush=True)
    finally:
        for name, _, pr in servers:
            if name == "nginx":
                nginx_local.stop(pr)
            else:
                pr.terminate()
                pr.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
