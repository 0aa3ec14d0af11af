"""Ids of people, accounts and posts are never handed out twice.

Erasing the person with the highest id, or a post deleted on its network (often the newest), frees that id:
handed out again, a bookmarked profile, a selection kept in a browser session or a record naming the id would
point at someone else. So the highest id ever issued per column is kept in warehouse_meta (issued_<column>),
raised by every load and by an erasure before it deletes, and kept across a restore.
"""

from __future__ import annotations

import duckdb

from core.db.warehouse import get_meta, scalar, set_meta

# Each id column and the table that issues it.
ID_TABLES = {"person_id": "people", "account_id": "accounts", "post_id": "posts"}


def last_issued(con: duckdb.DuckDBPyConnection, column: str) -> int:
    """The highest `column` id ever handed out (the stored maximum for warehouses from before the marks)."""
    stored = scalar(con, f"SELECT coalesce(max({column}), 0) FROM {ID_TABLES[column]}")  # noqa: S608 - fixed names
    return max(int(stored), int(get_meta(con).get(f"issued_{column}", 0)))


def issued_now(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """last_issued of every id column."""
    return {column: last_issued(con, column) for column in ID_TABLES}


def note_issued(con: duckdb.DuckDBPyConnection, highest: dict[str, int]) -> None:
    """Raise the issued marks to `highest` ({column: id}) where it is higher (caller's transaction)."""
    marks = get_meta(con)
    raised = {f"issued_{c}": str(v) for c, v in highest.items() if v > int(marks.get(f"issued_{c}", 0))}
    if raised:
        set_meta(con, raised)
