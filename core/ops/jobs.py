"""Whole-warehouse jobs (refresh, backup, erasure): one at a time, all-or-nothing, wherever they are started.

DuckDB lets only one process open the warehouse file. While the Streamlit app runs it holds the file, so a
job started from the command line or cron cannot open it; instead it leaves a request in a folder beside the
warehouse, the app's job worker runs it on the app's own connection, and the command prints its progress and
result. A lock file beside the warehouse makes sure two such jobs never overlap, whoever started them.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from core.db import warehouse
from core.db.warehouse import WarehouseError
from core.progress import Progress, silent
from core.workspace import audit
from core.workspace.access import LOCAL, Access

if TYPE_CHECKING:
    from core.ingest.report import ImportReport

PICKUP_SECONDS = 20.0  # how long a command waits for a running app to take its request
POLL_SECONDS = 0.5


class Busy(WarehouseError):
    """Another refresh, backup or erasure is running; the message says which, since when and by whom."""


def lock_path(db: Path) -> Path:
    """The lock file of the warehouse `db`."""
    return db.with_name(db.name + ".lock")


def requests_dir(db: Path) -> Path:
    """The folder where commands leave job requests for the app that holds `db`."""
    return db.with_name(db.name + ".requests")


@contextlib.contextmanager
def exclusive(db: Path, job: str, user: str) -> Iterator[None]:
    """Hold the warehouse's job lock for the block; raise Busy at once if another job holds it.

    An OS file lock (flock): it is released when the holder ends, even if it is killed, so a crash never
    leaves the warehouse locked. Two threads of one process exclude each other too (separate opens).
    """
    path = lock_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = _holder(handle.read())
        handle.close()
        raise Busy(
            f"{holder} is still running, so this {job} was not started (two never run at once). "
            "Try again when it has finished."
        ) from None
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"job": job, "user": user, "pid": os.getpid(), "started": f"{datetime.now():%H:%M}"}))
        handle.flush()
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def _holder(text: str) -> str:
    try:
        info = json.loads(text)
        return f"A {info['job']} started at {info['started']} by {info['user']} (process {info['pid']})"
    except (ValueError, KeyError, TypeError):
        return "Another refresh, backup or erasure"


def is_locked_by_other_process(exc: WarehouseError) -> bool:
    """True when `exc` says the warehouse file is held by another process (e.g. the running app)."""
    cause = exc.__cause__
    return isinstance(cause, duckdb.IOException) and "lock" in str(cause).lower()


# ---- the jobs -----------------------------------------------------------------------------------------------


def refresh(
    con: duckdb.DuckDBPyConnection,
    access: Access,
    *,
    db: Path,
    progress: Progress = silent,
    **params: Any,
) -> list[str]:
    """Refresh scores, topics and the Discover tables as one transaction; admins only. Returns the report lines.

    Readers keep the previous results until the commit; a failure or a killed process leaves them in place.
    """
    from core.ops.pipeline import refresh_all
    from core.workspace.membership import require

    require(con, access, "admin", "refreshing scores and topics")
    if isinstance(params.get("as_of"), str):  # handed over from the command line as ISO text
        params["as_of"] = datetime.fromisoformat(params["as_of"])
    with exclusive(db, "refresh", access.user):
        try:
            with warehouse.transaction(con):
                report = refresh_all(con, progress=progress, **params)
                audit.record(con, access, "refresh", {"seconds": round(report.seconds, 1)}, shared=True)
        except Exception as exc:
            _record_failure(con, access, "refresh.failed", exc)
            raise
    return report.summary().splitlines()


def _record_failure(con: duckdb.DuckDBPyConnection, access: Access, action: str, exc: Exception) -> None:
    """Note a failed job in the audit log (best effort: never hides the original error)."""
    with contextlib.suppress(duckdb.Error), warehouse.transaction(con):
        audit.record(con, access, action, {"reason": str(exc)[:500]}, shared=True)


def backup(
    con: duckdb.DuckDBPyConnection, access: Access, *, db: Path, target: str, progress: Progress = silent
) -> list[str]:
    """Write a Parquet backup of the whole warehouse to the folder `target`; admins only."""
    from core.db.backup import export
    from core.workspace.membership import require

    require(con, access, "admin", "backing up the warehouse")
    with exclusive(db, "backup", access.user):
        progress(0.0, f"Writing the backup to {target}")
        info = export(con, Path(target))
        with warehouse.transaction(con):
            audit.record(con, access, "backup", {"folder": str(target), "tables": info.tables}, shared=True)
    progress(1.0, "Backup written")
    return [info.summary()]


def erase(
    con: duckdb.DuckDBPyConnection, access: Access, *, db: Path, person_id: int, progress: Progress = silent
) -> list[str]:
    """Erase one person everywhere and suppress their accounts in later imports; admins only."""
    from core.privacy import erase_person

    with exclusive(db, "erasure", access.user):
        progress(0.0, "Erasing")
        report = erase_person(con, access, int(person_id))
    progress(1.0, "Erased")
    return [report.summary()]


def import_uploads(
    con: duckdb.DuckDBPyConnection,
    access: Access,
    files: Sequence[tuple[str, bytes]],
    *,
    progress: Progress = silent,
) -> ImportReport:
    """Import uploaded files all-or-nothing as an admin, with the audit entry in the same transaction."""
    from core.ingest.uploads import import_uploads as load_uploads
    from core.workspace.membership import require

    require(con, access, "admin", "importing data")
    with warehouse.transaction(con):
        report = load_uploads(con, files, progress=progress)
        audit.record(con, access, "import", {"files": [n for n, _ in files], "added": report.added}, shared=True)
    return report


JOBS: dict[str, Callable[..., list[str]]] = {"refresh": refresh, "backup": backup, "erase": erase}


# ---- handing a job to the running app ------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """How a job ended: its report lines, or why it failed."""

    ok: bool
    lines: list[str]


def run(job: str, params: dict[str, Any], *, db: Path | None = None, progress: Progress = silent) -> Outcome:
    """Run `job` as the command-line operator: directly, or through the running app when it holds the file."""
    path = db or warehouse.warehouse_path()
    try:
        con = warehouse.connect(path)
    except WarehouseError as exc:
        if not is_locked_by_other_process(exc):
            raise
        return hand_off(path, job, params, progress=progress)
    try:
        return Outcome(True, JOBS[job](con, LOCAL, db=path, progress=progress, **params))
    finally:
        con.close()


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
        if _lock_free(db):
            if time.monotonic() - idle_since > PICKUP_SECONDS:
                raise WarehouseError(
                    "The app stopped before finishing the job (it was closed or crashed). Nothing was half done: "
                    "check `python -m core status`, then run the command again."
                )
        else:
            idle_since = time.monotonic()
        time.sleep(POLL_SECONDS)


def _lock_free(db: Path) -> bool:
    """True when no job holds the warehouse's lock right now."""
    try:
        with lock_path(db).open("a+", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            return True
    except BlockingIOError:
        return False


def serve_requests(
    connect: Callable[[], duckdb.DuckDBPyConnection], path: Callable[[], Path], stop: threading.Event
) -> None:
    """The app's job worker: run each request left beside the warehouse `path()`, until `stop` is set.

    `connect` gives a cursor on the app's shared connection, so the job's transaction runs beside the
    marketers' sessions: they keep reading the previous results until it commits.
    """
    while not stop.wait(POLL_SECONDS):
        db = path()
        folder = requests_dir(db)
        if not folder.is_dir():
            continue
        for request in sorted(folder.glob("*.json")):
            taken = request.with_suffix(".taken")
            try:
                os.replace(request, taken)  # claim it: the command now knows the app has it
            except FileNotFoundError:
                continue
            _serve_one(connect, db, taken)


def _serve_one(connect: Callable[[], duckdb.DuckDBPyConnection], db: Path, taken: Path) -> None:
    status = taken.with_suffix(".status")
    asked = _read_json(taken) or {}
    taken.unlink(missing_ok=True)

    def report(fraction: float, message: str) -> None:
        _write_json(status, {"state": "running", "fraction": fraction, "message": message})

    job = JOBS.get(str(asked.get("job")))
    if job is None:
        _write_json(status, {"state": "failed", "lines": [f"Unknown job {asked.get('job')!r}."]})
        return
    try:
        lines = job(connect(), LOCAL, db=db, progress=report, **dict(asked.get("params") or {}))
    except Exception as exc:  # the command line shows why; the app keeps serving
        _write_json(status, {"state": "failed", "lines": [str(exc)]})
    else:
        _write_json(status, {"state": "done", "lines": lines})
