"""Handing whole-warehouse jobs from the command line to the running app.

DuckDB lets only one process open the warehouse file. While the Streamlit app runs it holds the file, so a
job started from the command line or cron cannot open it; instead it leaves a request in a folder beside the
warehouse, the app's job worker runs it on the app's own connection, and the command prints its progress and
result. The job itself is the same core.ops function the app's pages call, under the same lock.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from core.db import warehouse
from core.db.connections import SharedWarehouse
from core.db.warehouse import WarehouseError
from core.ops.lock import is_free
from core.progress import Progress, silent

# A job: run on the process's warehouse holder (an erasure rewrites the file through it), reporting progress,
# returning its report lines. The registry of jobs by name is core.ops.jobs; a process that needs only one job
# (the live collector) passes just that one and never imports the rest.
Job = Callable[..., list[str]]

PICKUP_SECONDS = 20.0  # how long a command waits for a running app to take its request
POLL_SECONDS = 0.5



def requests_dir(db: Path) -> Path:
    """The folder where commands leave job requests for the app that holds `db`."""
    return db.with_name(db.name + ".requests")


def is_locked_by_other_process(exc: WarehouseError) -> bool:
    """True when `exc` says the warehouse file is held by another process (e.g. the running app)."""
    cause = exc.__cause__
    return isinstance(cause, duckdb.IOException) and "lock" in str(cause).lower()


@dataclass(frozen=True)
class Outcome:
    """How a job ended: its report lines, or why it failed."""

    ok: bool
    lines: list[str]


def run(
    job: str, params: dict[str, Any], work: Job, *, db: Path | None = None, progress: Progress = silent
) -> Outcome:
    """Run the job named `job` as the command-line operator: `work` here, or by the running app when it holds
    the file."""
    path = db or warehouse.warehouse_path()
    shared = SharedWarehouse(path)
    try:
        shared.cursor()  # opens the file, or finds the app holding it
    except WarehouseError as exc:
        if not is_locked_by_other_process(exc):
            raise
        return hand_off(path, job, params, progress=progress)
    try:
        return Outcome(True, work(shared, progress, **params))
    finally:
        shared.close()


def _write_json(path: Path, value: dict[str, Any]) -> None:
    """Replace `path` atomically, so a reader never sees half a file."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(value, default=str), encoding="utf-8")
    os.replace(partial, path)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def hand_off(db: Path, job: str, params: dict[str, Any], *, progress: Progress = silent) -> Outcome:
    """Ask the app holding `db` to run `job`, follow its progress and return how it ended."""
    folder = requests_dir(db)
    folder.mkdir(parents=True, exist_ok=True)
    request_id = uuid.uuid4().hex
    request, status = folder / f"{request_id}.json", folder / f"{request_id}.status"
    _write_json(request, {"job": job, "params": params, "requested_at": datetime.now()})
    progress(0.0, "The app is using the warehouse; asking it to run the job")
    deadline = time.monotonic() + PICKUP_SECONDS
    while request.exists():
        if time.monotonic() > deadline:
            with contextlib.suppress(FileNotFoundError):
                request.unlink()
                raise WarehouseError(
                    f"The warehouse {db} is in use by another process that does not take job requests (a CLI "
                    "command, or a Sway app that nobody has opened since it started). Open the app in a browser "
                    "once, or wait for that process to finish, then try again."
                )
        time.sleep(POLL_SECONDS)
    last, idle_since = "", time.monotonic()
    while True:
        state = _read_json(status)
        if state and state.get("state") in ("done", "failed"):
            status.unlink(missing_ok=True)
            return Outcome(state["state"] == "done", list(state.get("lines", [])))
        if state and state.get("message") != last:
            last = state.get("message", "")
            progress(float(state.get("fraction", 0.0)), last)
        # Every job holds the lock while it runs; a lock that stays free means the app stopped mid-job.
        if is_free(db):
            if time.monotonic() - idle_since > PICKUP_SECONDS:
                raise WarehouseError(
                    "The app stopped before finishing the job (it was closed or crashed). Nothing was half done: "
                    "check `python -m core status`, then run the command again."
                )
        else:
            idle_since = time.monotonic()
        time.sleep(POLL_SECONDS)


def serve_requests(
    shared: SharedWarehouse,
    stop: threading.Event,
    jobs: Mapping[str, Job],
    after: Callable[[], None] = lambda: None,
) -> None:
    """The app's job worker: run each request for one of `jobs` left beside the warehouse `shared` holds, until
    `stop` is set, calling `after` once each has run (the app forgets its cached results there).

    Jobs run on cursors of the app's shared connection, so their transactions run beside the marketers'
    sessions: they keep reading the previous results until a job commits (or, for an erasure, swaps the file).
    """
    while not stop.wait(POLL_SECONDS):
        db = shared.path
        folder = requests_dir(db)
        if not folder.is_dir():
            continue
        for request in sorted(folder.glob("*.json")):
            taken = request.with_suffix(".taken")
            try:
                os.replace(request, taken)  # claim it: the command now knows the app has it
            except FileNotFoundError:
                continue
            try:
                _serve_one(shared, taken, jobs)
            finally:
                after()  # whatever the job changed, cached results (an erased person's rows too) must go


def _serve_one(shared: SharedWarehouse, taken: Path, jobs: Mapping[str, Job]) -> None:
    status = taken.with_suffix(".status")
    asked = _read_json(taken) or {}
    taken.unlink(missing_ok=True)

    def report(fraction: float, message: str) -> None:
        _write_json(status, {"state": "running", "fraction": fraction, "message": message})

    job = jobs.get(str(asked.get("job")))
    if job is None:
        _write_json(status, {"state": "failed", "lines": [f"Unknown job {asked.get('job')!r}."]})
        return
    try:
        lines = job(shared, report, **dict(asked.get("params") or {}))
    except Exception as exc:  # the command line shows why; the app keeps serving
        _write_json(status, {"state": "failed", "lines": [str(exc)]})
    else:
        _write_json(status, {"state": "done", "lines": lines})
