#!/usr/bin/env python3
"""Benchmark the site build; prints figures, asserts nothing.

Builds, in a temporary copy of the project (the real tree is never touched):
  1. the real site;
  2. the real site + 1,000 generated case pages (content/cases/bench-*.md);
  3. the real site + 5,000 generated case pages;
and prints for each: the strict mkdocs build time, the precompression time with an empty cache, the
whole pipeline time (scripts/build_site.py: build + output checks + precompression + swap), page
count, size, search index size; then the ratio 5k/1k. Targets (issue 4): real site <= 30 s, ratio <= 5.5.

    python scripts/bench_build.py [--repeat N] [--sizes 1000,5000] [--no-compress]

Case pages are copies of the real published cases under new file names (so the case library runs the
checker on each, as on real ones); they are not in the nav (as the real cases).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import build_site  # noqa: E402

COPY = ("content", "overrides", "rongcuo_site", "rules", "selfcheck", "scripts", "mkdocs.yml", "pyproject.toml")


def copy_project(dst: Path) -> Path:
    for name in COPY:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dst / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif src.exists():
            shutil.copy(src, dst / name)
    if (ROOT / "node_modules").exists():  # npm packages (Pyodide runtime): shared, not copied
        (dst / "node_modules").symlink_to(ROOT / "node_modules")
    return dst


def add_cases(proj: Path, n: int) -> None:
    """n case pages: copies of the real published cases (valid front matter, facts, decision and
    any disagreement reasons, so every part of the plugin, the checker run on each case included, does its
    normal work), each with its own file name and a numbered title."""
    d = proj / "content" / "cases"
    real = sorted(p for p in d.glob("*.md") if p.name[:1].isdigit())
    if not real:
        raise SystemExit("bench: no real case in content/cases/ to copy")
    for i in range(n):
        src = real[i % len(real)]
        text = src.read_text(encoding="utf-8")

        def copy_title(m: re.Match[str], i: int = i) -> str:
            return "title: " + json.dumps(f"{yaml.safe_load(m.group(1))}（基准副本 {i}）", ensure_ascii=False)

        text = re.sub(r"^title: (.*)$", copy_title, text, count=1, flags=re.M)
        (d / f"{src.stem[:4]}-bench-{i:05d}.md").write_text(text, encoding="utf-8")


def dir_size(p: Path) -> int:
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file())


def measure(proj: Path, compress: bool, tmp: Path) -> dict:
    cache = tmp / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    os.environ["RONGCUO_CACHE_DIR"] = str(cache)  # cold compression cache: the worst case
    site = tmp / "site"
    times = build_site.build(proj / "mkdocs.yml", site, compress=compress, quiet=True)
    idx = site / "search" / "search_index.json"
    raw = [f for f in site.rglob("*") if f.is_file() and f.suffix not in (".br", ".gz")]
    res = {"mkdocs": times["mkdocs"], "compress": times["compress"], "pipeline": times["total"],
           "pages": sum(1 for _ in site.rglob("index.html")),
           "size": sum(f.stat().st_size for f in raw), "total": dir_size(site),
           "index": idx.stat().st_size if idx.exists() else 0}
    release = site.resolve()  # site is a symlink to the release folder (scripts/build_site.py)
    site.unlink()
    shutil.rmtree(release)
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=1, help="runs per configuration (median shown)")
    ap.add_argument("--sizes", default="1000,5000")
    ap.add_argument("--no-compress", action="store_true")
    args = ap.parse_args(argv)
    sizes = [0] + [int(s) for s in args.sizes.split(",") if s]
    rows = {}
    with tempfile.TemporaryDirectory(prefix="rongcuo-bench-") as tmpd:
        tmp = Path(tmpd)
        for n in sizes:
            proj = copy_project(tmp / f"proj{n}")
            if n:
                add_cases(proj, n)
            runs = [measure(proj, not args.no_compress, tmp) for _ in range(args.repeat)]
            med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            rows[n] = med
            label = "real site" if n == 0 else f"+{n:,} case pages"
            print(f"{label:>18}: mkdocs build {med['mkdocs']:6.1f} s | compression {med['compress']:5.1f} s | "
                  f"whole pipeline {med['pipeline']:6.1f} s | "
                  f"{int(med['pages']):5d} pages | {med['size'] / 1e6:6.1f} MB (+compressed: "
                  f"{med['total'] / 1e6:.1f} MB) | search index {med['index'] / 1e6:.1f} MB", flush=True)
            shutil.rmtree(proj)
    if len(sizes) >= 3:
        a, b = rows[sizes[1]], rows[sizes[2]]
        print(f"ratio {sizes[2]:,}/{sizes[1]:,}: mkdocs build {b['mkdocs'] / a['mkdocs']:.2f}, "
              f"whole pipeline {b['pipeline'] / a['pipeline']:.2f} (target <= 5.5)")
    print(f"real site: {rows[0]['pipeline']:.1f} s for the whole pipeline (target <= 30 s); "
          f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
