"""The erasure operation: one person removed everywhere on request, never during another job, and the warehouse
file rewritten so nothing of them is left in it."""

from __future__ import annotations

from core.backups.folder import copy_tables
from core.collect.ingest import live_account_ids
from core.collect.lake import forget, lake_dir
from core.db.connections import SharedWarehouse
from core.ops.lock import exclusive
from core.privacy import erase_person
from core.progress import Progress, silent
from core.workspace.access import Access

REWRITING = "Rewriting the warehouse so nothing of them remains"


def erase(shared: SharedWarehouse, access: Access, *, person_id: int, progress: Progress = silent) -> list[str]:
    """Erase one person everywhere and suppress their accounts in later imports; instance operators only (people
    are shared by every workspace).

    erase_person authorizes, erases and writes the audit entry in one transaction. DuckDB keeps deleted rows' bytes
    in its file, so the warehouse is then copied table by table into a new file that replaces it (readers keep the
    old one until the swap, and an edit saved during the copy is copied too: SharedWarehouse.rewrite). The lock
    is held throughout, so no refresh, import or backup runs meanwhile. Their events in the live collectors' lake
    are scrubbed too (and the next loads scrub what the stream brings of them later).
    """
    with exclusive(shared.path, "erasure", access.user):
        progress(0.0, "Erasing")
        con = shared.cursor()
        live = live_account_ids(con, int(person_id))
        report = erase_person(con, access, int(person_id))
        for network, ids in live.items():
            forget(lake_dir(shared.path), network, ids)
        progress(0.2, REWRITING)
        shared.rewrite(copy_tables)
    progress(1.0, "Erased")
    return [report.summary()]
