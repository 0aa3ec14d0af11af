"""Get a warehouse ready for the app's first start: build the demo world when there is none."""

from __future__ import annotations

from core import warehouse
from core.connections import SharedWarehouse
from core.progress import Progress, silent

DEMO_PEOPLE = 20_000
DEMO_SEED = 7


def ensure_ready(shared: SharedWarehouse, *, progress: Progress = silent) -> bool:
    """Build the demo world into the shared warehouse if it holds no people; True if it built one."""
    if warehouse.exists(shared.path):
        return False
    rebuild_demo(shared, people=DEMO_PEOPLE, seed=DEMO_SEED, progress=progress)
    return True


def rebuild_demo(shared: SharedWarehouse, *, people: int, seed: int, progress: Progress = silent) -> None:
    """Replace the whole warehouse with a freshly generated demo world (build, then swap)."""
    from core.demo_world import build_demo

    shared.rebuild(lambda con: build_demo(con, people=people, seed=seed, progress=progress))
    progress(1.0, "Demo world ready")
