"""Local engine vs Spark (local mode, every core of this machine): seconds per refresh step by world size.

    python -m bench.spark_scale [--people 20000 200000 1000000] [--seed 7] [--driver-memory 6g] [--no-parity]

Each demo world is built once (in a child process) and cached at data/bench_<people>.duckdb (bench.score_speed's
cache). For each size the score pipeline runs once on each engine from the same warehouse: features (the
window's reactions, pairs and per-account activity; for Spark including the Parquet export), authenticity,
influence (PageRank), scores, explanations and top posts. Spark's throughput is reactions per second per core
for each step. On the smallest world it also runs the whole refresh (scores, topics, Discover) on both engines
and checks the issue's parity bar. Prints a table, then one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from pathlib import Path

from bench.score_speed import CACHE, ensure_world
from core.db import warehouse
from core.engines import lake, parity
from core.engines.spark import SparkRun, start_session
from core.ops.pipeline import refresh_all
from core.scoring.engine import LOCAL
from core.scoring.params import ScoreParams
from core.scoring.reactions import latest_activity
from core.scoring.refresh import compute

STEPS = ("features", "authenticity", "influence", "scores", "explanations", "top posts")
CORES = os.cpu_count() or 1


def world_path(people: int) -> Path:
    """Where the cached demo world of this size lives."""
    return CACHE if people == 1_000_000 else CACHE.with_name(f"bench_{people}.duckdb")


def time_steps(path: Path, run: SparkRun) -> dict:
    """Seconds per step of one score pipeline on each engine (nothing written)."""
    with warehouse.connect(path) as con:
        as_of, params = latest_activity(con), ScoreParams()
        start = time.perf_counter()
        local = compute(con, as_of=as_of, window_days=90, params=params, engine=LOCAL)
        local_total = time.perf_counter() - start
        start = time.perf_counter()
        spark = compute(con, as_of=as_of, window_days=90, params=params, engine=run.engine())
        spark_total = time.perf_counter() - start
    return {
        "reactions": local.window.reactions,
        "pairs": local.window.pairs,
        "local": {**{s: round(local.seconds.get(s, 0.0), 2) for s in STEPS}, "total": round(local_total, 2)},
        "spark": {**{s: round(spark.seconds.get(s, 0.0), 2) for s in STEPS}, "total": round(spark_total, 2)},
        "spark_export": round(run.seconds.get("export", 0.0), 2),
        "pagerank_steps": {"local": local.pagerank_steps, "spark": spark.pagerank_steps},
    }


def full_parity(path: Path, scratch: Path) -> parity.Parity:
    """The whole refresh (scores, topics, Discover) on each engine from one world; how far the results agree."""
    copy = scratch / "parity.duckdb"
    shutil.copy(path, copy)
    with warehouse.connect(copy) as con:
        refresh_all(con)
        local = parity.snapshot(con)
        refresh_all(con, engine=SparkRun(session=start_session(), lake=lake.lake_folder(copy)).engine())
        on_spark = parity.snapshot(con)
    return parity.compare(local, on_spark)


def main() -> int:
    """Time both engines on each size and print the table and one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, nargs="+", default=[20_000, 200_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--driver-memory", default="6g", help="Spark local mode's memory (default 6g)")
    parser.add_argument("--no-parity", action="store_true", help="skip the full-refresh parity check")
    args = parser.parse_args()
    session = start_session(driver_memory=args.driver_memory)
    results: dict[int, dict] = {}
    check = None
    scratch = warehouse.REPO_ROOT / "data" / "bench_spark"
    scratch.mkdir(parents=True, exist_ok=True)
    for people in args.people:
        path = world_path(people)
        ensure_world(path, people, args.seed, rebuild=False)
        results[people] = time_steps(path, SparkRun(session=session, lake=scratch / f"lake_{people}"))
        if people == min(args.people) and not args.no_parity:
            check = full_parity(path, scratch)
    session.stop()

    print(f"Local engine vs Spark local mode ({CORES} cores), seconds per step of the score refresh")
    print(
        f"{'people':>10} {'reactions':>11} {'step':<13} {'local s':>8} {'spark s':>8} {'spark/local':>11} "
        f"{'spark reactions/s/core':>23}"
    )
    for people, r in results.items():
        for step in (*STEPS, "total"):
            local, spark = r["local"][step], r["spark"][step]
            per_core = r["reactions"] / spark / CORES if spark else float("inf")
            ratio = spark / local if local else float("inf")
            print(
                f"{people:>10,} {r['reactions']:>11,} {step:<13} {local:>8.2f} {spark:>8.2f} {ratio:>10.1f}x "
                f"{per_core:>23,.0f}"
            )
        print(
            f"{'':>10} {'':>11} (Spark's features include the Parquet export: {r['spark_export']:.2f} s; "
            f"PageRank steps local {r['pagerank_steps']['local']}, Spark {r['pagerank_steps']['spark']})"
        )
    if check is not None:
        print(f"Parity, whole refresh of the {min(args.people):,}-person world: {check.summary()}")
    print(
        json.dumps(
            {
                "bench": "spark_scale",
                "cores": CORES,
                "sizes": {str(k): v for k, v in results.items()},
                "parity": None
                if check is None
                else {
                    "people": min(args.people),
                    "ok": check.ok,
                    "scores_within_one": check.scores_within_one,
                    "scores_equal": check.scores_equal,
                    "flags_only_local": check.flags_only_local,
                    "flags_only_spark": check.flags_only_spark,
                    "topics_within_one": check.topics_within_one,
                    "discovery_identical": check.discovery_identical,
                },
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
