"""The backup operations: the whole warehouse written as Parquet files (audited), or replaced by such a backup;
never during another job."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from core.backups.folder import BackupInfo, export, restore
from core.db.warehouse import transaction
from core.ops.lock import exclusive
from core.progress import Progress, silent
from core.workspace import audit
from core.workspace.access import Access
from core.workspace.authorize import authorize_operator


def default_folder(db: Path, now: datetime) -> Path:
    """Where the app writes a backup of the warehouse `db`: a folder per moment beside it, so backups never mix."""
    return db.parent / f"{db.name}.backups" / f"{now:%Y-%m-%d-%H%M%S}"


@dataclass(frozen=True)
class LastBackup:
    """The latest backup the audit log records."""

    at: datetime
    folder: str
    tables: int

    def words(self) -> str:
        """One line for the page: when, where, and whether the folder is still there."""
        gone = "" if Path(self.folder).is_dir() else " (that folder is no longer there)"
        return f"Last backup: {self.at:%d %b %Y at %H:%M}, {self.tables:,} tables, to {self.folder}{gone}."


def last_backup(con: duckdb.DuckDBPyConnection) -> LastBackup | None:
    """The latest backup of the warehouse, from the audit log (None if it was never backed up)."""
    found = audit.last_shared(con, "backup")
    if found is None:
        return None
    at, details = found
    return LastBackup(at, str(details.get("folder", "")), int(details.get("tables", 0)))


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


def restore_backup(folder: Path, *, db: Path, user: str) -> BackupInfo:
    """Replace the warehouse `db` with the backup in `folder`, under the job lock: an erasure committed between the
    restore reading the current suppression list and its swap would be lost with the file it replaces."""
    with exclusive(db, "restore", user):
        return restore(folder, db, user=user)
