"""The batch refresh: window features -> authenticity -> reactor influence -> values -> 1-100 -> explanations -> runs.

Every step is set-based: SQL aggregations in DuckDB, group-bys on dense keys with numpy.bincount, polars
joins, and one sparse PageRank with scipy. The only Python loops are over steps, reaction types and, in
the history backfill, days. A refresh reads and writes inside one transaction, so it sees one consistent
snapshot and readers see the previous run or the new one, never a mix.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import duckdb
import numpy as np
import polars as pl

from core.db.warehouse import scalar, transaction
from core.progress import Progress, scaled, silent
from core.scoring import authenticity, explain, propagation, runs, signals
from core.scoring.engine import LOCAL, Engine
from core.scoring.params import ScoreParams, ScoringError
from core.scoring.reactions import Window, latest_activity

SCORE_COLUMNS = (
    "person_id",
    "network",
    "score",
    "raw",
    "reactions",
    "distinct_reactors",
    "mean_reactor_influence",
    "authenticity",
    "influence",
    "reactor_weight",
    "score_low",
    "score_high",
    "too_little_data",
)


@dataclass
class Computed:
    """What one pipeline pass produced."""

    window: Window
    scores: pl.DataFrame  # SCORE_COLUMNS plus score_exact, raw_before ...
    flags: pl.DataFrame  # account_id, person_id, network, flag, severity, evidence
    ratings: pl.DataFrame  # account_id, person_id, network, rating, flags
    explanations: pl.DataFrame | None
    top_posts: pl.DataFrame | None
    pagerank_steps: int
    seconds: dict[str, float]


@dataclass(frozen=True)
class RefreshReport:
    """What a refresh did: run, window, population, score distribution, flags and where the time went."""

    run_id: int
    as_of: datetime
    window_days: int
    coverage_days: float
    people: int
    reactions: int
    reactor_pairs: int
    median_score: float
    share_50_plus: float
    scores_of_100: int
    flagged: dict[str, int]
    pagerank_steps: int
    seconds: float
    step_seconds: dict[str, float] = field(default_factory=dict)
    engine: str = "local"

    def summary(self) -> str:
        """A few lines for the command line and the Data page."""
        flags = ", ".join(f"{n:,} {kind}" for kind, n in sorted(self.flagged.items())) or "none"
        steps = ", ".join(f"{k} {v:.1f}s" for k, v in self.step_seconds.items())
        return (
            f"Scored {self.people:,} people from {self.reactions:,} reactions ({self.reactor_pairs:,} reactor "
            f"pairs), {self.window_days}-day window to {self.as_of:%Y-%m-%d %H:%M} (run {self.run_id}).\n"
            f"Median score {self.median_score:g}, {self.share_50_plus:.1%} at 50+, {self.scores_of_100:,} at 100. "
            f"Flagged accounts: {flags}.\n"
            f"{self.seconds:.1f} s ({steps}; PageRank {self.pagerank_steps} steps"
            f"{'' if self.engine == 'local' else f'; on {self.engine.capitalize()}'})."
        )


@dataclass(frozen=True)
class BackfillReport:
    """What a history backfill did."""

    run_id: int
    days: list[str]
    rows: int
    seconds: float

    def summary(self) -> str:
        """One line for the command line."""
        span = f"{self.days[0]} .. {self.days[-1]}" if self.days else "no days with reactions"
        return f"Backfilled score history: {len(self.days)} days ({span}), {self.rows:,} rows, {self.seconds:.1f} s."


@contextmanager
def _timed(seconds: dict[str, float], step: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    seconds[step] = seconds.get(step, 0.0) + time.perf_counter() - start


def compute(
    con: duckdb.DuckDBPyConnection,
    *,
    as_of: datetime,
    window_days: int,
    params: ScoreParams,
    with_explanations: bool = True,
    with_top_posts: bool = True,
    progress: Progress = silent,
    engine: Engine = LOCAL,
) -> Computed:
    """Run the scoring pipeline and return its frames (nothing is written); `engine` runs features and PageRank."""
    seconds: dict[str, float] = {}
    progress(0.0, "Collecting the window's reactions")
    with _timed(seconds, "features"):
        f = engine.features(con, as_of=as_of, window_days=window_days, params=params)
    progress(0.3, "Checking authenticity")
    with _timed(seconds, "authenticity"):
        auth = authenticity.detect(con, f, params)
        pv = signals.pair_values(f, auth.factor, params)
    progress(0.45, "Propagating reactor influence")
    with _timed(seconds, "influence"):
        influence, weight, steps = propagation.reactor_influence(f, pv, auth, params, rank=engine.rank)
    progress(0.6, "Scoring")
    with _timed(seconds, "scores"):
        scored = signals.score(f, pv, influence, weight, auth, params)
        accounts = f.accounts.select("aidx", "account_id", "person_id", "network")
        flags = (
            auth.flags.join(accounts, on="aidx")
            .select("account_id", "person_id", "network", "flag", "severity", "evidence")
            .sort("person_id", "account_id", "flag")
        )
        names = flags.group_by("account_id").agg(pl.col("flag").sort())
        ratings = (
            accounts.with_columns(rating=pl.Series(auth.rating))
            .join(names, on="account_id", how="left")
            .select("account_id", "person_id", "network", "rating", flags=pl.col("flag").fill_null([]))
            .sort("person_id", "account_id")
        )
    explanations = posts = None
    if with_explanations:
        progress(0.75, "Writing down what each score is made of")
        with _timed(seconds, "explanations"):
            explanations = explain.signal_rows(scored)
        if with_top_posts:
            with _timed(seconds, "top posts"):
                posts = explain.top_posts(f, pv, weight, scored, params)
    return Computed(
        window=f.window,
        scores=scored.scopes,
        flags=flags,
        ratings=ratings,
        explanations=explanations,
        top_posts=posts,
        pagerank_steps=steps,
        seconds=seconds,
    )


def _report(run_id: int, c: Computed, total: float, engine: str) -> RefreshReport:
    combined = c.scores.filter(pl.col("network") == "all")["score"].to_numpy()
    return RefreshReport(
        run_id=run_id,
        as_of=c.window.as_of,
        window_days=c.window.days,
        coverage_days=c.window.coverage_days,
        people=c.window.people,
        reactions=c.window.reactions,
        reactor_pairs=c.window.pairs,
        median_score=float(np.median(combined)),
        share_50_plus=float(np.mean(combined >= 50)),
        scores_of_100=int(np.sum(combined == 100)),
        flagged=dict(c.flags.group_by("flag").len().iter_rows()),
        pagerank_steps=c.pagerank_steps,
        seconds=total,
        step_seconds=c.seconds,
        engine=engine,
    )


def _as_failure(exc: Exception) -> ScoringError:
    if isinstance(exc, ScoringError):
        return exc
    return ScoringError(
        f"The refresh failed in the warehouse ({exc}). Stored scores are unchanged; fix the data "
        "or free memory/disk, then refresh again."
    )


def refresh(
    con: duckdb.DuckDBPyConnection,
    *,
    window_days: int = 90,
    as_of: datetime | None = None,
    params: ScoreParams | None = None,
    progress: Progress = silent,
    engine: Engine = LOCAL,
) -> RefreshReport:
    """Recompute every score, flag and explanation and store them atomically; raise ScoringError on bad data.

    as_of defaults to the latest interaction in the warehouse, so the same data always gives the same scores.
    On failure nothing but a 'failed' score_runs row is written and the stored scores stay as they were.
    """
    params = params or ScoreParams()
    started = datetime.now()
    start = time.perf_counter()
    run_id = runs.next_run_id(con)
    end = as_of
    try:
        with transaction(con):
            end = as_of or latest_activity(con)
            c = compute(
                con,
                as_of=end,
                window_days=window_days,
                params=params,
                progress=scaled(progress, 0, 0.85),
                engine=engine,
            )
            progress(0.85, "Storing scores")
            report = _report(run_id, c, 0.0, engine.name)
            assert c.explanations is not None and c.top_posts is not None
            with _timed(c.seconds, "store"):
                runs.write_current(
                    con,
                    runs.RunRecord(
                        run_id=run_id,
                        kind="refresh",
                        started_at=started,
                        as_of=end,
                        window_days=window_days,
                        params=params,
                        message=report.summary().splitlines()[0],
                        people=report.people,
                        reactions=report.reactions,
                        flagged_accounts=c.flags["account_id"].n_unique(),
                        seconds=time.perf_counter() - start,
                    ),
                    runs.Results(
                        scores=c.scores.select(SCORE_COLUMNS),
                        explanations=c.explanations,
                        top_posts=c.top_posts,
                        authenticity=c.ratings,
                        flags=c.flags,
                    ),
                )
    except (ScoringError, duckdb.Error) as exc:
        failure = _as_failure(exc)
        runs.record_failure(
            con,
            runs.RunRecord(
                run_id=run_id,
                kind="refresh",
                started_at=started,
                as_of=end,
                window_days=window_days,
                params=params,
                status="failed",
                message=str(failure),
                seconds=time.perf_counter() - start,
            ),
        )
        if failure is exc:
            raise
        raise failure from exc
    progress(1.0, "Scores refreshed")
    return replace(report, seconds=time.perf_counter() - start)


def backfill_history(
    con: duckdb.DuckDBPyConnection,
    *,
    days: int = 90,
    step_days: int = 1,
    window_days: int = 90,
    min_coverage_days: int = 21,
    params: ScoreParams | None = None,
    progress: Progress = silent,
    engine: Engine = LOCAL,
) -> BackfillReport:
    """Write score_history for the past `days` days (every `step_days`), each day scored as of that day.

    The latest day is the refresh's own. Days with less than `min_coverage_days` of data before them are
    skipped: with only days of reactions most people have none yet, and every chart would open with a ramp
    that says nothing about them. Uses the parameters of the current scores unless given. All days are
    written in one transaction at the end.
    """
    if days < 1 or step_days < 1:
        raise ScoringError("Backfill days and step_days must be at least 1.")
    start = time.perf_counter()
    started = datetime.now()
    if params is None:
        current = runs.latest_ok_run(con)
        params = current.params if current else ScoreParams()
    latest = latest_activity(con)
    first = scalar(con, "SELECT min(occurred_at) FROM interactions")
    earliest = first + timedelta(days=min(min_coverage_days, window_days))
    as_ofs = sorted(a for k in range(step_days, days, step_days) if (a := latest - timedelta(days=k)) >= earliest)
    history = []
    for i, as_of in enumerate(as_ofs):
        progress(i / max(len(as_ofs), 1), f"Scoring the history, day by day: {as_of:%d %b %Y}")
        c = compute(con, as_of=as_of, window_days=window_days, params=params, with_explanations=False, engine=engine)
        history.append(runs.history_rows(c.scores, as_of.date()))
    run_id = runs.next_run_id(con)
    with transaction(con):
        if history:
            runs.write_history(con, pl.concat(history))
        runs.add_run(
            con,
            runs.RunRecord(
                run_id=run_id,
                kind="backfill",
                started_at=started,
                as_of=as_ofs[-1] if as_ofs else None,
                window_days=window_days,
                params=params,
                message=f"{len(as_ofs)} days, every {step_days}",
                seconds=time.perf_counter() - start,
            ),
        )
    progress(1.0, "History backfilled")
    return BackfillReport(
        run_id=run_id,
        days=[f"{a:%Y-%m-%d}" for a in as_ofs],
        rows=sum(h.height for h in history),
        seconds=time.perf_counter() - start,
    )
