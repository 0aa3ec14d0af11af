"""Get a warehouse ready for the app's first start: the demo world, scored, with topics and past campaigns."""

from __future__ import annotations

from pathlib import Path

import duckdb

from core.db import warehouse
from core.db.connections import SharedWarehouse
from core.progress import Progress, scaled, silent
from core.workspace.access import LOCAL, Access

DEMO_PEOPLE = 20_000
DEMO_SEED = 7
HISTORY_DAYS = 90


def build_ready_demo(con: duckdb.DuckDBPyConnection, *, people: int, seed: int, progress: Progress = silent) -> None:
    """Generate the demo world into `con`, then score it (with 90 days of history), find topics, load campaigns.

    The result is what a marketer expects on first start: every page has something true to show.
    """
    from core.campaigns.demo import import_demo_campaigns
    from core.demo.world import build_demo
    from core.ops.pipeline import refresh_all

    build_demo(con, people=people, seed=seed, progress=scaled(progress, 0.0, 0.15))
    refresh_all(con, backfill_days=HISTORY_DAYS, progress=scaled(progress, 0.15, 0.97))
    progress(0.97, "Loading the demo brands' past campaigns")
    import_demo_campaigns(con)


def ensure_ready(shared: SharedWarehouse, *, progress: Progress = silent) -> bool:
    """Build the demo world into the shared warehouse if there is no warehouse file; True if it built one."""
    if warehouse.exists(shared.path):
        return False
    rebuild_demo(shared, people=DEMO_PEOPLE, seed=DEMO_SEED, progress=progress)
    return True


def rebuild_demo(
    shared: SharedWarehouse, *, people: int, seed: int, access: Access = LOCAL, progress: Progress = silent
) -> None:
    """Replace the warehouse's data with a freshly generated, scored demo world (build, then swap); admins only.

    Workspaces, their members, the audit log and the suppression list survive the rebuild, and no refresh,
    backup or erasure can run meanwhile.
    """
    from core.db import backup
    from core.ops import jobs
    from core.workspace import audit
    from core.workspace.membership import require

    kept = {}
    if warehouse.exists(shared.path):
        current = shared.cursor()
        require(current, access, "admin", "rebuilding the demo world")
        kept = backup.kept_tables(current)

    def build(con: duckdb.DuckDBPyConnection) -> None:
        build_ready_demo(con, people=people, seed=seed, progress=progress)
        if kept:
            backup.put_back(con, kept)
        with warehouse.transaction(con):
            audit.record(con, access, "demo.rebuild", {"people": people, "seed": seed}, shared=True)

    with jobs.exclusive(shared.path, "demo rebuild", access.user):
        shared.rebuild(build)
    progress(1.0, "Demo world ready")


def write_demo_warehouse(path: Path | str, *, people: int, seed: int, progress: Progress = silent) -> None:
    """Build a ready demo warehouse at `path` (build, then swap), for the CLI and tests."""
    warehouse.rebuild(path, lambda con: build_ready_demo(con, people=people, seed=seed, progress=progress))
    progress(1.0, "Demo world ready")
