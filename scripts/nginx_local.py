#!/usr/bin/env python3
"""Run Debian's nginx with deploy/nginx/rongcuo.conf on a loopback port, as an ordinary process
(no service, no root-owned files outside a work folder): what the tests and bench_serve.py use.

    python scripts/nginx_local.py [--dir site] [--port 8080]   # serve until Ctrl+C

The generated nginx.conf is the minimal `http {}` around the repository's file, with `root` and
`listen` replaced; everything nginx writes (pid, logs, temp files) goes to the work folder.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONF = ROOT / "deploy" / "nginx" / "rongcuo.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
BROTLI = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so"


def available() -> str | None:
    """None when nginx and the brotli module are installed; otherwise what is missing."""
    if not Path(NGINX).exists():
        return "nginx is not installed (make setup: apt-get install nginx)"
    if not Path(BROTLI).exists():
        return "the brotli_static module is missing (make setup: apt-get install libnginx-mod-http-brotli-static)"
    return None


def config(site: Path, port: int, work: Path, workers: int = 1) -> str:
    server = CONF.read_text(encoding="utf-8")
    server = re.sub(r"^(\s*)listen 80;", rf"\1listen 127.0.0.1:{port};", server, count=1, flags=re.M)
    server = re.sub(r"^(\s*)root /srv/rongcuo/site;", rf"\1root {site};", server, count=1, flags=re.M)
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read a site under a 0700 temp folder
    temp = "".join(f"    {k}_temp_path {work}/{k};\n" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return (f"load_module {BROTLI};\n{user}worker_processes {workers};\npid {work}/nginx.pid;\n"
            f"error_log {work}/error.log warn;\nevents {{ worker_connections 4096; }}\n"
            f"http {{\n    access_log off;\n{temp}    sendfile on;\n    tcp_nopush on;\n{server}\n}}\n")


def start(site: Path, port: int = 0, work: Path | None = None, workers: int = 1) -> tuple[subprocess.Popen, int, Path]:
    """Start nginx in the foreground of a child process; (process, port, work folder)."""
    missing = available()
    if missing:
        raise RuntimeError(missing)
    if port == 0:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
    work = work or Path(tempfile.mkdtemp(prefix="rongcuo-nginx-"))
    work.mkdir(parents=True, exist_ok=True)
    (work / "nginx.conf").write_text(config(Path(site).absolute(), port, work, workers), encoding="utf-8")
    proc = subprocess.Popen([NGINX, "-p", str(work), "-c", str(work / "nginx.conf"), "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"nginx exited: {proc.stderr.read().decode() if proc.stderr else ''}"
                               f"{(work / 'error.log').read_text() if (work / 'error.log').exists() else ''}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, port, work
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("nginx did not start listening within 10 s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", default=str(ROOT / "site"))
    ap.add_argument("--port", type=int, default=8080)
    args = ap.parse_args(argv)
    proc, port, work = start(Path(args.dir), args.port)
    print(f"nginx: http://127.0.0.1:{port}/ (config and logs in {work}); Ctrl+C stops it", flush=True)
    try:
        proc.wait()
    except KeyboardInterrupt:
        stop(proc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
