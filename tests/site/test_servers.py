"""The two servers of the built site: the production nginx configuration (deploy/nginx/rongcuo.conf,
run by scripts/nginx_local.py) and scripts/serve.py. Same headers file by file, the browser's privacy
and CSP checks against nginx, framing refused by both, and serve.py holding its ground (listen queue,
timeouts, no traceback when clients go away, nothing outside the site folder)."""

from __future__ import annotations

import hashlib
import http.client
import os
import socket
import struct
import subprocess
import sys
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .conftest import ROOT, dump, page_paths, privacy_problems

sys.path.insert(0, str(ROOT / "scripts"))
import serve  # noqa: E402

COMPARED = ("Content-Type", "Content-Encoding", "Content-Length", "Cache-Control", "Vary", "Location",
            "Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy")


def fetch(base: str, path: str, encoding: str = "identity", method: str = "GET") -> tuple[int, dict, bytes]:
    u = urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    try:
        conn.request(method, "/" + path, headers={"Accept-Encoding": encoding})
        r = conn.getresponse()
        body = r.read()
        return r.status, {k: r.headers.get(k) for k in COMPARED} | {"ETag?": r.headers.get("ETag") is not None}, body
    finally:
        conn.close()


def site_urls(site: Path) -> list[str]:
    out = []
    for p in sorted(site.rglob("*")):
        if p.is_file() and p.suffix not in (".br", ".gz"):
            rel = p.relative_to(site).as_posix()
            out.append(rel[: -len("index.html")] if rel.endswith("index.html") else rel)
    return out


def test_the_built_site_has_no_symlink(built_site):
    assert [p for p in built_site.rglob("*") if p.is_symlink()] == []


def essential(response: tuple[int, dict, bytes]) -> tuple:
    """What must agree. A file: everything compared and its bytes. A 404: the status, media type and
    security headers (nginx also compresses its 404 page). A redirect: the status and Location."""
    status, h, body = response
    if status == 200:
        return status, h, hashlib.sha256(body).hexdigest()
    keep = ("Location", "X-Content-Type-Options", "Referrer-Policy") + (
        ("Content-Type", "Cache-Control", "Content-Security-Policy", "X-Frame-Options") if status == 404 else ())
    return status, {k: h[k] for k in keep}


def test_headers_match_file_by_file(base_url, nginx_url, built_site):
    """Every file of the site, with each encoding a browser may accept: same status, media type,
    encoding, length, caching and security headers, same bytes."""
    urls = site_urls(built_site)
    assert len(urls) > 100
    extra = ["no-such-page/", "rules", "index.html.br", "index.html.gz", "assets/../index.html"]
    diffs = {}
    for path in urls + extra:
        for enc in ("br", "gzip", "identity", "gzip, deflate, br"):
            a = fetch(base_url, path, enc)
            b = fetch(nginx_url, path, enc)
            ha, hb = essential(a), essential(b)
            if ha != hb:
                diffs[f"{path} [{enc}]"] = {"serve.py": [a[0], ha], "nginx": [b[0], hb]}
    assert not diffs, dump(dict(list(diffs.items())[:10])) + f"\n({len(diffs)} differences)"
    for base in (base_url, nginx_url):  # a path out of the site: nginx says 400, serve.py 404
        assert fetch(base, "%2e%2e/%2e%2e/etc/passwd")[0] in (400, 404)


def test_security_headers_on_pages(base_url, nginx_url):
    for base in (base_url, nginx_url):
        for path in ("", "selfcheck/", "404.html", "no-such-page/"):
            _, h, _ = fetch(base, path)
            assert "frame-ancestors 'none'" in h["Content-Security-Policy"], (base, path, h)
            assert h["X-Frame-Options"] == "DENY" and h["X-Content-Type-Options"] == "nosniff"
            assert h["Referrer-Policy"] == "no-referrer"


def test_precompressed_files_are_never_served_by_their_own_name(base_url, nginx_url, built_site):
    for base in (base_url, nginx_url):
        for p in list(built_site.rglob("*.br"))[:20] + list(built_site.rglob("*.gz"))[:20]:
            status, h, _ = fetch(base, p.relative_to(built_site).as_posix())
            assert status == 404, (base, p, h)


def test_serve_py_does_not_follow_a_symlink_out_of_the_site(base_url, built_site, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("not part of the site")
    link = built_site / "leak.txt"
    link.symlink_to(secret)
    try:
        status, _, body = fetch(base_url, "leak.txt")
    finally:
        link.unlink()
    assert status == 404 and b"not part of the site" not in body


def test_serve_py_listen_queue_and_idle_timeout(built_site):
    httpd = serve.make_server(built_site, "127.0.0.1", 0, timeout=1)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        assert httpd.request_queue_size >= 128
        idle = socket.create_connection(httpd.server_address, timeout=10)
        t = time.monotonic()
        assert idle.recv(1) == b""  # the server hangs up on a silent client
        assert time.monotonic() - t < 5
        idle.close()
        assert fetch(f"http://127.0.0.1:{httpd.server_address[1]}/", "")[0] == 200
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_serve_py_prints_no_traceback_when_clients_go_away(built_site):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ)
    env.pop("RONGCUO_SERVE_QUIET", None)
    proc = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "serve.py"), "--dir", str(built_site),
                             "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "serve.py did not start"
                time.sleep(0.1)
        wasm = next(built_site.rglob("*.wasm")).relative_to(built_site).as_posix()
        for i in range(30):
            c = socket.create_connection(("127.0.0.1", port), timeout=5)
            if i % 3:
                c.sendall(f"GET /{wasm} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
                c.recv(1000)
            else:
                c.sendall(b"GET / HT")  # half a request
            c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # reset, not close
            c.close()
        time.sleep(1)
        assert fetch(f"http://127.0.0.1:{port}/", "")[0] == 200
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
    assert b"Traceback" not in err, err.decode(errors="replace")[-3000:]


def test_privacy_and_csp_in_the_browser_against_nginx(page_reports, built_site):
    """The browser suite's privacy and CSP checks, on every page, served by nginx: the one desktop
    crawl of the run (tests/site/conftest.py page_reports) goes through nginx."""
    assert sorted(page_reports) == sorted(page_paths(built_site))
    bad = privacy_problems(page_reports)
    assert not bad, dump(bad)


@pytest.fixture
def framer(tmp_path):
    """A page on another loopback origin that tries to frame a URL given in its query string."""
    (tmp_path / "frame.html").write_text(
        "<!doctype html><title>framer</title><iframe id=f width=800 height=600></iframe>"
        "<script>document.getElementById('f').src = decodeURIComponent(location.search.slice(1));</script>",
        encoding="utf-8")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(tmp_path)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/frame.html"
    httpd.shutdown()
    httpd.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def plain_url(built_site):
    """A server without any security header: the control that shows the framing test can see a frame."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(built_site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def test_framing_control_without_headers_is_framed(browser, framer, plain_url):
    target = plain_url + "selfcheck/"
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(framer + "?" + target, wait_until="load")
    page.wait_for_timeout(1500)
    frames = [f for f in page.frames if f != page.main_frame]
    assert frames and frames[0].evaluate("() => [location.href, !!document.querySelector('form')]") == [target, True]
    ctx.close()


@pytest.mark.parametrize("server", ["serve.py", "nginx"])
def test_another_origin_cannot_frame_the_selfcheck(browser, framer, base_url, nginx_url, server):
    target = (base_url if server == "serve.py" else nginx_url) + "selfcheck/"
    ctx = browser.new_context()
    page = ctx.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    page.goto(framer + "?" + target, wait_until="load")
    page.wait_for_timeout(1500)
    frames = [f for f in page.frames if f != page.main_frame]
    assert frames, "no iframe"
    loaded = []
    for f in frames:
        try:
            loaded.append(f.evaluate("() => [location.href, document.title, !!document.querySelector('form')]"))
        except Exception as exc:  # a refused frame shows Chromium's error page, or nothing at all
            loaded.append(["<unreachable>", str(exc)[:100], False])
    assert not any(href.startswith(target) and has_form for href, _, has_form in loaded), (loaded, console)
    assert any("frame-ancestors" in m or "X-Frame-Options" in m for m in console) or \
        all(not href.startswith("http") for href, _, _ in loaded), (loaded, console)
    ctx.close()
