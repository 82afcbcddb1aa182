"""Benchmark: this tree's engine against a baseline commit's, on the same data, in one run.

Usage::

    .venv/bin/python bench/pricing_baseline.py                    # baseline b12cd9f, 2 rounds
    .venv/bin/python bench/pricing_baseline.py --baseline REF --rounds 3 --iterations 300

Checks the baseline commit out into a temporary git worktree and runs
``bench/pricing.py --no-oscar`` there and here, alternately (baseline, this
tree, baseline, ...), so that a busier or quieter minute of the machine falls
on both sides.  Both sides build the same world from the same seed
(``bench/spec.py``).  Prints, per case, the median over the rounds of p50 and
p99 of ``basket_price`` end to end and of the engine alone, the query count,
and the ratio this tree / baseline, with the issue's bound (the 50-line basket
at 1,000 campaigns within 10 % of the baseline, the same query count) marked
PASS or FAIL.

The baseline defaults to ``b12cd9f``: main when the work on issue 12 (prior
price, per-unit allocation, till audit, basket-wide offers, hints) began.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BASELINE = "b12cd9f"
BOUND = 1.10  # this tree's p50 at 50 lines x 1,000 campaigns over the baseline's
HEADLINE = ("basket", "spread", 1_000)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", default=DEFAULT_BASELINE, help="git ref to compare with")
    parser.add_argument("--rounds", type=int, default=2, help="runs per side, alternated")
    parser.add_argument("--iterations", type=int, default=300, help="timed runs per case")
    parser.add_argument("--postgres", metavar="URL", help="PostgreSQL URL for both sides")
    return parser.parse_args(argv)


def run_side(tree: Path, args, out: Path) -> dict:
    command = [
        sys.executable,
        str(tree / "bench" / "pricing.py"),
        "--no-oscar",
        "--iterations",
        str(args.iterations),
        "--json",
        str(out),
    ]
    if args.postgres:
        command += ["--postgres", args.postgres]
    # The tree's own folder first, so its apps (not this checkout's) are imported.
    env = {**os.environ, "PYTHONPATH": str(tree)}
    subprocess.run(command, cwd=tree, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    return json.loads(out.read_text())


def cases_of(result: dict) -> dict:
    return {
        (case["basket"], case["variant"], case["campaigns"]): case
        for case in result["ours"]["cases"]
    }


def summary(results: list[dict]) -> dict:
    keyed: dict = {}
    for result in results:
        for key, case in cases_of(result).items():
            row = keyed.setdefault(
                key, {"p50": [], "p99": [], "cpu_p50": [], "engine_p50": [], "queries": set()}
            )
            row["p50"].append(case["basket_price"]["p50_ms"])
            row["p99"].append(case["basket_price"]["p99_ms"])
            row["cpu_p50"].append(case["basket_price_cpu"]["p50_ms"])
            row["engine_p50"].append(case["evaluate"]["p50_ms"])
            row["queries"].add(case["queries"])
    return {
        key: {
            "p50": statistics.median(row["p50"]),
            "p99": statistics.median(row["p99"]),
            "cpu_p50": statistics.median(row["cpu_p50"]),
            "engine_p50": statistics.median(row["engine_p50"]),
            "queries": sorted(row["queries"]),
        }
        for key, row in keyed.items()
    }


def report(base: dict, ours: dict, args, loads) -> str:
    lines = [
        f"baseline {args.baseline} vs this tree, median of {args.rounds} alternated rounds, "
        f"{args.iterations} timed runs per case; 1-min load {loads[0]:.1f} -> {loads[1]:.1f}",
        "",
        f"{'case':34} {'p50 ms base/now':>18} {'p99 ms base/now':>18} "
        f"{'cpu p50 base/now':>18} {'engine p50':>16} {'queries':>8} {'ratio':>6} {'cpu':>6}",
    ]
    verdicts = []
    for key in sorted(base, key=lambda k: (k[2], k[0], k[1])):
        if key not in ours:
            continue
        b, o = base[key], ours[key]
        ratio = o["p50"] / b["p50"]
        cpu_ratio = o["cpu_p50"] / b["cpu_p50"]
        engine = f"{b['engine_p50']:.2f}/{o['engine_p50']:.2f}"
        queries = f"{b['queries'][-1]}/{o['queries'][-1]}"
        label = f"{key[0]} ({key[1]}) x {key[2]:,}"
        lines.append(
            f"{label:34} {b['p50']:8.2f}/{o['p50']:<8.2f} {b['p99']:8.2f}/{o['p99']:<8.2f} "
            f"{b['cpu_p50']:8.2f}/{o['cpu_p50']:<8.2f} {engine:>16} {queries:>8} "
            f"{ratio:5.2f}x {cpu_ratio:5.2f}x"
        )
        if key == HEADLINE:
            # CPU time of the process (SQLite runs in it) is the figure other processes on
            # the machine disturb least; wall time is shown beside it.
            verdicts.append(
                f"50 lines x 1,000 campaigns within {BOUND - 1:.0%} of the baseline (CPU p50): "
                f"{cpu_ratio:.2f}x -> {'PASS' if cpu_ratio <= BOUND else 'FAIL'} "
                f"(wall p50 {ratio:.2f}x)"
            )
            verdicts.append(
                f"same query count: {b['queries']} vs {o['queries']} -> "
                f"{'PASS' if b['queries'] == o['queries'] else 'FAIL'}"
            )
    return "\n".join([*lines, "", *verdicts])


def main(argv=None) -> int:
    args = parse_args(argv)
    loads = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory(prefix="bench-baseline-") as tmp:
        tree = Path(tmp) / "baseline"
        git = shutil.which("git") or "git"
        subprocess.run(  # noqa: S603
            [git, "worktree", "add", "--detach", str(tree), args.baseline],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        try:
            base_results, our_results = [], []
            for round_ in range(args.rounds):
                for side, results, where in (
                    ("baseline", base_results, tree),
                    ("this tree", our_results, ROOT),
                ):
                    print(f"round {round_ + 1}: {side} ...", file=sys.stderr, flush=True)
                    results.append(run_side(where, args, Path(tmp) / f"{side}-{round_}.json"))
        finally:
            subprocess.run(  # noqa: S603
                [git, "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False
            )
    loads.append(os.getloadavg()[0])
    print(report(summary(base_results), summary(our_results), args, loads))
    return 0


if __name__ == "__main__":
    sys.exit(main())
