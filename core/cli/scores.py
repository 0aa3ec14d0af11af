"""Command-line subcommands of scoring: `scores settings` and `scores preview`, registered by add_subcommands."""

from __future__ import annotations

import argparse
import sys

import polars as pl

from core.db import warehouse
from core.scoring.params import ScoreParams, ScoringError, parse_settings
from core.scoring.preview import preview, settings_table
from core.scoring.runs import current_params, latest_ok_run


def _cmd_preview(args: argparse.Namespace) -> int:
    con = warehouse.connect()
    try:
        current = latest_ok_run(con)
        params = (current.params if current else ScoreParams()).with_overrides(parse_settings(args.set))
        moved = preview(con, params, window_days=args.window_days, limit=args.limit)
    except ScoringError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        con.close()
    changes = ", ".join(args.set) or "no change"
    print(f"With {changes}: {moved.summary()} Nothing was written; apply it with `refresh --set ...`.")
    print("Who would move most:")
    with pl.Config(tbl_rows=-1, tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True, float_precision=1):
        print(moved.moved)
    return 0


def _cmd_settings(args: argparse.Namespace) -> int:
    con = warehouse.connect()
    try:
        table = settings_table(current_params(con))
    finally:
        con.close()
    print("Scoring settings of the current scores (change one with `refresh --set NAME=VALUE`):")
    with pl.Config(tbl_rows=-1, tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True, tbl_width_chars=160):
        print(table)
    return 0


def add_subcommands(sub: argparse._SubParsersAction) -> None:
    """Register `scores settings` and `scores preview` (`refresh` runs the whole pipeline, see core/cli/main.py)."""
    scores = sub.add_parser("scores", help="influence score tools")
    tools = scores.add_subparsers(dest="scores_command", required=True, metavar="TOOL")
    settings = tools.add_parser("settings", help="every scoring setting: its value now, its default, what it does")
    settings.set_defaults(run=_cmd_settings)
    prev = tools.add_parser("preview", help="who would move most if scoring parameters changed (writes nothing)")
    prev.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="a parameter to change (repeatable)"
    )
    prev.add_argument("--window-days", type=int, default=None, help="window (default: the current scores' window)")
    prev.add_argument("--limit", type=int, default=30, help="rows to show (default 30)")
    prev.set_defaults(run=_cmd_preview)
