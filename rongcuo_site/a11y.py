"""Small accessibility repairs to the theme's markup (found by the axe-core test, tests/site).

- The search overlay is a `role="dialog"` without a name (axe: aria-dialog-name, serious): give
  it `aria-label="搜索"`. Patched in the HTML rather than by copying the theme's search partial.
- Tables scroll sideways on narrow screens, so they must be reachable by keyboard (axe:
  scrollable-region-focusable, serious): `tabindex="0"` on content tables.
- Links to another site get class "rc-external", so that print.css can print their address
  after the text (the theme's instant navigation makes every href absolute at run time, so CSS
  alone cannot tell an internal link from an external one).
Colour contrast and link underlines are fixed in content/assets/stylesheets/site.css.
"""

from __future__ import annotations

import re

SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
SEARCH_DIALOG_NAMED = '<div class="md-search" data-md-component="search" role="dialog" aria-label="搜索">'


EXTERNAL_LINK = re.compile(r'<a (?![^>]*\bclass=)([^>]*\bhref="https?://[^"]*"[^>]*)>')


def repair(html: str) -> str:
    html = html.replace(SEARCH_DIALOG, SEARCH_DIALOG_NAMED, 1)
    start = html.find('<article class="md-content__inner')
    end = html.find("</article>", start)
    if start >= 0 and end > start:
        body = EXTERNAL_LINK.sub(r'<a class="rc-external" \1>', html[start:end])
        body = body.replace("<table>", '<table tabindex="0">')
        html = html[:start] + body + html[end:]
    return html
