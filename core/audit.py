"""The audit log: one row per thing a user did (imports, refreshes, campaign edits, exports, erasures)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import duckdb

from core.access import Access


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
