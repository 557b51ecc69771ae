"""The templates' environment (rongcuo_site/templating.py): what `{{ }}` writes and what becomes of
a template's line breaks."""

from __future__ import annotations

import html

import jinja2
import pytest
from markupsafe import Markup

from rongcuo_site import templating


def rendered(name: str, source: str, **context: object) -> str:
    env = templating.ENV.overlay(loader=jinja2.DictLoader({name: source}))
    return env.get_template(name).render(**context)


def test_values_are_escaped_as_html_escape_does():
    text = "<a href=\"x\">'&'</a>"
    assert rendered("t.html", "{{ v }}", v=text) == html.escape(text, quote=True)
    assert rendered("t.html", '<p title="{{ v }}">', v='"') == '<p title="&quot;">'
    assert rendered("t.html", "[{{ v }}]", v=None) == "[]"
    assert rendered("t.html", "{{ v }}", v=Markup("<b>x</b>")) == "<b>x</b>"
    assert rendered("t.html", "{{ v|safe }}", v="<b>x</b>") == "<b>x</b>"


def test_an_html_template_comes_out_on_one_line_with_its_blank_lines():
    source = '<p class="a">\n  {% if x %}\n    <b>{{ x }}</b>\n  {% endif %}\n  {{ " " }}<i>y</i>\n</p>\n\n<p>z</p>\n'
    assert rendered("t.html", source, x=1) == '<p class="a"><b>1</b> <i>y</i></p>\n\n<p>z</p>'
    # a line break inside a tag is the tag's own
    assert rendered("t.html", "{{ a\n  + b }}", a=1, b=2) == "3"


def test_an_md_template_keeps_its_lines_but_not_a_tag_alone_on_one():
    source = "{# a page #}\n# T\n\n{% for x in xs %}\n- {{ x }}\n{% endfor %}\nend {% if 1 %}x{% endif %}\n"
    assert rendered("t.md", source, xs=["a", "b"]) == "# T\n\n- a\n- b\nend x\n"


def test_an_undefined_name_is_an_error():
    with pytest.raises(jinja2.UndefinedError):
        rendered("t.html", "{{ nothing }}")


def test_paragraphs():
    assert templating.paragraphs("**一**段\n文字\n\n[第二](x.md)段") == ["一段文字", "第二段"]
    assert templating.paragraphs(None) == []
