"""The refresh's data-sized steps on Apache Spark: the window's reactions and the reactor-influence PageRank.

Spark reads the raw events as Parquet in place (lake.py), runs the shared SQL of sql.py for the window's
reactions, their reactor pairs and per-account activity, and runs PageRank as one join + group-by per step.
The driver collects the features on dense indices, so pair values, authenticity rules, the 1-100 mapping,
explanations and topic influence run through the same functions as the local engine (core/scoring/engine.py).
Without a master URL Spark runs in local mode on this machine's cores; with one, on that cluster.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa
from py4j.protocol import Py4JError
from pyspark.errors import PySparkException
from pyspark.sql import DataFrame, SparkSession

from core.engines import collected, lake, sql
from core.progress import Progress, silent
from core.scoring.engine import Engine
from core.scoring.params import ScoreParams, ScoringError
from core.scoring.propagation import MAX_ITERATIONS, TOLERANCE
from core.scoring.reactions import FOLLOW, Features, indices, no_reactions, window_start
from core.vocabulary import INTERACTION_TYPES

# Every session: UTC so no local time zone shifts a timestamp, Arrow for the driver's transfers, no console bars
# (the refresh reports its own progress).
SETTINGS = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.ui.showConsoleProgress": "false",
}
# Local mode only: the driver is the executor, so it gets the memory; few shuffle partitions suit a few cores
# (adaptive execution coalesces them further).
LOCAL_SETTINGS = {"spark.driver.memory": "4g", "spark.sql.shuffle.partitions": "4", "spark.ui.enabled": "false"}


class SparkJobError(ScoringError):
    """A Spark job failed; the stored results are unchanged and the message says what to check."""


def start_session(master: str | None = None, driver_memory: str | None = None) -> SparkSession:
    """A Spark session on `master` (a cluster URL), or in local mode on every core of this machine."""
    builder = SparkSession.builder.appName("sway-refresh").master(master or "local[*]")
    settings = SETTINGS if master else {**SETTINGS, **LOCAL_SETTINGS}
    if driver_memory:
        settings = {**settings, "spark.driver.memory": driver_memory}
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except (PySparkException, Py4JError, OSError) as exc:
        raise SparkJobError(
            f"Spark did not start ({_first_line(exc)}). Check that Java 17 or later is installed"
            f"{f' and the master {master} is reachable' if master else ''}, then refresh again."
        ) from exc
    session.sparkContext.setLogLevel("ERROR")
    return session


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]


@contextmanager
def _spark_failures(step: str) -> Iterator[None]:
    """Turn a failed Spark job into a SparkJobError that says what to do."""
    try:
        yield
    except (PySparkException, Py4JError) as exc:
        raise SparkJobError(
            f"The Spark job failed while {step} ({_first_line(exc)}). Stored scores are unchanged; check the Spark "
            "master and that its executors have memory and can read the warehouse's Parquet export, then refresh "
            "again."
        ) from exc


def _micros(moment: datetime) -> int:
    return (moment - collected.EPOCH) // timedelta(microseconds=1)


@dataclass
class SparkRun:
    """One refresh's use of a Spark session: the Parquet export it reads and the time each step took."""

    session: SparkSession
    lake: Path
    exported: bool = False  # the export is written once per refresh, from the refresh's own transaction
    seconds: dict[str, float] = field(default_factory=dict)
    # The latest features by (as_of, window_days, params): a refresh's topic step reads the window its scores read
    # (only the latest is kept, so a history backfill does not hold every day's features).
    loaded: dict[tuple[datetime, int, ScoreParams], Features] = field(default_factory=dict)

    def engine(self) -> Engine:
        """This run's steps as an engine for the scoring pipeline."""
        return Engine(name="spark", features=self.features, rank=self.rank)

    def _timed(self, step: str, since: float) -> None:
        self.seconds[step] = self.seconds.get(step, 0.0) + time.perf_counter() - since

    def _view(self, name: str, frame: DataFrame) -> DataFrame:
        frame.createOrReplaceTempView(name)
        return frame

    def _frame(self, columns: dict[str, np.ndarray | list]) -> DataFrame:
        return self.session.createDataFrame(pa.table(columns))

    def _sql(self, text: str, args: list[Any] | None = None) -> DataFrame:
        return self.session.sql(text, args=args or [])

    def read_lake(self, con: duckdb.DuckDBPyConnection) -> None:
        """Export the warehouse's events to Parquet (once per refresh) and let Spark read them in place."""
        since = time.perf_counter()
        if not self.exported:
            lake.export(con, self.lake)
            self.exported = True
        self._timed("export", since)
        for table in lake.EXPORTS:
            self._view(table, self.session.read.parquet(str(lake.table_path(self.lake, table))))

    def features(
        self, con: duckdb.DuckDBPyConnection, *, as_of: datetime, window_days: int, params: ScoreParams
    ) -> Features:
        """The window's features as reactions.load_features computes them, with the SQL-shaped steps on Spark."""
        key = (as_of, window_days, params)
        if key in self.loaded:
            return self.loaded[key]
        start = window_start(as_of, window_days)
        people, accounts = indices(con)
        with _spark_failures("reading the warehouse's Parquet export"):
            self.read_lake(con)
        since = time.perf_counter()
        with _spark_failures("collecting the window's reactions"):
            features = self._features(accounts, people, as_of, start, window_days, params)
        self._timed("features", since)
        self.loaded = {key: features}
        return features

    def _features(
        self,
        accounts: pl.DataFrame,
        people: pl.DataFrame,
        as_of: datetime,
        start: datetime,
        window_days: int,
        params: ScoreParams,
    ) -> Features:
        self._view(
            "scored_accounts", self._frame({name: accounts[name].to_numpy() for name in ("account_id", "aidx", "pidx")})
        )
        self._view(
            "reaction_kinds",
            self._frame({"type": list(INTERACTION_TYPES), "kind": np.arange(len(INTERACTION_TYPES), dtype=np.int8)}),
        )
        start_us, as_of_us = _micros(start), _micros(as_of)
        unknown = self._sql(sql.UNKNOWN_ACCOUNTS, [start_us, as_of_us]).collect()[0]
        if unknown["n"]:
            raise ScoringError(
                f"{unknown['n']:,} interactions in the scoring window refer to accounts the warehouse does not "
                f"hold (e.g. {unknown['actor']} -> {unknown['target']}). Re-import the data with its accounts file "
                "so every actor and target is a known account, then refresh."
            )
        window = self._view(
            "window_reactions", self._sql(sql.WINDOW_REACTIONS, [start_us, start_us, as_of_us]).localCheckpoint()
        )
        reactions = window.toArrow()
        if not reactions.num_rows:
            raise no_reactions(start, as_of, window_days)
        runs = self._view("pair_runs", self._sql(sql.PAIR_RUNS).localCheckpoint())
        pairs = self._view("pairs", self._sql(sql.PAIRS, [FOLLOW]).localCheckpoint())
        answers = collected.Answers(
            reactions=reactions,
            runs=runs.toArrow(),
            pairs=pairs.toArrow(),
            activity=self._sql(sql.REACTOR_ACTIVITY).toArrow(),
            written=self._sql(sql.POSTS_WRITTEN, [start_us, as_of_us]).toArrow(),
            first_us=self._sql(sql.FIRST_INTERACTION).collect()[0]["first_us"],
        )
        return collected.features(
            answers, accounts=accounts, people=people, as_of=as_of, start=start, window_days=window_days, params=params
        )

    def rank(
        self,
        owner: np.ndarray,
        actor: np.ndarray,
        target: np.ndarray,
        full: np.ndarray,
        kept: np.ndarray,
        teleport: np.ndarray,
        damping: float,
    ) -> tuple[np.ndarray, int]:
        """propagation.pagerank on Spark: the same inputs and result, each step one join and group-by."""
        since = time.perf_counter()
        with _spark_failures("propagating reactor influence"):
            influence, steps = self._rank(owner, actor, target, full, kept, teleport, damping)
        self._timed("influence", since)
        return influence, steps

    def _rank(
        self,
        owner: np.ndarray,
        actor: np.ndarray,
        target: np.ndarray,
        full: np.ndarray,
        kept: np.ndarray,
        teleport: np.ndarray,
        damping: float,
    ) -> tuple[np.ndarray, int]:
        n = len(teleport)
        self._view(
            "rank_edges",
            self._frame(
                {
                    "src": owner[actor].astype(np.int32),
                    "dst": target.astype(np.int32),
                    "weight_all": full,
                    "weight_kept": kept,
                }
            ),
        )
        shares = self._view("rank_shares", self._sql(sql.RANK_SHARES).localCheckpoint())
        handed = shares.groupBy("src").sum("share").toArrow()
        handed_share = np.zeros(n)
        handed_share[collected.column(handed, "src", np.int64)] = collected.column(handed, "sum(share)", np.float64)
        start = teleport / teleport.sum()
        x = self._view(
            "rank_x",
            self._frame(
                {"person": np.arange(n, dtype=np.int32), "x": start, "start": start, "handed": handed_share}
            ).localCheckpoint(),
        )
        passed_on = damping * float(np.dot(start, handed_share))
        steps, change = 0, np.inf
        while change >= TOLERANCE and steps < MAX_ITERATIONS:
            teleported = 1.0 - passed_on  # dangling and discounted mass goes back through the teleport
            x = self._view("rank_x", self._sql(sql.RANK_STEP, [damping, teleported, teleported]).localCheckpoint())
            totals = x.selectExpr("sum(change) AS change", "sum(x * handed) AS handed").collect()[0]
            change, passed_on, steps = totals["change"], damping * totals["handed"], steps + 1
        result = x.orderBy("person").select("x").toArrow()
        return collected.column(result, "x", np.float64) * n, steps


@contextmanager
def spark_engine(*, master: str | None, lake_folder: Path, progress: Progress = silent) -> Iterator[Engine]:
    """A Spark engine for one refresh, on the process's running Spark session if it has one (left running), or
    on a new one (local mode without `master`) that is stopped afterwards."""
    session = SparkSession.getActiveSession()
    owned = session is None
    if session is None:
        progress(0.0, f"Starting Spark ({f'master {master}' if master else 'local mode, every core'})")
        session = start_session(master)
    try:
        yield SparkRun(session=session, lake=lake_folder).engine()
    finally:
        if owned:
            session.stop()
