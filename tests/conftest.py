"""Shared fixtures: a small demo warehouse built once per test session, copied per test that writes."""

import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator

import pytest

from core.db import warehouse
from core.db.connections import SharedWarehouse
from core.demo.world import build_demo_warehouse
from core.ops import erase
from core.ops.bootstrap import write_demo_warehouse
from core.topics.model_file import load_or_train
from core.workspace.access import LOCAL

SMALL_DEMO_PEOPLE = 600
SMALL_DEMO_SEED = 11


@pytest.fixture(scope="session", autouse=True)
def session_topic_model(tmp_path_factory, worker_id) -> Iterator[str]:
    """Keep the topic model tests train out of the repository's data/ folder: one file for the whole run.

    Set in the environment, so the servers the browser tests start use it too. Trained here once: under
    pytest-xdist the workers share one file in their common temporary folder, and the first to take the lock
    trains it while the others wait (two fits side by side would take both cores for a minute).
    """
    shared = tmp_path_factory.getbasetemp() if worker_id == "master" else tmp_path_factory.getbasetemp().parent
    path = shared / "topic_model.skops"
    before = os.environ.get("SWAY_MODEL")
    os.environ["SWAY_MODEL"] = str(path)
    with open(shared / "topic_model.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        load_or_train(path)
        fcntl.flock(lock, fcntl.LOCK_UN)
    yield str(path)
    if before is None:
        del os.environ["SWAY_MODEL"]
    else:
        os.environ["SWAY_MODEL"] = before


@pytest.fixture(scope="session")
def small_demo_file(tmp_path_factory) -> str:
    """A 600-person demo warehouse as the app's first start leaves it (scored, with topics and campaigns).

    Built once; treat it as read-only (copy it to write).
    """
    path = tmp_path_factory.mktemp("demo") / "small.duckdb"
    write_demo_warehouse(path, people=SMALL_DEMO_PEOPLE, seed=SMALL_DEMO_SEED)
    return str(path)


@pytest.fixture
def demo_copy(small_demo_file, tmp_path, monkeypatch) -> str:
    """A private copy of the small demo warehouse, also set as $SWAY_DB for code that uses the default."""
    path = tmp_path / "sway.duckdb"
    shutil.copy(small_demo_file, path)
    monkeypatch.setenv("SWAY_DB", str(path))
    return str(path)


@pytest.fixture(scope="session")
def raw_demo_file(tmp_path_factory) -> str:
    """The same 600-person world only generated: no scores, topics or campaigns yet (read-only)."""
    path = tmp_path_factory.mktemp("raw_demo") / "raw.duckdb"
    build_demo_warehouse(path, people=SMALL_DEMO_PEOPLE, seed=SMALL_DEMO_SEED)
    return str(path)


@pytest.fixture
def raw_demo_copy(raw_demo_file, tmp_path, monkeypatch) -> str:
    """A private copy of the unscored demo world, also set as $SWAY_DB."""
    path = tmp_path / "sway.duckdb"
    shutil.copy(raw_demo_file, path)
    monkeypatch.setenv("SWAY_DB", str(path))
    return str(path)


def table_snapshot(path: str) -> dict[str, list[tuple]]:
    """Every row of every core table, sorted, to prove a failed operation changed nothing."""
    con = warehouse.connect(path)
    try:
        return {
            t: sorted(warehouse.rows(con, f"SELECT * FROM {t}"), key=repr)  # noqa: S608 - fixed table names
            for t in (*warehouse.CORE_TABLES, "load_log")
        }
    finally:
        con.close()


def erase_with_failed_rewrite(path: str, mark: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Give a person a bio of `mark`, in the file, then erase them while rewriting the file fails as on a full disk:
    they are gone from every table, the file still holds `mark`, and the erasure is pending (erase.rewrite_pending).
    """
    con = warehouse.connect(path)
    person = warehouse.scalar(con, "SELECT min(person_id) FROM accounts")
    con.execute("UPDATE accounts SET bio = ? WHERE person_id = ?", [mark, person])
    con.execute("CHECKPOINT")
    con.close()

    def disk_full(self, copy):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(SharedWarehouse, "rewrite", disk_full)
        shared = SharedWarehouse(path)
        try:
            assert "could not be rewritten" in erase.erase(shared, LOCAL, person_id=person)[-1]
        finally:
            shared.close()
    with open(path, "rb") as file:
        assert mark.encode() in file.read()


def kill_while_holding_the_lock(db: str, job: str, user: str) -> None:
    """A separate process takes the warehouse's job lock for `job` as `user` and is killed (SIGKILL) while holding
    it, as a server stopped in the middle of a job is."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_THE_LOCK, db, job, user],
        cwd=warehouse.REPO_ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    finally:
        holder.kill()
        holder.wait(timeout=30)


_HOLD_THE_LOCK = """
import sys, time
from pathlib import Path
from core.ops.lock import exclusive
with exclusive(Path(sys.argv[1]), sys.argv[2], sys.argv[3]):
    print("held", flush=True)
    time.sleep(600)
"""
