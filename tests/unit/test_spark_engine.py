"""The Spark engine gives the local engine's results, and a failed Spark job leaves the previous results in place.

One Spark session (local mode) serves the whole module: starting the JVM is most of the cost. pyspark comes
from requirements-test.txt (via requirements-spark.txt), so a missing pyspark or Java fails here, not skips.
"""

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pytest
from pyspark.sql import SparkSession

from core.cli.main import main
from core.db import warehouse
from core.engines import collected, lake, parity, sql
from core.engines.spark import start_session
from core.ops import refresh
from core.scoring.params import ScoreParams, ScoringError
from core.scoring.reactions import FOLLOW, Features, indices, latest_activity, load_features, window_start
from core.vocabulary import INTERACTION_TYPES
from core.workspace.access import LOCAL
from tests.unit.scoring_world import World, warehouse_with

EPOCH_US = np.datetime64("1970-01-01T00:00:00", "us")


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    session = start_session(driver_memory="1g")
    yield session
    session.stop()


def _micros(moment) -> int:
    return int((np.datetime64(moment, "us") - EPOCH_US).astype(np.int64))


def _on_duckdb(con: duckdb.DuckDBPyConnection, folder: Path, as_of: datetime, days: int, params: ScoreParams):
    """The window's features as the Spark engine computes them, with DuckDB running the shared SQL."""
    start = window_start(as_of, days)
    paths = lake.export(con, folder)
    people, accounts = indices(con)
    other = duckdb.connect()
    for table, path in paths.items():
        other.read_parquet(str(path)).create_view(table)
    other.register("scored_accounts", accounts.select("account_id", "aidx", "pidx").to_arrow())
    other.register("reaction_kinds", pa.table({"type": INTERACTION_TYPES, "kind": range(len(INTERACTION_TYPES))}))
    start_us, as_of_us = _micros(start), _micros(as_of)
    assert other.execute(sql.UNKNOWN_ACCOUNTS, [start_us, as_of_us]).fetchone()[0] == 0
    other.execute(f"CREATE TABLE window_reactions AS {sql.WINDOW_REACTIONS}", [start_us, start_us, as_of_us])
    other.execute(f"CREATE TABLE pair_runs AS {sql.PAIR_RUNS}")
    other.execute(f"CREATE TABLE pairs AS {sql.PAIRS}", [FOLLOW])
    answers = collected.Answers(
        reactions=other.sql("SELECT * FROM window_reactions").to_arrow_table(),
        runs=other.sql("SELECT * FROM pair_runs ORDER BY actor, target, kind").to_arrow_table(),
        pairs=other.sql("SELECT * FROM pairs ORDER BY actor, target").to_arrow_table(),
        activity=other.sql(sql.REACTOR_ACTIVITY).to_arrow_table(),
        written=other.sql(sql.POSTS_WRITTEN, params=[start_us, as_of_us]).to_arrow_table(),
        first_us=other.execute(sql.FIRST_INTERACTION).fetchone()[0],
    )
    return collected.features(
        answers, accounts=accounts, people=people, as_of=as_of, start=start, window_days=days, params=params
    )


def _reaction_rows(f: Features) -> list[tuple]:
    r = f.reactions
    post = np.where(r.post >= 0, r.post_ids[np.maximum(r.post, 0)], -1)
    return sorted(
        zip(
            r.actor.tolist(),
            r.target.tolist(),
            r.kind.tolist(),
            post.tolist(),
            r.t.tolist(),
            r.fresh.tolist(),
            strict=True,
        )
    )


def _assert_same_features(got: Features, expected: Features) -> None:
    assert got.window == expected.window
    assert _reaction_rows(got) == _reaction_rows(expected)
    for name in ("actor", "target", "run_pair", "run_kind", "run_count", "given", "posts_written"):
        np.testing.assert_array_equal(getattr(got, name), getattr(expected, name), err_msg=name)
    for name in ("all_targets", "distinct_targets", "once_targets", "reactions_given"):
        np.testing.assert_array_equal(getattr(got, name), getattr(expected, name), err_msg=name)
    np.testing.assert_allclose(got.run_fresh, expected.run_fresh, rtol=1e-12)
    np.testing.assert_allclose(got.w, expected.w, rtol=1e-12)


def test_the_shared_sql_run_by_duckdb_gives_the_local_engines_features(demo_copy, tmp_path):
    """The SQL text Spark runs is plain enough for DuckDB too, and gives what numpy computes."""
    with warehouse.connect(demo_copy) as con:
        as_of, params = latest_activity(con), ScoreParams()
        expected = load_features(con, as_of=as_of, window_days=90, params=params)
        got = _on_duckdb(con, tmp_path / "lake", as_of, 90, params)
    assert expected.posts_written.sum() > 0 and expected.window.pairs > 100
    _assert_same_features(got, expected)


def test_the_shared_sql_keeps_the_recency_and_thread_rules_with_non_default_settings(tmp_path):
    """Echoes, follow-backs and own accounts are dropped, thread and recency weights applied, as numpy does."""
    w = World()
    starter, chatter, host, fan, other_fan, named = (
        w.person(n) for n in ("starter", "chatter", "host", "fan", "other_fan", "named")
    )
    second = w.account(starter, network="bluesky")
    own = w.post(starter, day=3)
    w.post(host, day=3)
    in_thread = w.post(chatter, day=3.5)
    w.posts[-1]["kind"] = "reply"  # the chatter's post answers the host's: a reply in someone else's thread
    w.react(fan, starter, kind="reply", post=own, day=4)
    w.react(fan, starter, kind="mention", post=own, day=4)  # the reply's own @: its echo, dropped
    w.react(fan, named, kind="mention", post=own, day=4)  # a mention inside a reply: thread weight
    w.react(other_fan, named, kind="mention", post=own, day=4)  # replied to no one that second: full credit
    w.react(fan, chatter, kind="reply", post=in_thread, day=20)  # a reaction to a reply: thread weight
    w.react(fan, chatter, kind="like", post=in_thread, day=20)
    for day in (2, 15, 29):  # recency: older reactions count less
        w.react(other_fan, starter, kind="repost", day=day)
    w.react(starter, fan, kind="follow", day=5)
    w.react(fan, starter, kind="follow", day=6)  # a follow-back: courtesy, dropped
    w.react(second, starter, kind="repost", day=7)  # one's own other account: dropped
    con = warehouse_with(w)
    params = ScoreParams(recency_half_life_share=0.25, thread_weight=0.5)
    as_of = latest_activity(con)
    expected = load_features(con, as_of=as_of, window_days=30, params=params)
    got = _on_duckdb(con, tmp_path / "lake", as_of, 30, params)
    assert expected.window.reactions == len(w.interactions) - 3
    assert len(set(np.round(expected.reactions.fresh, 9))) > 5  # recency and thread weights are both at work
    _assert_same_features(got, expected)


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
