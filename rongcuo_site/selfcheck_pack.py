"""Pack the in-browser self-check: the checker wheel, the compiled rules and the Pyodide runtime.

The site plugin (rongcuo_site/selfcheck_form.py) calls `pack()` at the end of every mkdocs build (so
`mkdocs build`, scripts/build_site.py and the tests all get the same files);
`python scripts/build_selfcheck.py --out DIR` runs it alone, for inspection.
Nothing is downloaded: the runtime comes from node_modules/pyodide (the exact version pinned in
package.json / package-lock.json, installed by `npm ci`), the wheel is written here with zipfile.

What is written (decision record: docs/decisions/0002-selfcheck-in-the-browser.md)
- pyodide-<version>/ (the runtime folder, named by the pinned version so that a server may let
  browsers keep it for good: scripts/serve.py sends `immutable` for it, and the browser then also
  keeps the compiled WebAssembly): only the files a module Web Worker needs to start Pyodide: pyodide.mjs (the ES module
  loader), pyodide.asm.js or .mjs (the Emscripten glue), pyodide.asm.wasm, python_stdlib.zip. Not
  pyodide-lock.json (the worker passes a lock with no packages: we load no Pyodide packages),
  not the UMD pyodide.js, the source maps, the consoles or the type definitions. Files are
  chosen by listing the package, so Pyodide 314.x (pyodide.asm.mjs) works unchanged.
- rongcuo_selfcheck-<version>-py3-none-any.whl: the stdlib-only checker modules (model, facts,
  engine, explain, present, errors): what the worker imports. Deterministic (fixed timestamps, sorted).
- rules-<rules_version>.json: selfcheck.load.compile_rules(rules/) as JSON; the worker builds
  RuleBase.from_compiled() from it, so rules_version is the CLI's (checked here).
- python_stdlib-<hash>.zip: a trimmed copy of Pyodide's python_stdlib.zip holding only the modules
  listed in scripts/selfcheck_stdlib.txt (what Pyodide's start-up, the worker and the checker import,
  recorded by running the checker under Pyodide, plus a short margin), compiled to .pyc by the
  pinned Pyodide's own Python under Node (scripts/selfcheck_pyc.mjs: Python's start-up in the
  browser then skips compiling ~2.5 MB of source), stored uncompressed so that brotli compresses it
  (decision record 0003). The worker passes it to loadPyodide as stdLibURL; the
  runtime folder does not carry the full zip. The build fails when a checker module imports a
  standard-library module that is neither in the list nor built into Pyodide's wasm.
Precompression (.br/.gz) is done for the whole site by scripts/build_site.py.

`python scripts/build_selfcheck.py record-stdlib [--write]` (record_stdlib) runs the checker under
Node + the pinned Pyodide with the full standard library (scripts/selfcheck_probe.mjs: the worker's own Python, every scenario of tests/scenarios and 320 random
fact sets, compare, batch and the error paths), prints what it imported and, with --write, rewrites
the recorded lines of scripts/selfcheck_stdlib.txt (the margin lines are kept).
"""

from __future__ import annotations

import ast
import base64
import hashlib
import json
import random
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from selfcheck.load import compile_rules
from selfcheck.model import RuleBase

ROOT = Path(__file__).resolve().parent.parent
PYODIDE_DIR = ROOT / "node_modules" / "pyodide"
RUNTIME_MODULES = ("__init__.py", "errors.py", "model.py", "facts.py", "engine.py", "explain.py", "present.py")
DIST = "rongcuo_selfcheck"
ZIP_DATE = (2020, 1, 1, 0, 0, 0)
STDLIB_LIST = ROOT / "scripts" / "selfcheck_stdlib.txt"
PROBE = ROOT / "scripts" / "selfcheck_probe.mjs"
WORKER = ROOT / "content" / "assets" / "selfcheck" / "worker.mjs"
STDLIB_KINDS = ("zip", "margin", "builtin", "frozen")  # the first two go into the trimmed zip


class PackError(Exception):
    pass


def pyodide_version() -> str:
    pkg = PYODIDE_DIR / "package.json"
    if not pkg.is_file():
        raise PackError(f"{pkg} not found. Fix: run `make setup` (npm ci installs the pinned pyodide)")
    return json.loads(pkg.read_text(encoding="utf-8"))["version"]


def runtime_files() -> list[Path]:
    """The Pyodide files the worker needs, found by listing the package (see module docstring).

    Not python_stdlib.zip: the site carries the trimmed copy (trimmed_stdlib()) outside this folder."""
    if not PYODIDE_DIR.is_dir():
        raise PackError(f"{PYODIDE_DIR} not found. Fix: run `make setup` (npm ci)")
    out = []
    for p in sorted(PYODIDE_DIR.iterdir()):
        n = p.name
        if n == "pyodide.mjs" or (
                n.startswith("pyodide.asm.") and n.rsplit(".", 1)[-1] in ("js", "mjs", "wasm")):
            out.append(p)
    names = {p.name for p in out} | ({"python_stdlib.zip"} if (PYODIDE_DIR / "python_stdlib.zip").is_file() else set())
    for need in ("pyodide.mjs", "pyodide.asm.wasm", "python_stdlib.zip"):
        if need not in names:
            raise PackError(f"node_modules/pyodide has no {need}. Fix: `npm ci` (package-lock.json pins pyodide)")
    return out


def runtime_dir_name() -> str:
    """The runtime's folder under assets/selfcheck/: versioned, so its files never change under one URL."""
    return f"pyodide-{pyodide_version()}"


def selfcheck_version() -> str:
    text = (ROOT / "selfcheck" / "__init__.py").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith("__version__"):
            return line.split("=", 1)[1].strip().strip("\"'")
    return "0.0.0"


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def build_wheel(out_dir: Path) -> Path:
    """A pure-Python wheel with the checker's runtime modules; byte-identical for identical sources."""
    version = selfcheck_version()
    name = f"{DIST}-{version}-py3-none-any.whl"
    info = f"{DIST}-{version}.dist-info"
    files: list[tuple[str, bytes]] = []
    for mod in RUNTIME_MODULES:
        files.append((f"selfcheck/{mod}", (ROOT / "selfcheck" / mod).read_bytes()))
    files.append((f"{info}/METADATA", (
        "Metadata-Version: 2.1\n"
        f"Name: {DIST.replace('_', '-')}\nVersion: {version}\n"
        "Summary: rongcuo self-check runtime (stdlib-only checker modules for Pyodide)\n"
        "Requires-Python: >=3.11\n").encode()))
    files.append((f"{info}/WHEEL", (
        b"Wheel-Version: 1.0\nGenerator: rongcuo scripts/build_selfcheck.py\n"
        b"Root-Is-Purelib: true\nTag: py3-none-any\n")))
    files.append((f"{info}/top_level.txt", b"selfcheck\n"))
    record = "".join(f"{n},{_record_hash(d)},{len(d)}\n" for n, d in files) + f"{info}/RECORD,,\n"
    files.append((f"{info}/RECORD", record.encode()))
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / name
    # Stored, not deflated: the site's precompression (brotli) then shrinks it far better (~4x).
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for n, d in files:
            zi = zipfile.ZipInfo(n, ZIP_DATE)
            zi.compress_type = zipfile.ZIP_STORED
            zi.external_attr = 0o644 << 16
            zf.writestr(zi, d)
    return path


def compile_rules_json(rules_dir: Path | None = None) -> tuple[bytes, str, dict]:
    """(JSON bytes, rules_version, compiled) — the version the CLI reports for the same rules/."""
    compiled = compile_rules(rules_dir or ROOT / "rules")
    data, version = rules_json(compiled)
    return data, version, compiled


def rules_json(compiled: dict) -> tuple[bytes, str]:
    """(JSON bytes, rules_version) of compiled rules: what the browser's worker reads."""
    data = json.dumps(compiled, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    rb = RuleBase.from_compiled(json.loads(data))
    cli = RuleBase.from_compiled(compiled)
    if rb.version != cli.version:  # the JSON round trip must not change what is hashed
        raise PackError(f"rules_version changes through JSON ({cli.version} -> {rb.version})")
    return data, rb.version


# -- the trimmed standard library --------------------------------------------------------------------------


def stdlib_list(path: Path = STDLIB_LIST) -> dict[str, tuple[str, str]]:
    """{module: (kind, reason)} from scripts/selfcheck_stdlib.txt (`module kind  # reason` per line)."""
    if not path.is_file():
        raise PackError(f"{path} not found. Fix: python scripts/build_selfcheck.py record-stdlib --write")
    out: dict[str, tuple[str, str]] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        body, _, reason = line.partition("#")
        words = body.split()
        if not words:
            continue
        if len(words) != 2 or words[1] not in STDLIB_KINDS:
            raise PackError(f"{path.name}:{n}: expected `module kind` with kind one of {', '.join(STDLIB_KINDS)}")
        out[words[0]] = (words[1], reason.strip())
    return out


def _zip_entries(names: set[str], module: str) -> list[str] | None:
    p = module.replace(".", "/")
    if f"{p}/__init__.py" in names:
        return [f"{p}/", f"{p}/__init__.py"]
    if f"{p}.py" in names:
        return [f"{p}.py"]
    return None


def trimmed_stdlib(source: Path | None = None, listing: dict[str, tuple[str, str]] | None = None) -> tuple[str, bytes]:
    """(file name, bytes) of the trimmed standard-library zip: the listed zip and margin modules (with
    their packages' __init__.py), the source zip's timestamps, stored, sorted: byte-identical rebuilds."""
    source = source or PYODIDE_DIR / "python_stdlib.zip"
    listing = stdlib_list() if listing is None else listing
    import io

    with zipfile.ZipFile(source) as src:
        names = set(src.namelist())
        entries: set[str] = set()
        for mod, (kind, _) in listing.items():
            if kind not in ("zip", "margin"):
                continue
            parts = mod.split(".")
            for i in range(1, len(parts) + 1):  # a submodule needs its packages
                found = _zip_entries(names, ".".join(parts[:i]))
                if found is None:
                    raise PackError(f"{STDLIB_LIST.name}: {mod} is not in {source.name}. Fix: python "
                                    "scripts/build_selfcheck.py record-stdlib --write (or remove the margin line)")
                entries.update(found)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as out:
            for n in sorted(entries):
                info = src.getinfo(n)
                zi = zipfile.ZipInfo(n, info.date_time)
                zi.external_attr = info.external_attr
                zi.compress_type = zipfile.ZIP_STORED
                out.writestr(zi, src.read(n))
    data = buf.getvalue()
    return f"python_stdlib-{hashlib.sha256(data).hexdigest()[:12]}.zip", data


PYC = ROOT / "scripts" / "selfcheck_pyc.mjs"


def compiled_stdlib(py_zip: bytes) -> bytes:
    """The trimmed zip with every module as bytecode (.pyc), compiled by the pinned Pyodide's Python under
    Node (scripts/selfcheck_pyc.mjs). Cached by the inputs' hash in .cache/selfcheck-stdlib/ (or
    $RONGCUO_CACHE_DIR): compiling takes a few seconds and runs once per change of the list or Pyodide."""
    key = hashlib.sha256(py_zip + PYC.read_bytes() + pyodide_version().encode()).hexdigest()[:20]
    import os

    cache = Path(os.environ.get("RONGCUO_CACHE_DIR") or ROOT / ".cache") / "selfcheck-stdlib"
    hit = cache / f"{key}.zip"
    if hit.is_file():
        return hit.read_bytes()
    node = shutil.which("node")
    if node is None:
        raise PackError("node not found (it compiles the self-check's standard library). Fix: run `make setup`")
    with tempfile.TemporaryDirectory(prefix="selfcheck-pyc-") as tmp:
        src, out = Path(tmp) / "in.zip", Path(tmp) / "out.zip"
        src.write_bytes(py_zip)
        r = subprocess.run([node, str(PYC), str(PYODIDE_DIR), str(src), str(out)], capture_output=True, text=True,
                           timeout=300)
        if r.returncode != 0 or not out.is_file():
            raise PackError(f"selfcheck_pyc.mjs failed: {(r.stderr.strip().splitlines() or [str(r.returncode)])[-1]}")
        data = out.read_bytes()
    cache.mkdir(parents=True, exist_ok=True)
    tmp_hit = hit.with_suffix(f".{os.getpid()}.tmp")
    tmp_hit.write_bytes(data)
    os.replace(tmp_hit, hit)
    return data


def site_stdlib() -> tuple[str, bytes]:
    """(file name, bytes) of the standard library the site serves: trimmed_stdlib() compiled to .pyc."""
    _, py_zip = trimmed_stdlib()
    data = compiled_stdlib(py_zip)
    return f"python_stdlib-{hashlib.sha256(data).hexdigest()[:12]}.zip", data


def _imports(source: str, package: str) -> set[str]:
    """Absolute names of every module a source imports (anywhere in it, also inside functions)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                continue  # relative: one of the checker's own modules
            assert node.module is not None
            out.add(node.module)
    return {n for n in out if n != "__future__" and n.split(".")[0] != package}


def check_wheel_imports(listing: dict[str, tuple[str, str]] | None = None,
                        sources: dict[str, str] | None = None) -> None:
    """Fail (PackError) when a checker module imports a standard-library module that the trimmed zip
    lacks and that is not built into (or frozen in) Pyodide. A static check at every build; the
    dynamic one (what is imported at run time, transitively) is tests/selfcheck_page/test_stdlib.py."""
    listing = stdlib_list() if listing is None else listing
    if sources is None:
        sources = {m: (ROOT / "selfcheck" / m).read_text(encoding="utf-8") for m in RUNTIME_MODULES}
    problems = []
    for mod, src in sources.items():
        problems += [f"selfcheck/{mod} imports {name}" for name in sorted(_imports(src, "selfcheck"))
                     if name not in listing]
    if problems:
        raise PackError("the trimmed standard library (scripts/selfcheck_stdlib.txt) lacks what the checker imports: "
                        + "; ".join(problems) + ". Fix: python scripts/build_selfcheck.py record-stdlib --write")


def workload(rb: Any) -> tuple[list[list[Any]], list[list[Any]]]:
    """(evaluate items [[facts, jurisdiction, as_of]], compare items [[facts, as_of]]): every scenario of
    tests/scenarios and 320 seeded random fact sets (the same mix as the browser differential test)."""
    import yaml

    jurisdictions = rb.jurisdictions()
    items: list[list[Any]] = []
    for path in sorted((ROOT / "tests" / "scenarios").glob("*/*.yaml")):
        j = path.parent.name if path.parent.name in jurisdictions else "national"
        for sc in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            items.append([sc["facts"], j, str(sc.get("as_of", "2025-06-30"))])
    rnd = random.Random(20261125)
    dates = ["2017-01-01", "2019-06-30", "2025-06-30", "2026-01-01"]
    for _ in range(320):
        p_unknown = rnd.choice([0.2, 0.5, 0.8, 1.0])
        facts: dict[str, Any] = {f.id: rnd.choice(f.value_ids) for f in rb.facts if rnd.random() >= p_unknown}
        if rnd.random() < 0.25:
            facts["economic_loss_wan"] = rnd.choice([0, 5, 120.5, 800, 5000, 20000])
            facts.pop("loss_level", None)
        if rnd.random() < 0.15:
            facts["deaths"] = rnd.choice([0, 1, 3, 12])
            facts.pop("loss_level", None)
        items.append([facts, rnd.choice(jurisdictions), rnd.choice(dates)])
    return items, [[f, d] for f, _, d in items[::12]]


def probe(stdlib: Path | None = None, workdir: Path | None = None, import_all: list[str] | None = None) -> dict[str, Any]:
    """Run scripts/selfcheck_probe.mjs (Node + the pinned Pyodide) on this checkout's wheel, rules and
    workload with the given standard-library zip (None: Pyodide's full one); return its report."""
    from selfcheck.load import load_rulebase

    node = shutil.which("node")
    if node is None:
        raise PackError("node not found. Fix: run `make setup` (installs nodejs)")
    own = workdir is None
    work = Path(tempfile.mkdtemp(prefix="selfcheck-probe-")) if workdir is None else workdir
    try:
        wheel = build_wheel(work)
        data, _, _ = compile_rules_json()
        (work / "rules.json").write_bytes(data)
        items, compare = workload(load_rulebase(ROOT / "rules"))
        cfg = {"pyodide": str(PYODIDE_DIR), "stdlib": str(stdlib) if stdlib else None, "worker": str(WORKER),
               "wheel": str(wheel), "rules": str(work / "rules.json"), "items": items, "compare": compare,
               "import_all": import_all or []}
        (work / "probe.json").write_text(json.dumps(cfg, ensure_ascii=False), encoding="utf-8")
        r = subprocess.run([node, str(PROBE), str(work / "probe.json")], capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            raise PackError(f"selfcheck_probe.mjs failed: {r.stderr.strip().splitlines()[-1:] or r.returncode}")
        report: dict[str, Any] = json.loads(r.stdout)
        report["items"], report["compare_items"] = items, compare
        return report
    finally:
        if own:
            shutil.rmtree(work, ignore_errors=True)


def stdlib_zip_prefix(report: dict[str, Any]) -> str:
    """The path prefix of the standard-library zip inside Pyodide (/lib/python313.zip/)."""
    major, minor = report["python"].split(".")[:2]
    return f"/lib/python{major}{minor}.zip/"


def classify(report: dict[str, Any]) -> dict[str, str]:
    """{module: zip|builtin|frozen} for every standard-library module the probe saw loaded."""
    prefix = stdlib_zip_prefix(report)
    out = {}
    for name, origin in report["modules"].items():
        if name == "__main__" or name.split(".")[0] in ("selfcheck", "pyodide_js"):
            continue
        if origin.startswith(prefix):
            out[name] = "zip"
        elif origin in ("built-in", "frozen"):
            out[name] = "builtin" if origin == "built-in" else "frozen"
    return out


def record_stdlib(write: bool) -> int:
    report = probe()
    found = classify(report)
    old = stdlib_list() if STDLIB_LIST.is_file() else {}
    margin = {m: r for m, (k, r) in old.items() if k == "margin" and m not in found}
    lines = [
        "# The standard-library modules of the self-check's trimmed python_stdlib-<hash>.zip",
        "# (scripts/build_selfcheck.py; decision record docs/decisions/0003-trimmed-stdlib-and-slow-networks.md).",
        "# `module kind  # reason`. kind zip: imported from the zip by Pyodide's start-up, the worker or the",
        "# checker, recorded by `python scripts/build_selfcheck.py record-stdlib --write` (Node + Pyodide",
        f"# {pyodide_version()}, Python {report['python']}: the worker's Python, {len(report['items'])} evaluate "
        "calls, compare, batch, the error paths);",
        "# builtin / frozen: compiled into the wasm (not in the zip; listed for the build's import check);",
        "# margin: not imported by the recording but kept on purpose (the reason is on the line). Only the",
        "# margin lines are edited by hand; record-stdlib keeps them and rewrites the rest.",
    ]
    for kind in ("zip", "margin", "builtin", "frozen"):
        names = sorted(margin) if kind == "margin" else sorted(m for m, k in found.items() if k == kind)
        lines.append("")
        for m in names:
            lines.append(f"{m} {kind}" + (f"  # {margin[m]}" if kind == "margin" and margin[m] else ""))
    text = "\n".join(lines) + "\n"
    added = sorted(m for m, k in found.items() if k == "zip" and old.get(m, ("",))[0] not in ("zip", "margin"))
    gone = sorted(m for m, (k, _) in old.items() if k == "zip" and m not in found)
    print(f"record-stdlib: {sum(k == 'zip' for k in found.values())} modules from the zip, "
          f"{len(margin)} margin; new: {', '.join(added) or '-'}; no longer imported: {', '.join(gone) or '-'}")
    if write:
        STDLIB_LIST.write_text(text, encoding="utf-8")
        print(f"record-stdlib: wrote {STDLIB_LIST.relative_to(ROOT)}")
    return 0


def pack(site_dir: Path, rules_dir: Path | None = None, stdlib_zip: tuple[str, bytes] | None = None) -> dict:
    """Write the self-check's runtime files under site_dir/assets/selfcheck/; return the manifest.

    stdlib_zip: the (name, bytes) of site_stdlib() from a caller that has also run
    check_wheel_imports() (the site build does both when it starts); without it, both are done here."""
    dest = Path(site_dir) / "assets" / "selfcheck"
    for old in [*dest.glob("pyodide-*"), dest / "runtime"]:  # earlier versions (and the old unversioned name)
        if old.is_dir():
            shutil.rmtree(old)
    runtime = dest / runtime_dir_name()
    runtime.mkdir(parents=True)
    files = {}
    for p in runtime_files():
        shutil.copyfile(p, runtime / p.name)
        files[p.name] = p.stat().st_size
    for old in dest.glob(f"{DIST}-*.whl"):
        old.unlink()
    for old in [*dest.glob("rules-*.json"), *dest.glob("python_stdlib-*.zip")]:
        old.unlink()
    if stdlib_zip is None:
        check_wheel_imports()
        stdlib_zip = site_stdlib()
    stdlib_name, stdlib = stdlib_zip
    (dest / stdlib_name).write_bytes(stdlib)
    wheel = build_wheel(dest)
    data, version, _ = compile_rules_json(rules_dir)
    rules = dest / f"rules-{version}.json"
    rules.write_bytes(data)
    return {
        "pyodide": pyodide_version(),
        "runtime_dir": runtime.name,
        "runtime": files,
        "stdlib": stdlib_name,
        "stdlib_bytes": len(stdlib),
        "wheel": wheel.name,
        "wheel_bytes": wheel.stat().st_size,
        "rules": rules.name,
        "rules_bytes": len(data),
        "rules_version": version,
    }
