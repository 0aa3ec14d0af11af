"""A person's score history and the points where the scoring model (score_runs.params) changed."""

from __future__ import annotations

import json
from datetime import date
from itertools import pairwise

import duckdb
import polars as pl

from core.scoring.params import ScoreParams, describe_changes
from core.scoring.runs import parameters_by_day


def score_history(con: duckdb.DuckDBPyConnection, person_id: int) -> pl.DataFrame:
    """day, network ('all' = combined), score, score_low, score_high, too_little_data (null for points stored before
    history kept them): one row per refresh or backfill day."""
    found = con.sql(
        "SELECT day, network, score, score_low, score_high, too_little_data FROM score_history WHERE person_id = ?",
        params=[person_id],
    ).pl()
    return found.sort("day", "network")  # sorted here: an ORDER BY costs DuckDB more than this small lookup


def _describe(before: dict, after: dict) -> str:
    keys = before.keys() | after.keys()
    return describe_changes({k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)})


def model_changes(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """day, run_id, change: each day a successful run's parameters differ from the run before it."""
    return changes_by_day(parameters_by_day(con))


def changes_by_day(runs: list[tuple[int, date, dict]]) -> pl.DataFrame:
    """day, run_id (the day's last change), change: of (run id, as-of day, parameters) oldest first.

    A parameter a run did not store (added to the model later) had its default value, so it is no change. Changes on
    one day are one row, in order ('… · then …'): the history holds one score a day, and lines drawn on one day hide
    each other's words.
    """
    found: dict[date, dict] = {}
    defaults = json.loads(ScoreParams().to_json())
    for (_, _, old), (run_id, day, new) in pairwise(runs):
        old, new = defaults | old, defaults | new
        if old == new:
            continue
        said = _describe(old, new)
        if day in found:
            said = f"{found[day]['change']} · then {said}"
        found[day] = {"day": day, "run_id": run_id, "change": said}
    return pl.DataFrame(list(found.values()), schema={"day": pl.Date, "run_id": pl.Int64, "change": pl.String})
