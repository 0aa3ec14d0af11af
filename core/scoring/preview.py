"""Preview a change of scoring parameters: who would move most, and which signal moved them, writing nothing."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

import duckdb
import polars as pl

from core.scoring import runs
from core.scoring.params import SETTING_HELP, ScoreParams
from core.scoring.reactions import latest_activity
from core.scoring.refresh import compute
from core.vocabulary import SIGNAL_NAMES


def _scores_and_signals(
    con: duckdb.DuckDBPyConnection, *, as_of: datetime, window_days: int, params: ScoreParams
) -> tuple[pl.DataFrame, pl.DataFrame]:
    c = compute(con, as_of=as_of, window_days=window_days, params=params, with_top_posts=False)
    assert c.explanations is not None
    combined = pl.col("network") == "all"
    return (
        c.scores.filter(combined).select("person_id", "score", "raw"),
        c.explanations.filter(combined).select("person_id", "signal", "points"),
    )


@dataclass(frozen=True)
class ScorePreview:
    """What a change of scoring parameters would do: how many people's scores move which way, and the largest moves."""

    people: int  # people scored
    up: int  # ... whose score would rise
    down: int  # ... whose score would fall
    moved: pl.DataFrame  # the largest moves, see preview()

    def summary(self) -> str:
        """One line: how many scores would change."""
        if not self.up and not self.down:
            return f"No one's score would change: all {self.people:,} people keep their score."
        return (
            f"{self.up + self.down:,} of {self.people:,} people would get a different score: "
            f"{self.up:,} higher, {self.down:,} lower."
        )


def preview(
    con: duckdb.DuckDBPyConnection,
    params: ScoreParams,
    *,
    window_days: int | None = None,
    as_of: datetime | None = None,
    limit: int = 50,
) -> ScorePreview:
    """The people whose combined score would move most under `params`, against the current parameters.

    Both sides are computed on the same data (as of the latest interaction unless given), so the deltas show the
    parameter change alone. Columns of `moved`: person_id, name, old_score, new_score, delta, main_signal (the
    signal whose points changed most), main_signal_delta (its change in points) and moved_most_by (that signal in
    plain words). Runs inside a transaction that is rolled back (a consistent snapshot for both sides), so
    nothing is written, not even a run record.
    """
    current = runs.latest_ok_run(con)
    old_params = current.params if current else ScoreParams()
    window = window_days or (current.window_days if current else 90)
    con.execute("BEGIN TRANSACTION")
    try:
        end = as_of or latest_activity(con)
        old, old_signals = _scores_and_signals(con, as_of=end, window_days=window, params=old_params)
        new, new_signals = _scores_and_signals(con, as_of=end, window_days=window, params=params)
        names = con.sql("SELECT person_id, name FROM people").pl()
    finally:
        con.execute("ROLLBACK")
    moved = (
        old_signals.join(new_signals, on=["person_id", "signal"], how="full", coalesce=True, suffix="_new")
        .with_columns(change=pl.col("points_new").fill_null(0) - pl.col("points").fill_null(0))
        .sort(["person_id", pl.col("change").abs(), "signal"], descending=[False, True, False])
        .group_by("person_id", maintain_order=True)
        .first()
        .select("person_id", main_signal="signal", main_signal_delta="change")
    )
    both = old.join(new, on="person_id", suffix="_new").select(
        "person_id",
        old_score="score",
        new_score="score_new",
        delta=(pl.col("score_new").cast(pl.Int32) - pl.col("score").cast(pl.Int32)),
        raw_change=pl.col("raw_new") - pl.col("raw"),
    )
    largest = (
        both.join(names, on="person_id", how="left")
        .join(moved, on="person_id", how="left")
        .sort([pl.col("delta").abs(), pl.col("raw_change").abs(), "person_id"], descending=[True, True, False])
        .head(limit)
        .select(
            "person_id",
            "name",
            "old_score",
            "new_score",
            "delta",
            "main_signal",
            "main_signal_delta",
            moved_most_by=pl.col("main_signal").replace_strict(SIGNAL_NAMES, default=pl.col("main_signal")),
        )
    )
    delta = both["delta"]
    return ScorePreview(people=both.height, up=int((delta > 0).sum()), down=int((delta < 0).sum()), moved=largest)


def settings_table(current: ScoreParams) -> pl.DataFrame:
    """Every setting a change can name: name, its value now, the default, whether they differ, and what it does."""
    default = ScoreParams()
    names = [f.name for f in dataclasses.fields(ScoreParams)]
    return pl.DataFrame(
        {
            "name": names,
            "value": [float(getattr(current, n)) for n in names],
            "default": [float(getattr(default, n)) for n in names],
            "what_it_does": [SETTING_HELP[n] for n in names],
        }
    ).with_columns(changed=pl.col("value") != pl.col("default"))
