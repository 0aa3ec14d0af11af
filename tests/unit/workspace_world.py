"""Stored memberships for unit tests: core authorizes every change against them, never against the Access."""

import duckdb

from core.workspace.access import Access


def store_members(con: duckdb.DuckDBPyConnection, *accesses: Access) -> None:
    """Store each Access as a membership (creating its workspace if needed), so its role is the stored one."""
    for access in accesses:
        con.execute(
            "INSERT OR IGNORE INTO workspaces (workspace_id, name) VALUES (?, ?)",
            [access.workspace_id, f"Workspace {access.workspace_id}"],
        )
        con.execute(
            "INSERT OR REPLACE INTO workspace_members VALUES (?, ?, ?)",
            [access.workspace_id, access.user, access.role],
        )
