"""The one authorization check: every core function that changes data calls `authorize` inside its transaction.

It reads the stored membership behind the Access, never the role the Access claims, so an Access made up by
hand (or kept from before a role change) gets nowhere. The local workspace (LOCAL: no sign-in configured, and
the command-line operator, who has the warehouse file itself) is the admin everywhere.
"""

from __future__ import annotations

import duckdb

from core.db.warehouse import scalar
from core.workspace.access import LOCAL, ROLE_RANK, Access, PermissionDenied, Role


def stored_role(con: duckdb.DuckDBPyConnection, email: str, workspace_id: int) -> Role | None:
    """The role `email` was granted in `workspace_id`, or None when they are not a member."""
    return scalar(
        con,
        "SELECT role FROM workspace_members WHERE workspace_id = ? AND email = ?",
        [workspace_id, (email or "").strip().lower()],
    )


def authorize(con: duckdb.DuckDBPyConnection, access: Access, role: Role, action: str) -> None:
    """Raise PermissionDenied, saying which role `action` needs and what to do, unless the stored membership
    behind `access` has at least `role` (and is the role the Access claims)."""
    if access == LOCAL:
        return
    stored = stored_role(con, access.user, access.workspace_id)
    if stored is None:
        raise PermissionDenied(
            f"{access.user or 'This user'} is not a member of this workspace; {action} needs the {role} role. "
            "Ask one of its admins to add you."
        )
    if stored != access.role:
        raise PermissionDenied(
            f"{access.user} is a {stored} in this workspace, not a {access.role}, so {action} was refused. "
            "Reload the page to act with your current role."
        )
    if ROLE_RANK[stored] < ROLE_RANK[role]:
        raise PermissionDenied(
            f"You are a {stored} in this workspace; {action} needs the {role} role. "
            "Ask a workspace admin to change your role."
        )
