"""A demo rebuild takes a minute; what a marketer saves meanwhile is carried into the new world, not lost."""

import subprocess
import sys
from pathlib import Path

from core import privacy
from core.db import warehouse
from core.db.connections import SharedWarehouse
from core.ops import rebuild, refresh
from core.workspace import membership, operators
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
            con,
            "SELECT w.name, m.email FROM workspaces w JOIN workspace_members m USING (workspace_id) WHERE w.name = ?",
            ["Made during the rebuild"],
        ) == [("Made during the rebuild", "dana@d.example")]
    finally:
        shared.close()


def test_workspaces_and_operators_set_up_before_the_first_start_survive_it(tmp_path):
    path = tmp_path / "sway.duckdb"
    con = warehouse.connect(path)  # the command line's set-up: a file with workspaces, no people yet
    membership.bootstrap(con, "Brand A", "alice@brand.example")
    operators.grant(con, "ops@sway.example")
    con.close()
    shared = SharedWarehouse(path)
    try:
        rebuild.rebuild_demo(shared, LOCAL, people=150, seed=5, scored=False)
        con = shared.cursor()
        assert warehouse.scalar(con, "SELECT count(*) FROM people") == 150
        assert warehouse.rows(
            con, "SELECT w.name, m.email FROM workspaces w JOIN workspace_members m USING (workspace_id)"
        ) == [("Brand A", "alice@brand.example")]
        assert [email for email, _ in operators.operators(con)] == ["ops@sway.example"]
    finally:
        shared.close()


def test_generating_the_demo_without_scoring_keeps_erasures_and_operators(tmp_path):
    path = tmp_path / "sway.duckdb"
    shared = SharedWarehouse(path)
    try:
        rebuild.rebuild_demo(shared, LOCAL, people=150, seed=5, scored=False)
        con = shared.cursor()
        erased = warehouse.scalar(con, "SELECT external_id FROM people ORDER BY person_id LIMIT 1")
        privacy.erase_person(con, LOCAL, warehouse.scalar(con, "SELECT min(person_id) FROM people"))
        operators.grant(con, "ops@sway.example")
    finally:
        shared.close()
    result = subprocess.run(
        [sys.executable, "-m", "core", "demo", "--people", "150", "--seed", "5", "--no-refresh"],
        capture_output=True, text=True, cwd=warehouse.REPO_ROOT, env={"SWAY_DB": str(path), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "not yet scored" in result.stdout
    con = warehouse.connect(path)
    try:
        assert warehouse.scalar(con, "SELECT count(*) FROM people WHERE external_id = ?", [erased]) == 0
        assert warehouse.scalar(con, "SELECT count(*) FROM people") == 149
        assert warehouse.scalar(con, "SELECT count(*) FROM suppressed_keys") > 0
        assert [email for email, _ in operators.operators(con)] == ["ops@sway.example"]
        assert warehouse.scalar(con, "SELECT count(*) FROM scores") == 0
    finally:
        con.close()


def test_a_rebuild_scores_the_new_world_without_the_erased_and_with_the_settings_in_use(demo_copy):
    shared = SharedWarehouse(demo_copy)
    try:
        con = shared.cursor()
        refresh.refresh(con, LOCAL, db=Path(demo_copy), settings={"weight_like": "0.1"})
        rebuild.rebuild_demo(shared, LOCAL, people=150, seed=5)
        con = shared.cursor()
        erased = warehouse.scalar(con, "SELECT min(person_id) FROM people")
        erased_key = warehouse.scalar(con, "SELECT external_id FROM people WHERE person_id = ?", [erased])
        privacy.erase_person(con, LOCAL, erased)
        lines = rebuild.rebuild_demo(shared, LOCAL, people=150, seed=5)
        con = shared.cursor()
        assert warehouse.scalar(con, "SELECT count(*) FROM people WHERE external_id = ?", [erased_key]) == 0
        scored, reactions, params = warehouse.rows(
            con, "SELECT people, reactions, params FROM score_runs WHERE kind = 'refresh' ORDER BY run_id DESC LIMIT 1"
        )[0]
        assert scored == 149 == warehouse.scalar(con, "SELECT count(*) FROM people")  # the erased were not scored
        report = refresh.refresh(con, LOCAL, db=Path(demo_copy))  # what a refresh of the new world counts
        assert f"from {reactions:,} reactions" in report[0]
        assert '"weight_like": 0.1' in params  # the marketer's settings score the new world
        assert lines == ["Rebuilt the demo world (seed 5): 149 people (1 erased on request left out), scored with the "
                         "scoring settings in use."]  # fmt: skip
    finally:
        shared.close()


def test_a_connection_closed_under_the_holder_is_opened_again_for_the_next_reader(demo_copy):
    shared = SharedWarehouse(demo_copy)
    try:
        shared.cursor().close()
        shared._con.close()  # as a swap on another thread can leave it; readers must not see the closed connection
        assert warehouse.scalar(shared.cursor(), "SELECT count(*) FROM people") > 0
    finally:
        shared.close()
