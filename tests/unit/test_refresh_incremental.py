"""A daily refresh after a day of new events gives exactly what a full refresh of the same data gives, tagging only
the day's new posts."""

import dataclasses
import shutil
from datetime import timedelta

import duckdb
import pytest

from core.db import warehouse
from core.db.warehouse import rows, scalar
from core.ops.pipeline import refresh_all
from core.scoring import reactions
from core.scoring.engine import LOCAL
from core.scoring.reactions import pair_index as pair_lookup
from core.topics import influence
from core.topics.tagging import model_key
from tests.unit.topics_small import small_model

# Every table a refresh writes that a page reads, compared row for row (the run's number and build time aside).
RESULT_TABLES = (
    "scores",
    "score_explanations",
    "score_top_posts",
    "authenticity",
    "authenticity_flags",
    "post_topics",
    "post_tagging",
    "topic_influence",
    "topic_evidence",
    "discovery",
    "discovery_topic_slots",
    "discovery_accounts",
    "discovery_terms",
    "discovery_documents",
    "discovery_text_stats",
    "profile_reactions",
)
NOT_COMPARED = {"run_id", "score_run_id", "built_at"}
HELD = (("posts", "posted_at"), ("interactions", "occurred_at"))


@pytest.fixture(autouse=True)
def small_topic_model(monkeypatch):
    """The refresh's topic step uses the small test model instead of training the full one."""
    model = small_model()
    monkeypatch.setattr(influence, "load_or_train", lambda progress: model)
    return model


def results(con) -> dict[str, list[tuple]]:
    """Every row of every result table (plus the latest day of score history), sorted."""
    found = {}
    for table in RESULT_TABLES:
        columns = [
            c
            for (c,) in rows(
                con, "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index", [table]
            )
            if c not in NOT_COMPARED
        ]
        assert columns, f"{table} is not in the warehouse: update RESULT_TABLES"
        listed = ", ".join(f'"{c}"' for c in columns)
        found[table] = sorted(rows(con, f"SELECT {listed} FROM {table}"), key=repr)  # noqa: S608 - catalog names
    found["score_history"] = rows(
        con, "SELECT * FROM score_history WHERE day = (SELECT max(day) FROM score_history) ORDER BY ALL"
    )
    return found


def copy(source: str, path) -> duckdb.DuckDBPyConnection:
    shutil.copy(source, path)
    return warehouse.connect(path)


def test_a_daily_refresh_equals_a_full_refresh_of_the_same_data(raw_demo_file, tmp_path, small_topic_model):
    daily = copy(raw_demo_file, tmp_path / "daily.duckdb")
    full = copy(raw_demo_file, tmp_path / "full.duckdb")
    try:
        cut = scalar(daily, "SELECT max(occurred_at) FROM interactions") - timedelta(days=1)
        for table, column in HELD:  # the last day arrives later, as a collector or an import would add it
            daily.execute(f"CREATE TABLE held_{table} AS SELECT * FROM {table} WHERE {column} > ?", [cut])  # noqa: S608
            daily.execute(f"DELETE FROM {table} WHERE {column} > ?", [cut])  # noqa: S608
        new_posts = scalar(daily, "SELECT count(*) FROM held_posts")
        assert new_posts > 0 and scalar(daily, "SELECT count(*) FROM held_interactions") > 0
        refresh_all(daily)
        tagged_before = rows(daily, "SELECT * FROM post_topics ORDER BY post_id, topic")
        for table, _ in HELD:
            daily.execute(f"INSERT INTO {table} SELECT * FROM held_{table}")  # noqa: S608
            daily.execute(f"DROP TABLE held_{table}")

        report = refresh_all(daily)
        assert report.topics.posts == new_posts  # the new day's posts only
        assert f"Topics found for {new_posts:,} posts;" in report.summary()
        again = refresh_all(daily)  # nothing new: it says so rather than 'Topics found for 0 posts'
        assert "No new posts needed topics;" in again.summary() and "for 0 " not in again.summary()
        refresh_all(full)
        assert results(daily) == results(full)
        # The posts tagged before kept their rows untouched, and everything was tagged by the one model.
        assert set(tagged_before) <= set(rows(daily, "SELECT * FROM post_topics"))
        assert rows(daily, "SELECT DISTINCT model_key FROM post_tagging") == [(model_key(small_topic_model),)]
    finally:
        daily.close()
        full.close()


def test_the_refresh_report_times_every_step(raw_demo_file, tmp_path):
    con = copy(raw_demo_file, tmp_path / "w.duckdb")
    try:
        report = refresh_all(con)
    finally:
        con.close()
    steps = ("scores", "topic tagging", "topic influence", "topic model", "discover")
    assert tuple(report.step_seconds) == steps
    assert all(report.step_seconds[s] >= 0 for s in steps)
    assert sum(report.step_seconds.values()) <= report.seconds


def test_the_scores_and_topic_influence_share_one_load_of_the_window_and_change_nothing_in_it(
    raw_demo_file, tmp_path, monkeypatch
):
    con = copy(raw_demo_file, tmp_path / "w.duckdb")
    loads = []

    def counting(con, **window):
        loads.append(window["as_of"])
        return LOCAL.features(con, **window)

    lookups = []

    def counting_pairs(f, actor, target):
        lookups.append(len(actor))
        return pair_lookup(f, actor, target)

    monkeypatch.setattr(reactions, "pair_index", counting_pairs)
    try:
        refresh_all(con, engine=dataclasses.replace(LOCAL, features=counting))
        assert len(loads) == 1  # one load for the scores and topic influence
        assert not lookups  # each reaction's pair comes from the window's own sort, for top posts and post values
        shared = {t: rows(con, f"SELECT * FROM {t} ORDER BY ALL") for t in ("topic_influence", "topic_evidence")}  # noqa: S608
        with warehouse.transaction(con):
            influence.attribute(con)  # topic influence again, from a fresh load of the window
        assert {t: rows(con, f"SELECT * FROM {t} ORDER BY ALL") for t in shared} == shared  # noqa: S608
        assert shared["topic_influence"]
    finally:
        con.close()
