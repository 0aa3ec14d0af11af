"""Backup and restore of the whole warehouse as a folder of Parquet files, one per table, and a manifest.

A backup is one consistent snapshot, written to a temporary folder and renamed into place only when it is
complete; its manifest names each table's file with its row count and SHA-256.

A restore never runs SQL from the backup (its files could have been edited). It checks every file's hash before
reading any, builds a new warehouse file beside the current one from Sway's own migrations, loads into it only the
tables that schema has, by column name, re-applies the current warehouse's erasures (people erased after the backup
was taken stay erased), keeps the current instance's operators and sign-in bindings (who runs this instance is not
the backup's to say: an operator revoked since the backup stays revoked), and swaps it in. A refused, failed or
interrupted restore leaves the current warehouse untouched. The operation (core.ops.backup.restore_backup) runs it
under the job lock, so no erasure commits meanwhile into the file it replaces.

An erasure rewrites the warehouse with the same loading: every table copied whole into a new file (copy_tables).

A backup of an older schema version is loaded into the current schema: tables it lacks stay as the migrations
made them and columns it lacks take their defaults. A backup from a newer Sway, or with a column the current
schema does not have, is refused.
"""

from __future__ import annotations

import graphlib
import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from core import privacy
from core.db import warehouse
from core.db.ids import issued_now, last_issued, note_issued
from core.db.warehouse import WarehouseError, base_table_columns, registered, rows, scalar
from core.discover.build import build_discovery, build_info
from core.numbers import count_of
from core.topics.corrections import SHARED_CORRECTIONS_VERSION, share_operators_corrections
from core.workspace import audit
from core.workspace.access import LOCAL

MANIFEST = "sway-backup.json"
FORMAT = 2  # 1: EXPORT DATABASE with schema.sql and load.sql, row counts only (no checksums): not restored

# What a manifest may name: a plain Parquet file in the backup folder (no folders, `..`, globs or URLs).
_FILE_NAME = re.compile(r"[A-Za-z0-9_]+\.parquet")
_SHA256 = re.compile(r"[0-9a-f]{64}")
# Rows the migrations themselves write: the backup's rows replace theirs by key, so a migration newer than the
# backup stays recorded as applied. Every other table is emptied first and holds exactly the backup's rows.
_MERGED_BY_KEY = {"schema_migrations"}


@dataclass(frozen=True)
class BackupInfo:
    """What a backup holds."""

    folder: str
    tables: int
    rows: int
    schema_version: int

    erased_again: int = 0  # a restore's: people erased since the backup was taken, erased from it again

    def summary(self) -> str:
        """One line for the CLI and the app."""
        return (
            f"Backed up {self.tables} tables ({self.rows:,} rows, schema version {self.schema_version}) "
            f"to {self.folder}"
        )

    def restored(self, db: Path) -> str:
        """What a restore did, for the command line."""
        n = self.erased_again
        were = "was" if n == 1 else "were"
        again = f" {count_of(n, 'person', 'people')} erased since the backup {were} erased from it again." if n else ""
        return f"Restored {self.tables} tables ({self.rows:,} rows) from {self.folder} into {db}.{again}"


def _sha256(path: Path) -> str:
    """Hex SHA-256 of the file, read in chunks (table files can be large)."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def export(con: duckdb.DuckDBPyConnection, folder: Path) -> BackupInfo:
    """Write every table of the warehouse to `folder` (new or empty) as one Parquet file each, plus the manifest
    of their row counts and SHA-256 checksums."""
    target = Path(folder).expanduser().resolve()
    if target.exists() and any(target.iterdir()):
        raise WarehouseError(f"The backup folder {target} already holds files. Choose a new, empty folder.")
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    tables: dict[str, dict] = {}
    try:
        # One transaction: every file comes from the same snapshot.
        with warehouse.transaction(con):
            version = warehouse.schema_version(con)
            for table in base_table_columns(con):
                file = partial / f"{table}.parquet"
                written = scalar(con, f'COPY (SELECT * FROM "{table}") TO ? (FORMAT parquet)', [str(file)])  # noqa: S608 - catalog name
                tables[table] = {"file": file.name, "rows": int(written)}
        for entry in tables.values():
            entry["sha256"] = _sha256(partial / entry["file"])
        manifest = {"format": FORMAT, "created_at": datetime.now(), "schema_version": version, "tables": tables}
        (partial / MANIFEST).write_text(json.dumps(manifest, default=str, indent=1), encoding="utf-8")
    except BaseException:
        # A half-written copy holds people's data that no restore will read, nor any later erasure reach.
        shutil.rmtree(partial, ignore_errors=True)
        raise
    if target.exists():
        target.rmdir()
    os.replace(partial, target)
    return BackupInfo(str(target), len(tables), sum(e["rows"] for e in tables.values()), int(version))


def read_manifest(folder: Path) -> dict:
    """The manifest of the backup in `folder`, or a WarehouseError saying why it is not a usable backup."""
    path = Path(folder) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WarehouseError(
            f"{folder} is not a Sway backup (there is no {MANIFEST} in it). Choose the folder that "
            "`python -m core backup` wrote."
        ) from None
    except ValueError as exc:
        raise WarehouseError(f"The backup manifest {path} is damaged ({exc}); use another backup.") from None
    if isinstance(manifest, dict) and "format" not in manifest and "tables" in manifest:
        raise WarehouseError(
            f"The backup in {folder} was written by an older Sway: its files carry no checksums, so it cannot be "
            "checked and is not restored. Use a backup written by this version."
        )
    problem = _manifest_problem(manifest)
    if problem:
        raise WarehouseError(f"The backup manifest {path} is damaged ({problem}); use another backup.")
    return manifest


def _manifest_problem(manifest: object) -> str | None:
    """What is wrong with the shape of `manifest`, or None if every entry is well-formed."""
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        return f"it is not a format {FORMAT} Sway backup manifest"
    if type(manifest.get("schema_version")) is not int:
        return "it has no schema version"
    tables = manifest.get("tables")
    if not isinstance(tables, dict) or not tables:
        return "it lists no tables"
    for table, entry in tables.items():
        if not isinstance(entry, dict) or set(entry) != {"file", "rows", "sha256"}:
            return f"the entry of table {table!r} is not a file, a row count and a checksum"
        if not isinstance(entry["file"], str) or not _FILE_NAME.fullmatch(entry["file"]):
            return f"the file of table {table!r} is not a .parquet file directly in the backup folder"
        if type(entry["rows"]) is not int or entry["rows"] < 0:
            return f"the row count of table {table!r} is not a number"
        if not isinstance(entry["sha256"], str) or not _SHA256.fullmatch(entry["sha256"]):
            return f"the checksum of table {table!r} is not a SHA-256"
    return None


def _verified_files(source: Path, manifest: dict) -> dict[str, Path]:
    """Each table's file, after checking it is a regular file in `source` whose SHA-256 matches the manifest."""
    files = {}
    for table, entry in manifest["tables"].items():
        path = source / entry["file"]
        if path.is_symlink() or not path.is_file():
            raise WarehouseError(
                f"The backup in {source} is incomplete or damaged: the file {entry['file']} of table {table!r} is "
                "missing or not a regular file. The current warehouse is unchanged; use another backup."
            )
        if _sha256(path) != entry["sha256"]:
            raise WarehouseError(
                f"The backup in {source} is damaged or was altered: {entry['file']} does not match the checksum "
                "in its manifest. The current warehouse is unchanged; use another backup."
            )
        files[table] = path
    return files


def restore(folder: Path, db: Path | None = None, *, user: str = LOCAL.user) -> BackupInfo:
    """Replace the warehouse `db` with the backup in `folder`: check it, build beside, re-apply erasures, keep the
    audit entries made since the backup (the log is history: erasures especially must stay on record), log the
    restore as `user`'s, swap. Callers hold the job lock (core.ops.backup.restore_backup)."""
    source = Path(folder).expanduser().resolve()
    target = Path(db) if db is not None else warehouse.warehouse_path()
    manifest = read_manifest(source)
    current = max(m.version for m in warehouse.migrations())
    if manifest["schema_version"] > current:
        raise WarehouseError(
            f"The backup in {source} was written by a newer Sway (schema version {manifest['schema_version']}, "
            f"this one has {current}). Update Sway, then restore."
        )
    files = _verified_files(source, manifest)  # before anything in them is read
    _refuse_if_in_use(target)
    secret, suppressed_keys = _erasures(target)
    instance = _instance_rows(target)
    issued = _issued_ids(target)
    logged = _audit_entries(target)
    staging = target.with_name(target.name + ".restoring")
    for leftover in (staging, staging.with_name(staging.name + ".wal")):
        leftover.unlink(missing_ok=True)
    con = warehouse.connect(staging)  # a new file: Sway's own migrations make the schema
    try:
        with warehouse.transaction(con):
            counts = _load(con, source, manifest, files, complete=manifest["schema_version"] == current)
            _keep_audit(con, logged)
            _advance_sequences(con)
            _keep_suppressions(con, source, secret, suppressed_keys)
            _keep_instance(con, instance)
            # Ids handed out after the backup was taken are not handed out again (a plain round trip adds nothing).
            note_issued(con, {column: n for column, n in issued.items() if n > last_issued(con, column)})
            if manifest["schema_version"] < SHARED_CORRECTIONS_VERSION:
                share_operators_corrections(con)  # migration 022's own update, for rows it never saw
            erased = privacy.erase_suppressed(con)
            again = erased.removed.get("people", 0)
            details = {"folder": str(source), "tables": len(counts), "rows": sum(counts.values())}
            audit.record_shared(con, user, "restore", details | ({"erased_again": again} if again else {}))
        if erased.blanked and build_info(con) is not None:
            build_discovery(con)  # what blanked an erased person's handle (posts, bios, names), indexed anew
        con.execute("CHECKPOINT")
        privacy.write_ledger(con, target)  # the merged list: a later restore onto a lost warehouse keeps it
    except BaseException:
        con.close()
        staging.unlink(missing_ok=True)
        raise
    con.close()
    target.with_name(target.name + ".wal").unlink(missing_ok=True)
    os.replace(staging, target)
    return BackupInfo(str(source), len(counts), sum(counts.values()), manifest["schema_version"], again)


def _load(
    con: duckdb.DuckDBPyConnection, source: Path, manifest: dict, files: dict[str, Path], *, complete: bool
) -> dict[str, int]:
    """Load each checked file into its table of the freshly migrated schema, by column name; rows loaded per table.

    `complete`: the backup is of the current schema version, so it must hold every table.
    """
    schema = base_table_columns(con)
    unknown = sorted(set(files) - set(schema))
    missing = sorted(set(schema) - set(files)) if complete else []
    if unknown or missing:
        raise WarehouseError(
            f"The backup in {source} does not match Sway's tables (unknown: {', '.join(unknown) or 'none'}; "
            f"missing: {', '.join(missing) or 'none'}). The current warehouse is unchanged; use another backup."
        )
    counts = {}
    for table in _load_order(con, files):
        path = files[table]
        found = [d[0] for d in con.execute("SELECT * FROM read_parquet(?) LIMIT 0", [str(path)]).description]
        extra = sorted(set(found) - set(schema[table]))
        if extra:
            raise WarehouseError(
                f"The backup in {source} has columns table {table} does not have ({', '.join(extra)}), so it "
                "cannot be restored into this Sway. The current warehouse is unchanged."
            )
        verb = "INSERT OR REPLACE" if table in _MERGED_BY_KEY else "INSERT"
        try:
            if table not in _MERGED_BY_KEY:
                con.execute(f'DELETE FROM "{table}"')  # noqa: S608 - a name from the catalog
            counts[table] = int(
                scalar(con, f'{verb} INTO "{table}" BY NAME SELECT * FROM read_parquet(?)', [str(path)])  # noqa: S608
            )
        except duckdb.Error as exc:
            raise WarehouseError(
                f"The backup in {source} is damaged: {path.name} cannot be loaded into table {table} ({exc}). "
                "The current warehouse is unchanged; use another backup."
            ) from None
    wrong = sorted(t for t in counts if counts[t] != manifest["tables"][t]["rows"])
    if wrong:
        raise WarehouseError(
            f"The backup in {source} is incomplete or damaged (tables {', '.join(wrong)} do not match its "
            "manifest). The current warehouse is unchanged; use another backup."
        )
    return counts


def _load_order(con: duckdb.DuckDBPyConnection, tables: Iterable[str]) -> list[str]:
    """`tables`, each after the tables its foreign keys refer to: DuckDB checks those keys as rows go in."""
    names = set(tables)
    refers: dict[str, set[str]] = {table: set() for table in names}
    for table, referenced in rows(
        con,
        "SELECT table_name, referenced_table FROM duckdb_constraints() "
        "WHERE constraint_type = 'FOREIGN KEY' AND database_name = current_database()",
    ):
        refers.setdefault(table, set()).add(referenced)
    return [t for t in graphlib.TopologicalSorter(refers).static_order() if t in names]


def _advance_sequences(con: duckdb.DuckDBPyConnection) -> None:
    """Move every sequence past the largest restored or copied id of the column it numbers, so no id is reused.

    DuckDB sequences cannot be set; the staging file's are new (nothing drawn yet), so drawing max(id) values does.
    """
    for table, column, sequence in rows(
        con,
        "SELECT table_name, column_name, regexp_extract(column_default, '^nextval\\(''([^'']+)''\\)$', 1) AS seq "
        "FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main' AND seq <> ''",
    ):
        top = scalar(con, f'SELECT coalesce(max("{column}"), 0) FROM "{table}"')  # noqa: S608 - catalog names
        scalar(con, "SELECT max(nextval(?)) FROM range(?)", [sequence, top])


def copy_tables(source: duckdb.DuckDBPyConnection, target: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Copy every table of the warehouse `source` into `target`, a freshly migrated one, whole; rows per table.

    Erasure rewrites the warehouse this way: DuckDB leaves a deleted row's bytes in its file until the blocks are
    reused, and a new file holds only the rows that remain. The rows stream through Arrow, since one process cannot
    attach a file it already holds. One transaction on each side: a consistent snapshot, written all or nothing.
    """
    counts = {}
    with warehouse.transaction(source), warehouse.transaction(target):
        for table in _load_order(target, base_table_columns(source)):
            target.execute(f'DELETE FROM "{table}"')  # noqa: S608 - a name from the catalog
            batches = source.sql(f'SELECT * FROM "{table}"').to_arrow_reader()  # noqa: S608 - catalog name
            target.register("sway_copied_rows", batches)
            try:
                counts[table] = int(scalar(target, f'INSERT INTO "{table}" BY NAME SELECT * FROM sway_copied_rows'))  # noqa: S608
            finally:
                target.unregister("sway_copied_rows")
        _advance_sequences(target)
    return counts


def _erasures(target: Path) -> tuple[str | None, list[tuple]]:
    """Who was erased, as the warehouse about to be replaced and the copy of its list beside it say (merged).

    The copy covers a warehouse that is gone or was moved aside as damaged. Lists under two different secrets
    cannot be merged: the copy then belongs to another warehouse, and the restore is refused.
    """
    secret, keys = _suppressions(target)
    try:
        copied_secret, copied_keys = privacy.read_ledger(target)
    except privacy.ErasureError as exc:
        raise WarehouseError(f"{exc} The current warehouse is unchanged.") from None
    if copied_secret is None:
        return secret, keys
    if secret is not None and copied_secret != secret and keys:
        raise WarehouseError(
            f"The erasure list beside the warehouse ({privacy.ledger_path(target)}) was made by another warehouse "
            f"than {target}: their erased people cannot be merged. Move that file aside if it does not belong to "
            "this server, then restore again. The current warehouse is unchanged."
        )
    return copied_secret if not keys else secret, sorted(set(keys) | set(copied_keys))


def _suppressions(target: Path) -> tuple[str | None, list[tuple]]:
    """The suppression secret and suppressed_keys rows of the warehouse about to be replaced (none if none)."""
    if not target.exists():
        return None, []
    try:
        con = duckdb.connect(str(target), read_only=True)
    except duckdb.Error as exc:
        raise WarehouseError(
            f"Cannot read which people were erased from the current warehouse {target} ({exc}); restoring without "
            "that would bring them back. Move the file aside if it is damaged, then restore again."
        ) from None
    try:
        if not scalar(con, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'suppressed_keys'"):
            return None, []  # a warehouse from before erasure existed
        secret = scalar(con, "SELECT value FROM warehouse_meta WHERE key = ?", [privacy.SECRET_KEY])
        return secret, rows(con, "SELECT key_hash, suppressed_at FROM suppressed_keys")
    finally:
        con.close()


# Who runs this instance: the current warehouse's lists replace the backup's (none kept if there is no current one).
_INSTANCE_TABLES = ("instance_operators", "sign_in_subjects")


def _instance_rows(target: Path) -> dict[str, list[tuple]] | None:
    """The current warehouse's instance operators and sign-in bindings, or None if it has none to keep."""
    if not target.exists():
        return None
    con = duckdb.connect(str(target), read_only=True)  # _suppressions has read it already: it opens
    try:
        present = {t for (t,) in rows(con, "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'")}
        if not set(_INSTANCE_TABLES) <= present:
            return None  # a warehouse from before these lists existed
        return {t: rows(con, f"SELECT * FROM {t}") for t in _INSTANCE_TABLES}  # noqa: S608 - fixed names
    finally:
        con.close()


def _issued_ids(target: Path) -> dict[str, int]:
    """The current warehouse's highest ids ever issued (core.db.ids), none if there is no file."""
    if not target.exists():
        return {}
    con = duckdb.connect(str(target), read_only=True)
    try:
        return issued_now(con)
    finally:
        con.close()


def _audit_entries(target: Path) -> pl.DataFrame | None:
    """The current warehouse's audit log, or None if there is no file to read it from."""
    if not target.exists():
        return None
    con = duckdb.connect(str(target), read_only=True)  # _suppressions has read it already: it opens
    try:
        present = scalar(
            con, "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = ?", ["audit_log"]
        )
        return con.sql("SELECT * FROM audit_log").pl() if present else None
    finally:
        con.close()


def _keep_audit(con: duckdb.DuckDBPyConnection, logged: pl.DataFrame | None) -> None:
    """Add the current log's entries the backup does not have (made since it was taken) to the restored log."""
    if logged is None or not logged.height:
        return
    with registered(con, {"_logged": logged}):
        con.execute("INSERT INTO audit_log BY NAME SELECT * FROM _logged ANTI JOIN audit_log USING (audit_id)")


def _keep_instance(con: duckdb.DuckDBPyConnection, instance: dict[str, list[tuple]] | None) -> None:
    """Put the current instance's operators and sign-in bindings in place of the backup's."""
    if instance is None:
        return
    for table, kept in instance.items():
        con.execute(f"DELETE FROM {table}")  # noqa: S608 - names from _INSTANCE_TABLES
        if kept:
            marks = ", ".join("?" * len(kept[0]))
            con.executemany(f"INSERT INTO {table} VALUES ({marks})", kept)  # noqa: S608


def _keep_suppressions(
    con: duckdb.DuckDBPyConnection, source: Path, secret: str | None, suppressed_keys: list[tuple]
) -> None:
    """Merge the current warehouse's suppressions into the restored one, keeping the current secret.

    A key is a hash under one secret, so two lists under different secrets cannot be merged: that is refused.
    """
    if secret is None or not suppressed_keys:
        return
    restored = warehouse.get_meta(con).get(privacy.SECRET_KEY)
    if restored not in (None, secret) and scalar(con, "SELECT count(*) FROM suppressed_keys"):
        raise WarehouseError(
            f"The backup in {source} comes from another warehouse: both record erased people, under different "
            "keys, and one of the two lists would stop working. The current warehouse is unchanged."
        )
    warehouse.set_meta(con, {privacy.SECRET_KEY: secret})
    con.executemany("INSERT OR IGNORE INTO suppressed_keys VALUES (?, ?)", suppressed_keys)


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
