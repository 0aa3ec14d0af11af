"""The backup operation: the whole warehouse written as Parquet files, audited, never during another job."""

from __future__ import annotations

from pathlib import Path

import duckdb

from core.backups.folder import export
from core.db.warehouse import transaction
from core.ops.lock import exclusive
from core.progress import Progress, silent
from core.workspace import audit
from core.workspace.access import Access
from core.workspace.authorize import authorize_operator


def backup(
    con: duckdb.DuckDBPyConnection, access: Access, *, db: Path, target: str, progress: Progress = silent
) -> list[str]:
    """Write a Parquet backup of the whole warehouse to the folder `target`; instance operators only (it reads
    every workspace's data)."""
    with exclusive(db, "backup", access.user):
        progress(0.0, f"Writing the backup to {target}")
        with transaction(con):
            authorize_operator(con, access, "backing up the warehouse")
            info = export(con, Path(target))
            audit.record(con, access, "backup", {"folder": str(target), "tables": info.tables}, shared=True)
    progress(1.0, "Backup written")
    return [info.summary()]
