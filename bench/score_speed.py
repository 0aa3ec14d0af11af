"""Speed of a full score refresh on the 1,000,000-person demo world (about 20M interactions).

    python -m bench.score_speed [--people 1000000] [--seed 7] [--rebuild]

The world is built once (in a child process, so its memory does not count) and cached at
data/bench_1m.duckdb; reruns only refresh. Prints wall seconds, CPU seconds (user + system: on a machine
busy with other work the wall time grows, the CPU time hardly), peak memory (max RSS of this process,
which only opens the warehouse and refreshes), interactions per second and the seconds of each step,
then one JSON line. The target on the 2-core reference machine is under 30 s.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import sys
import time
from pathlib import Path

from core.db import warehouse
from core.progress import to_stderr
from core.scoring.refresh import refresh

CACHE = warehouse.REPO_ROOT / "data" / "bench_1m.duckdb"
TARGET_SECONDS = 30.0


def _build(path: str, people: int, seed: int) -> None:
    from core.demo.world import build_demo_warehouse

    build_demo_warehouse(path, people=people, seed=seed, progress=to_stderr)


def ensure_world(path: Path, people: int, seed: int, rebuild: bool) -> float:
    """Build the demo world into `path` unless it is cached there; returns the build seconds (0 if cached)."""
    if path.exists() and not rebuild:
        return 0.0
    start = time.perf_counter()
    child = multiprocessing.get_context("spawn").Process(target=_build, args=(str(path), people, seed))
    child.start()
    child.join()
    if child.exitcode != 0:
        sys.exit(f"error: building the {people:,}-person demo world failed (exit code {child.exitcode}).")
    return time.perf_counter() - start


def main() -> int:
    """Refresh the cached big world once and print the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached world first")
    args = parser.parse_args()
    path = CACHE if args.people == 1_000_000 else CACHE.with_name(f"bench_{args.people}.duckdb")
    built = ensure_world(path, args.people, args.seed, args.rebuild)

    con = warehouse.connect(path)
    try:
        interactions = warehouse.scalar(con, "SELECT count(*) FROM interactions")
        start, cpu_start = time.perf_counter(), time.process_time()
        report = refresh(con, progress=to_stderr)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    finally:
        con.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(report.summary())
    print(f"\n{'step':<14}{'seconds':>9}{'share':>8}")
    for step, seconds in report.step_seconds.items():
        print(f"{step:<14}{seconds:>9.2f}{seconds / wall:>8.0%}")
    print(f"{'total':<14}{wall:>9.2f}")
    print(
        f"\n{report.people:,} people, {interactions:,} interactions ({report.reactions:,} in the window): "
        f"{wall:.1f} s wall ({cpu:.1f} s CPU), {interactions / wall:,.0f} interactions/s, "
        f"peak memory {peak_mb:,.0f} MB "
        f"(target < {TARGET_SECONDS:.0f} s: {'met' if wall < TARGET_SECONDS else 'MISSED'})"
    )
    metrics = {
        "people": report.people,
        "interactions": interactions,
        "window_reactions": report.reactions,
        "refresh_s": round(wall, 2),
        "refresh_cpu_s": round(cpu, 2),
        "peak_mb": round(peak_mb),
        "interactions_per_s": round(interactions / wall),
        "steps_s": {k: round(v, 2) for k, v in report.step_seconds.items()},
        "pagerank_steps": report.pagerank_steps,
        "world_build_s": round(built, 1),
        "target_met": wall < TARGET_SECONDS,
    }
    print(json.dumps(metrics, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
