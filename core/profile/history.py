"""A person's score history and the points where the scoring model (score_runs.params) changed."""

from __future__ import annotations

import json
from itertools import pairwise

import duckdb
import polars as pl

from core.scoring.params import ScoreParams, describe_changes
from core.scoring.runs import parameters_by_day


def score_history(con: duckdb.DuckDBPyConnection, person_id: int) -> pl.DataFrame:
    """day, network ('all' = combined), score: one row per refresh or backfill day."""
    found = con.sql("SELECT day, network, score FROM score_history WHERE person_id = ?", params=[person_id]).pl()
    return found.sort("day", "network")  # sorted here: an ORDER BY costs DuckDB more than this small lookup


def _describe(before: dict, after: dict) -> str:
    keys = before.keys() | after.keys()
    return describe_changes({k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)})


def model_changes(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """day, run_id, change: each successful run whose parameters differ from the run before it.

    A parameter a run did not store (added to the model later) had its default value, so it is no change.
    """
    found = []
    defaults = json.loads(ScoreParams().to_json())
    for (_, _, old), (run_id, day, new) in pairwise(parameters_by_day(con)):
        old, new = defaults | old, defaults | new
        if old != new:
            found.append({"day": day, "run_id": run_id, "change": _describe(old, new)})
    return pl.DataFrame(found, schema={"day": pl.Date, "run_id": pl.Int64, "change": pl.String})
