"""Instance operators: who may change the data every workspace shares. Granted and revoked only from the
command line (`python -m core operator ...`) by whoever runs the server, never from a page; each change is
written to the audit log as a shared action. core.workspace.authorize reads the list."""

from __future__ import annotations

from datetime import datetime

import duckdb

from core.db.warehouse import rows, scalar, transaction
from core.workspace import audit
from core.workspace.access import LOCAL
from core.workspace.membership import WorkspaceError, normalise_email


def grant(con: duckdb.DuckDBPyConnection, email: str) -> bool:
    """Make `email` an instance operator; False if it already was one."""
    address = normalise_email(email)
    with transaction(con):
        if scalar(con, "SELECT count(*) FROM instance_operators WHERE email = ?", [address]):
            return False
        con.execute("INSERT INTO instance_operators (email, granted_at) VALUES (?, ?)", [address, datetime.now()])
        audit.record(con, LOCAL, "operator.grant", {"email": address}, shared=True)
    return True


def revoke(con: duckdb.DuckDBPyConnection, email: str) -> None:
    """Take the instance operator role from `email`; WorkspaceError if they do not have it."""
    address = normalise_email(email)
    with transaction(con):
        if not scalar(con, "SELECT count(*) FROM instance_operators WHERE email = ?", [address]):
            raise WorkspaceError(f"{address} is not an instance operator. See them with: python -m core operator list")
        con.execute("DELETE FROM instance_operators WHERE email = ?", [address])
        audit.record(con, LOCAL, "operator.revoke", {"email": address}, shared=True)


def operators(con: duckdb.DuckDBPyConnection) -> list[tuple[str, datetime]]:
    """Every instance operator with when they were granted the role, by address."""
    return rows(con, "SELECT email, granted_at FROM instance_operators ORDER BY email")
