"""Backup to Parquet and restore: a round trip gives back every row of every table, and bad backups are refused."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from core.db import backup, warehouse
from core.db.warehouse import REPO_ROOT, WarehouseError
from core.workspace import membership


def _everything(path) -> dict[str, list[tuple]]:
    """Every row of every table, sorted."""
    con = warehouse.connect(path)
    try:
        tables = [
            t
            for (t,) in warehouse.rows(
                con, "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' ORDER BY 1"
            )
        ]
        return {t: sorted(warehouse.rows(con, f'SELECT * FROM "{t}"'), key=repr) for t in tables}  # noqa: S608
    finally:
        con.close()


def _cli(*args: str, db: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "core", *args],
        cwd=REPO_ROOT, env={**os.environ, "SWAY_DB": db}, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_round_trip_through_the_cli_restores_every_row(demo_copy, tmp_path):
    con = warehouse.connect(demo_copy)
    membership.bootstrap(con, "Brand A", "alice@a.example")
    con.close()
    before = _everything(demo_copy)
    assert before["people"] and before["workspace_members"] and before["audit_log"]

    done = _cli("backup", str(tmp_path / "backup"), db=demo_copy)
    assert done.returncode == 0, done.stderr
    assert "Backed up" in done.stdout
    assert (tmp_path / "backup" / "people.parquet").exists()

    con = warehouse.connect(demo_copy)  # change things after the backup...
    con.execute("DELETE FROM interactions WHERE actor_account_id % 2 = 0")
    con.execute("DELETE FROM workspace_members")
    con.close()
    done = _cli("restore", str(tmp_path / "backup"), db=demo_copy)
    assert done.returncode == 0, done.stderr

    after = _everything(demo_copy)  # ...and the restore brings back exactly the backed-up state
    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], table
    con = warehouse.connect(demo_copy)  # sequences go on after the restored ids, never reusing one
    try:
        assert warehouse.scalar(con, "SELECT nextval('audit_ids') > (SELECT max(audit_id) FROM audit_log)")
    finally:
        con.close()


def test_backup_refuses_a_folder_that_holds_files(demo_copy, tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("keep me")
    done = _cli("backup", str(tmp_path / "full"), db=demo_copy)
    assert done.returncode == 1
    assert "already holds files" in done.stderr
    assert (tmp_path / "full" / "notes.txt").read_text() == "keep me"


def test_a_damaged_backup_leaves_the_warehouse_unchanged(demo_copy, tmp_path):
    con = warehouse.connect(demo_copy)
    backup.export(con, tmp_path / "b")
    con.close()
    before = _everything(demo_copy)
    manifest = json.loads((tmp_path / "b" / backup.MANIFEST).read_text())
    manifest["tables"]["people"] += 1  # as if a file had been truncated
    (tmp_path / "b" / backup.MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(WarehouseError, match="incomplete or damaged"):
        backup.restore(tmp_path / "b", demo_copy)
    assert _everything(demo_copy) == before
    assert not (tmp_path / "sway.duckdb.restoring").exists()


def test_restore_refuses_a_folder_that_is_not_a_backup(demo_copy, tmp_path):
    (tmp_path / "random").mkdir()
    with pytest.raises(WarehouseError, match="not a Sway backup"):
        backup.restore(tmp_path / "random", demo_copy)


def test_restore_refuses_while_another_process_holds_the_warehouse(demo_copy, tmp_path):
    con = warehouse.connect(demo_copy)
    backup.export(con, tmp_path / "b")
    con.close()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('open', flush=True); "
         "time.sleep(60)", demo_copy],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "open"
        done = _cli("restore", str(tmp_path / "b"), db=demo_copy)
        assert done.returncode == 1
        assert "Stop the Sway app" in done.stderr
    finally:
        holder.kill()
        holder.wait()
    shutil.rmtree(tmp_path / "b")


def test_a_rebuilt_world_keeps_workspaces_members_audit_and_suppressions(demo_copy):
    from core import privacy
    from core.demo.world import build_demo
    from core.workspace import audit
    from core.workspace.access import LOCAL

    con = warehouse.connect(demo_copy)
    membership.bootstrap(con, "Brand A", "alice@a.example")
    privacy.erase_person(con, LOCAL, 3)
    kept = backup.kept_tables(con)
    members = warehouse.rows(con, "SELECT * FROM workspace_members ORDER BY ALL")
    entries = warehouse.rows(con, "SELECT * FROM audit_log ORDER BY audit_id")
    suppressed = warehouse.rows(con, "SELECT * FROM suppressed_keys ORDER BY ALL")
    con.close()

    def build(new) -> None:
        build_demo(new, people=150, seed=3)
        with warehouse.transaction(new):
            audit.record(new, LOCAL, "rebuild", {"people": 150}, shared=True)  # the new world's own entry
        backup.put_back(new, kept)

    warehouse.rebuild(demo_copy, build)
    con = warehouse.connect(demo_copy)
    try:
        assert warehouse.scalar(con, "SELECT count(*) FROM people") == 150
        assert warehouse.rows(con, "SELECT * FROM workspace_members ORDER BY ALL") == members
        assert warehouse.rows(con, "SELECT * FROM suppressed_keys ORDER BY ALL") == suppressed
        after = warehouse.rows(con, "SELECT * FROM audit_log ORDER BY audit_id")
        assert after[: len(entries)] == entries and after[-1][4] == "rebuild"
        with warehouse.transaction(con):  # new entries get fresh ids
            audit.record(con, LOCAL, "refresh", {}, shared=True)
        assert warehouse.scalar(con, "SELECT count(DISTINCT audit_id) FROM audit_log") == len(entries) + 2
        assert privacy.SECRET_KEY in warehouse.get_meta(con)
    finally:
        con.close()
