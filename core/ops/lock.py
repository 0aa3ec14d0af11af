"""The warehouse's job lock: whole-warehouse operations (refresh, import, backup, erasure, rebuild, retrain) run
one at a time, whichever process started them."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from datetime import datetime
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
        handle.write(json.dumps({"job": job, "user": user, "pid": os.getpid(), "started": f"{datetime.now():%H:%M}"}))
        handle.flush()
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def _holder(text: str) -> str:
    try:
        info = json.loads(text)
        who = LOCAL_USER_WORDS if info["user"] == LOCAL.user else info["user"]
        return f"A {info['job']} started at {info['started']} by {who}"
    except (ValueError, KeyError, TypeError):
        return "Another refresh, import, backup or erasure"


def is_free(db: Path) -> bool:
    """True when no job holds the warehouse's lock right now."""
    try:
        with lock_path(db).open("a+", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            return True
    except BlockingIOError:
        return False
