"""The warehouse: one DuckDB file, its numbered migrations, and safe ways to open and rebuild it."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PATH = REPO_ROOT / "data" / "sway.duckdb"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")

CORE_TABLES = ("people", "accounts", "posts", "interactions")


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    """All rows of a query. DuckDB 2.0 streams results, so always drain them before the next statement."""
    return con.execute(sql, params or []).fetchall()


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> Any:
    """The single value of a one-row, one-column query (drained, so the connection is free again)."""
    result = rows(con, sql, params)
    return result[0][0] if result else None


class WarehouseError(RuntimeError):
    """The warehouse file cannot be opened or used; the message says what to do."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def warehouse_path() -> Path:
    """The warehouse file in use: $SWAY_DB if set, else data/sway.duckdb in the repository."""
    return Path(os.environ.get("SWAY_DB") or DEFAULT_PATH).expanduser().resolve()


def migrations() -> list[Migration]:
    """All migrations shipped in core/db/migrations, in version order."""
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise WarehouseError(f"Migration file {path.name} must be named NNN_name.sql.")
        found.append(Migration(int(match.group(1)), match.group(2), path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise WarehouseError(f"Two migrations share a version number: {versions}.")
    return found


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The version of the latest migration applied (0 before any)."""
    return scalar(con, "SELECT coalesce(max(version), 0) FROM schema_migrations")


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply every migration not yet recorded, each in its own transaction; return the versions applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
    )
    done = {row[0] for row in rows(con, "SELECT version FROM schema_migrations")}
    applied = []
    for migration in migrations():
        if migration.version in done:
            continue
        with transaction(con):
            con.execute(migration.sql)
            con.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                [migration.version, migration.name],
            )
        applied.append(migration.version)
    return applied


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, frames: dict[str, Any]) -> Iterator[None]:
    """The frames (polars or Arrow) readable by SQL under their names while the block runs.

    Only the values travel this way: a statement reads them as a table, never as SQL text.
    """
    for name, frame in frames.items():
        con.register(name, frame)
    try:
        yield
    finally:
        for name in frames:
            # After a failed statement the transaction refuses even this; the error being raised is the one to see.
            with suppress(duckdb.Error):
                con.unregister(name)


_in_transaction: set[int] = set()  # id() of connections inside a transaction() block


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Run the block in one transaction: commit if it finishes, roll back if it raises.

    Inside another transaction() block on the same connection it joins that one, so a caller can make
    several steps that each use a transaction (e.g. a whole refresh) one all-or-nothing unit.
    """
    if id(con) in _in_transaction:
        yield con
        return
    con.execute("BEGIN TRANSACTION")
    _in_transaction.add(id(con))
    try:
        yield con
    except BaseException:
        _in_transaction.discard(id(con))
        con.execute("ROLLBACK")
        raise
    _in_transaction.discard(id(con))
    con.execute("COMMIT")


# DuckDB's share of this machine's memory before it spills to disk (its default is 80%). The rest is for the
# process's own arrays and frames: a refresh holds the window's reactions in numpy while DuckDB builds Discover's
# word index, and at 1,000,000 people the two together passed 24 GB at the default and the kernel killed it.
MEMORY_SHARE = 0.5


def memory_limit_mb() -> int:
    """DuckDB's memory limit in MB: MEMORY_SHARE of the machine's physical memory."""
    return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") * MEMORY_SHARE / 2**20)


def connect(path: Path | str | None = None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file (creating and migrating it if needed) and return a new connection.

    Each caller gets its own connection; threads should take `con.cursor()` rather than share one.
    """
    target = Path(path) if path is not None else warehouse_path()
    if not read_only:
        target.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(target), read_only=read_only, config={"memory_limit": f"{memory_limit_mb()}MB"})
    except duckdb.IOException as exc:
        raise WarehouseError(
            f"Cannot open the warehouse {target}: {exc}. If another Sway process (the app or a CLI command) "
            "is using it, stop that process or wait for it to finish, then try again."
        ) from exc
    if not read_only:
        migrate(con)
    return con


def exists(path: Path | str | None = None) -> bool:
    """True when the warehouse file exists and holds people (a built or imported world)."""
    target = Path(path) if path is not None else warehouse_path()
    if not target.exists():
        return False
    con = connect(target)
    try:
        return scalar(con, "SELECT count(*) FROM people") > 0
    finally:
        con.close()


def rebuild(
    path: Path | str,
    build: Callable[[duckdb.DuckDBPyConnection], None],
    *,
    swap_guard: AbstractContextManager[object] | None = None,
    finish: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
) -> None:
    """Build a whole new warehouse beside `path`, then swap it in atomically.

    Readers of the old file keep a consistent view until they reconnect, and a crash
    mid-build leaves the old warehouse untouched (only a stray `.building` file).
    `swap_guard` is held only around the swap itself, e.g. to close shared connections; `finish` runs on the new
    file inside it, for what must be copied from the old file with no one writing to it (see SharedWarehouse).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(target.name + ".building")
    for leftover in (staging, staging.with_name(staging.name + ".wal")):
        leftover.unlink(missing_ok=True)
    con = connect(staging)
    try:
        build(con)
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        staging.unlink(missing_ok=True)
        raise
    with swap_guard or nullcontext():
        try:
            if finish is not None:
                finish(con)
                con.execute("CHECKPOINT")
        except BaseException:
            con.close()
            staging.unlink(missing_ok=True)
            raise
        con.close()
        target.with_name(target.name + ".wal").unlink(missing_ok=True)
        os.replace(staging, target)


def write_marks(path: Path | str) -> tuple[tuple[int, int] | None, ...]:
    """(size, mtime_ns) of the warehouse file and of its write-ahead log: every commit changes one of them.

    DuckDB appends each commit to the log and folds the log into the file at a checkpoint, so after a CHECKPOINT
    equal marks mean nothing was committed since; this lets a copy of the file notice writes made during it.
    """
    marks = []
    for file in (Path(path), Path(str(path) + ".wal")):
        try:
            st = file.stat()
        except FileNotFoundError:
            marks.append(None)
            continue
        marks.append((st.st_size, st.st_mtime_ns))
    return tuple(marks)


def file_identity(path: Path | str | None = None) -> tuple[str, int, int]:
    """(path, inode, mtime_ns) of the warehouse file: changes when a rebuild swaps in a new file."""
    target = Path(path) if path is not None else warehouse_path()
    try:
        st = target.stat()
    except FileNotFoundError:
        return (str(target), 0, 0)
    return (str(target), st.st_ino, st.st_mtime_ns)


def record_load(con: duckdb.DuckDBPyConnection, kind: str, sources: list[str], added: dict[str, int]) -> None:
    """Append one row to load_log (call inside the load's own transaction)."""
    con.execute(
        "INSERT INTO load_log (load_id, kind, sources, people, accounts, posts, interactions, finished_at) "
        "SELECT coalesce(max(load_id), 0) + 1, ?, ?, ?, ?, ?, ?, now()::TIMESTAMP FROM load_log",
        [kind, sources, *(int(added.get(t, 0)) for t in CORE_TABLES)],
    )


def latest_load_id(con: duckdb.DuckDBPyConnection) -> int:
    """The id of the latest load (0 before any): anything built from the loaded data records it to notice staleness."""
    return scalar(con, "SELECT coalesce(max(load_id), 0) FROM load_log")


def last_load(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The latest load (kind, sources, rows added per core table, finished_at), or None before any."""
    found = con.sql(
        "SELECT kind, sources, people, accounts, posts, interactions, finished_at "
        "FROM load_log ORDER BY load_id DESC LIMIT 1"
    ).pl()
    return found.row(0, named=True) if found.height else None


def last_import_at(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """When the latest import of files finished (None before any)."""
    return scalar(con, "SELECT max(finished_at) FROM load_log WHERE kind = 'import'")


def load_kinds(con: duckdb.DuckDBPyConnection) -> tuple[str, ...]:
    """The kinds of load the data came from ('collect', 'demo', 'import'), in that order."""
    return tuple(row[0] for row in rows(con, "SELECT DISTINCT kind FROM load_log ORDER BY kind"))


def set_meta(con: duckdb.DuckDBPyConnection, values: dict[str, str]) -> None:
    """Insert or replace warehouse_meta keys."""
    for key, value in values.items():
        con.execute("INSERT OR REPLACE INTO warehouse_meta VALUES (?, ?)", [key, str(value)])


def delete_meta(con: duckdb.DuckDBPyConnection, key: str) -> None:
    """Remove a warehouse_meta key (nothing if it is not there)."""
    con.execute("DELETE FROM warehouse_meta WHERE key = ?", [key])


def get_meta(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """All warehouse_meta keys and values."""
    return dict(rows(con, "SELECT key, value FROM warehouse_meta"))


def data_version(con: duckdb.DuckDBPyConnection) -> tuple[int, ...]:
    """A tuple that changes whenever stored data changes, for keying UI caches (a restore swaps the file instead).

    Loads, refreshes and retrains leave their own marks; every other change of shared data (an erasure, whether
    the app or a command handed to it ran it) writes a shared audit entry in the same transaction, so the
    latest of those is part of the key and no cache keeps serving an erased person.
    """
    return (
        latest_load_id(con),
        scalar(con, "SELECT coalesce(max(audit_id), 0) FROM audit_log WHERE workspace_id IS NULL"),
        # Any run, failed ones too: a cache key only needs to change, and core.db cannot import core.scoring.
        scalar(con, "SELECT coalesce(max(run_id), 0) FROM score_runs"),
        # Every refresh and topic retrain ends by rebuilding the Discover tables.
        scalar(con, "SELECT coalesce(epoch_us(max(built_at)), 0) FROM discovery_builds"),
    )


def base_table_columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Every base table of the main schema with its columns in order, from the catalog.

    The names that catalog-driven code (erasure, backup and restore) may format into SQL: they come from the
    warehouse's own schema, never from a file or a user.
    """
    found: dict[str, list[str]] = {}
    for table, column in rows(
        con,
        "SELECT c.table_name, c.column_name FROM information_schema.columns c JOIN information_schema.tables t "
        "USING (table_catalog, table_schema, table_name) WHERE c.table_schema = 'main' "
        "AND t.table_type = 'BASE TABLE' AND c.table_catalog = current_database() "
        "ORDER BY c.table_name, c.ordinal_position",
    ):
        found.setdefault(table, []).append(column)
    return found
