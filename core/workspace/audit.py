"""The audit log: one row per thing a user did (imports, refreshes, campaign edits, exports, erasures)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import duckdb
import polars as pl

from core.db.warehouse import transaction
from core.workspace.access import LOCAL, Access
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


OUTSIDER = "someone outside this workspace"  # shown instead of who made another workspace's shared-data entry

# Shared-data entries (imports, refreshes, backups, erasures) name files, folders and e-mail addresses; an
# admin sees in full those made by members of their own workspace, and of the others only when and what.
_ENTRIES = """
    WITH seen AS (
        SELECT *, workspace_id = $workspace
                  OR user_email IN (SELECT email FROM workspace_members WHERE workspace_id = $workspace)
                  OR $everything AS told
        FROM audit_log WHERE workspace_id = $workspace OR workspace_id IS NULL
    )
    SELECT happened_at,
           CASE WHEN told THEN user_email ELSE $outsider END AS user_email,
           action,
           CASE WHEN told THEN details::VARCHAR ELSE '{}' END AS details,
           workspace_id IS NULL AS shared
    FROM seen ORDER BY audit_id DESC LIMIT $limit
"""


def entries(con: duckdb.DuckDBPyConnection, access: Access, *, limit: int = 200) -> pl.DataFrame:
    """The latest audit entries an admin of the workspace may read: its own, and those on shared data.

    Shared-data entries made by someone outside the workspace keep their time and action, but not who made
    them nor their details (file names, backup folders). Entries of other workspaces are never returned.
    The local operator (no sign-in, or the command line) runs the whole server and sees everything.
    """
    authorize(con, access, "admin", "reading the audit log")
    return con.sql(
        _ENTRIES,
        params={
            "workspace": access.workspace_id,
            "everything": access.user == LOCAL.user,
            "outsider": OUTSIDER,
            "limit": limit,
        },
    ).pl()


def forget_person(con: duckdb.DuckDBPyConnection, person_id: int) -> int:
    """Take person `person_id` out of every audit entry's details (erasure); returns how many entries changed.

    The log keeps that something happened and counts, never whom it was about. Call it inside the erasure's
    transaction.
    """
    changed = 0
    for audit_id, details in con.execute(
        "SELECT audit_id, details::VARCHAR FROM audit_log WHERE details->>'$.person_id' = ?", [str(person_id)]
    ).fetchall():
        kept = {k: v for k, v in json.loads(details).items() if k != "person_id"}
        con.execute(
            "UPDATE audit_log SET details = ? WHERE audit_id = ?", [json.dumps({**kept, "people": 1}), audit_id]
        )
        changed += 1
    return changed


def record_export(con: duckdb.DuckDBPyConnection, access: Access, file_name: str) -> None:
    """Log that the user downloaded an export (lists of people leave the app this way)."""
    with transaction(con):
        record(con, access, "export", {"file": file_name})
