"""Backup to Parquet and restore: a round trip gives back every row of every table, and bad backups are refused.

A restore must never run anything a backup folder holds, must refuse altered files before reading them, and must
not bring back anyone erased after the backup was taken.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

from core import privacy
from core.backups import carry
from core.backups import folder as backup
from core.db import warehouse
from core.db.connections import SharedWarehouse
from core.db.warehouse import REPO_ROOT, WarehouseError
from core.demo.world import build_demo
from core.ingest import import_files
from core.ops import backup as backup_ops
from core.ops import erase
from core.topics.corrections import correct_post
from core.workspace import audit, membership, operators
from core.workspace.access import LOCAL


def _restored_as_before(before: dict[str, list[tuple]], after: dict[str, list[tuple]]) -> list[str]:
    """Assert every table is as before, the audit log kept whole; returns the actions logged since (in id order)."""
    assert after.keys() == before.keys()
    for table in before:
        if table != "audit_log":
            assert after[table] == before[table], table
    assert set(before["audit_log"]) <= set(after["audit_log"])  # a restore keeps the log: it is history
    return [row[4] for row in sorted(set(after["audit_log"]) - set(before["audit_log"]))]


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


def _sha256(path) -> str:
    """SHA-256 of a file's bytes: a refused restore must leave the warehouse file exactly as it was."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _backup(db, folder: Path) -> dict:
    """Back up the warehouse `db` to `folder`; its manifest."""
    con = warehouse.connect(db)
    try:
        backup.export(con, folder)
    finally:
        con.close()
    return json.loads((folder / backup.MANIFEST).read_text())


def _rewrite(folder: Path, table: str, frame: pl.DataFrame) -> None:
    """Replace a table's file in a backup and record the new file's checksum, as a careful forger would."""
    manifest = json.loads((folder / backup.MANIFEST).read_text())
    entry = manifest["tables"][table]
    frame.write_parquet(folder / entry["file"])
    entry["rows"] = frame.height
    entry["sha256"] = _sha256(folder / entry["file"])
    (folder / backup.MANIFEST).write_text(json.dumps(manifest))


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

    after = _everything(demo_copy)  # ...and the restore brings back exactly the backed-up state, its log kept
    assert _restored_as_before(before, after) == ["backup", "restore"]
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


def test_a_backup_that_fails_midway_leaves_no_half_written_copy(demo_copy, tmp_path, monkeypatch):
    checked = []

    def disk_full(path):
        checked.append(path)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup, "_sha256", disk_full)  # every table is copied, then checksumming fails
    con = warehouse.connect(demo_copy)
    try:
        with pytest.raises(OSError, match="No space"):
            backup.export(con, tmp_path / "nightly")
    finally:
        con.close()
    assert checked and checked[0].parent.name == "nightly.partial"  # the copy had been written
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("nightly")] == []


def test_a_damaged_backup_leaves_the_warehouse_unchanged(demo_copy, tmp_path):
    con = warehouse.connect(demo_copy)
    backup.export(con, tmp_path / "b")
    con.close()
    before = _everything(demo_copy)
    manifest = json.loads((tmp_path / "b" / backup.MANIFEST).read_text())
    manifest["tables"]["people"]["rows"] += 1  # as if the manifest and its file disagreed
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

    con = warehouse.connect(demo_copy)
    membership.bootstrap(con, "Brand A", "alice@a.example")
    privacy.erase_person(con, LOCAL, 3)
    kept = carry.kept_tables(con)
    members = warehouse.rows(con, "SELECT * FROM workspace_members ORDER BY ALL")
    entries = warehouse.rows(con, "SELECT * FROM audit_log ORDER BY audit_id")
    suppressed = warehouse.rows(con, "SELECT * FROM suppressed_keys ORDER BY ALL")
    con.close()

    def build(new) -> None:
        build_demo(new, people=150, seed=3)
        with warehouse.transaction(new):
            audit.record(new, LOCAL, "rebuild", {"people": 150}, shared=True)  # the new world's own entry
        carry.put_back(new, kept)

    warehouse.rebuild(demo_copy, build)
    con = warehouse.connect(demo_copy)
    try:
        # The demo numbers its keys, so the erased person's keys are in the new world too: the kept erasure
        # leaves whoever holds them out of it.
        assert 140 < warehouse.scalar(con, "SELECT count(*) FROM people") < 150
        assert privacy.erase_suppressed(con).removed == {}  # nobody suppressed is left
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


def _copy_line(target: Path) -> str:
    return f"COPY (SELECT 'owned' AS x) TO '{target}' (FORMAT csv);\n"


def test_a_backup_in_the_old_sql_layout_is_refused_and_its_sql_never_runs(demo_copy, tmp_path):
    # What an older Sway wrote (EXPORT DATABASE: schema.sql, load.sql, Parquet, counts only), then tampered with.
    folder, planted = tmp_path / "old", tmp_path / "planted.csv"
    con = warehouse.connect(demo_copy)
    con.execute(f"EXPORT DATABASE '{folder}' (FORMAT parquet)")
    tables = [t for (t,) in warehouse.rows(con, "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'")]
    counts = {t: warehouse.scalar(con, f'SELECT count(*) FROM "{t}"') for t in tables}  # noqa: S608
    con.close()
    (folder / backup.MANIFEST).write_text(json.dumps({"schema_version": 8, "tables": counts}))
    for name in ("schema.sql", "load.sql"):
        (folder / name).write_text(_copy_line(planted) + (folder / name).read_text())
    before = _sha256(demo_copy)

    with pytest.raises(WarehouseError, match="older Sway"):
        backup.restore(folder, demo_copy)
    assert not planted.exists()
    assert _sha256(demo_copy) == before


def test_sql_files_planted_in_a_backup_are_never_run(demo_copy, tmp_path):
    _backup(demo_copy, tmp_path / "b")
    planted = tmp_path / "planted.csv"
    for name in ("schema.sql", "load.sql"):
        path = tmp_path / "b" / name
        path.write_text(_copy_line(planted) + (path.read_text() if path.exists() else ""))
    before = _everything(demo_copy)

    backup.restore(tmp_path / "b", demo_copy)
    assert not planted.exists()
    assert _restored_as_before(before, _everything(demo_copy)) == ["restore"]


def test_a_data_file_altered_with_the_same_row_count_is_refused_by_its_checksum(demo_copy, tmp_path):
    con = warehouse.connect(demo_copy)
    membership.bootstrap(con, "Brand A", "alice@a.example")
    membership.bootstrap(con, "Brand A", "bob@a.example", role="viewer")
    con.close()
    _backup(demo_copy, tmp_path / "b")
    members = tmp_path / "b" / "workspace_members.parquet"
    frame = pl.read_parquet(members)
    frame.with_columns(role=pl.lit("admin")).write_parquet(members)  # the viewer becomes an admin
    assert pl.read_parquet(members).height == frame.height
    before = _sha256(demo_copy)

    with pytest.raises(WarehouseError, match="does not match the checksum"):
        backup.restore(tmp_path / "b", demo_copy)
    assert _sha256(demo_copy) == before
    assert not (tmp_path / "sway.duckdb.restoring").exists()


def test_a_tampered_manifest_is_refused_and_changes_nothing(demo_copy, tmp_path):
    pristine = tmp_path / "pristine"
    _backup(demo_copy, pristine)
    outside = tmp_path / "outside.parquet"
    shutil.copy(pristine / "people.parquet", outside)

    def people_file(name: str):
        def edit(folder: Path, manifest: dict) -> None:
            manifest["tables"]["people"]["file"] = name

        return edit

    def symlink_out(folder: Path, manifest: dict) -> None:
        (folder / "link.parquet").symlink_to(outside)
        manifest["tables"]["people"]["file"] = "link.parquet"

    def unknown_table(folder: Path, manifest: dict) -> None:
        shutil.copy(folder / "people.parquet", folder / "evil.parquet")
        manifest["tables"]["evil"] = {**manifest["tables"]["people"], "file": "evil.parquet"}

    def unknown_column(folder: Path, manifest: dict) -> None:
        frame = pl.read_parquet(folder / "workspaces.parquet").with_columns(owner=pl.lit("mallory"))
        frame.write_parquet(folder / "workspaces.parquet")
        manifest["tables"]["workspaces"]["sha256"] = _sha256(folder / "workspaces.parquet")

    cases = {
        "not JSON": (lambda folder, manifest: None, "damaged"),
        "a path with ..": (people_file("../outside.parquet"), "not a .parquet file directly in the backup folder"),
        "an absolute path": (people_file(str(outside)), "not a .parquet file directly in the backup folder"),
        "a symlink out": (symlink_out, "missing or not a regular file"),
        "a missing file": (lambda folder, manifest: (folder / "people.parquet").unlink(), "missing"),
        "a table Sway does not have": (unknown_table, "unknown: evil"),
        "a column Sway does not have": (unknown_column, r"columns table workspaces does not have \(owner\)"),
        "a newer schema": (lambda folder, manifest: manifest.update(schema_version=999), "newer Sway"),
    }
    before = _sha256(demo_copy)
    for case, (edit, message) in cases.items():
        folder = tmp_path / case.replace(" ", "_").replace(".", "dot")
        shutil.copytree(pristine, folder)
        manifest = json.loads((folder / backup.MANIFEST).read_text())
        edit(folder, manifest)
        text = "{not json" if case == "not JSON" else json.dumps(manifest)
        (folder / backup.MANIFEST).write_text(text)
        with pytest.raises(WarehouseError, match=message):
            backup.restore(folder, demo_copy)
        assert _sha256(demo_copy) == before, case
        assert not (tmp_path / "sway.duckdb.restoring").exists(), case


def test_a_backup_holds_only_checksummed_parquet_and_restores_every_table(demo_copy, tmp_path):
    con = warehouse.connect(demo_copy)
    membership.bootstrap(con, "Brand A", "alice@a.example")
    con.close()
    manifest = _backup(demo_copy, tmp_path / "b")
    assert not list((tmp_path / "b").glob("*.sql"))  # nothing a restore could be tricked into running
    files = {entry["file"] for entry in manifest["tables"].values()}
    assert {p.name for p in (tmp_path / "b").iterdir()} == files | {backup.MANIFEST}
    for entry in manifest["tables"].values():
        assert _sha256(tmp_path / "b" / entry["file"]) == entry["sha256"]

    restored = tmp_path / "restored.duckdb"  # e.g. onto a new machine: there is no warehouse yet
    backup.restore(tmp_path / "b", restored)
    assert _restored_as_before(_everything(demo_copy), _everything(restored)) == ["restore"]
    con = warehouse.connect(restored)
    try:
        for table, column, sequence in (
            ("audit_log", "audit_id", "audit_ids"),
            ("campaigns", "campaign_id", "campaign_ids"),
        ):
            top = warehouse.scalar(con, f"SELECT max({column}) FROM {table}")  # noqa: S608
            assert top and warehouse.scalar(con, "SELECT nextval(?)", [sequence]) > top, sequence
    finally:
        con.close()


def test_a_backup_of_an_older_schema_loads_into_the_current_one(demo_copy, tmp_path):
    manifest = _backup(demo_copy, tmp_path / "b")
    # As before migration 8 (no suppressed_keys), and a workspaces file without created_at, columns reversed.
    (tmp_path / "b" / manifest["tables"].pop("suppressed_keys")["file"]).unlink()
    manifest["schema_version"] = 7
    (tmp_path / "b" / backup.MANIFEST).write_text(json.dumps(manifest))
    frame = pl.read_parquet(tmp_path / "b" / "workspaces.parquet")
    older = [c for c in reversed(frame.columns) if c != "created_at"]
    _rewrite(tmp_path / "b", "workspaces", frame.select(older))

    backup.restore(tmp_path / "b", demo_copy)
    con = warehouse.connect(demo_copy)
    try:
        assert warehouse.rows(con, "SELECT workspace_id, name FROM workspaces ORDER BY 1") == [(1, "Local workspace")]
        assert warehouse.scalar(con, "SELECT count(*) FROM workspaces WHERE created_at IS NULL") == 0  # the default
    finally:
        con.close()


def _rows_about(con, person_id: int, accounts: list[int], posts: list[int]) -> dict[str, int]:
    """Rows in any table that refer to the person, one of their accounts or one of their posts."""
    found = {}
    for table, column in warehouse.rows(
        con,
        "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'main' AND column_name IN "
        "('person_id', 'account_id', 'actor_account_id', 'target_account_id', 'post_id', 'parent_post_id')",
    ):
        ids = [person_id] if column == "person_id" else posts if "post" in column else accounts
        count = warehouse.scalar(con, f'SELECT count(*) FROM "{table}" WHERE "{column}" IN ?', [ids])  # noqa: S608
        if count:
            found[f"{table}.{column}"] = count
    return found


def test_people_erased_after_a_backup_stay_erased_when_it_is_restored(demo_copy, tmp_path):

    con = warehouse.connect(demo_copy)
    person = warehouse.scalar(
        con, "SELECT person_id FROM scores JOIN accounts USING (person_id) JOIN posts USING (account_id) LIMIT 1"
    )
    accounts = [a for (a,) in warehouse.rows(con, "SELECT account_id FROM accounts WHERE person_id = ?", [person])]
    posts = [p for (p,) in warehouse.rows(con, "SELECT post_id FROM posts WHERE account_id IN ?", [accounts])]
    people = warehouse.scalar(con, "SELECT count(*) FROM people")
    assert _rows_about(con, person, accounts, posts)
    con.close()
    _backup(demo_copy, tmp_path / "b")  # taken before the erasure
    con = warehouse.connect(demo_copy)
    privacy.erase_person(con, LOCAL, person)
    suppressed = warehouse.rows(con, "SELECT * FROM suppressed_keys ORDER BY ALL")
    secret = warehouse.get_meta(con)[privacy.SECRET_KEY]
    con.close()

    backup.restore(tmp_path / "b", demo_copy)
    con = warehouse.connect(demo_copy)
    try:
        assert _rows_about(con, person, accounts, posts) == {}
        assert warehouse.scalar(con, "SELECT count(*) FROM people") == people - 1
        assert warehouse.rows(con, "SELECT * FROM suppressed_keys ORDER BY ALL") == suppressed
        assert warehouse.get_meta(con)[privacy.SECRET_KEY] == secret  # so later imports still leave them out
    finally:
        con.close()


def test_a_restore_onto_a_warehouse_moved_aside_keeps_everyone_erased_since_the_backup(demo_copy, tmp_path):

    _backup(demo_copy, tmp_path / "b")  # taken before the erasure
    con = warehouse.connect(demo_copy)
    person, key = warehouse.rows(con, "SELECT person_id, external_id FROM people ORDER BY person_id LIMIT 1")[0]
    people = warehouse.scalar(con, "SELECT count(*) FROM people")
    con.close()
    shared = SharedWarehouse(demo_copy)
    try:
        erase.erase(shared, LOCAL, person_id=person)
    finally:
        shared.close()
    db = Path(demo_copy)
    assert privacy.ledger_path(db).exists()
    db.rename(tmp_path / "damaged.duckdb")  # moved aside as damaged, as a failed restore advises

    backup.restore(tmp_path / "b", db)
    con = warehouse.connect(db)
    try:
        assert warehouse.scalar(con, "SELECT count(*) FROM people WHERE external_id = ?", [key]) == 0
        assert warehouse.scalar(con, "SELECT count(*) FROM people") == people - 1
        assert warehouse.scalar(con, "SELECT count(*) FROM suppressed_keys") > 0  # later imports leave them out
    finally:
        con.close()


def test_a_damaged_copy_of_the_erasure_list_refuses_the_restore(demo_copy, tmp_path):

    _backup(demo_copy, tmp_path / "b")
    privacy.ledger_path(Path(demo_copy)).write_text('{"secret": "x", "keys": [', encoding="utf-8")
    before = _sha256(demo_copy)
    with pytest.raises(WarehouseError, match=r"erasure list .* is damaged"):
        backup.restore(tmp_path / "b", demo_copy)
    assert _sha256(demo_copy) == before


def test_a_backup_whose_erasures_use_another_key_is_refused(demo_copy, tmp_path):

    con = warehouse.connect(demo_copy)
    privacy.erase_person(con, LOCAL, 3)
    con.close()
    _backup(demo_copy, tmp_path / "b")
    con = warehouse.connect(demo_copy)  # as if the backup came from another warehouse with its own erasures
    warehouse.set_meta(con, {privacy.SECRET_KEY: "another secret"})
    con.execute("INSERT INTO suppressed_keys VALUES ('another key', now()::TIMESTAMP)")
    con.close()
    before = _sha256(demo_copy)

    with pytest.raises(WarehouseError, match="another warehouse"):
        backup.restore(tmp_path / "b", demo_copy)
    assert _sha256(demo_copy) == before


def test_a_restore_keeps_the_current_operators_and_sign_in_bindings(demo_copy, tmp_path):

    con = warehouse.connect(demo_copy)
    operators.grant(con, "old-operator@a.example")
    membership.bind_subject(con, "alice@a.example", "subject-before")
    con.close()
    _backup(demo_copy, tmp_path / "b")
    con = warehouse.connect(demo_copy)
    operators.revoke(con, "old-operator@a.example")  # revoked since the backup: must stay revoked
    operators.grant(con, "new-operator@a.example")
    membership.release_subject(con, "alice@a.example")
    membership.bind_subject(con, "alice@a.example", "subject-after")  # the address was handed to someone else
    con.close()

    backup.restore(tmp_path / "b", demo_copy)
    con = warehouse.connect(demo_copy)
    try:
        assert [email for email, _ in operators.operators(con)] == ["new-operator@a.example"]
        assert warehouse.rows(con, "SELECT email, subject FROM sign_in_subjects") == [
            ("alice@a.example", "subject-after")
        ]
    finally:
        con.close()


def test_a_restore_keeps_the_ids_issued_since_the_backup_from_being_issued_again(demo_copy, tmp_path):
    _backup(demo_copy, tmp_path / "b")
    extra = tmp_path / "accounts_extra.csv"
    extra.write_text("network,account_id,handle\nblog,after-backup,newcomer\n", encoding="utf-8")
    con = warehouse.connect(demo_copy)
    import_files(con, [extra])
    given = warehouse.scalar(con, "SELECT person_id FROM accounts WHERE external_id = 'after-backup'")
    con.close()

    backup.restore(tmp_path / "b", demo_copy)
    later = tmp_path / "accounts_later.csv"
    later.write_text("network,account_id,handle\nblog,after-restore,someone\n", encoding="utf-8")
    con = warehouse.connect(demo_copy)
    try:
        assert not warehouse.scalar(con, "SELECT count(*) FROM accounts WHERE external_id = 'after-backup'")
        import_files(con, [later])
        assert warehouse.scalar(con, "SELECT person_id FROM accounts WHERE external_id = 'after-restore'") > given
    finally:
        con.close()


def test_a_backup_from_before_shared_corrections_restores_the_operators_ones_as_shared(demo_copy, tmp_path):
    con = warehouse.connect(demo_copy)
    first, second = [p for (p,) in warehouse.rows(con, "SELECT post_id FROM posts ORDER BY post_id LIMIT 2")]
    correct_post(con, LOCAL, first, add=["music"])
    membership.bootstrap(con, "Brand A", "ed@brand.example")
    editor = membership.access_for(con, "ed@brand.example", 2)
    correct_post(con, editor, second, add=["music"])
    con.close()
    manifest = _backup(demo_copy, tmp_path / "b")
    manifest["schema_version"] = 21  # written before migration 022: its corrections say nothing of sharing
    (tmp_path / "b" / backup.MANIFEST).write_text(json.dumps(manifest))
    frame = pl.read_parquet(tmp_path / "b" / "topic_corrections.parquet")
    _rewrite(tmp_path / "b", "topic_corrections", frame.drop("shared"))

    backup.restore(tmp_path / "b", demo_copy)
    con = warehouse.connect(demo_copy)
    try:
        shared = warehouse.rows(con, "SELECT post_id, shared FROM topic_corrections ORDER BY post_id")
    finally:
        con.close()
    assert shared == [(first, True), (second, False)]


def test_the_last_backup_is_read_from_the_audit_log_and_a_missing_folder_is_said(tmp_path):
    con = duckdb.connect(":memory:")
    warehouse.migrate(con)
    assert backup_ops.last_backup(con) is None
    kept, gone = tmp_path / "kept", tmp_path / "gone"
    kept.mkdir()
    for folder in (gone, kept):
        audit.record(con, LOCAL, "backup", {"folder": str(folder), "tables": 31}, shared=True)
    last = backup_ops.last_backup(con)
    assert last.folder == str(kept) and last.tables == 31
    assert last.words().endswith(f", 31 tables, to {kept}.")
    shutil.rmtree(kept)
    assert last.words().endswith(f"to {kept} (that folder is no longer there).")
    when = datetime(2026, 12, 7, 23, 5, 9)
    assert (
        backup_ops.default_folder(tmp_path / "sway.duckdb", when)
        == tmp_path / "sway.duckdb.backups" / "2026-12-07-230509"
    )
