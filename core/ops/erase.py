"""The erasure operation: one person removed everywhere on request, never during another job, and the warehouse
file rewritten so nothing of them is left in it."""

from __future__ import annotations

from pathlib import Path

import duckdb

from core.backups.folder import copy_tables
from core.collect.ingest import LakeScrubError, scrub_erased
from core.collect.lake import lake_dir
from core.collect.status import forget_raw_samples
from core.db import warehouse
from core.db.connections import SharedWarehouse
from core.discover.build import build_discovery, build_info
from core.ops.lock import exclusive, running_job
from core.privacy import erase_person, ledger_path, write_ledger
from core.progress import Progress, silent
from core.vocabulary import LIVE_NETWORKS
from core.workspace.access import Access
from core.workspace.authorize import authorize_operator

REINDEXING = "Updating Discover's word index for the posts, bios and names that mentioned them"
SCRUBBING = "Removing their events from the live collectors' lake"
REWRITING = "Rewriting the warehouse so nothing of them remains"
# warehouse_meta key set while the file may still hold erased rows' bytes: in the erasure's own transaction until
# the rewrite is done, so an erasure stopped anywhere after it committed (a full disk, a killed server) is known,
# said, and finished later.
REWRITE_PENDING = "erasure_rewrite_pending"


def erase(shared: SharedWarehouse, access: Access, *, person_id: int, progress: Progress = silent) -> list[str]:
    """Erase one person everywhere and suppress their accounts in later imports; instance operators only (people
    are shared by every workspace).

    erase_person authorizes, erases, blanks their handle where others mention it and writes the audit entry in one
    transaction; Discover's word index then takes the changed texts in again. DuckDB keeps deleted rows' bytes
    in its file, so the warehouse is then copied table by table into a new file that replaces it (readers keep the
    old one until the swap, and an edit saved during the copy is copied too: SharedWarehouse.rewrite). The lock
    is held throughout, so no refresh, import or backup runs meanwhile. Their events in the live collectors' lake
    are scrubbed too; if that fails the erasure stands, the result says so, and the next load retries the scrub
    (core.collect.ingest.scrub_erased). The erasure list is copied beside the warehouse for restores.
    """
    with exclusive(shared.path, "erasure", access.user):
        progress(0.0, "Erasing")
        con = shared.cursor()
        with warehouse.transaction(con):
            report = erase_person(con, access, int(person_id))
            warehouse.set_meta(con, {REWRITE_PENDING: "1"})
        lines = [report.summary(), *_copy_erasure_list(con, shared.path)]
        if report.blanked:
            progress(0.05, REINDEXING)
            lines += _reindex(con)
        progress(0.1, SCRUBBING)
        lines += _scrub_lake(con, lake_dir(shared.path), progress)
        progress(0.2, REWRITING)
        lines += _rewrite(shared)
    progress(1.0, "Erased" if len(lines) == 1 else "Erased, but not everywhere yet: see the result")
    return lines


def _reindex(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Rebuild Discover, so others' posts, bios and names that mentioned the person are searched without their handle
    and the rewrite copies no word of it; what could not be done, for the result (the erasure stands either way)."""
    if build_info(con) is None:
        return []
    try:
        build_discovery(con)
    except duckdb.Error as exc:
        return [
            f"Discover could not be updated ({exc}): until the next refresh, the posts, bios and names that mentioned "
            "them are missing from Discover's word search (their texts are already blanked). Free memory, then "
            "refresh."
        ]
    return []


def rewrite_pending(con: duckdb.DuckDBPyConnection) -> bool:
    """True when an erasure's rewrite of the file failed or was interrupted: erased rows' bytes may remain in it."""
    return REWRITE_PENDING in warehouse.get_meta(con)


def unfinished(con: duckdb.DuckDBPyConnection, db: Path) -> bool:
    """True when an earlier erasure stopped before its rewrite was done: the pending mark is set and no erasure is
    under way (one holds the mark until its own rewrite is done). Another job running does not hide it."""
    return rewrite_pending(con) and running_job(db) != "erasure"


def finish(shared: SharedWarehouse, access: Access, *, progress: Progress = silent) -> list[str]:
    """Finish an erasure stopped after it committed (instance operators only): Discover's word index taken in again,
    as the erasure may have stopped before it was, then the rewrite; the result's lines."""
    with exclusive(shared.path, "erasure", access.user):
        con = shared.cursor()
        with warehouse.transaction(con):
            authorize_operator(con, access, "finishing an erasure")
        if not rewrite_pending(con):
            return ["Nothing to finish: every erasure's rewrite of the warehouse file is done."]
        progress(0.0, REINDEXING)
        reindexed = _reindex(con)
        progress(0.2, REWRITING)
        failed = _rewrite(shared)
    progress(1.0, "Not finished: see the result" if failed else "Done")
    if failed:
        return [*reindexed, *failed]
    return ["Finished: the warehouse file was rewritten, and nothing of the erased people remains in it.", *reindexed]


def _rewrite(shared: SharedWarehouse) -> list[str]:
    """Copy the warehouse into a new file that replaces it (DuckDB keeps deleted rows' bytes in its file); what
    could not be done, for the result. The pending mark, set with the erasure, is cleared only once the rewrite is
    done, so a failed or killed rewrite is redone by finish()."""
    try:
        shared.rewrite(copy_tables)
    except (OSError, duckdb.Error) as exc:
        size = shared.path.stat().st_size / 1e9
        return [
            f"The warehouse file could not be rewritten ({type(exc).__name__}: {exc}). The person is gone from every "
            f"table, but the file may still hold the bytes of their rows. Free disk space (the rewrite needs about "
            f"{size:.1f} GB), then press 'Finish erasing' on the Workspace page or run `python -m core erase --finish`."
        ]
    con = shared.cursor()
    with warehouse.transaction(con):
        warehouse.delete_meta(con, REWRITE_PENDING)
    return []


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
