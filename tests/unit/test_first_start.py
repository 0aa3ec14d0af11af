"""The first start opens on the scored demo world while the topic model still fits; its topics follow, under the job
lock, and a failure says what to do."""

import threading
import time

import pytest

from core.db import warehouse
from core.db.connections import SharedWarehouse
from core.ops import bootstrap, first_start
from core.ops.lock import Busy, exclusive, is_free
from tests.unit.topics_small import small_model


@pytest.fixture
def fresh(tmp_path, monkeypatch) -> SharedWarehouse:
    """A fresh clone: no warehouse, no saved topic model, a small demo world."""
    monkeypatch.setenv("SWAY_MODEL", str(tmp_path / "model" / "topic_model.skops"))
    monkeypatch.setattr(bootstrap, "DEMO_PEOPLE", 300)
    shared = SharedWarehouse(tmp_path / "sway.duckdb")
    yield shared
    shared.close()


def _counts(shared: SharedWarehouse) -> dict[str, int]:
    con = shared.cursor()
    return {
        table: warehouse.scalar(con, f"SELECT count(*) FROM {table}")  # noqa: S608 — fixed table names
        for table in ("post_topics", "topic_influence", "discovery", "campaigns", "scores")
    }


def _join_topics(timeout: float) -> None:
    for thread in threading.enumerate():
        if thread.name == "sway-first-topics":
            thread.join(timeout=timeout)


def test_the_app_opens_before_the_model_is_fitted_and_the_topics_follow(fresh, monkeypatch):
    release = threading.Event()

    def slow_fit() -> object:
        release.wait(timeout=120)
        return small_model()

    monkeypatch.setattr(first_start, "load_or_train", slow_fit)
    late = first_start.ensure_ready(fresh)
    assert late is not None

    opened = _counts(fresh)  # the model is still fitting: the world is there, scored, with campaigns
    assert opened["scores"] > 0 and opened["discovery"] > 0 and opened["campaigns"] > 0
    assert opened["post_topics"] == 0 and opened["topic_influence"] == 0
    assert not late.progress().finished
    deadline = time.monotonic() + 30
    while is_free(fresh.path) and time.monotonic() < deadline:
        time.sleep(0.05)  # the background job takes the lock as it starts
    with pytest.raises(Busy, match=first_start.JOB), exclusive(fresh.path, "refresh", "someone"):
        pass  # a refresh started meanwhile is refused, saying why

    before = warehouse.data_version(fresh.cursor())
    release.set()
    _join_topics(120)
    done = late.progress()
    assert done.finished and done.error is None and done.fraction == 1.0
    after = _counts(fresh)
    assert after["post_topics"] > 0 and after["topic_influence"] > 0
    assert warehouse.data_version(fresh.cursor()) != before  # every cached page sees the topics
    with exclusive(fresh.path, "refresh", "someone"):
        pass  # the lock is free again


def test_a_failed_fit_leaves_the_scored_world_and_says_what_to_do(fresh, monkeypatch):
    def broken_fit() -> object:
        raise OSError("No space left on device")

    monkeypatch.setattr(first_start, "load_or_train", broken_fit)
    late = first_start.ensure_ready(fresh)
    _join_topics(60)
    done = late.progress()
    assert done.finished
    assert "No space left on device" in done.error and "Refresh scores and topics" in done.error
    assert _counts(fresh)["scores"] > 0
    with exclusive(fresh.path, "refresh", "someone"):
        pass


def test_with_a_saved_model_the_first_start_builds_the_demo_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(bootstrap, "DEMO_PEOPLE", 300)
    shared = SharedWarehouse(tmp_path / "sway.duckdb")
    try:
        assert first_start.ensure_ready(shared) is None  # the session's saved model ($SWAY_MODEL) is loaded
        assert _counts(shared)["post_topics"] > 0
        assert first_start.ensure_ready(shared) is None  # and a second call builds nothing
    finally:
        shared.close()
