"""Loading what a collector stored in the raw-event lake into the warehouse: the people and posts every workspace
shares, so only an instance operator may; under the warehouse's job lock.

The collector process runs it through core.ops.handoff (directly when no app holds the warehouse, else by the
app's job worker), so the collector never needs the warehouse file while the app serves.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from core.campaigns.tracking import mark_posted_from_mentions
from core.collect.ingest import ingest
from core.collect.lake import lake_dir
from core.db.connections import SharedWarehouse
from core.db.warehouse import transaction
from core.ops.lock import exclusive
from core.progress import Progress, silent
from core.workspace.access import LOCAL, Access
from core.workspace.authorize import authorize_operator


def ingest_collected(
    con: duckdb.DuckDBPyConnection, access: Access, *, db: Path, network: str, progress: Progress = silent
) -> list[str]:
    """Load the new lake segments of `network`, a batch of segments per transaction (core.collect.ingest);
    instance operators only. Returns report lines.

    Campaign results read the posts as they are, so a mention loaded here is on the Results page at once, and a
    campaign member whose tracked mention arrived is then marked posted, with a link to it.
    """
    with exclusive(db, f"{network} load", access.user):
        with transaction(con):
            authorize_operator(con, access, "loading collected posts")
        report = ingest(con, lake_dir(db), network, progress=progress)
        with transaction(con):
            posted = mark_posted_from_mentions(con) if report.segments else 0
    lines = [report.summary()]
    if posted:
        lines.append(f"{posted:,} campaign members posted a tracked mention and are now marked posted.")
    return lines


def ingest_job(shared: SharedWarehouse, progress: Progress, *, network: str) -> list[str]:
    """The load as a hand-off job (core.ops.handoff): as the local operator, on the process's warehouse."""
    return ingest_collected(shared.cursor(), LOCAL, db=shared.path, network=network, progress=progress)
