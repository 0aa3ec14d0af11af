"""A daily refresh after one day of new events, against the full refresh before it, on the 1,000,000-person world.

    python -m bench.refresh_incremental [--people 1000000] [--seed 7] [--rebuild]

The demo world is built once (bench.score_speed's cache, data/bench_1m.duckdb) and copied to a work file. Its
last day of posts and interactions is held back; a refresh of the rest is the full one (every post tagged with
topics, as after a first start or a retrain); the held day is then loaded back and a second refresh is the daily
one (only the day's new posts tagged). Prints each step's seconds for both, then one JSON line. The target for
the daily refresh on the 2-core reference machine is 60 s.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import time
from datetime import timedelta

import duckdb

from bench.score_speed import CACHE, ensure_world
from core.db import warehouse
from core.ops.pipeline import PipelineReport, refresh_all
from core.progress import to_stderr
from core.topics.model_file import load_or_train

TARGET_SECONDS = 60.0
HELD = (("posts", "posted_at"), ("interactions", "occurred_at"))


def hold_back_last_day(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """Move the last day's posts and interactions into held_* tables; returns how many of each."""
    last = warehouse.scalar(con, "SELECT max(occurred_at) FROM interactions")
    cut = last - timedelta(days=1)
    counts = []
    for table, column in HELD:
        con.execute(f"CREATE TABLE held_{table} AS SELECT * FROM {table} WHERE {column} > ?", [cut])  # noqa: S608
        con.execute(f"DELETE FROM {table} WHERE {column} > ?", [cut])  # noqa: S608 - fixed names
        counts.append(warehouse.scalar(con, f"SELECT count(*) FROM held_{table}"))  # noqa: S608
    return counts[0], counts[1]


def load_held_day(con: duckdb.DuckDBPyConnection) -> float:
    """Put the held day back (posts first: interactions refer to them); returns the seconds it took."""
    start = time.perf_counter()
    for table, _ in HELD:
        con.execute(f"INSERT INTO {table} SELECT * FROM held_{table}")  # noqa: S608 - fixed names
        con.execute(f"DROP TABLE held_{table}")
    return time.perf_counter() - start


def main() -> int:
    """Time a full refresh, then a daily one after a day of new events, and print both step by step."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached world first")
    args = parser.parse_args()
    cache = CACHE if args.people == 1_000_000 else CACHE.with_name(f"bench_{args.people}.duckdb")
    built = ensure_world(cache, args.people, args.seed, args.rebuild)
    work = cache.with_name(cache.stem + "_daily.duckdb")
    shutil.copy(cache, work)
    load_or_train(progress=to_stderr)  # a first start trains the model; neither refresh should pay for it

    con = warehouse.connect(work)
    try:
        new_posts, new_interactions = hold_back_last_day(con)
        posts = warehouse.scalar(con, "SELECT count(*) FROM posts")
        cpu = time.process_time()
        full: PipelineReport = refresh_all(con, progress=to_stderr)
        full_cpu = time.process_time() - cpu
        load_seconds = load_held_day(con)
        cpu = time.process_time()
        daily: PipelineReport = refresh_all(con, progress=to_stderr)
        daily_cpu = time.process_time() - cpu
        people = warehouse.scalar(con, "SELECT count(*) FROM people")
    finally:
        con.close()
        work.unlink(missing_ok=True)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(daily.summary())
    print(f"\n{'step':<18}{'full s':>9}{'daily s':>9}")
    for step in full.step_seconds:
        print(f"{step:<18}{full.step_seconds[step]:>9.1f}{daily.step_seconds.get(step, 0.0):>9.1f}")
    print(f"{'total':<18}{full.seconds:>9.1f}{daily.seconds:>9.1f}")
    met = daily.seconds <= TARGET_SECONDS
    print(
        f"\n{people:,} people; the full refresh tagged {posts:,} posts, the daily one the day's {new_posts:,} new "
        f"posts ({new_interactions:,} new interactions, loaded in {load_seconds:.1f} s). Daily refresh "
        f"{daily.seconds:.1f} s against {full.seconds:.1f} s (target <= {TARGET_SECONDS:.0f} s: "
        f"{'met' if met else 'MISSED'}); CPU seconds (user + system, both cores: on a busy machine the wall time "
        f"grows, the CPU time hardly) {daily_cpu:.1f} against {full_cpu:.1f}; peak memory {peak_mb:,.0f} MB."
    )
    metrics = {
        "people": people,
        "posts_before": posts,
        "new_posts": new_posts,
        "new_interactions": new_interactions,
        "full_s": round(full.seconds, 1),
        "daily_s": round(daily.seconds, 1),
        "full_cpu_s": round(full_cpu, 1),
        "daily_cpu_s": round(daily_cpu, 1),
        "full_steps_s": {k: round(v, 1) for k, v in full.step_seconds.items()},
        "daily_steps_s": {k: round(v, 1) for k, v in daily.step_seconds.items()},
        "peak_mb": round(peak_mb),
        "world_build_s": round(built, 1),
        "target_met": met,
    }
    print(json.dumps(metrics, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
