"""Erasing a person: gone from every table in one transaction, audited without personal data, kept out of
re-imports by the suppression list."""

import json
import shutil

import pytest

from core import privacy
from core.db import warehouse
from core.ingest import import_files
from core.ops import refresh
from core.workspace import audit, membership, operators
from core.workspace.access import LOCAL, PermissionDenied
from tests.conftest import table_snapshot

REFERENCES = {
    "person_id": "person",
    "account_id": "account",
    "actor_account_id": "account",
    "target_account_id": "account",
    "post_id": "post",
    "parent_post_id": "post",
}


@pytest.fixture(scope="module")
def refreshed_file(small_demo_file, tmp_path_factory) -> str:
    """The small demo world after a full refresh (scores, topics, Discover tables), built once."""
    path = tmp_path_factory.mktemp("privacy") / "refreshed.duckdb"
    shutil.copy(small_demo_file, path)
    con = warehouse.connect(path)
    try:
        refresh.refresh(con, LOCAL, db=path)
    finally:
        con.close()
    return str(path)


@pytest.fixture
def world(refreshed_file, tmp_path):
    path = tmp_path / "sway.duckdb"
    shutil.copy(refreshed_file, path)
    con = warehouse.connect(path)
    yield con, path
    con.close()


def _busiest_person(con) -> int:
    """A person with several accounts, posts, reactions both ways and scores, to erase."""
    return warehouse.scalar(
        con,
        "SELECT a.person_id FROM interactions i JOIN accounts a ON a.account_id = i.target_account_id "
        "WHERE a.person_id IN (SELECT person_id FROM accounts GROUP BY ALL HAVING count(*) > 1) "
        "GROUP BY ALL ORDER BY count(*) DESC, a.person_id LIMIT 1",
    )


def _ids(con, person_id: int) -> dict[str, set]:
    accounts = {r[0] for r in warehouse.rows(con, "SELECT account_id FROM accounts WHERE person_id = ?", [person_id])}
    posts = {
        r[0]
        for r in warehouse.rows(
            con, "SELECT post_id FROM posts WHERE account_id IN (SELECT account_id FROM accounts WHERE person_id = ?)",
            [person_id],
        )
    }  # fmt: skip
    return {"person": {person_id}, "account": accounts, "post": posts}


def _references(con, ids: dict[str, set]) -> dict[str, int]:
    """Rows in any table whose id columns point at the given person, accounts or posts."""
    found = {}
    columns = warehouse.rows(
        con,
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main' "
        "AND table_catalog = current_database() AND table_name IN (SELECT table_name FROM information_schema.tables "
        "WHERE table_type = 'BASE TABLE')",
    )
    for table, column in columns:
        kind = REFERENCES.get(column)
        if kind and ids[kind]:
            sql = f'SELECT count(*) FROM "{table}" WHERE "{column}" IN (SELECT unnest(?))'  # noqa: S608
            count = warehouse.scalar(con, sql, [sorted(ids[kind])])
            if count:
                found[f"{table}.{column}"] = count
    arrays = warehouse.scalar(
        con, "SELECT count(*) FROM discovery WHERE list_has_any(account_ids, ?)", [sorted(ids["account"])]
    )
    if arrays:
        found["discovery.account_ids"] = arrays
    return found


def _export_person(con, person_id: int, folder) -> list:
    """The person's accounts, posts and every interaction touching them as interchange CSVs, plus a new account."""
    accounts = con.sql(
        "SELECT a.network::VARCHAR AS network, a.external_id AS account_id, a.handle, p.external_id AS person_id "
        "FROM accounts a JOIN people p USING (person_id) WHERE person_id = ? "
        "UNION ALL SELECT 'twitter', 'brand-new-account-1', 'newcomer', 'brand-new-person'",
        params=[person_id],
    ).pl()
    posts = con.sql(
        "SELECT p.network::VARCHAR AS network, p.external_id AS post_id, a.external_id AS account_id, "
        "strftime(p.posted_at, '%Y-%m-%dT%H:%M:%S') AS posted_at, p.text FROM posts p JOIN accounts a USING "
        "(account_id) WHERE a.person_id = ?",
        params=[person_id],
    ).pl()
    interactions = con.sql(
        "SELECT i.network::VARCHAR AS network, x.external_id AS actor_account_id, "
        "t.external_id AS target_account_id, i.type::VARCHAR AS type, "
        "strftime(i.occurred_at, '%Y-%m-%dT%H:%M:%S') AS occurred_at, p.external_id AS post_id "
        "FROM interactions i JOIN accounts x ON x.account_id = i.actor_account_id "
        "JOIN accounts t ON t.account_id = i.target_account_id LEFT JOIN posts p ON p.post_id = i.post_id "
        "WHERE x.person_id = ? OR t.person_id = ?",
        params=[person_id, person_id],
    ).pl()
    assert posts.height and interactions.height
    paths = []
    for name, frame in (("accounts", accounts), ("posts", posts), ("interactions", interactions)):
        path = folder / f"{name}.csv"
        frame.write_csv(path)
        paths.append(path)
    return paths


def test_erasure_removes_every_row_that_refers_to_the_person(world):
    con, _ = world
    person = _busiest_person(con)
    con.execute(
        "INSERT INTO campaign_members (campaign_id, person_id, status, locked, origin, notes, added_at, updated_at) "
        "VALUES (1, ?, 'invited', false, 'added', 'met at an event', now(), now())",
        [person],
    )
    ids = _ids(con, person)
    before = _references(con, ids)
    expected = {
        "scores.person_id", "score_history.person_id", "discovery.person_id", "interactions.actor_account_id",
        "interactions.target_account_id", "post_topics.post_id", "campaign_members.person_id",
    }  # fmt: skip
    assert expected <= set(before)
    people = warehouse.scalar(con, "SELECT count(*) FROM people")

    report = privacy.erase_person(con, LOCAL, person)

    assert _references(con, ids) == {}
    assert warehouse.scalar(con, "SELECT count(*) FROM people") == people - 1
    assert report.removed["accounts"] == len(ids["account"]) and report.removed["posts"] == len(ids["post"])


def test_the_audit_entry_holds_no_personal_data(world):
    con, _ = world
    person = _busiest_person(con)
    handles = [h for (h,) in warehouse.rows(con, "SELECT handle FROM accounts WHERE person_id = ?", [person])]
    external = [e for (e,) in warehouse.rows(con, "SELECT external_id FROM accounts WHERE person_id = ?", [person])]
    name = warehouse.scalar(con, "SELECT name FROM people WHERE person_id = ?", [person])
    privacy.erase_person(con, LOCAL, person)
    entry = audit.entries(con, LOCAL).filter(action="erase").row(0, named=True)
    details = json.loads(entry["details"])
    assert details["rows_removed"] > 0
    text = json.dumps(details)
    for secret in [*handles, *external, name, f'"{person}"', f": {person},"]:
        assert secret not in text
    stored = " ".join(v for (v,) in warehouse.rows(con, "SELECT key_hash FROM suppressed_keys"))
    assert all(e not in stored for e in external)


def test_reimporting_old_files_does_not_bring_the_person_back(world, tmp_path):
    con, _ = world
    person = _busiest_person(con)
    files = _export_person(con, person, tmp_path)
    handles = {h for (h,) in warehouse.rows(con, "SELECT handle FROM accounts WHERE person_id = ?", [person])}
    privacy.erase_person(con, LOCAL, person)
    accounts_before = warehouse.scalar(con, "SELECT count(*) FROM accounts")

    report = import_files(con, files)

    stored = {h for (h,) in warehouse.rows(con, "SELECT handle FROM accounts")}
    assert not handles & stored
    assert "newcomer" in stored  # the rest of the file still imports
    assert report.added["accounts"] == 1 and report.added["posts"] == 0 and report.added["interactions"] == 0
    assert warehouse.scalar(con, "SELECT count(*) FROM accounts") == accounts_before + 1


def test_a_failed_erasure_changes_nothing(world, monkeypatch):
    con, path = world
    person = _busiest_person(con)
    con.close()
    before = table_snapshot(str(path))
    con = warehouse.connect(path)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        privacy.erase_person(con, LOCAL, person)
    assert warehouse.scalar(con, "SELECT count(*) FROM suppressed_keys") == 0
    con.close()
    assert table_snapshot(str(path)) == before


def test_only_operators_erase_and_unknown_people_are_refused(world):
    con, _ = world
    membership.bootstrap(con, "Brand A", "alice@a.example")
    membership.bootstrap(con, "Brand A", "bob@a.example", "editor")
    brand = membership.memberships(con, "bob@a.example")[0].workspace_id
    with pytest.raises(PermissionDenied):
        privacy.erase_person(con, membership.access_for(con, "bob@a.example", brand), 3)
    with pytest.raises(PermissionDenied, match="instance operator"):  # admin of her workspace, not an operator
        privacy.erase_person(con, membership.access_for(con, "alice@a.example", brand), 3)
    operators.grant(con, "alice@a.example")
    with pytest.raises(privacy.ErasureError, match="no person 999999"):
        privacy.erase_person(con, membership.access_for(con, "alice@a.example", brand), 999_999)
    assert warehouse.scalar(con, "SELECT count(*) FROM people WHERE person_id = 3") == 1
