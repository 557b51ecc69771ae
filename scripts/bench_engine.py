#!/usr/bin/env python3
"""Benchmark the checker; prints figures (not a test).

- complete verdicts per second through `python -m selfcheck batch` (JSON Lines in and out);
- median and worst latency of one evaluate with every fact unknown, and with half unknown, in
  CPython, in-process: "cold" rebuilds the compiled rule set and its memo every time (what a fresh
  process or a new page pays), "warm" reuses them (what the next question in the same session pays).

Targets (2-core machine): >= 5,000 complete verdicts/s; all-unknown <= 20 ms median.
Usage: python scripts/bench_engine.py [--n 20000] [--runs 50]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from selfcheck import engine  # noqa: E402
from selfcheck.explain import evaluate  # noqa: E402
from selfcheck.load import load_rulebase  # noqa: E402


def latency(rb, facts_list, jurisdiction, cold: bool) -> list[float]:
    out = []
    for facts in facts_list:
        if cold:
            engine._EVALUATORS.clear()
        t = time.perf_counter()
        evaluate(rb, facts, jurisdiction, "2025-06-30")
        out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=20000, help="fact sets for the batch throughput run")
    ap.add_argument("--runs", type=int, default=50, help="evaluations per latency figure")
    args = ap.parse_args()
    rb = load_rulebase(ROOT / "rules")
    rng = random.Random(42)
    print(f"rules_version {rb.version}; rule sets: {', '.join(rb.jurisdictions())}; python {sys.version.split()[0]}")

    lines = "".join(json.dumps({f.id: rng.choice(f.value_ids) for f in rb.facts}) + "\n" for _ in range(args.n))
    for j in rb.jurisdictions():
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "selfcheck", "batch", "--jurisdiction", j, "--as-of", "2025-06-30"],
                              input=lines.encode(), capture_output=True, cwd=ROOT, check=True)
        dt = time.perf_counter() - t
        n = proc.stdout.count(b"\n")
        assert n == args.n, (n, proc.stderr[:500])
        size = len(proc.stdout) / n
        print(f"batch {j:<9} {n} complete verdicts in {dt:.2f} s (whole process) = {n / dt:,.0f} verdicts/s ({size / 1024:.1f} KiB each)")

    print(f"\nlatency of one evaluate, ms (median / worst of {args.runs})")
    all_unknown = [{} for _ in range(args.runs)]
    half = []
    for _ in range(args.runs):
        ids = [f.id for f in rb.facts]
        rng.shuffle(ids)
        half.append({fid: rng.choice(rb.fact(fid).value_ids) for fid in ids[: len(ids) // 2]})
    for j in rb.jurisdictions():
        for name, sets in (("all unknown", all_unknown), ("half unknown", half)):
            for mode in ("cold", "warm"):
                xs = latency(rb, sets, j, cold=(mode == "cold"))
                print(f"  {j:<9} {name:<13} {mode}: median {statistics.median(xs):7.2f}  worst {max(xs):7.2f}")

    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "selfcheck", "evaluate", "--facts", "-"], input="{}", capture_output=True,
                   text=True, cwd=ROOT, check=True)
    print(f"\nfor reference: one whole `python -m selfcheck evaluate` process, all unknown: "
          f"{(time.perf_counter() - t) * 1000:.0f} ms (interpreter start and YAML loading included)")


if __name__ == "__main__":
    main()
