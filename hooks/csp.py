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
from pathlib import Path

from mkdocs.exceptions import PluginError

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
            raise PluginError(f"{where}: front matter `csp` has an unknown directive '{directive}'. "
                              f"Fix: use one of {', '.join(policy)} with a list of sources")
        for s in sources:
            if s not in ALLOWED_EXTRA:
                raise PluginError(f"{where}: front matter `csp` source {s!r} is not allowed (the "
                                  f"site must stay on its own origin). Fix: use one of "
                                  f"{', '.join(sorted(ALLOWED_EXTRA))}")
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
        raise PluginError(f"{where}: no Content-Security-Policy placeholder in the page. Fix: keep "
                          "theme.custom_dir: overrides (overrides/main.html adds it)")
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
