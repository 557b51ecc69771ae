"""The Jinja2 templates of the generated pages (rongcuo_site/templates/): one environment for the
whole plugin, with autoescaping.

- Every `{{ value }}` is HTML-escaped as `html.escape(str(value), quote=True)` writes it (`&quot;`
  and `&#x27;`, not MarkupSafe's `&#34;` and `&#39;`: the pages stay byte for byte what they were
  before the templates), and None writes nothing. A value that is already HTML (a `Markup`, e.g.
  what `render` returns) is written as it is; HTML made elsewhere and escaped there (by
  selfcheck.present, by procedure_svg, by mkdocs) is inserted with `|safe` and a comment saying so.
  Filters that escape by themselves (`|e`, `|tojson`, `|join` over Markup items) write MarkupSafe's
  entities: the templates don't use them.
- In an `.html` template a line break and the indentation after it are dropped (outside the
  `{{ }}`, `{% %}` and `{# #}` tags): the HTML comes out on one line, as Markdown needs a raw HTML
  block to be (an indented line would be code). Write a space that the output needs inside a line
  (`{{ " " }}` at the start of one), never at the end of one. A blank line is kept, as one: it
  separates two blocks of the page's Markdown.
- An `.md` template (a whole generated page: Markdown with raw HTML lines) keeps its lines, but a
  line that holds only a `{% %}` or `{# #}` tag is dropped with its line break (what Jinja's
  trim_blocks and lstrip_blocks do, for this kind of template only).
- `|paragraphs` makes plain text (maybe light Markdown: bold and links are dropped) a list of
  paragraphs, the line folds between Chinese characters removed (cjk_join).
- An undefined name is an error (StrictUndefined), not an empty string.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from jinja2.ext import Extension
from markupsafe import Markup

TEMPLATES = Path(__file__).resolve().parent / "templates"
_TAG = re.compile(r"({{.*?}}|{%.*?%}|{#.*?#})", re.S)
_LINE_BREAKS = re.compile(r"\n(?:[ \t]*\n)*[ \t]*")
_TAG_LINE = re.compile(r"^[ \t]*({%(?:(?!%}).)*%}|{#(?:(?!#}).)*#})[ \t]*\n", re.M | re.S)


def html_escaped(value: Any) -> Markup:
    """What `{{ value }}` writes (the environment's finalize; autoescape leaves a Markup alone)."""
    if value is None:
        return Markup("")
    if hasattr(value, "__html__"):
        return Markup(value.__html__())
    return Markup(html.escape(str(value), quote=True))


class TemplateLines(Extension):
    """The line breaks of a template as the module's docstring says: an .html template's dropped
    (a blank line kept as one), an .md template's kept except around a tag alone on its line."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        if (name or "").endswith(".md"):
            return _TAG_LINE.sub(r"\1", source)
        if not (name or "").endswith(".html"):
            return source
        parts = _TAG.split(source)
        return "".join(p if i % 2 else _LINE_BREAKS.sub(_joined, p) for i, p in enumerate(parts))


def _joined(m: re.Match[str]) -> str:
    return "\n\n" if m.group(0).count("\n") > 1 else ""


CJK = r"[\u2018-\u201d\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]"


def cjk_join(text: str) -> str:
    """Drop the spaces that line folding (YAML `>-`, hard-wrapped Markdown) leaves between Chinese
    characters: Chinese text has no spaces between words."""
    return re.sub(rf"(?<={CJK})\s+(?={CJK})", "", text or "")


def paragraphs(text: str | None) -> list[str]:
    """Plain text (maybe light Markdown) as a list of paragraphs, each on one line."""
    text = re.sub(r"\*\*([^*]+)\*\*", r"\1", text or "")
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    parts = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return [cjk_join(" ".join(line.strip() for line in p.splitlines())) for p in parts]


ENV = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,
    finalize=html_escaped,
    undefined=StrictUndefined,
    keep_trailing_newline=True,  # an .md page ends with a line break, as a file does
    extensions=[TemplateLines],
)
ENV.filters["paragraphs"] = paragraphs


def render(name: str, **context: Any) -> Markup:
    """The template `name` (a path under rongcuo_site/templates/) rendered with `context`: a Markup,
    so that another template inserts it as it is. Where the HTML goes on into plain Python strings,
    take str() of it first: `"text" + markup` would escape "text" (Markup.__radd__)."""
    return Markup(ENV.get_template(name).render(**context))


def render_page(name: str, **context: Any) -> str:
    """A whole page from an .md template, as plain text: mkdocs and the plugins after this one edit a
    page's Markdown with str methods, which a Markup would escape their arguments for."""
    return str(ENV.get_template(name).render(**context))
