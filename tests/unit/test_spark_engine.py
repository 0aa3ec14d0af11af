"""The Spark engine gives the local engine's results, and a failed Spark job leaves the previous results in place.

One Spark session (local mode) serves the whole module: starting the JVM is most of the cost. pyspark comes
from requirements-test.txt (via requirements-spark.txt), so a missing pyspark or Java fails here, not skips.
"""

from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pytest
from pyspark.sql import SparkSession

from core.cli.main import main
from core.db import warehouse
from core.engines import lake, parity, sql
from core.engines.spark import start_session
from core.ops import refresh
from core.scoring.params import ScoreParams, ScoringError
from core.scoring.reactions import FOLLOW, indices, latest_activity, load_features
from core.vocabulary import INTERACTION_TYPES
from core.workspace.access import LOCAL

EPOCH_US = np.datetime64("1970-01-01T00:00:00", "us")


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    session = start_session(driver_memory="1g")
    yield session
    session.stop()


def _micros(moment) -> int:
    return int((np.datetime64(moment, "us") - EPOCH_US).astype(np.int64))


def test_the_shared_sql_run_by_duckdb_gives_the_local_engines_features(demo_copy, tmp_path):
    """The SQL text Spark runs is plain enough for DuckDB too, and gives what numpy computes."""
    con = warehouse.connect(demo_copy)
    try:
        as_of, params = latest_activity(con), ScoreParams()
        expected = load_features(con, as_of=as_of, window_days=90, params=params)
        paths = lake.export(con, tmp_path / "lake")
        _, accounts = indices(con)
    finally:
        con.close()
    other = duckdb.connect()
    for table, path in paths.items():
        other.read_parquet(str(path)).create_view(table)
    other.register("scored_accounts", accounts.select("account_id", "aidx", "pidx").to_arrow())
    weights = params.type_weights()
    kinds = pa.table(
        {"type": list(INTERACTION_TYPES), "kind": range(len(INTERACTION_TYPES)), "weight": list(weights.values())}
    )
    other.register("reaction_kinds", kinds)
    start_us, as_of_us = _micros(expected.window.start), _micros(as_of)
    assert other.execute(sql.UNKNOWN_ACCOUNTS, [start_us, as_of_us]).fetchone()[0] == 0
    other.execute(f"CREATE TABLE window_reactions AS {sql.WINDOW_REACTIONS}", [start_us, start_us, as_of_us])
    assert other.execute("SELECT count(*) FROM window_reactions").fetchone()[0] == expected.window.reactions
    other.execute(f"CREATE TABLE pair_runs AS {sql.PAIR_RUNS}")
    other.execute(f"CREATE TABLE pairs AS {sql.PAIRS}", [FOLLOW])
    pairs = other.sql("SELECT * FROM pairs ORDER BY actor, target").fetchnumpy()
    np.testing.assert_array_equal(pairs["actor"], expected.actor)
    np.testing.assert_array_equal(pairs["target"], expected.target)
    np.testing.assert_array_equal(pairs["given"], expected.given)
    np.testing.assert_allclose(pairs["w"], expected.w, rtol=1e-12)
    activity = other.sql(sql.REACTOR_ACTIVITY).pl()
    at = activity["aidx"].to_numpy()
    for name in ("all_targets", "distinct_targets", "once_targets", "reactions_given"):
        np.testing.assert_array_equal(activity[name].to_numpy(), getattr(expected, name)[at], err_msg=name)
    assert activity.height == int((expected.all_targets > 0).sum())
    written = other.execute(sql.POSTS_WRITTEN, [start_us, as_of_us]).fetchnumpy()
    np.testing.assert_array_equal(written["n"], expected.posts_written[written["aidx"]])
    assert expected.posts_written.sum() == written["n"].sum()


def test_cli_refresh_on_spark_gives_the_local_engines_results(spark, demo_copy, capsys):
    """The small demo world was refreshed by the local engine; the same refresh on Spark changes nothing served."""
    with warehouse.connect(demo_copy) as con:
        local = parity.snapshot(con)
    assert main(["refresh", "--engine", "spark"]) == 0
    out, err = capsys.readouterr()
    assert "on Spark" in out
    for step in ("Collecting the window's reactions", "Propagating reactor influence", "Refresh finished"):
        assert step in err  # the same progress steps as the local engine
    with warehouse.connect(demo_copy) as con:
        on_spark = parity.snapshot(con)
        engines = warehouse.rows(con, "SELECT count(*) FROM score_runs WHERE status = 'ok' AND kind = 'refresh'")
    result = parity.compare(local, on_spark)
    assert engines[0][0] >= 2  # a new run was written, not the old one kept
    assert result.ok, result.summary()
    assert result.scores_within_one == 1.0 and result.topics_within_one == 1.0, result.summary()
    assert not lake.lake_folder(Path(demo_copy)).exists()  # a copy of everyone's posts must not outlive the refresh


def test_a_failed_spark_job_leaves_the_previous_results_in_place(spark, demo_copy, monkeypatch):
    """A Spark job that fails (here: the Parquet it reads is damaged) fails the refresh and changes nothing served."""

    def damaged_export(con, folder):
        folder.mkdir(parents=True, exist_ok=True)
        for table in lake.EXPORTS:
            lake.table_path(folder, table).write_bytes(b"not parquet at all")
        return {}

    monkeypatch.setattr(lake, "export", damaged_export)
    tables = ("scores", "authenticity_flags", "topic_influence", "discovery")
    with warehouse.connect(demo_copy) as con:
        before = {t: warehouse.rows(con, f"SELECT * FROM {t} ORDER BY ALL") for t in tables}  # noqa: S608
        with pytest.raises(ScoringError, match=r"Spark job failed while reading.*Stored scores are unchanged"):
            refresh.refresh(con, LOCAL, db=Path(demo_copy), engine="spark")
        assert {t: warehouse.rows(con, f"SELECT * FROM {t} ORDER BY ALL") for t in tables} == before  # noqa: S608
        reason = warehouse.scalar(con, "SELECT details FROM audit_log WHERE action = 'refresh.failed'")
    assert "Spark job failed" in reason


def test_a_master_url_without_the_spark_engine_is_refused(demo_copy, capsys):
    assert main(["refresh", "--master", "spark://nowhere:7077"]) == 1
    assert "--engine spark" in capsys.readouterr().err
