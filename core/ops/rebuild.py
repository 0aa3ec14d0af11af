"""The demo rebuild operation: replace the warehouse's data with a fresh demo world."""

from __future__ import annotations

import duckdb

from core.backups.carry import erase_listed, erasure_list, kept_tables, put_back
from core.db import warehouse
from core.db.connections import SharedWarehouse
from core.db.warehouse import scalar
from core.demo.world import build_demo
from core.ops import bootstrap
from core.ops.lock import exclusive
from core.progress import Progress, silent
from core.scoring.params import ScoreParams
from core.scoring.runs import current_params
from core.workspace import audit
from core.workspace.access import Access
from core.workspace.authorize import authorize_operator


def rebuild_demo(
    shared: SharedWarehouse,
    access: Access,
    *,
    people: int,
    seed: int,
    topics: bool = True,
    scored: bool = True,
    progress: Progress = silent,
) -> list[str]:
    """Replace the warehouse's data with a freshly generated, scored demo world (build, then swap); says what the
    new world holds.

    It replaces the people, posts and scores every workspace shares, so only an instance operator may do it.
    Workspaces, their members, the operators, the audit log and the suppression list survive the rebuild, and
    so does every workspace's own campaigns and topic corrections (core/backups/carry.py says how they follow
    their people and posts into the new world), and the scoring settings in use score the new world. People erased
    on request are left out of the new world before it is scored. No other whole-warehouse job can run meanwhile.
    `topics=False` leaves the new posts untagged, for the first start (core.ops.first_start); `scored=False` only
    generates the world (`python -m core demo --no-refresh`), with the same carry.

    What is carried is read whenever the file exists, even with no people in it: workspaces and operators set up
    on the command line before the first start are kept.
    """
    with exclusive(shared.path, "demo rebuild", access.user):
        had_data = shared.path.exists()
        current = shared.cursor()
        with warehouse.transaction(current):
            authorize_operator(current, access, "rebuilding the demo world")
        erased = erasure_list(current) if had_data else None
        params = current_params(current) if had_data else ScoreParams()

        def build(con: duckdb.DuckDBPyConnection) -> None:
            if scored:
                bootstrap.build_ready_demo(
                    con,
                    people=people,
                    seed=seed,
                    topics=topics,
                    params=params,
                    before_scoring=(lambda new: erase_listed(new, erased)) if erased else None,
                    progress=progress,
                )
            else:
                build_demo(con, people=people, seed=seed, progress=progress)

        def carry(old: duckdb.DuckDBPyConnection, new: duckdb.DuckDBPyConnection) -> None:
            # Read behind the write gate, after the long build: an edit saved during the build is carried too.
            if had_data:
                put_back(new, kept_tables(old))
            with warehouse.transaction(new):
                audit.record(new, access, "demo.rebuild", {"people": people, "seed": seed}, shared=True)

        shared.rebuild(build, carry=carry)
    progress(1.0, "Demo world ready")
    held = scalar(shared.cursor(), "SELECT count(*) FROM people")
    left_out = f" ({people - held:,} erased on request left out)" if held < people else ""
    kept = " with the scoring settings in use" if scored and params != ScoreParams() else ""
    state = f"scored{kept}" if scored else "not yet scored"
    return [f"Rebuilt the demo world (seed {seed}): {held:,} people{left_out}, {state}."]
