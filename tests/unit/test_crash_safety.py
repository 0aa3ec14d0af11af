"""A process killed in the middle of an import or a refresh leaves a warehouse that opens and holds exactly the
state before or after, never a mix; the job lock dies with it."""

import os
import shutil
import signal
import subprocess
import sys
from datetime import datetime, timedelta

import polars as pl
import pytest

from core.db import warehouse
from core.db.warehouse import REPO_ROOT
from core.ingest import import_files
from core.ops import refresh
from core.workspace.access import LOCAL
from tests.conftest import table_snapshot

DERIVED = (
    "score_runs", "scores", "score_history", "score_explanations", "authenticity", "post_topics", "topic_influence",
    "topic_evidence", "discovery", "discovery_builds", "audit_log",
)  # fmt: skip


def _derived(path) -> dict[str, list[tuple]]:
    con = warehouse.connect(path)
    try:
        return {t: sorted(warehouse.rows(con, f"SELECT * FROM {t}"), key=repr) for t in DERIVED}  # noqa: S608
    finally:
        con.close()


def _start(db: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "core", *args],
        cwd=REPO_ROOT, env={**os.environ, "SWAY_DB": db},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _kill_when(process: subprocess.Popen, marker: str) -> list[str]:
    """SIGKILL `process` as soon as its progress output shows `marker`; the lines it printed."""
    seen = []
    for line in process.stderr:
        seen.append(line.strip())
        if marker in line:
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=60)
    return seen


def _big_import(folder) -> list:
    """Accounts, posts and 300,000 interactions: big enough that writing them takes a while."""
    start = datetime(2025, 1, 1)
    n_accounts, n_posts, n_interactions = 2_000, 20_000, 300_000
    accounts = pl.DataFrame(
        {"network": "twitter", "account_id": [f"crash{i}" for i in range(n_accounts)],
         "handle": [f"crash_{i}" for i in range(n_accounts)]}
    )  # fmt: skip
    posts = pl.DataFrame(
        {"network": "twitter", "post_id": [f"cp{i}" for i in range(n_posts)],
         "account_id": [f"crash{i % n_accounts}" for i in range(n_posts)],
         "posted_at": [(start + timedelta(minutes=i)).isoformat() for i in range(n_posts)],
         "text": [f"post number {i}" for i in range(n_posts)]}
    )  # fmt: skip
    interactions = pl.DataFrame(
        {"network": "twitter", "actor_account_id": [f"crash{(i * 7 + 1) % n_accounts}" for i in range(n_interactions)],
         "target_account_id": [f"crash{i % n_accounts}" for i in range(n_interactions)],
         "type": "like", "post_id": [f"cp{i % n_posts}" for i in range(n_interactions)],
         "occurred_at": [(start + timedelta(seconds=i)).isoformat() for i in range(n_interactions)]}
    )  # fmt: skip
    paths = []
    for name, frame in (("accounts", accounts), ("posts", posts), ("interactions", interactions)):
        frame.write_csv(folder / f"{name}.csv")
        paths.append(folder / f"{name}.csv")
    return paths


@pytest.mark.parametrize("marker", ["Matching posts", "Writing", "new interactions"])
def test_killed_import_leaves_before_or_after(demo_copy, tmp_path, marker):
    files = _big_import(tmp_path)
    before = table_snapshot(demo_copy)
    reference = tmp_path / "reference.duckdb"
    shutil.copy(demo_copy, reference)
    con = warehouse.connect(reference)
    import_files(con, files)
    con.close()
    after = table_snapshot(str(reference))

    seen = _kill_when(_start(demo_copy, "import", *map(str, files)), marker)

    assert any(marker in line for line in seen), seen
    state = table_snapshot(demo_copy)  # opens (and replays the log) without error
    assert state in (before, after)
    assert state == before  # killed before the commit: all of it is gone, none of it half-stored


@pytest.mark.parametrize("marker", ["Loading the topic model", "Indexing the words"])
def test_killed_refresh_leaves_the_previous_results(demo_copy, marker):
    con = warehouse.connect(demo_copy)
    refresh.refresh(con, LOCAL, db=warehouse.warehouse_path())  # a first refresh: there are results to keep
    con.close()
    before = _derived(demo_copy)

    seen = _kill_when(_start(demo_copy, "refresh"), marker)

    assert any(marker in line for line in seen), seen
    # Killed after the scores step had finished: a refresh made of one transaction per step would now
    # show new scores beside old topics; this one shows the previous results throughout.
    assert _derived(demo_copy) == before

    finished = subprocess.run(
        [sys.executable, "-m", "core", "refresh"],
        cwd=REPO_ROOT, env={**os.environ, "SWAY_DB": demo_copy}, capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stderr  # the killed process's lock died with it
    con = warehouse.connect(demo_copy)
    try:
        run = warehouse.scalar(con, "SELECT max(run_id) FROM score_runs WHERE status = 'ok'")
        assert run == warehouse.scalar(con, "SELECT max(run_id) FROM score_runs")
        assert warehouse.scalar(con, "SELECT score_run_id FROM discovery_builds") == run
        assert warehouse.rows(con, "SELECT DISTINCT run_id FROM topic_influence") == [(run,)]
        assert warehouse.rows(con, "SELECT DISTINCT run_id FROM scores") == [(run,)]
    finally:
        con.close()
