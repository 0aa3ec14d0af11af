"""Writes scoring results into the tables of migration 003, and reads run records back.

The one owner of score_runs and the score tables (core/db/owners.py): which run is current, which refresh was
last and which parameters each day was scored with are decided here, and others ask.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import polars as pl

from core.db.warehouse import rows, scalar, transaction
from core.scoring.params import ScoreParams


@dataclass(frozen=True)
class RunRecord:
    """One row of score_runs."""

    run_id: int
    kind: str
    started_at: datetime
    as_of: datetime | None
    window_days: int
    params: ScoreParams
    status: str = "ok"
    message: str | None = None
    people: int | None = None
    reactions: int | None = None
    flagged_accounts: int | None = None
    seconds: float | None = None


@dataclass(frozen=True)
class Results:
    """Everything one refresh stores (the frames produced by the pipeline)."""

    scores: pl.DataFrame  # person_id, network, score, raw, reactions, distinct_reactors, ... influence
    explanations: pl.DataFrame
    top_posts: pl.DataFrame
    authenticity: pl.DataFrame  # account_id, person_id, network, rating, flags
    flags: pl.DataFrame  # account_id, person_id, network, flag, severity, evidence


def next_run_id(con: duckdb.DuckDBPyConnection) -> int:
    """The id the next run will get."""
    return scalar(con, "SELECT coalesce(max(run_id), 0) + 1 FROM score_runs")


def _insert_run(con: duckdb.DuckDBPyConnection, run: RunRecord) -> None:
    con.execute(
        "INSERT INTO score_runs VALUES (?, ?, ?, ?, ?, now()::TIMESTAMP, ?, ?, ?, ?, ?, ?, ?)",
        [
            run.run_id,
            run.kind,
            run.status,
            run.message,
            run.started_at,
            run.as_of,
            run.window_days,
            run.params.to_json(),
            run.people,
            run.reactions,
            run.flagged_accounts,
            run.seconds,
        ],
    )


def record_failure(con: duckdb.DuckDBPyConnection, run: RunRecord) -> None:
    """Note a failed run in score_runs (best effort: never hides the original error)."""
    with contextlib.suppress(duckdb.Error), transaction(con):
        _insert_run(con, run)


def _replace(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, run_id: int) -> None:
    """Swap a table's rows for the frame's (columns in table order after run_id); inside the caller's transaction.

    Frames arrive sorted by person, and DuckDB keeps insertion order, so per-person reads prune row groups.
    """
    con.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
    con.register("_sc_out", frame)
    try:
        con.execute(f"INSERT INTO {table} SELECT ?, * FROM _sc_out", [run_id])  # noqa: S608 - fixed table names
    finally:
        con.unregister("_sc_out")


def write_current(con: duckdb.DuckDBPyConnection, run: RunRecord, results: Results) -> None:
    """Replace the current scores, explanations and authenticity with this run's (inside the caller's transaction)."""
    _insert_run(con, run)
    for table, frame in (
        ("scores", results.scores),
        ("score_explanations", results.explanations),
        ("score_top_posts", results.top_posts),
        ("authenticity", results.authenticity),
        ("authenticity_flags", results.flags),
    ):
        _replace(con, table, frame, run.run_id)
    day = (run.as_of or datetime.now()).date()
    write_history(con, history_rows(results.scores, day))


_HISTORY_COLUMNS = ("person_id", "network", "score", "score_low", "score_high", "too_little_data")


def history_rows(scores: pl.DataFrame, day: date) -> pl.DataFrame:
    """A run's scores as the history points of `day`: each score with its likely range and too-little-data mark."""
    return scores.select(*_HISTORY_COLUMNS, day=pl.lit(day))


def write_history(con: duckdb.DuckDBPyConnection, history: pl.DataFrame) -> None:
    """Replace the score_history of the days in `history` (person_id, network, day, score and, where known,
    score_low, score_high, too_little_data); caller's transaction."""
    con.register("_sc_days", history)
    try:
        con.execute("DELETE FROM score_history WHERE day IN (SELECT DISTINCT day FROM _sc_days)")
        con.execute("INSERT INTO score_history BY NAME SELECT * FROM _sc_days")
    finally:
        con.unregister("_sc_days")


def scores_before(con: duckdb.DuckDBPyConnection, day: date) -> pl.DataFrame:
    """person_id, score: the combined scores of the latest history day before `day` (empty before any history).

    What a comparison matched on the past must use: today's scores already hold what happened since."""
    return con.sql(
        """
        SELECT person_id, score FROM score_history
        WHERE network = 'all' AND day = (SELECT max(day) FROM score_history WHERE network = 'all' AND day < ?)
        """,
        params=[day],
    ).pl()


def add_run(con: duckdb.DuckDBPyConnection, run: RunRecord) -> None:
    """Record a finished run that replaced no current scores (a backfill); inside the caller's transaction."""
    _insert_run(con, run)


def latest_ok_run(con: duckdb.DuckDBPyConnection) -> RunRecord | None:
    """The latest successful refresh (whose scores are the current ones), or None before the first."""
    found = rows(
        con,
        "SELECT run_id, started_at, as_of, window_days, params FROM score_runs "
        "WHERE kind = 'refresh' AND status = 'ok' ORDER BY run_id DESC LIMIT 1",
    )
    if not found:
        return None
    run_id, started_at, as_of, window_days, params = found[0]
    return RunRecord(
        run_id=run_id,
        kind="refresh",
        started_at=started_at,
        as_of=as_of,
        window_days=window_days,
        params=ScoreParams.from_json(params),
    )


def current_params(con: duckdb.DuckDBPyConnection) -> ScoreParams:
    """The parameters of the current scores (the defaults before the first refresh): what a change starts from."""
    run = latest_ok_run(con)
    return run.params if run else ScoreParams()


def stored_run(con: duckdb.DuckDBPyConnection) -> RunRecord | None:
    """The run whose scores are stored: the latest successful refresh, unless it left no scores (or has no as-of)."""
    run = latest_ok_run(con)
    if run is None or run.as_of is None or not scalar(con, "SELECT count(*) FROM scores"):
        return None
    return run


def latest_refresh(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The latest refresh, ok or failed, for the status views: status, refreshed_at, message, people, reactions,
    as_of, window_days. None before the first."""
    found = con.sql(
        "SELECT status, refreshed_at, message, people, reactions, as_of, window_days FROM score_runs "
        "WHERE kind = 'refresh' ORDER BY run_id DESC LIMIT 1"
    ).pl()
    return found.row(0, named=True) if found.height else None


def parameters_by_day(con: duckdb.DuckDBPyConnection) -> list[tuple[int, date, dict]]:
    """(run id, as-of day, parameters as stored) of every successful refresh and backfill, oldest first."""
    found = rows(
        con,
        "SELECT run_id, as_of::DATE, params FROM score_runs WHERE status = 'ok' AND as_of IS NOT NULL ORDER BY run_id",
    )
    return [(run_id, day, json.loads(params)) for run_id, day, params in found]
