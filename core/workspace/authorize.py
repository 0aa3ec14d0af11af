"""The authorization checks: every core function that changes data calls one inside its transaction.

`authorize` guards a workspace's own data (campaigns, members, corrections). It reads the stored membership
behind the Access, never the role the Access claims, so an Access made up by hand (or kept from before a role
change) gets nowhere. `authorize_operator` guards what every workspace shares (people, posts, scores, topics,
the whole warehouse): only an instance operator, granted on the command line, passes, so the admin of one
workspace cannot change or read out the others'. The local workspace (LOCAL: no sign-in configured, and the
command-line operator, who has the warehouse file itself) is the admin and the operator everywhere.
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


def is_operator(con: duckdb.DuckDBPyConnection, access: Access) -> bool:
    """True when `access` acts as an instance operator: LOCAL, or a user in the stored operator list.

    Pages use it to decide which buttons to show; core functions call authorize_operator to guard a change.
    """
    if access == LOCAL:
        return True
    return bool(
        scalar(
            con,
            "SELECT count(*) FROM instance_operators WHERE email = ?",
            [(access.user or "").strip().lower()],
        )
    )


def authorize_operator(con: duckdb.DuckDBPyConnection, access: Access, action: str) -> None:
    """Raise PermissionDenied, saying which action needs the instance operator and whom to ask, unless `access`
    is one (LOCAL, or a user in the stored operator list: a workspace role, even admin, does not count)."""
    if not is_operator(con, access):
        raise PermissionDenied(
            f"{access.user or 'This user'} is not an instance operator, and {action} changes data every workspace "
            "shares, so it needs the instance operator. Ask whoever runs the Sway server to do it or to make you "
            "an operator."
        )
