"""Fill the Content-Security-Policy meta element that overrides/main.html puts on every page.

The policy allows only this site's own origin. The theme has a few small inline scripts (its
`__md_*` helpers in the head, the content-tab restore script); instead of 'unsafe-inline' the
policy lists their sha256 hashes. Instant navigation re-runs a new page's inline scripts under the
policy of the page first loaded, so every page lists the union of the hashes of the whole site
(written in a final pass over site/ in on_post_build).

A page may widen the policy through front matter, e.g. the self-check page running WebAssembly:

    csp:
      script-src: ["'wasm-unsafe-eval'"]

Only keywords and same-origin schemes are accepted there (never another host), so the site stays
offline-only. Decision record: docs/decisions/0001-content-security-policy.md.
"""

from __future__ import annotations

import base64
import hashlib
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _paths import error  # noqa: E402

PLACEHOLDER = "__RONGCUO_CSP__"
HASHES = "'__RONGCUO_SCRIPT_HASHES__'"

BASE_POLICY: dict[str, list[str]] = {
    "default-src": ["'none'"],
    "script-src": ["'self'", HASHES],      # theme bundle + hashed inline helpers
    "style-src": ["'self'"],               # theme CSS + our CSS; no inline styles
    "img-src": ["'self'", "data:"],        # the theme's CSS icons are data: SVG URLs
    "font-src": ["'self'"],
    "connect-src": ["'self'"],             # instant navigation and the search index (fetch)
    "worker-src": ["'self'"],              # the search Web Worker (and the self-check worker)
    "manifest-src": ["'self'"],
    "media-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'none'"],             # the search form never submits
}
ALLOWED_EXTRA = {"'wasm-unsafe-eval'", "blob:", "data:", "'self'"}
INLINE_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)

_hashes: set[str] = set()
_mode = {"serve": False}


def on_startup(command, dirty):
    # `mkdocs serve` injects an inline live-reload script into every page after the build: allow
    # inline scripts there (development only; built sites always carry the hashed policy).
    _mode["serve"] = command == "serve"


def on_pre_build(config):
    _hashes.clear()


def _policy(extra: dict | None, where: str) -> str:
    policy = {k: list(v) for k, v in BASE_POLICY.items()}
    for directive, sources in (extra or {}).items():
        if directive not in policy or not isinstance(sources, list):
            raise error(where, f"front matter `csp` 中的指令 '{directive}' 未知，或它的值不是列表",
                        f"改用其中之一：{', '.join(policy)}，值写成来源列表")
        for s in sources:
            if s not in ALLOWED_EXTRA:
                raise error(where, f"front matter `csp` 中的来源 {s!r} 不允许使用（网站只能加载本站的资源）",
                            f"改用其中之一：{', '.join(sorted(ALLOWED_EXTRA))}")
            if s not in policy[directive]:
                policy[directive].append(s)
    return "; ".join(f"{k} {' '.join(v)}" for k, v in policy.items())


def _collect(html: str) -> None:
    for m in INLINE_SCRIPT.finditer(html):
        attrs = m.group("attrs")
        if re.search(r"\bsrc\s*=", attrs):
            continue
        t = re.search(r"\btype\s*=\s*[\"']?([^\"'\s>]+)", attrs)
        if t and t.group(1).lower() not in ("text/javascript", "module", "application/javascript"):
            continue  # JSON data blocks (the theme's __config) are not executed
        digest = hashlib.sha256(m.group("body").encode("utf-8")).digest()
        _hashes.add("'sha256-" + base64.b64encode(digest).decode() + "'")


def _fill(html: str, extra: dict | None, where: str) -> str:
    if PLACEHOLDER not in html:
        raise error(where, "页面中没有 Content-Security-Policy 占位符",
                    "在 mkdocs.yml 中保留 theme.custom_dir: overrides（占位符由 overrides/main.html 加入）")
    _collect(html)
    return html.replace(PLACEHOLDER, _policy(extra, where), 1)


def on_post_page(output, page, config):
    return _fill(output, page.meta.get("csp"), page.file.src_uri)


def on_post_template(output_content, template_name, config):
    if template_name.endswith(".html") and PLACEHOLDER in output_content:
        return _fill(output_content, None, template_name)
    return output_content


def on_post_build(config):
    union = "'unsafe-inline'" if _mode["serve"] else " ".join(sorted(_hashes))
    site = Path(config.site_dir)
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if HASHES in text:
            text = text.replace(" " + HASHES, " " + union if union else "")
            path.write_text(text, encoding="utf-8")
