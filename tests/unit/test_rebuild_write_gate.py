"""A demo rebuild takes a minute; what a marketer saves meanwhile is carried into the new world, not lost."""

from core.db import warehouse
from core.db.connections import SharedWarehouse
from core.ops import rebuild
from core.workspace import membership
from core.workspace.access import LOCAL


def test_a_workspace_made_during_a_demo_rebuild_survives_it(demo_copy):
    shared = SharedWarehouse(demo_copy)
    saved = []

    def progress(fraction: float, message: str) -> None:
        if not saved and fraction > 0.1:  # well into the build of the new world
            saved.append(membership.bootstrap(shared.cursor(), "Made during the rebuild", "dana@d.example"))

    try:
        rebuild.rebuild_demo(shared, LOCAL, people=150, seed=5, progress=progress)
        con = shared.cursor()
        assert saved, "the build reported no progress, so nothing was saved during it"
        assert warehouse.scalar(con, "SELECT count(*) FROM people") == 150
        assert warehouse.rows(
            con, "SELECT w.name, m.email FROM workspaces w JOIN workspace_members m USING (workspace_id)"
            " WHERE w.name = ?", ["Made during the rebuild"]
        ) == [("Made during the rebuild", "dana@d.example")]
    finally:
        shared.close()
