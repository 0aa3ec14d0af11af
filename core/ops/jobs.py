"""The whole-warehouse jobs a command can start, by name: run here, or handed to the app holding the file.

Each runs as the local operator on the process's warehouse holder (core.ops.handoff says how a command finds
the app); the app's job worker serves the same registry.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.db.connections import SharedWarehouse
from core.ops import handoff
from core.ops.backup import backup
from core.ops.collect import ingest_job
from core.ops.erase import erase, finish
from core.ops.refresh import refresh
from core.progress import Progress, silent
from core.workspace.access import LOCAL


def _refresh(shared: SharedWarehouse, progress: Progress, **params: Any) -> list[str]:
    return refresh(shared.cursor(), LOCAL, db=shared.path, progress=progress, **params)


def _backup(shared: SharedWarehouse, progress: Progress, **params: Any) -> list[str]:
    return backup(shared.cursor(), LOCAL, db=shared.path, progress=progress, **params)


def _erase(shared: SharedWarehouse, progress: Progress, **params: Any) -> list[str]:
    return erase(shared, LOCAL, progress=progress, **params)


def _finish_erasure(shared: SharedWarehouse, progress: Progress, **params: Any) -> list[str]:
    return finish(shared, LOCAL, progress=progress, **params)


JOBS: dict[str, handoff.Job] = {
    "refresh": _refresh,
    "backup": _backup,
    "erase": _erase,
    "finish_erasure": _finish_erasure,
    "ingest_collected": ingest_job,
}


def run(job: str, params: dict[str, Any], *, db: Path | None = None, progress: Progress = silent) -> handoff.Outcome:
    """Run the named job as the command-line operator: here, or by the running app when it holds the file."""
    return handoff.run(job, params, JOBS[job], db=db, progress=progress)


def serve_requests(shared: SharedWarehouse, stop: threading.Event, after: Callable[[], None] = lambda: None) -> None:
    """The app's job worker over every job (see core.ops.handoff.serve_requests)."""
    handoff.serve_requests(shared, stop, JOBS, after)
