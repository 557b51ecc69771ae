#!/usr/bin/env python3
"""Benchmark the checker; prints figures (not a test).

- complete verdicts per second through `python -m selfcheck batch` (JSON Lines in and out);
- median and worst latency of one evaluate with every fact unknown, and with half unknown, in
  CPython, in-process: "cold" rebuilds the compiled rule set and its memo every time (what a fresh
  process or a new page pays), "warm" reuses them (what the next question in the same session pays).

With --baseline REV (a git revision, e.g. the last landed commit) the same figures are taken for
that revision in a temporary git worktree, alternating runs of the two, and printed as ratios
(this tree / baseline; below 1 is faster): the machine's speed drifts, a ratio in one run does not.
Each tree's batch input is drawn from its own question list with the same seed.

Targets (2-core machine): >= 5,000 complete verdicts/s; all-unknown <= 20 ms median.
Usage: python scripts/bench_engine.py [--n 20000] [--runs 50] [--baseline REV [--pairs 5]]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
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


# Run inside a tree (its own selfcheck and rules): median ms of an all-unknown evaluate, cold, per set.
_UNKNOWN_COLD = """
import json, statistics, sys, time
from pathlib import Path
sys.path.insert(0, ".")
from selfcheck import engine
from selfcheck.explain import evaluate
from selfcheck.load import load_rulebase
rb = load_rulebase(Path("rules"))
out = {}
for j in rb.jurisdictions():
    xs = []
    for _ in range(int(sys.argv[1])):
        engine._EVALUATORS.clear()
        t = time.perf_counter()
        evaluate(rb, {}, j, "2025-06-30")
        xs.append((time.perf_counter() - t) * 1000)
    out[j] = statistics.median(xs)
print(json.dumps(out))
"""


def batch_lines(root: Path, n: int) -> bytes:
    """n complete fact sets drawn from the tree's own question list (seed 42)."""
    proc = subprocess.run([sys.executable, "-m", "selfcheck", "facts", "--format", "json"], capture_output=True,
                          cwd=root, env=_env(root), check=True)
    facts = json.loads(proc.stdout)
    rng = random.Random(42)
    return "".join(json.dumps({f["id"]: rng.choice([v["id"] for v in f["values"]]) for f in facts}) + "\n"
                   for _ in range(n)).encode()


def _env(root: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(root)}


def batch_seconds(root: Path, jurisdiction: str, lines: bytes) -> float:
    t = time.perf_counter()
    with tempfile.TemporaryFile() as verdicts:  # to a file, as in the batch figures above
        subprocess.run([sys.executable, "-m", "selfcheck", "batch", "--jurisdiction", jurisdiction, "--as-of", "2025-06-30"],
                       input=lines, stdout=verdicts, stderr=subprocess.PIPE, cwd=root, env=_env(root), check=True)
    return time.perf_counter() - t


def jurisdictions(root: Path) -> list[str]:
    proc = subprocess.run([sys.executable, "-m", "selfcheck", "jurisdictions", "--format", "json"],
                          capture_output=True, cwd=root, env=_env(root), check=True)
    return [j["id"] for j in json.loads(proc.stdout)]


def versus(rev: str, n: int, runs: int, pairs: int) -> None:
    """This tree against a git revision, runs alternating: medians and the median of pair ratios."""
    with tempfile.TemporaryDirectory(prefix="bench-baseline-") as tmp:
        base = Path(tmp) / "tree"
        subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(base), rev], cwd=ROOT, check=True)
        try:
            trees = {"this": ROOT, "baseline": base}
            lines = {name: batch_lines(root, n) for name, root in trees.items()}
            common = [j for j in jurisdictions(ROOT) if j in jurisdictions(base)]
            print(f"\nthis tree vs {rev} ({pairs} alternating pairs; ratio = this / baseline, below 1 is faster)")
            for j in common:
                secs: dict[str, list[float]] = {"this": [], "baseline": []}
                ratios = []
                for _ in range(pairs):
                    pair = {name: batch_seconds(root, j, lines[name]) for name, root in trees.items()}
                    for name, dt in pair.items():
                        secs[name].append(dt)
                    ratios.append(pair["this"] / pair["baseline"])
                this, old = (n / statistics.median(secs[k]) for k in ("this", "baseline"))
                print(f"  batch {j:<9} {this:7,.0f} vs {old:7,.0f} verdicts/s   time ratio {statistics.median(ratios):.2f}")
            med: dict[str, list[dict[str, float]]] = {"this": [], "baseline": []}
            for _ in range(pairs):
                for name, root in trees.items():
                    proc = subprocess.run([sys.executable, "-c", _UNKNOWN_COLD, str(runs)], capture_output=True,
                                          cwd=root, env=_env(root), check=True)
                    med[name].append(json.loads(proc.stdout))
            for j in common:
                a = [m[j] for m in med["this"]]
                b = [m[j] for m in med["baseline"]]
                ratio = statistics.median(x / y for x, y in zip(a, b, strict=True))
                print(f"  all unknown cold {j:<9} {statistics.median(a):6.2f} vs {statistics.median(b):6.2f} ms"
                      f"   ratio {ratio:.2f}")
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=False)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=20000, help="fact sets for the batch throughput run")
    ap.add_argument("--runs", type=int, default=50, help="evaluations per latency figure")
    ap.add_argument("--baseline", metavar="REV", help="also measure this git revision, alternating, and print ratios")
    ap.add_argument("--pairs", type=int, default=5, help="alternating runs per figure with --baseline")
    args = ap.parse_args()
    rb = load_rulebase(ROOT / "rules")
    rng = random.Random(42)
    print(f"rules_version {rb.version}; rule sets: {', '.join(rb.jurisdictions())}; python {sys.version.split()[0]}")

    lines = "".join(json.dumps({f.id: rng.choice(f.value_ids) for f in rb.facts}) + "\n" for _ in range(args.n))
    for j in rb.jurisdictions():
        # verdicts go to a file, as in `batch < facts.jsonl > verdicts.jsonl` (read back through a pipe
        # by this script, 700 MB of output would time the pipe and this script's memory, not the checker)
        with tempfile.TemporaryFile() as verdicts:
            t = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "selfcheck", "batch", "--jurisdiction", j, "--as-of", "2025-06-30"],
                                  input=lines.encode(), stdout=verdicts, stderr=subprocess.PIPE, cwd=ROOT, check=True)
            dt = time.perf_counter() - t
            verdicts.seek(0)
            n = size = 0
            while block := verdicts.read(1 << 24):
                n += block.count(b"\n")
                size += len(block)
        assert n == args.n, (n, proc.stderr[:500])
        per_verdict = size / n
        print(f"batch {j:<9} {n} complete verdicts in {dt:.2f} s (whole process) = {n / dt:,.0f} verdicts/s ({per_verdict / 1024:.1f} KiB each)")

    print(f"\nlatency of one evaluate, ms (median / worst of {args.runs})")
    all_unknown: list[dict[str, str]] = [{} for _ in range(args.runs)]
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
    if args.baseline:
        versus(args.baseline, args.n, args.runs, args.pairs)


if __name__ == "__main__":
    main()
