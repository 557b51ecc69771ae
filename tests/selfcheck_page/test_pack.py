"""The self-check's build side: the generated form, the packed runtime, the wheel, the rules JSON."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
import zipfile
from html import unescape

import pytest

from rongcuo_site import selfcheck_pack


@pytest.mark.build  # builds the wheel the site serves, twice
def test_wheel_is_deterministic_and_stdlib_only(tmp_path):
    a = selfcheck_pack.build_wheel(tmp_path / "a")
    b = selfcheck_pack.build_wheel(tmp_path / "b")
    assert a.read_bytes() == b.read_bytes()
    names = zipfile.ZipFile(a).namelist()
    mods = {n.split("/")[1] for n in names if n.startswith("selfcheck/")}
    assert mods == set(selfcheck_pack.RUNTIME_MODULES)
    for n in names:
        if n.endswith(".py"):
            src = zipfile.ZipFile(a).read(n).decode()
            assert not re.search(r"^\s*(import|from)\s+(yaml|selfcheck\.(load|yamlsrc|lint|cli|ask|validate))", src, re.M), n


def test_rules_json_version_is_the_cli_one(rb):
    data, version, _ = selfcheck_pack.compile_rules_json()
    assert version == rb.version
    from selfcheck.model import RuleBase

    assert RuleBase.from_compiled(json.loads(data)).version == rb.version


def test_built_page_form_and_runtime(built_site, rb):
    html = (built_site / "selfcheck" / "index.html").read_text(encoding="utf-8")
    cfg = json.loads(unescape(re.search(r'data-config="([^"]*)"', html).group(1)))
    assert cfg["rules_version"] == rb.version
    # every fact: a fieldset with its help text, every value and 不清楚; one step per dimension
    for f in rb.facts:
        assert f'id="rc-q-{f.id}"' in html and f'id="rc-h-{f.id}"' in html
        for v in f.value_ids + ("unknown",):
            assert f'id="rc-f-{f.id}-{v}"' in html
    # the worker starts from <head> (async, before any stylesheet) with the same config; the page
    # script is preloaded there and run async right after the form
    head = html[:html.index("</head>")]
    boot = head.index('<script async src="../assets/selfcheck/boot.js"')
    assert boot < head.index('rel="stylesheet"') and '<link rel="modulepreload" href="../assets/selfcheck/selfcheck.js">' in head
    assert json.loads(unescape(re.search(r'boot\.js" data-config="([^"]*)"', head).group(1))) == cfg
    assert '<script type="module" async src="../assets/selfcheck/selfcheck.js"></script>' in html
    # the popstate guard (Back/Forward between steps) runs inline in <head>, before the theme's bundle
    assert head.index("<script>if(!window.__rcSelfcheckPopGuard)") < boot < html.index("assets/javascripts/bundle.")
    checklist_q = rb.fact("dissent").question + '</strong><span class="rc-sc-help">（只在'
    assert checklist_q in (built_site / "selfcheck" / "checklist" / "index.html").read_text(encoding="utf-8")
    steps = re.findall(r'class="rc-sc-step" data-step="\d+" data-title="([^"]+)"', html)
    assert steps[1:-1] == [d["id"] for d in rb.dimensions]
    for j in rb.jurisdictions():
        assert f'id="rc-j-{j}"' in html
    # only the runtime files a module worker needs, in a folder named by the pinned version (the server
    # lets browsers keep it); no lock file, maps or consoles; no stale runtime folder beside it
    assert cfg["runtime"] == f"pyodide-{selfcheck_pack.pyodide_version()}/"
    runtime = built_site / "assets" / "selfcheck" / cfg["runtime"]
    assert [p.name for p in (built_site / "assets" / "selfcheck").iterdir() if p.is_dir()] == [runtime.name]
    names = {p.name for p in runtime.iterdir() if not p.name.endswith((".br", ".gz"))}
    assert names == {"pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm"}
    assert (runtime / "pyodide.asm.wasm.br").exists() and (runtime / "pyodide.asm.wasm.gz").exists()
    # the trimmed standard library beside it (not the package's full zip), named by its hash, brotli'd
    stdlib_name, stdlib = selfcheck_pack.site_stdlib()
    assert cfg["stdlib"] == stdlib_name and set(cfg["sizes"]) == names | {stdlib_name}
    assert (built_site / "assets" / "selfcheck" / stdlib_name).read_bytes() == stdlib
    br = built_site / "assets" / "selfcheck" / (stdlib_name + ".br")
    assert br.stat().st_size < 0.35 * len(stdlib)
    assert (built_site / "assets" / "selfcheck" / cfg["wheel"]).exists()
    assert (built_site / "assets" / "selfcheck" / cfg["rules"]).exists()
    checklist = (built_site / "selfcheck" / "checklist" / "index.html").read_text(encoding="utf-8")
    for f in rb.facts:
        assert f.question in checklist


def _get(url: str, **headers: str):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:  # 304 arrives as an HTTPError
        return e.code, e.headers, e.read()


def test_server_sends_the_wasm_brotli_and_lets_browsers_keep_it(base_url):
    wasm = base_url + f"assets/selfcheck/pyodide-{selfcheck_pack.pyodide_version()}/pyodide.asm.wasm"
    status, headers, body = _get(wasm, **{"Accept-Encoding": "br, gzip"})
    assert status == 200 and headers["Content-Encoding"] == "br"
    assert headers["Content-Type"].startswith("application/wasm")
    assert len(body) < 4_000_000
    # versioned URL: kept without asking (a revalidated wasm loses Chromium's compiled-code cache)
    assert headers["Cache-Control"] == "max-age=31536000, immutable"


def test_server_sends_the_trimmed_stdlib_brotli_and_immutable(base_url):
    name, data = selfcheck_pack.site_stdlib()
    status, headers, body = _get(base_url + "assets/selfcheck/" + name, **{"Accept-Encoding": "br, gzip"})
    assert status == 200 and headers["Content-Encoding"] == "br" and len(body) < 0.35 * len(data)
    assert headers["Cache-Control"] == "max-age=31536000, immutable"


def test_server_revalidates_everything_else(base_url):
    for path in ("selfcheck/", "assets/selfcheck/worker.mjs"):
        status, headers, body = _get(base_url + path, **{"Accept-Encoding": "br"})
        assert status == 200 and headers["Cache-Control"] == "no-cache" and body
        etag = headers["ETag"]
        status, headers, body = _get(base_url + path, **{"Accept-Encoding": "br", "If-None-Match": etag})
        assert (status, body, headers["ETag"]) == (304, b"", etag)
        # another encoding is another representation: no 304 for the brotli validator
        status, headers, body = _get(base_url + path, **{"Accept-Encoding": "gzip", "If-None-Match": etag})
        assert status == 200 and headers["ETag"] != etag and body
