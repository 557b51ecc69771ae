#!/usr/bin/env python3
"""Serve the built site (site/) on http://127.0.0.1:8000 with the standard library.

Unlike `python -m http.server`, this serves the precompressed `X.br` / `X.gz` written by
scripts/build_site.py next to each file, with `Content-Encoding` and `Vary: Accept-Encoding`, when
the browser accepts that encoding; the original file otherwise. Static files only, loopback only.

Caching: a file whose URL names its version or content hash (the Pyodide runtime folder
assets/selfcheck/pyodide-<version>/, rules-<hash>.json, python_stdlib-<hash>.zip, the theme's
*.<hash>.min.js/css) is sent
with `Cache-Control: max-age=31536000, immutable`: a reload takes it from the browser's cache
without asking, and Chromium then also reuses the WebAssembly it compiled (a revalidated file loses
that, measured in docs/decisions/0002). Every other file is `no-cache` with an ETag, so a reload
asks and gets a 304 when nothing changed. A static server in production needs the same headers.

Security headers (the same as deploy/nginx/rongcuo.conf; tests/site/test_servers.py compares them):
`X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer` on every response; on HTML
pages `Content-Security-Policy: frame-ancestors 'none'; …` (what a <meta> policy cannot say: the
page's own full policy, with the hashes of its inline scripts, is in its <meta> element and both are
enforced) and `X-Frame-Options: DENY`; on scripts the worker policy (below).

Under load: a listen queue of 128, a timeout on every connection (an idle or slow client is dropped
after TIMEOUT seconds instead of holding a thread), no traceback when a client goes away. Only files
inside the site folder are served (a symlink pointing outside it is a 404), and a precompressed
`X.br`/`X.gz` is never served by its own name (it would arrive without its Content-Encoding).

    python scripts/serve.py [--dir site] [--host 127.0.0.1] [--port 8000]
"""

from __future__ import annotations

import argparse
import email.utils
import os
import posixpath
import re
import sys
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent

# The media type of every kind of file the site has, fixed here (not read from /etc/mime.types, which
# differs between machines) and the same as the `types` of deploy/nginx/rongcuo.conf.
TYPES = {".html": "text/html", ".css": "text/css", ".js": "text/javascript", ".mjs": "text/javascript",
         ".json": "application/json", ".map": "application/json", ".webmanifest": "application/manifest+json",
         ".wasm": "application/wasm", ".xml": "application/xml", ".zip": "application/zip",
         ".whl": "application/zip", ".png": "image/png", ".svg": "image/svg+xml", ".ico": "image/x-icon",
         ".txt": "text/plain", ".py": "text/plain"}
CHARSET = ("text/", "application/json", "image/svg+xml")  # sent with "; charset=utf-8"

ENCODINGS = (("br", ".br"), ("gzip", ".gz"))


# URLs that change whenever their content does (see the module docstring)
IMMUTABLE = re.compile(r"/pyodide-\d[^/]*/[^/]+$|/rules-[0-9a-f]{12}\.json$|/python_stdlib-[0-9a-f]{12}\.zip$"
                       r"|\.[0-9a-f]{8}\.min\.(?:js|css)$")
WORKER_CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'"
# On every HTML page, beside the page's <meta> policy: the directives a <meta> element cannot carry
# (frame-ancestors) and the ones that never vary between pages.
PAGE_CSP = "frame-ancestors 'none'; base-uri 'none'; object-src 'none'; form-action 'none'"
TIMEOUT = 15  # seconds a connection may stay silent
QUEUE = 128
QUIET_ERRORS = (ConnectionError, TimeoutError)


def accepted(header: str | None) -> set[str]:
    out = set()
    for part in (header or "").split(","):
        name, _, params = part.strip().partition(";")
        q = 1.0
        for p in params.split(";"):
            k, _, v = p.strip().partition("=")
            if k == "q":
                try:
                    q = float(v)
                except ValueError:
                    q = 0.0
        if name and q > 0:
            out.add(name.strip().lower())
    return out


class Handler(SimpleHTTPRequestHandler):
    server_version = "rongcuo-serve"
    sys_version = ""
    timeout = TIMEOUT  # socket timeout of each connection (StreamRequestHandler)

    def handle(self) -> None:
        try:
            super().handle()
        except QUIET_ERRORS:  # the client went away or stayed silent: nothing to report
            self.close_connection = True

    def end_headers(self) -> None:
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        super().end_headers()

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        return TYPES.get(os.path.splitext(str(path))[1].lower(), "application/octet-stream")

    def _inside(self, path: str) -> bool:
        """Whether path, symlinks resolved, is inside the site folder (itself resolved per request:
        `site` is a symlink to the current release, swapped by each build)."""
        root = os.path.realpath(self.directory)
        real = os.path.realpath(path)
        return real == root or real.startswith(root + os.sep)

    def send_head(self):  # noqa: C901 (mirrors the base class)
        path = self.translate_path(self.path)
        if path.endswith(tuple(s for _, s in ENCODINGS)) or not self._inside(path):
            return self._not_found()
        if os.path.isdir(path):
            parts = urlsplit(self.path)
            if not parts.path.endswith("/"):
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", parts.path + "/" + (("?" + parts.query) if parts.query else ""))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            path = os.path.join(path, "index.html")
        if not os.path.isfile(path):
            return self._not_found()
        ctype = self.guess_type(path)
        ok = accepted(self.headers.get("Accept-Encoding"))
        chosen, encoding = path, None
        for enc, suffix in ENCODINGS:
            if enc in ok and os.path.isfile(path + suffix) and self._inside(path + suffix):
                chosen, encoding = path + suffix, enc
                break
        try:
            f = open(chosen, "rb")  # noqa: SIM115 (returned to the base class, which copies and closes it)
        except OSError:
            return self._not_found()
        fs = os.fstat(f.fileno())
        # A validator, so a reload that asks gets a 304 (no body) when the file has not changed.
        etag = f'"{fs.st_size:x}-{fs.st_mtime_ns:x}{"-" + encoding if encoding else ""}"'
        if etag in {t.strip() for t in self.headers.get("If-None-Match", "").split(",")}:
            f.close()
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self._send_caching(path, etag)
            self.end_headers()
            return None
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", ctype + ("; charset=utf-8" if ctype.startswith(CHARSET) else ""))
        self.send_header("Content-Length", str(fs.st_size))
        self.send_header("Last-Modified", email.utils.formatdate(fs.st_mtime, usegmt=True))
        self._send_caching(path, etag)
        if encoding:
            self.send_header("Content-Encoding", encoding)
        if ctype == "text/html":
            self.send_header("Content-Security-Policy", PAGE_CSP)
            self.send_header("X-Frame-Options", "DENY")
        if path.endswith((".js", ".mjs")):
            # A Web Worker takes its Content-Security-Policy from its own response, not from the page's
            # <meta>: this keeps the self-check worker (and anything it imports) on this origin.
            # Browsers ignore the header on scripts that a page loads.
            self.send_header("Content-Security-Policy", WORKER_CSP)
        self.end_headers()
        return f

    def _send_caching(self, path: str, etag: str) -> None:
        """The headers a 200 and a 304 of the same file share: validator, caching, Vary."""
        self.send_header("ETag", etag)
        immutable = IMMUTABLE.search(urlsplit(self.path).path)
        self.send_header("Cache-Control", "max-age=31536000, immutable" if immutable else "no-cache")
        if any(os.path.isfile(path + s) for _, s in ENCODINGS):
            self.send_header("Vary", "Accept-Encoding")

    def _not_found(self):
        page = os.path.join(self.directory, "404.html")
        if os.path.isfile(page):
            with open(page, "rb") as fh:
                body = fh.read()
            self.send_response(HTTPStatus.NOT_FOUND)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Content-Security-Policy", PAGE_CSP)
            self.send_header("X-Frame-Options", "DENY")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return None
        self.send_error(HTTPStatus.NOT_FOUND, "File not found")
        return None

    def translate_path(self, path: str) -> str:
        path = posixpath.normpath(unquote(urlsplit(path).path))
        out = self.directory
        for word in filter(None, path.split("/")):
            if word in (os.curdir, os.pardir) or os.sep in word:
                continue
            out = os.path.join(out, word)
        return out

    def log_message(self, format: str, *args) -> None:  # quieter: one line per request
        if os.environ.get("RONGCUO_SERVE_QUIET"):
            return
        sys.stderr.write(f"{self.log_date_time_string()} {format % args}\n")


class Server(ThreadingHTTPServer):
    allow_reuse_address = True
    request_queue_size = QUEUE  # socketserver's default is 5: 100 clients then wait for SYN retries
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], QUIET_ERRORS):
            return  # a client that disconnects is not an error of the server
        super().handle_error(request, client_address)


def make_server(directory: Path, host: str = "127.0.0.1", port: int = 8000,
                timeout: float = TIMEOUT) -> ThreadingHTTPServer:
    cls = Handler if timeout == TIMEOUT else type("Handler", (Handler,), {"timeout": timeout})
    return Server((host, port), partial(cls, directory=str(directory)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", default=str(ROOT / "site"))
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    args = ap.parse_args(argv)
    directory = Path(args.dir)
    if not (directory / "index.html").is_file():
        print(f"serve: {directory}/index.html not found. Build first: make build", file=sys.stderr)
        return 2
    try:
        httpd = make_server(directory, args.host, args.port)
    except OSError as exc:
        print(f"serve: cannot listen on {args.host}:{args.port} ({exc}). "
              f"Is another server running? Try: PORT=8001 make serve", file=sys.stderr)
        return 2
    print(f"serve: 本站已在 http://{args.host}:{args.port}/ 运行（serving {directory}）；按 Ctrl+C 停止。", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        print("\nserve: stopped.")
    finally:
        httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
