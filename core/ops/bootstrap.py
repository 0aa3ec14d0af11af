"""Build a ready demo warehouse: the demo world, scored, with topics and past campaigns.

Used by the app's first start and the demo rebuild (core.ops.rebuild) and by tests; it writes into the
connection it is given and authorizes nothing, since that warehouse is not in use yet.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from core.campaigns.demo import import_demo_campaigns
from core.db import warehouse
from core.demo.world import build_demo
from core.ops.pipeline import refresh_all
from core.progress import Progress, scaled, silent

DEMO_PEOPLE = 20_000
DEMO_SEED = 7
HISTORY_DAYS = 90


def build_ready_demo(con: duckdb.DuckDBPyConnection, *, people: int, seed: int, progress: Progress = silent) -> None:
    """Generate the demo world into `con`, then score it (with 90 days of history), find topics, load campaigns.

    The result is what a marketer expects on first start: every page has something true to show.
    """
    build_demo(con, people=people, seed=seed, progress=scaled(progress, 0.0, 0.15))
    refresh_all(con, backfill_days=HISTORY_DAYS, progress=scaled(progress, 0.15, 0.97))
    progress(0.97, "Loading the demo brands' past campaigns")
    import_demo_campaigns(con)


def write_demo_warehouse(path: Path | str, *, people: int, seed: int, progress: Progress = silent) -> None:
    """Build a ready demo warehouse at `path` (build, then swap), for tests and benchmarks."""
    warehouse.rebuild(path, lambda con: build_ready_demo(con, people=people, seed=seed, progress=progress))
    progress(1.0, "Demo world ready")
