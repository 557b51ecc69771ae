#!/usr/bin/env python3
"""Pack the in-browser self-check: the checker wheel, the compiled rules and the Pyodide runtime.

    python scripts/build_selfcheck.py --out DIR      # writes DIR/assets/selfcheck/{pyodide-<version>/,*.whl,rules-*.json}

hooks/selfcheck_page.py calls `pack()` at the end of every mkdocs build (so `mkdocs build`,
scripts/build_site.py and the tests all get the same files); this command line is for inspection.
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
  engine, explain, errors): what the worker imports. Deterministic (fixed timestamps, sorted).
- rules-<rules_version>.json: selfcheck.load.compile_rules(rules/) as JSON; the worker builds
  RuleBase.from_compiled() from it, so rules_version is the CLI's (checked here).
Precompression (.br/.gz) is done for the whole site by scripts/build_site.py.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import shutil
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYODIDE_DIR = ROOT / "node_modules" / "pyodide"
RUNTIME_MODULES = ("__init__.py", "errors.py", "model.py", "facts.py", "engine.py", "explain.py")
DIST = "rongcuo_selfcheck"
ZIP_DATE = (2020, 1, 1, 0, 0, 0)


class PackError(Exception):
    pass


def pyodide_version() -> str:
    pkg = PYODIDE_DIR / "package.json"
    if not pkg.is_file():
        raise PackError(f"{pkg} not found. Fix: run `make setup` (npm ci installs the pinned pyodide)")
    return json.loads(pkg.read_text(encoding="utf-8"))["version"]


def runtime_files() -> list[Path]:
    """The Pyodide files the worker needs, found by listing the package (see module docstring)."""
    if not PYODIDE_DIR.is_dir():
        raise PackError(f"{PYODIDE_DIR} not found. Fix: run `make setup` (npm ci)")
    out = []
    for p in sorted(PYODIDE_DIR.iterdir()):
        n = p.name
        if n == "pyodide.mjs" or n == "python_stdlib.zip" or (
                n.startswith("pyodide.asm.") and n.rsplit(".", 1)[-1] in ("js", "mjs", "wasm")):
            out.append(p)
    names = {p.name for p in out}
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
        "Wheel-Version: 1.0\nGenerator: rongcuo scripts/build_selfcheck.py\n"
        "Root-Is-Purelib: true\nTag: py3-none-any\n").encode()))
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
    sys.path.insert(0, str(ROOT))
    from selfcheck.load import compile_rules
    from selfcheck.model import RuleBase

    compiled = compile_rules(rules_dir or ROOT / "rules")
    data = json.dumps(compiled, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    rb = RuleBase.from_compiled(json.loads(data))
    cli = RuleBase.from_compiled(compiled)
    if rb.version != cli.version:  # the JSON round trip must not change what is hashed
        raise PackError(f"rules_version changes through JSON ({cli.version} -> {rb.version})")
    return data, rb.version, compiled


def pack(site_dir: Path, rules_dir: Path | None = None) -> dict:
    """Write the self-check's runtime files under site_dir/assets/selfcheck/; return the manifest."""
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
    for old in dest.glob("rules-*.json"):
        old.unlink()
    wheel = build_wheel(dest)
    data, version, _ = compile_rules_json(rules_dir)
    rules = dest / f"rules-{version}.json"
    rules.write_bytes(data)
    return {
        "pyodide": pyodide_version(),
        "runtime_dir": runtime.name,
        "runtime": files,
        "wheel": wheel.name,
        "wheel_bytes": wheel.stat().st_size,
        "rules": rules.name,
        "rules_bytes": len(data),
        "rules_version": version,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Pack the in-browser self-check (see module docstring).")
    ap.add_argument("--out", required=True, help="a site directory (files go to OUT/assets/selfcheck/)")
    args = ap.parse_args(argv)
    try:
        manifest = pack(Path(args.out))
    except PackError as exc:
        print(f"build_selfcheck: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(manifest, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
