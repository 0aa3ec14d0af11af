"""The erasure operation: one person removed everywhere on request, never during another job."""

from __future__ import annotations

from pathlib import Path

import duckdb

from core.ops.lock import exclusive
from core.privacy import erase_person
from core.progress import Progress, silent
from core.workspace.access import Access


def erase(
    con: duckdb.DuckDBPyConnection, access: Access, *, db: Path, person_id: int, progress: Progress = silent
) -> list[str]:
    """Erase one person everywhere and suppress their accounts in later imports; instance
    operators only (people are shared by every workspace).

    erase_person authorizes, erases and writes the audit entry in one transaction.
    """
    with exclusive(db, "erasure", access.user):
        progress(0.0, "Erasing")
        report = erase_person(con, access, int(person_id))
    progress(1.0, "Erased")
    return [report.summary()]
