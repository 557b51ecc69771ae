#!/usr/bin/env python3
"""Pack the in-browser self-check by hand (the site build does it on its own, rongcuo_site/selfcheck_pack.py):

    python scripts/build_selfcheck.py --out DIR              # writes DIR/assets/selfcheck/{pyodide-<version>/,*.whl,rules-*.json}
    python scripts/build_selfcheck.py record-stdlib [--write]  # record what the checker imports under Pyodide

Needs the project installed (`make setup`: pip install -e .).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rongcuo_site.selfcheck_pack import STDLIB_LIST, PackError, pack, record_stdlib


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["record-stdlib"]:
        rp = argparse.ArgumentParser(prog="build_selfcheck.py record-stdlib",
                                     description="Record the standard-library modules the checker needs in Pyodide.")
        rp.add_argument("--write", action="store_true", help=f"rewrite {STDLIB_LIST.name} (margin lines kept)")
        try:
            return record_stdlib(rp.parse_args(argv[1:]).write)
        except PackError as exc:
            print(f"build_selfcheck: {exc}", file=sys.stderr)
            return 1
    ap = argparse.ArgumentParser(description="Pack the in-browser self-check (see rongcuo_site/selfcheck_pack.py).")
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
