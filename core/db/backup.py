"""Backup and restore of the whole warehouse as a folder of Parquet files (DuckDB's EXPORT / IMPORT DATABASE).

A backup is one consistent snapshot, written to a temporary folder and renamed into place only when it is
complete, with a manifest of row counts. A restore builds a new warehouse file from it beside the current one,
checks the counts, and swaps it in: a failed or interrupted restore leaves the current warehouse untouched.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from core.db import warehouse
from core.db.warehouse import WarehouseError, rows, scalar

MANIFEST = "sway-backup.json"


@dataclass(frozen=True)
class BackupInfo:
    """What a backup holds."""

    folder: str
    tables: int
    rows: int
    schema_version: int

    def summary(self) -> str:
        """One line for the CLI and the app."""
        return (
            f"Backed up {self.tables} tables ({self.rows:,} rows, schema version {self.schema_version}) "
            f"to {self.folder}"
        )


def _literal(path: Path) -> str:
    """`path` as a SQL string literal: EXPORT and IMPORT DATABASE take no bound parameters, only literals."""
    return "'" + str(path).replace("'", "''") + "'"


def _counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows of every base table in the main schema."""
    tables = [
        t
        for (t,) in rows(
            con,
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "AND table_type = 'BASE TABLE' AND table_catalog = current_database() ORDER BY table_name",
        )
    ]
    return {t: scalar(con, f'SELECT count(*) FROM "{t}"') for t in tables}  # noqa: S608 - names from the catalog


def export(con: duckdb.DuckDBPyConnection, folder: Path) -> BackupInfo:
    """Write every table of the warehouse to `folder` (which must not exist yet or be empty) as Parquet."""
    target = Path(folder).expanduser().resolve()
    if target.exists() and any(target.iterdir()):
        raise WarehouseError(f"The backup folder {target} already holds files. Choose a new, empty folder.")
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.parent.mkdir(parents=True, exist_ok=True)
    # One transaction: the counts and the exported files come from the same snapshot.
    with warehouse.transaction(con):
        counts = _counts(con)
        version = warehouse.schema_version(con)
        con.execute(f"EXPORT DATABASE {_literal(partial)} (FORMAT parquet)")
    manifest = {"created_at": datetime.now(), "schema_version": version, "tables": counts}
    (partial / MANIFEST).write_text(json.dumps(manifest, default=str, indent=1), encoding="utf-8")
    if target.exists():
        target.rmdir()
    os.replace(partial, target)
    return BackupInfo(str(target), len(counts), sum(counts.values()), int(version))


def read_manifest(folder: Path) -> dict:
    """The manifest of the backup in `folder`, or a WarehouseError saying why it is not a backup."""
    path = Path(folder) / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WarehouseError(
            f"{folder} is not a Sway backup (there is no {MANIFEST} in it). Choose the folder that "
            "`python -m core backup` wrote."
        ) from None
    except ValueError as exc:
        raise WarehouseError(f"The backup manifest {path} is damaged ({exc}); use another backup.") from None


def restore(folder: Path, db: Path | None = None) -> BackupInfo:
    """Replace the warehouse `db` with the backup in `folder` (build beside it, check, then swap)."""
    source = Path(folder).expanduser().resolve()
    manifest = read_manifest(source)
    target = Path(db) if db is not None else warehouse.warehouse_path()
    _refuse_if_in_use(target)
    staging = target.with_name(target.name + ".restoring")
    for leftover in (staging, staging.with_name(staging.name + ".wal")):
        leftover.unlink(missing_ok=True)
    con = duckdb.connect(str(staging))
    try:
        con.execute(f"IMPORT DATABASE {_literal(source)}")
        counts = _counts(con)
        expected = {t: int(n) for t, n in manifest["tables"].items()}
        if counts != expected:
            wrong = sorted(t for t in set(counts) | set(expected) if counts.get(t) != expected.get(t))
            raise WarehouseError(
                f"The backup in {source} is incomplete or damaged (tables {', '.join(wrong)} do not match its "
                "manifest). The current warehouse is unchanged; use another backup."
            )
        warehouse.migrate(con)  # a backup from an older Sway gets the newer migrations
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        staging.unlink(missing_ok=True)
        raise
    con.close()
    target.with_name(target.name + ".wal").unlink(missing_ok=True)
    os.replace(staging, target)
    return BackupInfo(str(source), len(counts), sum(counts.values()), int(manifest["schema_version"]))


def _refuse_if_in_use(target: Path) -> None:
    """A restore swaps the file; refuse while another process (the app) has it open, as its edits would be lost."""
    if not target.exists():
        return
    try:
        con = duckdb.connect(str(target))
    except duckdb.IOException as exc:
        raise WarehouseError(
            f"The warehouse {target} is in use ({exc}). Stop the Sway app (and any other Sway command) first, "
            "then restore: restoring under a running app would lose what its users change meanwhile."
        ) from None
    con.close()


# Who may use the warehouse and what happened to it: a rebuild of the demo world must not lose these.
KEPT_ACROSS_REBUILDS = ("workspaces", "workspace_members", "audit_log", "suppressed_keys")


def kept_tables(con: duckdb.DuckDBPyConnection) -> dict[str, pl.DataFrame]:
    """Workspaces, members, the audit log and the suppression list (with its secret), read before a rebuild."""
    from core.privacy import SECRET_KEY

    kept = {t: con.sql(f"SELECT * FROM {t}").pl() for t in KEPT_ACROSS_REBUILDS}  # noqa: S608 - fixed names
    kept["warehouse_meta"] = con.sql("SELECT * FROM warehouse_meta WHERE key = ?", params=[SECRET_KEY]).pl()
    return kept


def put_back(con: duckdb.DuckDBPyConnection, kept: dict[str, pl.DataFrame]) -> None:
    """Write `kept` into a freshly built warehouse (before it is swapped in), replacing its own rows.

    The new world's own audit entries (e.g. the demo campaigns it loaded) follow the kept ones.
    """
    with warehouse.transaction(con):
        own_audit = con.sql("SELECT * EXCLUDE (audit_id) FROM audit_log ORDER BY audit_id").pl()
        for table, frame in kept.items():
            con.register("sway_kept_rows", frame)
            try:
                if table == "warehouse_meta":
                    con.execute("INSERT OR REPLACE INTO warehouse_meta SELECT * FROM sway_kept_rows")
                else:
                    con.execute(f"DELETE FROM {table}")  # noqa: S608 - names from KEPT_ACROSS_REBUILDS
                    con.execute(f"INSERT INTO {table} SELECT * FROM sway_kept_rows")  # noqa: S608
            finally:
                con.unregister("sway_kept_rows")
        top = scalar(con, "SELECT coalesce(max(audit_id), 0) FROM audit_log")
        # DuckDB sequences cannot be set: draw ids until the next one is past every kept entry.
        scalar(con, "SELECT max(nextval('audit_ids')) FROM range(?)", [top])
        con.register("sway_own_audit", own_audit)
        try:
            con.execute(
                "INSERT INTO audit_log (happened_at, user_email, workspace_id, action, details) "
                "SELECT happened_at, user_email, workspace_id, action, details FROM sway_own_audit"
            )
        finally:
            con.unregister("sway_own_audit")
