"""Sway's command line: build the demo world, import data, refresh, show status.

Commands that change the warehouse call the same core/ops functions as the app's pages, as the local operator.
Exit codes: 0 ok, 1 bad input or unusable warehouse (one line on stderr says why), 2 bad usage.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from core import progress
from core.cli.admin import USER_ERRORS
from core.cli.admin import add_subcommands as add_admin
from core.cli.campaigns import USER_ERRORS as CAMPAIGN_ERRORS
from core.cli.campaigns import add_subcommands as add_campaigns
from core.cli.collect import add_subcommands as add_collect
from core.cli.discover import SearchRefused
from core.cli.discover import add_subcommands as add_discover
from core.cli.scores import add_subcommands as add_scoring
from core.cli.topics import add_subcommands as add_topics
from core.db import warehouse
from core.db.connections import SharedWarehouse
from core.db.status import status
from core.engines import ENGINES
from core.ingest.errors import InputError
from core.ops import imports, jobs, lock
from core.ops.rebuild import rebuild_demo
from core.scoring import runs
from core.scoring.params import ScoringError, parse_settings
from core.workspace.access import LOCAL


def _cmd_demo(args: argparse.Namespace) -> int:
    path = warehouse.warehouse_path()
    shared = SharedWarehouse(path)
    try:
        lines = rebuild_demo(
            shared, LOCAL, people=args.people, seed=args.seed, scored=not args.no_refresh, progress=progress.to_stderr
        )
    finally:
        shared.close()
    print(*lines, f"Warehouse: {path}", sep="\n")
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    path = warehouse.warehouse_path()
    with warehouse.connect(path) as con:
        report = imports.import_files(con, LOCAL, [Path(p) for p in args.paths], db=path, progress=progress.to_stderr)
    print(report.summary())
    return 0


def _as_of(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        example = "e.g. 2026-10-31 or 2026-10-31T23:59"
        raise argparse.ArgumentTypeError(f"not an ISO date/time: {text!r} ({example})") from None


def _cmd_refresh(args: argparse.Namespace) -> int:
    params = {
        "window_days": args.window_days,
        "as_of": args.as_of.isoformat() if args.as_of else None,
        "backfill_days": args.backfill_days,
        "step_days": args.step_days,
        "settings": parse_settings(args.set),
        "engine": args.engine,
        "master": args.master,
    }
    outcome = jobs.run("refresh", params, progress=progress.to_stderr)
    for line in outcome.lines:
        print(line if outcome.ok else f"error: {line}", file=sys.stdout if outcome.ok else sys.stderr)
    return 0 if outcome.ok else 1


def _cmd_status(args: argparse.Namespace) -> int:
    path = warehouse.warehouse_path()
    if not path.exists():
        print(f"No warehouse at {path} yet. Build one with: python -m core demo")
        return 0
    with warehouse.connect(path) as con:
        s = status(con, str(path), last_refresh=runs.latest_refresh(con))
    print(f"Warehouse: {s.path}  (schema version {s.schema_version}, origin: {s.origin})")
    if stopped := lock.interrupted(path):
        print(f"Note: {stopped.words(LOCAL.user)}")
    for table, count in s.table_counts.items():
        print(f"  {table:<13}{count:>14,}")
    print(f"Activity: {s.first_activity or '-'} .. {s.last_activity or '-'}")
    print(s.per_network)
    if s.last_load:
        load = s.last_load
        print(f"Last load: {load['kind']} at {load['finished_at']} from {', '.join(load['sources'])}")
    if s.last_refresh:
        run = s.last_refresh
        print(f"Last refresh: {run['status']} at {run['refreshed_at']:%Y-%m-%d %H:%M} — {run['message']}")
    else:
        print("Last refresh: never (run: python -m core refresh)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand (later features add theirs here)."""
    parser = argparse.ArgumentParser(
        prog="python -m core",
        description="Sway: influencer discovery. The warehouse is $SWAY_DB or data/sway.duckdb.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser("demo", help="build the seeded demo world (replaces the warehouse)")
    demo.add_argument("--people", type=int, default=20_000, help="number of people (default 20,000)")
    demo.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    demo.add_argument(
        "--no-refresh", action="store_true", help="only generate the world; skip scores, topics and campaigns"
    )
    demo.set_defaults(run=_cmd_demo)

    imp = sub.add_parser(
        "import",
        help="import files, all-or-nothing: Sway CSV/Parquet/JSONL, Twitter v1.1 JSONL, SNAP edge lists",
    )
    imp.add_argument("paths", nargs="+", metavar="PATH")
    imp.set_defaults(run=_cmd_import)

    st = sub.add_parser("status", help="row counts, activity dates, last load, warehouse path")
    st.set_defaults(run=_cmd_status)

    ref = sub.add_parser(
        "refresh", help="recompute influence scores, authenticity flags, topic influence and the Discover tables"
    )
    ref.add_argument("--window-days", type=int, default=90, help="days of reactions to score (default 90)")
    ref.add_argument("--as-of", type=_as_of, default=None, help="end of the window (default: latest interaction)")
    ref.add_argument(
        "--backfill-days", type=int, default=0, help="also write score history for this many past days (default 0)"
    )
    ref.add_argument("--step-days", type=int, default=1, help="backfill every N days (default 1)")
    ref.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="change a scoring parameter from the current run's, as previewed with `scores preview` (repeatable)",
    )
    ref.add_argument(
        "--engine",
        choices=ENGINES,
        default="local",
        help="where the data-sized steps run: local (DuckDB + numpy, default) or spark (needs requirements-spark.txt)",
    )
    ref.add_argument(
        "--master", default=None, help="Spark master URL (spark://..., k8s://..., yarn); default: Spark local mode"
    )
    ref.set_defaults(run=_cmd_refresh)

    add_scoring(sub)
    add_topics(sub)
    add_discover(sub)
    add_campaigns(sub)
    add_admin(sub)
    add_collect(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; user-facing errors become one line on stderr and exit code 1."""
    args = build_parser().parse_args(argv)
    if getattr(args, "people", 1) < 1:
        print("error: --people must be at least 1", file=sys.stderr)
        return 2
    try:
        return args.run(args)
    except BrokenPipeError:  # `... | head`: the reader has all it wanted; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (InputError, warehouse.WarehouseError, ScoringError, *USER_ERRORS, *CAMPAIGN_ERRORS, SearchRefused) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
