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

from rongcuo_site.report import error

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


class ContentSecurityPolicy:
    """The policy of every page of one build and the union of the inline-script hashes it collects."""

    def __init__(self, serving: bool = False) -> None:
        # `mkdocs serve` injects an inline live-reload script into every page after the build: allow
        # inline scripts there (development only; built sites always carry the hashed policy).
        self.serving = serving
        self.hashes: set[str] = set()

    def _collect(self, html: str) -> None:
        for m in INLINE_SCRIPT.finditer(html):
            attrs = m.group("attrs")
            if re.search(r"\bsrc\s*=", attrs):
                continue
            t = re.search(r"\btype\s*=\s*[\"']?([^\"'\s>]+)", attrs)
            if t and t.group(1).lower() not in ("text/javascript", "module", "application/javascript"):
                continue  # JSON data blocks (the theme's __config) are not executed
            digest = hashlib.sha256(m.group("body").encode("utf-8")).digest()
            self.hashes.add("'sha256-" + base64.b64encode(digest).decode() + "'")

    def fill(self, html: str, extra: dict | None, where: str) -> str:
        """Put the page's policy in place of the placeholder and collect its inline scripts' hashes."""
        if PLACEHOLDER not in html:
            raise error(where, "页面中没有 Content-Security-Policy 占位符",
                        "在 mkdocs.yml 中保留 theme.custom_dir: overrides（占位符由 overrides/main.html 加入）")
        self._collect(html)
        return html.replace(PLACEHOLDER, _policy(extra, where), 1)

    def fill_template(self, output: str, template_name: str) -> str:
        if template_name.endswith(".html") and PLACEHOLDER in output:
            return self.fill(output, None, template_name)
        return output

    def write_hashes(self, site_dir: str) -> None:
        """A final pass over the built site: every page lists the hashes of the whole site."""
        union = "'unsafe-inline'" if self.serving else " ".join(sorted(self.hashes))
        for path in Path(site_dir).rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            if HASHES in text:
                text = text.replace(" " + HASHES, " " + union if union else "")
                path.write_text(text, encoding="utf-8")
