"""How long the demo world takes to build and how much memory it needs, at a given size.

    python -m bench.demo_scale [--people 1000000] [--seed 7]

Builds into a temporary file (the real warehouse is never touched), prints the time, peak memory
(ru_maxrss of this process and of any children), row counts and interactions per second, and ends
with one JSON line of the same metrics for scripts to parse.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from core.db import warehouse
from core.demo.world import build_demo_warehouse
from core.progress import to_stderr

TABLES = (*warehouse.CORE_TABLES, "truth_gaming", "demo_campaign_members")
TARGET_SECONDS = 300
TARGET_PEAK_MB = 8 * 1024


def peak_rss_mb() -> tuple[float, float]:
    """Peak resident memory in MiB of this process and of its (waited-for) children; Linux reports KiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def measure(people: int, seed: int) -> dict:
    """Build one demo world in a temporary directory and return the metrics."""
    with tempfile.TemporaryDirectory(prefix="sway-bench-") as tmp:
        path = Path(tmp) / "bench.duckdb"
        started = time.perf_counter()
        build_demo_warehouse(path, people=people, seed=seed, progress=to_stderr)
        seconds = time.perf_counter() - started
        con = warehouse.connect(path, read_only=True)
        try:
            counts = {t: warehouse.scalar(con, f"SELECT count(*) FROM {t}") for t in TABLES}  # noqa: S608 - fixed names
        finally:
            con.close()
        file_mb = path.stat().st_size / 2**20
    own, children = peak_rss_mb()
    peak = max(own, children)
    return {
        "people": people,
        "seed": seed,
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(peak, 1),
        "peak_rss_self_mb": round(own, 1),
        "peak_rss_children_mb": round(children, 1),
        "file_mb": round(file_mb, 1),
        "rows": counts,
        "interactions_per_second": round(counts["interactions"] / seconds),
        "within_targets": seconds < TARGET_SECONDS and peak < TARGET_PEAK_MB,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print a readable report, then the JSON line."""
    parser = argparse.ArgumentParser(prog="python -m bench.demo_scale", description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000, help="number of people (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    args = parser.parse_args(argv)
    if args.people < 1:
        parser.error("--people must be at least 1")
    metrics = measure(args.people, args.seed)
    print(f"Demo world: {args.people:,} people, seed {args.seed}")
    print(f"  build time            {metrics['seconds']:>12,.1f} s   (target < {TARGET_SECONDS} s)")
    print(f"  peak memory           {metrics['peak_rss_mb']:>12,.0f} MiB (target < {TARGET_PEAK_MB:,} MiB)")
    print(f"  warehouse file        {metrics['file_mb']:>12,.0f} MiB")
    for table, count in metrics["rows"].items():
        print(f"  {table:<22}{count:>12,}")
    print(f"  interactions/s        {metrics['interactions_per_second']:>12,}")
    print(json.dumps(metrics), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
