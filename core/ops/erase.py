"""The erasure operation: one person removed everywhere on request, never during another job, and the warehouse
file rewritten so nothing of them is left in it."""

from __future__ import annotations

from pathlib import Path

import duckdb

from core.backups.folder import copy_tables
from core.collect.ingest import LakeScrubError, scrub_erased
from core.collect.lake import lake_dir
from core.collect.status import forget_raw_samples
from core.db.connections import SharedWarehouse
from core.ops.lock import exclusive
from core.privacy import erase_person, ledger_path, write_ledger
from core.progress import Progress, silent
from core.vocabulary import LIVE_NETWORKS
from core.workspace.access import Access

SCRUBBING = "Removing their events from the live collectors' lake"
REWRITING = "Rewriting the warehouse so nothing of them remains"


def erase(shared: SharedWarehouse, access: Access, *, person_id: int, progress: Progress = silent) -> list[str]:
    """Erase one person everywhere and suppress their accounts in later imports; instance operators only (people
    are shared by every workspace).

    erase_person authorizes, erases and writes the audit entry in one transaction. DuckDB keeps deleted rows' bytes
    in its file, so the warehouse is then copied table by table into a new file that replaces it (readers keep the
    old one until the swap, and an edit saved during the copy is copied too: SharedWarehouse.rewrite). The lock
    is held throughout, so no refresh, import or backup runs meanwhile. Their events in the live collectors' lake
    are scrubbed too; if that fails the erasure stands, the result says so, and the next load retries the scrub
    (core.collect.ingest.scrub_erased). The erasure list is copied beside the warehouse for restores.
    """
    with exclusive(shared.path, "erasure", access.user):
        progress(0.0, "Erasing")
        con = shared.cursor()
        report = erase_person(con, access, int(person_id))
        lines = [report.summary(), *_copy_erasure_list(con, shared.path)]
        progress(0.1, SCRUBBING)
        lines += _scrub_lake(con, lake_dir(shared.path), progress)
        progress(0.2, REWRITING)
        shared.rewrite(copy_tables)
    progress(1.0, "Erased" if len(lines) == 1 else "Erased, but not yet from the collectors' files: see the result")
    return lines


def _copy_erasure_list(con: duckdb.DuckDBPyConnection, db: Path) -> list[str]:
    """Copy the erasure list beside the warehouse (privacy.write_ledger); what could not be done, for the result."""
    try:
        write_ledger(con, db)
    except OSError as exc:
        return [
            f"The copy of the erasure list beside the warehouse ({ledger_path(db)}) could not be written ({exc}). "
            "The erasure stands; free disk space, then erase again or take a backup, so that a restore onto a lost "
            "warehouse still knows who was erased."
        ]
    return []


def _scrub_lake(con: duckdb.DuckDBPyConnection, lake: Path, progress: Progress) -> list[str]:
    """Scrub every live network's lake of the erased, and older versions' raw samples from the collectors' state
    files; what could not be done, for the result (the erasure is committed: it stands either way)."""
    failed = []
    for network in LIVE_NETWORKS:
        try:
            scrub_erased(con, lake, network)
        except LakeScrubError as exc:
            failed.append(str(exc))
            progress(0.15, f"Their events could not be removed from the {network} lake; the next load retries it")
    try:
        forget_raw_samples(lake, LIVE_NETWORKS)
    except OSError as exc:
        failed.append(
            f"The collectors' state files in {lake} could not be rewritten ({exc}); they may hold raw events an older "
            "version kept as samples. Delete the *.collector.json files there once the collectors are stopped."
        )
    return failed
