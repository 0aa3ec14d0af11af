"""Workspaces and their members: who may act where, with which role.

Every Access a page works with comes from `access_for`, which looks the membership up in the warehouse, and
every change is checked again by core.workspace.authorize against the stored membership, so a user can only
ever act in a workspace they belong to, with the role they were granted there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import duckdb

from core.db.warehouse import rows, scalar, transaction
from core.workspace import audit
from core.workspace.access import LOCAL, ROLE_RANK, Access, PermissionDenied, Role
from core.workspace.authorize import authorize, authorize_operator, stored_role

ROLES: tuple[Role, ...] = ("viewer", "editor", "admin")
ROLE_HELP = {
    "viewer": "sees the workspace's campaigns and results",
    "editor": "also creates and changes campaigns",
    "admin": "also manages members and reads the audit log",
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_NAME = 80


class WorkspaceError(ValueError):
    """A workspace action cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Membership:
    """One workspace a user belongs to, with their role there."""

    workspace_id: int
    name: str
    role: Role


def normalise_email(email: str) -> str:
    """The e-mail address as stored: trimmed and lower-cased, after checking it looks like one."""
    cleaned = (email or "").strip().lower()
    if not _EMAIL.match(cleaned):
        raise WorkspaceError(f"'{email}' is not an e-mail address. Enter it as name@example.com.")
    return cleaned


def _role(role: str) -> Role:
    if role not in ROLE_RANK:
        raise WorkspaceError(f"'{role}' is not a role. Choose one of: {', '.join(ROLES)}.")
    return role  # type: ignore[return-value]


def memberships(con: duckdb.DuckDBPyConnection, email: str) -> list[Membership]:
    """The workspaces `email` belongs to, by name (empty for a stranger)."""
    found = rows(
        con,
        "SELECT w.workspace_id, w.name, m.role FROM workspace_members m "
        "JOIN workspaces w USING (workspace_id) WHERE m.email = ? ORDER BY lower(w.name), w.workspace_id",
        [(email or "").strip().lower()],
    )
    return [Membership(int(ws), name, role) for ws, name, role in found]


def bind_subject(con: duckdb.DuckDBPyConnection, email: str, subject: str) -> None:
    """Tie a verified e-mail address to the identity provider's stable subject at its first sign-in; afterwards
    refuse any other account presenting the same address (PermissionDenied, nothing written).

    Providers can reassign an address (a departed colleague's mailbox, a re-registered domain); the subject
    stays with the account, so roles granted to the address keep going to the person who first used them.
    """
    address, sub = (email or "").strip().lower(), (subject or "").strip()
    if not address or not sub:
        raise PermissionDenied("Your identity provider sent no account id with this sign-in. Sign in again.")
    with transaction(con):
        bound = scalar(con, "SELECT subject FROM sign_in_subjects WHERE email = ?", [address])
        if bound is None:
            con.execute("INSERT INTO sign_in_subjects VALUES (?, ?, ?)", [address, sub, datetime.now()])
            audit.record(con, Access(address, LOCAL.workspace_id, "viewer"), "sign_in.bind", {}, shared=True)
        elif bound != sub:
            raise PermissionDenied(
                f"{address} already signs in to Sway with another account at your identity provider, so this "
                "account gets none of its roles. If the address really moved to you, ask whoever runs this Sway "
                "server to release it (python -m core workspace release EMAIL)."
            )


def release_subject(con: duckdb.DuckDBPyConnection, email: str) -> bool:
    """For the operator's command line: forget which account an address is bound to; True if it was bound."""
    address = (email or "").strip().lower()
    with transaction(con):
        found = scalar(con, "SELECT count(*) FROM sign_in_subjects WHERE email = ?", [address])
        con.execute("DELETE FROM sign_in_subjects WHERE email = ?", [address])
        if found:
            audit.record(con, LOCAL, "sign_in.release", {"email": address}, shared=True)
    return bool(found)


def access_for(con: duckdb.DuckDBPyConnection, email: str, workspace_id: int) -> Access:
    """The Access of `email` in `workspace_id`, from the stored membership; PermissionDenied if there is none."""
    address = (email or "").strip().lower()
    role = stored_role(con, address, workspace_id)
    if role is None:
        raise PermissionDenied(
            f"{address or 'This user'} is not a member of that workspace. Ask one of its admins to add you."
        )
    return Access(user=address, workspace_id=int(workspace_id), role=role)


def workspace_name(con: duckdb.DuckDBPyConnection, access: Access) -> str:
    """The name of the workspace `access` acts in."""
    return scalar(con, "SELECT name FROM workspaces WHERE workspace_id = ?", [access.workspace_id]) or "?"


def currency(con: duckdb.DuckDBPyConnection, access: Access) -> str:
    """The ISO 4217 code of the currency the workspace's money (costs, budgets) is in."""
    return scalar(con, "SELECT currency FROM workspaces WHERE workspace_id = ?", [access.workspace_id]) or "USD"


def set_currency(con: duckdb.DuckDBPyConnection, access: Access, code: str) -> None:
    """Store the currency of the workspace `access` acts in (admins only; core.ops.campaigns checks the code)."""
    with transaction(con):
        authorize(con, access, "admin", "changing the workspace's currency")
        old = currency(con, access)
        con.execute("UPDATE workspaces SET currency = ? WHERE workspace_id = ?", [code, access.workspace_id])
        audit.record(con, access, "workspace.currency", {"currency": code, "was": old})


def create_workspace(con: duckdb.DuckDBPyConnection, access: Access, name: str, admin_email: str) -> int:
    """Create a workspace named `name` with `admin_email` as its first admin; returns its id.

    The list of workspaces is the instance's, shared by every client, so only an instance operator may add to it
    (the CLI acts as the local operator): a workspace admin could otherwise learn other clients' names from the
    "already a workspace" refusal.
    """
    title = (name or "").strip()
    with transaction(con):
        authorize_operator(con, access, "creating a workspace")
        if not title or len(title) > MAX_NAME:
            raise WorkspaceError(f"A workspace needs a name of 1 to {MAX_NAME} characters, such as the brand's name.")
        email = normalise_email(admin_email)
        if scalar(con, "SELECT count(*) FROM workspaces WHERE lower(name) = lower(?)", [title]):
            raise WorkspaceError(f"There is already a workspace called '{title}'. Choose another name.")
        workspace_id = scalar(con, "SELECT coalesce(max(workspace_id), 0) + 1 FROM workspaces")
        con.execute("INSERT INTO workspaces (workspace_id, name) VALUES (?, ?)", [workspace_id, title])
        con.execute("INSERT INTO workspace_members VALUES (?, ?, 'admin')", [workspace_id, email])
        audit.record(con, access, "workspace.create", {"workspace_id": workspace_id, "name": title, "admin": email})
    return int(workspace_id)


def members(con: duckdb.DuckDBPyConnection, access: Access) -> list[tuple[str, Role]]:
    """(email, role) of everyone in the workspace `access` acts in; any member may see who else is there."""
    authorize(con, access, "viewer", "seeing the workspace's members")
    return [
        (email, role)
        for email, role in rows(
            con,
            "SELECT email, role FROM workspace_members WHERE workspace_id = ? ORDER BY email",
            [access.workspace_id],
        )
    ]


def grant(con: duckdb.DuckDBPyConnection, access: Access, email: str, role: str) -> None:
    """Add `email` to the workspace `access` acts in, or change their role; admins only."""
    with transaction(con):
        authorize(con, access, "admin", "managing members")
        _grant(con, access, normalise_email(email), _role(role))


def _grant(con: duckdb.DuckDBPyConnection, access: Access, address: str, role: Role) -> None:
    """Store the membership in access.workspace_id (authorized by the caller), keeping an admin."""
    with transaction(con):
        old = scalar(
            con, "SELECT role FROM workspace_members WHERE workspace_id = ? AND email = ?",
            [access.workspace_id, address],
        )  # fmt: skip
        if old == "admin" and role != "admin":
            _keep_an_admin(con, access, address)
        con.execute("INSERT OR REPLACE INTO workspace_members VALUES (?, ?, ?)", [access.workspace_id, address, role])
        audit.record(con, access, "member.grant", {"email": address, "role": role, "was": old})


def revoke(con: duckdb.DuckDBPyConnection, access: Access, email: str) -> None:
    """Remove `email` from the workspace `access` acts in; admins only, and never its last admin."""
    address = (email or "").strip().lower()
    with transaction(con):
        authorize(con, access, "admin", "managing members")
        old = scalar(
            con, "SELECT role FROM workspace_members WHERE workspace_id = ? AND email = ?",
            [access.workspace_id, address],
        )  # fmt: skip
        if old is None:
            raise WorkspaceError(f"{address} is not a member of this workspace.")
        if old == "admin":
            _keep_an_admin(con, access, address)
        con.execute(
            "DELETE FROM workspace_members WHERE workspace_id = ? AND email = ?", [access.workspace_id, address]
        )
        audit.record(con, access, "member.revoke", {"email": address, "was": old})


def _keep_an_admin(con: duckdb.DuckDBPyConnection, access: Access, leaving: str) -> None:
    """Refuse a change that would leave the workspace without any admin."""
    others = scalar(
        con,
        "SELECT count(*) FROM workspace_members WHERE workspace_id = ? AND role = 'admin' AND email <> ?",
        [access.workspace_id, leaving],
    )
    if not others:
        raise WorkspaceError(
            f"{leaving} is the only admin of this workspace. Make someone else an admin first, then try again."
        )


def bootstrap(con: duckdb.DuckDBPyConnection, workspace: str, email: str, role: str = "admin") -> int:
    """For the CLI: give `email` `role` in the workspace named `workspace` (created if new); returns its id.

    The operator at the command line has the warehouse file itself, so acts as the local admin everywhere;
    this is how the first admin of a workspace gets in.
    """
    title = (workspace or "").strip()
    address, chosen = normalise_email(email), _role(role)
    found = scalar(con, "SELECT workspace_id FROM workspaces WHERE lower(name) = lower(?)", [title])
    if found is None:
        if chosen != "admin":
            raise WorkspaceError(f"There is no workspace called '{title}'. Create it with its first admin.")
        return create_workspace(con, LOCAL, title, address)
    _grant(con, Access(LOCAL.user, int(found), "admin"), address, chosen)
    return int(found)


def all_workspaces(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str, int]]:
    """(id, name, members) of every workspace, for the operator's `workspace list`."""
    return [
        (int(ws), name, int(n))
        for ws, name, n in rows(
            con,
            "SELECT w.workspace_id, w.name, count(m.email) FROM workspaces w "
            "LEFT JOIN workspace_members m USING (workspace_id) GROUP BY ALL ORDER BY w.workspace_id",
        )
    ]
