"""The audit log: one row per thing a user did (imports, refreshes, campaign edits, exports, erasures)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import duckdb
import polars as pl

from core.db.warehouse import transaction
from core.workspace.access import Access
from core.workspace.authorize import authorize


def record(
    con: duckdb.DuckDBPyConnection, access: Access, action: str, details: dict[str, Any], *, shared: bool = False
) -> None:
    """Append an audit entry; `shared=True` for actions on data every workspace shares (no workspace id).

    Call it inside the same transaction as the change it records, so the log never claims an edit that
    was rolled back.
    """
    con.execute(
        "INSERT INTO audit_log (happened_at, user_email, workspace_id, action, details) VALUES (?, ?, ?, ?, ?)",
        [
            datetime.now(),
            access.user,
            None if shared else access.workspace_id,
            action,
            json.dumps(details, default=str),
        ],
    )


def entries(con: duckdb.DuckDBPyConnection, access: Access, *, limit: int = 200) -> pl.DataFrame:
    """The latest audit entries an admin of the workspace may read: its own and those on shared data.

    Entries of other workspaces are never returned, whatever the caller asks for.
    """
    authorize(con, access, "admin", "reading the audit log")
    return con.sql(
        "SELECT happened_at, user_email, action, details, workspace_id IS NULL AS shared FROM audit_log "
        "WHERE workspace_id = ? OR workspace_id IS NULL ORDER BY audit_id DESC LIMIT ?",
        params=[access.workspace_id, limit],
    ).pl()


def record_export(con: duckdb.DuckDBPyConnection, access: Access, file_name: str) -> None:
    """Log that the user downloaded an export (lists of people leave the app this way)."""
    with transaction(con):
        record(con, access, "export", {"file": file_name})
