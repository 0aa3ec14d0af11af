"""Jobs started on the command line while the app holds the warehouse: handed to the app, one at a time."""

import os
import subprocess
import sys
import threading
import time

import pytest

from core.db import warehouse
from core.db.connections import SharedWarehouse
from core.db.warehouse import REPO_ROOT
from core.ops import handoff, jobs, lock, pipeline, refresh
from core.workspace.access import LOCAL, LOCAL_USER_WORDS
from tests.conftest import kill_while_holding_the_lock


def _cli(db: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "core", *args],
        cwd=REPO_ROOT, env={**os.environ, "SWAY_DB": db}, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


@pytest.fixture
def app_process(demo_copy):
    """This test process plays the running app: it holds the warehouse and runs the job worker."""
    shared = SharedWarehouse(demo_copy)
    shared.cursor()  # opened: other processes can no longer open the file
    stop = threading.Event()
    worker = threading.Thread(target=jobs.serve_requests, args=(shared, stop))
    worker.start()
    yield shared
    stop.set()
    worker.join()
    shared.close()


def test_cli_refresh_is_run_by_the_app_while_readers_keep_the_previous_results(app_process, demo_copy):
    reader = app_process.cursor()
    before = warehouse.scalar(reader, "SELECT count(*) FROM score_runs")
    seen, errors, stop = [], [], threading.Event()

    def read_while_refreshing() -> None:
        cursor = app_process.cursor()
        while not stop.is_set():
            try:
                seen.append(warehouse.scalar(cursor, "SELECT count(*) FROM discovery"))
            except Exception as exc:  # any lock or conflict error fails the test below
                errors.append(exc)
            time.sleep(0.05)

    readers = threading.Thread(target=read_while_refreshing)
    readers.start()
    done = _cli(demo_copy, "refresh")
    stop.set()
    readers.join()

    assert done.returncode == 0, done.stderr
    assert "asking it to run the job" in done.stderr and "Refresh finished" in done.stdout
    assert errors == []
    assert len(seen) > 10
    assert warehouse.scalar(reader, "SELECT count(*) FROM score_runs WHERE status = 'ok'") == before + 1
    assert warehouse.scalar(reader, "SELECT count(*) FROM audit_log WHERE action = 'refresh'") == 1


def test_cli_backup_is_run_by_the_app(app_process, demo_copy, tmp_path):
    done = _cli(demo_copy, "backup", str(tmp_path / "b"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "b" / "people.parquet").exists()


def test_a_second_refresh_is_refused_while_one_runs(demo_copy):
    path = warehouse.warehouse_path()
    with lock.exclusive(path, "refresh", "alice@a.example"):
        done = _cli(demo_copy, "refresh")
        with (
            pytest.raises(lock.Busy, match=r"A refresh started at .* by alice@a\.example"),
            lock.exclusive(path, "erasure", "bob@a.example"),
        ):
            pass
    assert done.returncode == 1
    assert "A refresh started at" in done.stderr and "was not started" in done.stderr
    with lock.exclusive(path, "refresh", "alice@a.example"):  # released again
        pass


def test_the_operator_without_sign_in_is_named_in_words_not_as_a_process(demo_copy):
    path = warehouse.warehouse_path()
    with (
        lock.exclusive(path, "topic retrain", LOCAL.user),
        pytest.raises(lock.Busy) as refused,
        lock.exclusive(path, "refresh", LOCAL.user),
    ):
        pass
    said = str(refused.value)
    assert said.startswith("A topic retrain started at ") and f"by {LOCAL_USER_WORDS} is still running" in said
    assert "process" not in said and "by local" not in said


def test_a_process_that_does_not_take_requests_is_named(demo_copy, monkeypatch):
    monkeypatch.setattr(handoff, "PICKUP_SECONDS", 1.0)
    holder = warehouse.connect(demo_copy)  # holds the file but runs no job worker
    try:
        with pytest.raises(warehouse.WarehouseError, match="does not take job requests"):
            handoff.hand_off(warehouse.warehouse_path(), "refresh", {})
    finally:
        holder.close()
    assert not list(handoff.requests_dir(warehouse.warehouse_path()).glob("*.json"))


def test_a_refresh_failing_in_its_last_step_keeps_every_previous_result(demo_copy, monkeypatch):
    con = warehouse.connect(demo_copy)
    try:
        refresh.refresh(con, LOCAL, db=warehouse.warehouse_path())
        before = {t: warehouse.rows(con, f"SELECT * FROM {t} ORDER BY ALL") for t in ("scores", "score_runs")}  # noqa: S608

        def out_of_disk(*args, **kwargs):
            raise OSError("No space left on device")

        monkeypatch.setattr(pipeline, "build_discovery", out_of_disk)
        with pytest.raises(OSError, match="No space left"):
            refresh.refresh(con, LOCAL, db=warehouse.warehouse_path())
        # The score step had finished before the failure; its results are rolled back with the rest.
        assert {t: warehouse.rows(con, f"SELECT * FROM {t} ORDER BY ALL") for t in before} == before  # noqa: S608
        reason = warehouse.scalar(con, "SELECT details FROM audit_log WHERE action = 'refresh.failed'")
        assert "No space left on device" in reason
    finally:
        con.close()


def test_the_worker_tells_the_app_after_each_job_so_its_cached_results_go(tmp_path):
    db = tmp_path / "w.duckdb"
    warehouse.connect(db).close()
    shared = SharedWarehouse(db)
    folder = handoff.requests_dir(db)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "a.json").write_text('{"job": "fine", "params": {}}', encoding="utf-8")
    (folder / "b.json").write_text('{"job": "broken", "params": {}}', encoding="utf-8")

    def broken(shared, report):
        raise RuntimeError("no")

    told, stop = [], threading.Event()
    work = {"fine": lambda shared, report: ["done"], "broken": broken}
    worker = threading.Thread(target=handoff.serve_requests, args=(shared, stop, work, lambda: told.append(1)))
    worker.start()
    try:
        for _ in range(100):
            if len(list(folder.glob("*.status"))) == 2 and len(told) == 2:
                break
            time.sleep(0.1)
    finally:
        stop.set()
        worker.join()
        shared.close()
    assert len(told) == 2  # a failed job may have changed something before it failed: told as well


def test_a_job_whose_process_was_killed_is_known_with_its_starter_and_what_to_do(demo_copy):
    path = warehouse.warehouse_path()
    assert lock.interrupted(path) is None

    kill_while_holding_the_lock(demo_copy, "refresh", "alice@a.example")

    stopped = lock.interrupted(path)
    assert (stopped.job, stopped.user) == ("refresh", "alice@a.example")
    said = stopped.words("alice@a.example")
    assert said.startswith(f"The refresh you started at {stopped.started:%H:%M} did not finish")
    assert "None of its changes were kept" in said and "Start it again" in said
    assert "by alice@a.example" not in said and "alice@a.example started" in stopped.words("bob@a.example")
    with lock.exclusive(path, "import", "bob@a.example"):
        assert lock.interrupted(path) is None  # a job holds the lock: nothing was cut off now
    assert lock.interrupted(path) is None  # that import ended: its end empties the record it replaced


def test_a_job_that_ended_or_failed_leaves_nothing_to_report(demo_copy):
    path = warehouse.warehouse_path()
    with lock.exclusive(path, "refresh", "alice@a.example"):
        pass
    assert lock.interrupted(path) is None
    with pytest.raises(RuntimeError), lock.exclusive(path, "refresh", "alice@a.example"):
        raise RuntimeError("bad data")
    assert lock.interrupted(path) is None


def test_an_interrupted_job_is_forgotten_once_dismissed_but_not_a_newer_one(demo_copy):
    path = warehouse.warehouse_path()
    kill_while_holding_the_lock(demo_copy, "erasure", LOCAL.user)
    first = lock.interrupted(path)
    assert "If the Workspace page offers 'Finish erasing'" in first.words(LOCAL.user)
    kill_while_holding_the_lock(demo_copy, "topic retrain", LOCAL.user)

    lock.dismiss(path, first)  # told about an older record: the newer one stays

    assert lock.interrupted(path).job == "topic retrain"
    lock.dismiss(path, lock.interrupted(path))
    assert lock.interrupted(path) is None


def test_cli_status_says_a_job_did_not_finish(demo_copy):
    kill_while_holding_the_lock(demo_copy, "import", LOCAL.user)
    done = _cli(demo_copy, "status")
    assert done.returncode == 0, done.stderr
    assert "Note: The import you started at" in done.stdout and "did not finish" in done.stdout
