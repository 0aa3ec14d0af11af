"""Erasures survive restores and demo rebuilds: a restore holds the job lock, so an erasure cannot commit into the
file it is about to replace; a rebuilt demo world drops the people erased before it; and a restored audit log no
longer names the people erased since the backup."""

import json
from pathlib import Path

import pytest

from core import privacy
from core.backups import carry
from core.backups import folder as backup
from core.db import warehouse
from core.db.connections import SharedWarehouse
from core.demo.world import build_demo, build_demo_warehouse
from core.ops import erase
from core.ops.backup import restore_backup
from core.ops.lock import Busy, exclusive
from core.workspace import audit
from core.workspace.access import LOCAL


def _export(db, folder: Path) -> None:
    con = warehouse.connect(db)
    try:
        backup.export(con, folder)
    finally:
        con.close()


def _count(db, sql: str, params: list) -> int:
    con = warehouse.connect(db)
    try:
        return warehouse.scalar(con, sql, params)
    finally:
        con.close()


def test_an_erasure_started_during_a_restore_is_refused_not_lost(raw_demo_copy, tmp_path, monkeypatch):
    db, person = Path(raw_demo_copy), 7
    _export(db, tmp_path / "b")
    refused = []
    read_instance = backup._instance_rows

    def erase_meanwhile(target: Path):
        # An operator (or cron) starts an erasure after the restore has read the suppression list.
        shared = SharedWarehouse(target)
        try:
            with pytest.raises(Busy, match="restore") as caught:
                erase.erase(shared, LOCAL, person_id=person)
            refused.append(caught.value)
        finally:
            shared.close()
        return read_instance(target)

    monkeypatch.setattr(backup, "_instance_rows", erase_meanwhile)
    restore_backup(tmp_path / "b", db=db, user=LOCAL.user)

    assert refused  # told to try again, rather than committed into the file the restore then replaced
    assert _count(db, "SELECT count(*) FROM people WHERE person_id = ?", [person]) == 1
    monkeypatch.undo()
    shared = SharedWarehouse(db)
    try:
        erase.erase(shared, LOCAL, person_id=person)  # once the restore is done, it runs
    finally:
        shared.close()
    assert _count(db, "SELECT count(*) FROM people WHERE person_id = ?", [person]) == 0


def test_a_restore_is_refused_while_another_job_holds_the_lock(raw_demo_copy, tmp_path):
    db = Path(raw_demo_copy)
    _export(db, tmp_path / "b")
    before = db.read_bytes()
    with exclusive(db, "erasure", "olga@ops.example"), pytest.raises(Busy, match="erasure"):
        restore_backup(tmp_path / "b", db=db, user=LOCAL.user)
    assert db.read_bytes() == before


def test_a_rebuilt_demo_world_leaves_out_the_people_erased_before_it(tmp_path):
    db = tmp_path / "sway.duckdb"
    build_demo_warehouse(db, people=150, seed=3)
    con = warehouse.connect(db)
    person = warehouse.scalar(con, "SELECT min(person_id) FROM accounts")
    keys = warehouse.rows(con, "SELECT network::VARCHAR, external_id FROM accounts WHERE person_id = ?", [person])
    privacy.erase_person(con, LOCAL, person)
    kept = carry.kept_tables(con)
    con.close()

    def build(new) -> None:
        build_demo(new, people=150, seed=3)  # the same world again: it generates the erased person too
        carry.put_back(new, kept)

    warehouse.rebuild(db, build)
    con = warehouse.connect(db)
    try:
        found = [
            warehouse.scalar(con, "SELECT count(*) FROM accounts WHERE network::VARCHAR = ? AND external_id = ?", k)
            for k in keys
        ]
        assert keys and found == [0] * len(keys)
        assert warehouse.scalar(con, "SELECT count(*) FROM people") == 149
    finally:
        con.close()


def test_restoring_an_older_backup_brings_back_no_audit_entry_naming_an_erased_person(raw_demo_copy, tmp_path):
    db, person = Path(raw_demo_copy), 5
    con = warehouse.connect(db)
    with warehouse.transaction(con):
        audit.record(con, LOCAL, "topic.person_remove", {"person_id": person, "topic": "music"})
    con.close()
    _export(db, tmp_path / "b")  # names the person
    shared = SharedWarehouse(db)
    try:
        erase.erase(shared, LOCAL, person_id=person)
    finally:
        shared.close()

    backup.restore(tmp_path / "b", db)
    con = warehouse.connect(db)
    try:
        details = [json.loads(d) for (d,) in warehouse.rows(con, "SELECT details::VARCHAR FROM audit_log")]
        assert not [d for d in details if d.get("person_id") in (person, str(person))]
        assert {"people": 1, "topic": "music"} in details  # the entry stays, without whom it was about
    finally:
        con.close()


def test_a_restore_keeps_the_audit_entries_made_since_the_backup_and_logs_itself(raw_demo_copy, tmp_path):
    db, person = Path(raw_demo_copy), 7
    _export(db, tmp_path / "b")
    shared = SharedWarehouse(db)
    try:
        erase.erase(shared, LOCAL, person_id=person)  # after the backup: its entry is not in it
    finally:
        shared.close()
    before = _count(db, "SELECT count(*) FROM audit_log WHERE action = ?", ["erase"])

    info = restore_backup(tmp_path / "b", db=db, user="ops@sway.example")
    assert info.erased_again == 1
    assert info.restored(db).endswith("1 person erased since the backup was erased from it again.")
    con = warehouse.connect(db)
    try:
        assert warehouse.scalar(con, "SELECT count(*) FROM audit_log WHERE action = 'erase'") == before == 1
        (who, details), *more = warehouse.rows(
            con, "SELECT user_email, details FROM audit_log WHERE action = 'restore'"
        )
        assert not more and who == "ops@sway.example"
        assert json.loads(details)["erased_again"] == 1 and json.loads(details)["folder"] == str(tmp_path / "b")
        # The restore is the newest entry, and ids stay unique.
        newest = warehouse.scalar(con, "SELECT action FROM audit_log ORDER BY audit_id DESC LIMIT 1")
        ids = warehouse.scalar(con, "SELECT count(DISTINCT audit_id) = count(*) FROM audit_log")
        assert newest == "restore" and ids
    finally:
        con.close()
