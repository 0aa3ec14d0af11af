"""The warehouse's job lock: whole-warehouse operations (refresh, import, backup, erasure, rebuild, retrain) run
one at a time, whichever process started them.

The lock file also says which job holds it, and is emptied when that job ends, well or not. A job whose process
stopped under it (the server stopped, the machine restarted, a kill) leaves its record behind with the lock free:
`interrupted` finds it, so whoever started the job is told it did not finish instead of finding nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from core.db.warehouse import WarehouseError
from core.workspace.access import LOCAL, LOCAL_USER_WORDS


class Busy(WarehouseError):
    """Another whole-warehouse job is running; the message says which, since when and by whom."""


def lock_path(db: Path) -> Path:
    """The lock file of the warehouse `db`."""
    return db.with_name(db.name + ".lock")


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
        handle.write(json.dumps({"job": job, "user": user, "pid": os.getpid(), "started": datetime.now().isoformat()}))
        handle.flush()
        yield
    finally:
        handle.seek(0)
        handle.truncate()  # ended, well or not: an empty file says no job was cut off
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


@dataclass(frozen=True)
class Interrupted:
    """A job whose process stopped before the job ended: what it was, who started it and when."""

    job: str
    user: str
    started: datetime

    def words(self, viewer: str | None = None) -> str:
        """What happened and what to do, for `viewer` ('you' when they started it)."""
        who = "you" if viewer == self.user else _who(self.user)
        when = f"{self.started:%H:%M}" if self.started.date() == date.today() else f"{self.started:%d %b at %H:%M}"
        return (
            f"The {self.job} {who} started at {when} did not finish: the process running it stopped (the server "
            f"was stopped or restarted, or the process was killed). {_AFTER.get(self.job, _KEPT_NOTHING)}"
        )


_KEPT_NOTHING = "None of its changes were kept: the warehouse is as it was before it started. Start it again."
_AFTER = {
    "erasure": "If the Workspace page offers 'Finish erasing', press it; otherwise nothing was erased: erase the "
    "person again.",
    "backup": "No backup was written in its place. Take the backup again.",
    "restore": "The warehouse is as it was before the restore. Restore again.",
}


def interrupted(db: Path) -> Interrupted | None:
    """The job whose process stopped under it, as the lock file still records it; None when none did or a job
    holds the lock now."""
    held, record = _peek(db)
    return None if held else record


def _peek(db: Path) -> tuple[bool, Interrupted | None]:
    """(whether a job holds the lock now, the record the lock file holds), read without waiting."""
    path = lock_path(db)
    if not path.exists():
        return False, None
    with path.open("a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            held = False
        except BlockingIOError:
            held = True
        handle.seek(0)
        return held, _record(handle.read())


def dismiss(db: Path, seen: Interrupted) -> None:
    """Forget the interrupted job `seen` once its starter has been told; a record written since is kept."""
    path = lock_path(db)
    if not path.exists():
        return
    with path.open("a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return  # a job runs now: it empties the file when it ends
        handle.seek(0)
        if _record(handle.read()) == seen:
            handle.seek(0)
            handle.truncate()


def _record(text: str) -> Interrupted | None:
    try:
        info = json.loads(text)
        return Interrupted(job=info["job"], user=info["user"], started=datetime.fromisoformat(info["started"]))
    except (ValueError, KeyError, TypeError):
        return None


def _who(user: str) -> str:
    return LOCAL_USER_WORDS if user == LOCAL.user else user


def _holder(text: str) -> str:
    record = _record(text)
    if record is None:
        return "Another refresh, import, backup or erasure"
    return f"A {record.job} started at {record.started:%H:%M} by {_who(record.user)}"


def running_job(db: Path) -> str | None:
    """The name of the job holding the lock now ('job' if it has not yet said which); None when none does."""
    held, record = _peek(db)
    if not held:
        return None
    return record.job if record else "job"


def is_free(db: Path) -> bool:
    """True when no job holds the warehouse's lock right now."""
    try:
        with lock_path(db).open("a+", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            return True
    except BlockingIOError:
        return False
