"""Erasing a person: gone from every table in one transaction, audited without personal data, kept out of
re-imports by the suppression list."""

import json
import shutil

import duckdb
import polars as pl
import pytest

from core import privacy
from core.backups import folder as backup
from core.campaigns import members, records
from core.db import ids, warehouse
from core.db.connections import SharedWarehouse
from core.discover.build import build_discovery
from core.discover.filters import Filters
from core.discover.search import search
from core.ingest import import_files
from core.ops import erase, lock, refresh
from core.topics.corrections import correct_post
from core.vocabulary import LIVE_NETWORKS
from core.workspace import audit, membership, operators
from core.workspace.access import LOCAL, Access, PermissionDenied
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


def test_erasure_removes_corrections_that_copied_a_post_removed_before(world):
    con, _ = world
    person = _busiest_person(con)
    gone, kept = warehouse.rows(
        con,
        "SELECT post_id FROM posts WHERE account_id IN (SELECT account_id FROM accounts WHERE person_id = ?) "
        "ORDER BY post_id LIMIT 2",
        [person],
    )[0][0], warehouse.scalar(
        con, "SELECT min(post_id) FROM posts WHERE account_id NOT IN "
        "(SELECT account_id FROM accounts WHERE person_id = ?)", [person],
    )  # fmt: skip
    correct_post(con, LOCAL, gone, add=["music"])
    correct_post(con, LOCAL, kept, add=["music"])
    text = warehouse.scalar(con, "SELECT text FROM posts WHERE post_id = ?", [gone])
    # The post is deleted on its network before the erasure: the correction still holds its text.
    con.execute("DELETE FROM interactions WHERE post_id = ?", [gone])
    con.execute("UPDATE posts SET parent_post_id = NULL WHERE parent_post_id = ?", [gone])
    con.execute("DELETE FROM posts WHERE post_id = ?", [gone])

    report = privacy.erase_person(con, LOCAL, person)

    assert warehouse.rows(con, "SELECT post_id FROM topic_corrections") == [(kept,)]
    assert not warehouse.scalar(con, "SELECT count(*) FROM topic_corrections WHERE text = ?", [text])
    assert report.removed["topic_corrections"] == 1


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
    # Every row of theirs is counted as left out, so the import does not seem to lose rows silently.
    theirs = sum(pl.read_csv(f).height for f in files) - 1  # all but the newcomer
    assert report.erased_left_out == theirs
    assert f"; {theirs:,} rows of people erased on request left out (they stay erased)." in report.summary()


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


def _mark(con, person_id: int, mark: str) -> None:
    """Give the person a distinctive bio, display name and post text, and write them into the file itself."""
    con.execute(
        "UPDATE accounts SET bio = ?, display_name = ? WHERE person_id = ?", [f"{mark}-bio", f"{mark}-name", person_id]
    )
    con.execute(
        "UPDATE posts SET text = ? WHERE account_id IN (SELECT account_id FROM accounts WHERE person_id = ?)",
        [f"{mark}-post", person_id],
    )
    con.execute("CHECKPOINT")


def _files_holding(path, text: str) -> list[str]:
    """The warehouse file and anything beside it (its WAL, a staging file) whose bytes contain `text`."""
    return [f.name for f in sorted(path.parent.glob(path.name + "*")) if text.encode() in f.read_bytes()]


def _counts(con) -> dict[str, int]:
    return {t: warehouse.scalar(con, f'SELECT count(*) FROM "{t}"') for t in warehouse.base_table_columns(con)}  # noqa: S608


def _erase_and_check(shared: SharedWarehouse, person: int, mark: str) -> None:
    """Erase `person` through the operation; then no byte of their marked text is left and every other row is."""
    path = shared.path
    before = _counts(shared.cursor())
    first = privacy.SECRET_KEY not in warehouse.get_meta(shared.cursor())
    shared.close()  # the marked text is in the checkpointed file, not only in memory
    # The bio and name are stored as written; post texts are compressed (FSST), so their bytes may not show.
    assert _files_holding(path, f"{mark}-bio") == [path.name]
    assert _files_holding(path, f"{mark}-name") == [path.name]
    steps = []

    erase.erase(shared, LOCAL, person_id=person, progress=lambda f, msg: steps.append(msg))

    assert erase.REWRITING in steps
    shared.close()  # whatever the process still holds goes to disk, as it would when the app stops
    assert _files_holding(path, mark) == []
    con = shared.cursor()
    after = _counts(con)
    details = json.loads(warehouse.scalar(con, "SELECT details FROM audit_log ORDER BY audit_id DESC LIMIT 1"))
    added = {"audit_log": 1, "suppressed_keys": 2 * details["accounts"] + 1}  # each account's key and handle, their key
    added["collect_lake_scrubs"] = len(LIVE_NETWORKS) - before["collect_lake_scrubs"]  # each lake noted scrubbed
    # The secret and the highest ids issued (core.db.ids), written by the first erasure of this generated world.
    added["warehouse_meta"] = 1 + len(ids.ID_TABLES) if first else 0
    expected = {t: n - details.get(t, 0) + added.get(t, 0) for t, n in before.items()}
    assert after == expected
    assert warehouse.scalar(con, "SELECT count(*) FROM people WHERE person_id = ?", [person]) == 0


def test_erasing_rewrites_the_file_so_no_byte_of_the_person_remains(world):
    con, path = world
    first = _busiest_person(con)
    _mark(con, first, "ZQXJ-unique-7731")
    second = warehouse.scalar(
        con, "SELECT person_id FROM accounts WHERE person_id <> ? GROUP BY ALL ORDER BY count(*) DESC LIMIT 1", [first]
    )
    _mark(con, second, "QWVZ-unique-4410")
    con.close()
    shared = SharedWarehouse(path)
    try:
        _erase_and_check(shared, first, "ZQXJ-unique-7731")
        _erase_and_check(shared, second, "QWVZ-unique-4410")  # ids go on past the copied ones
    finally:
        shared.close()


def test_an_erasure_whose_rewrite_fails_says_so_and_can_be_finished_later(world, monkeypatch):
    con, path = world
    person = _busiest_person(con)
    _mark(con, person, "FNSH-unique-5521")
    con.close()
    shared = SharedWarehouse(path)
    real = SharedWarehouse.rewrite

    def disk_full(self, copy):
        raise OSError(28, "No space left on device")

    try:
        monkeypatch.setattr(SharedWarehouse, "rewrite", disk_full)
        lines = erase.erase(shared, LOCAL, person_id=person)
        assert "could not be rewritten" in lines[-1] and "python -m core erase --finish" in lines[-1]
        assert warehouse.scalar(shared.cursor(), "SELECT count(*) FROM people WHERE person_id = ?", [person]) == 0
        assert erase.rewrite_pending(shared.cursor())
        shared.close()
        assert _files_holding(path, "FNSH-unique-5521-bio") == [path.name]  # the bytes are still in the file

        monkeypatch.setattr(SharedWarehouse, "rewrite", real)  # disk space freed
        with pytest.raises(PermissionDenied):
            erase.finish(shared, Access(user="ed@brand.example", workspace_id=1, role="admin"))
        assert erase.finish(shared, LOCAL)[0].startswith("Finished")
        assert not erase.rewrite_pending(shared.cursor())
        assert erase.finish(shared, LOCAL)[0].startswith("Nothing to finish")
        shared.close()
        assert _files_holding(path, "FNSH-unique-5521") == []
    finally:
        shared.close()


def test_an_erasure_whose_erasure_list_copy_cannot_be_written_stands_and_says_so(world, monkeypatch):
    con, path = world
    person = _busiest_person(con)
    con.close()

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(erase, "write_ledger", disk_full)
    shared = SharedWarehouse(path)
    try:
        lines = erase.erase(shared, LOCAL, person_id=person)
        assert any("copy of the erasure list" in line and "could not be written" in line for line in lines)
        assert warehouse.scalar(shared.cursor(), "SELECT count(*) FROM people WHERE person_id = ?", [person]) == 0
    finally:
        shared.close()


def _mentions(details: object, person: int) -> bool:
    """True if a person id field anywhere in the audit details names `person`."""
    if isinstance(details, dict):
        return any(
            ("person" in k and (v == person or (isinstance(v, list) and person in v))) or _mentions(v, person)
            for k, v in details.items()
        )
    return isinstance(details, list) and any(_mentions(v, person) for v in details)


def test_erasing_a_person_with_a_note_leaves_no_audit_entry_naming_them(world):
    con, _ = world
    campaign_id, person = warehouse.rows(
        con, "SELECT campaign_id, person_id FROM campaign_members ORDER BY campaign_id, person_id LIMIT 1"
    )[0]
    version = records.get_campaign(con, LOCAL, campaign_id).version
    members.set_notes(con, LOCAL, campaign_id, person, "sent the perk twice", version)
    # An entry written before campaign-member entries carried counts only.
    with warehouse.transaction(con):
        audit.record(con, LOCAL, "campaign.notes", {"campaign_id": campaign_id, "person_id": person})

    privacy.erase_person(con, LOCAL, person)

    logged = [json.loads(d) for (d,) in warehouse.rows(con, "SELECT details::VARCHAR FROM audit_log")]
    assert not [d for d in logged if _mentions(d, person)]
    notes = [d for d in logged if d.get("campaign_id") == campaign_id and "people" in d and len(d) == 2]
    assert len(notes) >= 2  # both note entries kept, with a count instead of the id


def _note_saved_during(monkeypatch, shared: SharedWarehouse, note: str) -> list[int]:
    """Make erasure's copy save a marketer's note on another cursor once its snapshot is taken; copies made."""
    made = []
    real = erase.copy_tables

    def copy_then_edit(source, target):
        counts = real(source, target)
        if not made:
            con = shared.cursor()
            campaign_id, person = warehouse.rows(
                con, "SELECT campaign_id, person_id FROM campaign_members ORDER BY ALL LIMIT 1"
            )[0]
            version = records.get_campaign(con, LOCAL, campaign_id).version
            members.set_notes(con, LOCAL, campaign_id, person, note, version)
        made.append(len(counts))
        return counts

    monkeypatch.setattr(erase, "copy_tables", copy_then_edit)
    return made


def test_a_note_saved_while_an_erasure_rewrites_the_file_is_kept(world, monkeypatch):
    con, path = world
    person = _busiest_person(con)
    con.close()
    shared = SharedWarehouse(path)
    try:
        made = _note_saved_during(monkeypatch, shared, "saved during the rewrite")
        erase.erase(shared, LOCAL, person_id=person)
        assert len(made) == 2  # the copy was stale, so it was made again behind the write gate
        kept = warehouse.scalar(
            shared.cursor(), "SELECT count(*) FROM campaign_members WHERE notes = ?", ["saved during the rewrite"]
        )
        assert kept == 1
        assert warehouse.scalar(shared.cursor(), "SELECT count(*) FROM people WHERE person_id = ?", [person]) == 0
    finally:
        shared.close()


def test_an_erasure_with_no_concurrent_write_copies_once(world, monkeypatch):
    con, path = world
    person = _busiest_person(con)
    con.close()
    made = []
    real = erase.copy_tables
    monkeypatch.setattr(erase, "copy_tables", lambda source, target: made.append(1) or real(source, target))
    shared = SharedWarehouse(path)
    try:
        erase.erase(shared, LOCAL, person_id=person)
    finally:
        shared.close()
    assert made == [1]


def _bio(con, account: int) -> str:
    return warehouse.scalar(con, "SELECT bio FROM accounts WHERE account_id = ?", [account])


def _first_handle(con, person: int) -> tuple[str, str]:
    """(handle, network) of the person's first account."""
    return warehouse.rows(
        con, "SELECT handle, network::VARCHAR FROM accounts WHERE person_id = ? ORDER BY account_id LIMIT 1", [person]
    )[0]


def _mention_them(con, person: int) -> tuple[str, int, int]:
    """Another person's latest post and another account's bio, on the network of `person`'s first account, mention
    that account's handle, and a topic correction copies the post; (handle, post, account). Discover is rebuilt and
    everything checkpointed, so the mentions are in the index and in the file."""
    handle, network = _first_handle(con, person)
    post, account = warehouse.rows(
        con,
        "SELECT p.post_id, p.account_id FROM posts p JOIN accounts a USING (account_id) "
        "WHERE a.person_id <> ? AND a.network = ? AND p.kind = 'post' ORDER BY p.posted_at DESC LIMIT 1",
        [person, network],
    )[0]
    con.execute(
        "UPDATE posts SET text = ? WHERE post_id = ?",
        [f"Loved the zorblax launch with @{handle.upper()} today; ask @{handle}x", post],
    )
    con.execute("UPDATE accounts SET bio = ? WHERE account_id = ?", [f"Partner of @{handle}.", account])
    correct_post(con, LOCAL, post, add=["music"])
    con.execute("DELETE FROM discovery_documents WHERE post_id = ?", [post])  # the index reads a post's words once
    con.execute("DELETE FROM discovery_terms WHERE post_id = ?", [post])
    build_discovery(con)
    con.execute("CHECKPOINT")
    return handle, post, account


def _name_after_them(con, person: int, handle: str) -> int:
    """A third person, on the network of `person`'s first account, is named after that account's handle ("Crew of
    @handle"), as a display name and so as their own name; Discover is rebuilt and everything checkpointed. Their
    account."""
    network = _first_handle(con, person)[1]
    account, named = warehouse.rows(
        con,
        "SELECT account_id, person_id FROM accounts WHERE person_id <> ? AND network = ? "
        "AND bio IS DISTINCT FROM ? ORDER BY account_id DESC LIMIT 1",
        [person, network, f"Partner of @{handle}."],
    )[0]
    con.execute("UPDATE accounts SET display_name = ? WHERE account_id = ?", [f"Crew of @{handle}", account])
    con.execute("UPDATE people SET name = ? WHERE person_id = ?", [f"Crew of @{handle}", named])
    build_discovery(con)
    con.execute("CHECKPOINT")
    return account


def _names_of(con, account: int) -> list[str]:
    """The account's display name, its person's name and that person's name in Discover."""
    return list(
        warehouse.rows(
            con,
            "SELECT a.display_name, p.name, d.name FROM accounts a JOIN people p USING (person_id) "
            "JOIN discovery d USING (person_id) WHERE a.account_id = ?",
            [account],
        )[0]
    )


def test_erasure_blanks_their_handle_where_others_mention_it_in_the_file_and_in_discover(world):
    con, path = world
    person = _busiest_person(con)
    handle, post, account = _mention_them(con, person)
    named = _name_after_them(con, person, handle)
    named_person = warehouse.scalar(con, "SELECT person_id FROM accounts WHERE account_id = ?", [named])
    assert warehouse.scalar(
        con, "SELECT contains(search_text, ?) FROM discovery WHERE person_id = ?", [f"Crew of @{handle}", named_person]
    )
    author = warehouse.scalar(con, "SELECT person_id FROM accounts WHERE account_id = ?", [account])
    writer = warehouse.scalar(
        con,
        "SELECT person_id FROM accounts WHERE account_id = (SELECT account_id FROM posts WHERE post_id = ?)",
        [post],
    )
    assert writer in search(con, Filters(text="zorblax"))[1]["person_id"].to_list()
    assert warehouse.scalar(con, "SELECT contains(search_text, ?) FROM discovery WHERE person_id = ?", [handle, author])
    con.execute(  # their own words go with them: not counted as blanked
        "UPDATE posts SET text = ? WHERE post_id = (SELECT min(post_id) FROM posts "
        "WHERE account_id IN (SELECT account_id FROM accounts WHERE person_id = ?))",
        [f"Follow me @{handle}", person],
    )
    con.close()
    assert _files_holding(path, f"Partner of @{handle}.") == [path.name]
    shared = SharedWarehouse(path)
    try:
        lines = erase.erase(shared, LOCAL, person_id=person)

        assert "Their @handle was blanked in 3 posts, bios and names by others." in lines[0]
        con = shared.cursor()
        blanked = f"Loved the zorblax launch with @[erased] today; ask @{handle}x"  # another handle stays
        assert warehouse.scalar(con, "SELECT text FROM posts WHERE post_id = ?", [post]) == blanked
        assert warehouse.scalar(con, "SELECT text FROM topic_corrections WHERE post_id = ?", [post]) == blanked
        assert (
            warehouse.scalar(con, "SELECT bio FROM accounts WHERE account_id = ?", [account]) == "Partner of @[erased]."
        )
        # Discover read both texts again: the post is found by its words, the bio no longer holds the handle.
        assert writer in search(con, Filters(text="zorblax"))[1]["person_id"].to_list()
        assert not warehouse.scalar(
            con, "SELECT contains(search_text, ?) FROM discovery WHERE person_id = ?", [f"@{handle}.", author]
        )
        assert _names_of(con, named) == ["Crew of @[erased]"] * 3
        assert not warehouse.scalar(
            con, "SELECT contains(search_text, ?) FROM discovery WHERE person_id = ?", [f"@{handle}", named_person]
        )
        details = json.loads(warehouse.scalar(con, "SELECT details FROM audit_log ORDER BY audit_id DESC LIMIT 1"))
        assert details["mentions_blanked"] == 3
        shared.close()
        assert _files_holding(path, f"@{handle}.") == []
        assert _files_holding(path, f"Crew of @{handle}") == []
    finally:
        shared.close()


def test_a_later_import_blanks_their_handle_in_what_others_wrote(world, tmp_path):
    con, _ = world
    person = _busiest_person(con)
    handle, network = _first_handle(con, person)
    privacy.erase_person(con, LOCAL, person)
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(
        "network,account_id,handle,person_id,display_name,bio\n"
        f"{network},fan-1,fan_one,fan,@{handle} fan club,Big fan of @{handle}!\n"
        f"tiktok,fan-2,fan_two,fan,Fans,Big fan of @{handle}!\n",  # on another network the handle is someone else's
        encoding="utf-8",
    )
    posts = tmp_path / "posts.csv"
    posts.write_text(
        f"network,post_id,account_id,posted_at,text\n{network},fan-post-1,fan-1,2026-01-02T10:00:00,hi @{handle}\n",
        encoding="utf-8",
    )

    import_files(con, [accounts, posts])

    bios = dict(warehouse.rows(con, "SELECT external_id, bio FROM accounts WHERE external_id LIKE 'fan-%'"))
    expected_other = f"Big fan of @{handle}!" if network != "tiktok" else "Big fan of @[erased]!"
    assert bios == {"fan-1": "Big fan of @[erased]!", "fan-2": expected_other}
    fan = warehouse.rows(
        con,
        "SELECT a.display_name, p.name FROM accounts a JOIN people p USING (person_id) WHERE a.external_id = ?",
        ["fan-1"],
    )
    assert fan == [("@[erased] fan club", "@[erased] fan club")]  # the person is named after the account, blanked
    assert warehouse.scalar(con, "SELECT text FROM posts WHERE external_id = 'fan-post-1'") == "hi @[erased]"


def test_a_restore_of_an_older_backup_blanks_their_handle_too(world, tmp_path):
    con, path = world
    person = _busiest_person(con)
    handle, post, account = _mention_them(con, person)
    named = _name_after_them(con, person, handle)
    backup.export(con, tmp_path / "before")
    privacy.erase_person(con, LOCAL, person)
    con.close()

    backup.restore(tmp_path / "before", path)

    con = warehouse.connect(path)
    try:
        assert _bio(con, account) == "Partner of @[erased]."
        assert _names_of(con, named) == ["Crew of @[erased]"] * 3
        assert warehouse.scalar(con, "SELECT text FROM posts WHERE post_id = ?", [post]).startswith(
            "Loved the zorblax launch with @[erased] today"
        )
        assert not warehouse.scalar(
            con, "SELECT count(*) FROM discovery WHERE contains(search_text, ?)", [f"@{handle}."]
        )
        writer = warehouse.scalar(
            con, "SELECT a.person_id FROM posts p JOIN accounts a USING (account_id) WHERE p.post_id = ?", [post]
        )
        assert writer in search(con, Filters(text="zorblax"))[1]["person_id"].to_list()  # indexed anew
    finally:
        con.close()


def test_an_erasure_whose_discover_update_fails_still_rewrites_the_file_and_says_so(world, monkeypatch):
    con, path = world
    person = _busiest_person(con)
    handle, _, _ = _mention_them(con, person)
    con.close()

    def out_of_memory(*args, **kwargs):
        raise duckdb.OutOfMemoryException("could not allocate")

    monkeypatch.setattr(erase, "build_discovery", out_of_memory)
    shared = SharedWarehouse(path)
    try:
        lines = erase.erase(shared, LOCAL, person_id=person)
        assert any(line.startswith("Discover could not be updated") for line in lines)
        assert not erase.rewrite_pending(shared.cursor())
        shared.close()
        assert _files_holding(path, f"Partner of @{handle}.") == []  # the bios were blanked and the file rewritten
    finally:
        shared.close()


def test_an_erasure_stopped_after_it_committed_is_known_and_finishing_it_leaves_no_byte_of_them(world, monkeypatch):
    con, path = world
    person = _busiest_person(con)
    handle, _, account = _mention_them(con, person)
    author = warehouse.scalar(con, "SELECT person_id FROM accounts WHERE account_id = ?", [account])
    con.close()
    real = erase.build_discovery

    def server_stops(*args, **kwargs):  # the process ends here: no except clause and no later step runs
        raise KeyboardInterrupt

    monkeypatch.setattr(erase, "build_discovery", server_stops)
    shared = SharedWarehouse(path)
    try:
        with pytest.raises(KeyboardInterrupt):
            erase.erase(shared, LOCAL, person_id=person)
        con = shared.cursor()
        assert warehouse.scalar(con, "SELECT count(*) FROM people WHERE person_id = ?", [person]) == 0  # committed
        assert erase.unfinished(con, path)
        monkeypatch.setattr(erase, "build_discovery", real)  # the server is back

        lines = erase.finish(shared, LOCAL)

        assert lines[0].startswith("Finished")
        assert not erase.unfinished(shared.cursor(), path)
        assert not warehouse.scalar(
            shared.cursor(), "SELECT contains(search_text, ?) FROM discovery WHERE person_id = ?", [handle, author]
        )
        shared.close()
        assert _files_holding(path, f"Partner of @{handle}.") == []
    finally:
        shared.close()


def test_an_erasure_under_way_is_not_called_unfinished_and_another_job_does_not_hide_one(world):
    con, path = world
    warehouse.set_meta(con, {erase.REWRITE_PENDING: "1"})
    with lock.exclusive(path, "erasure", LOCAL.user):
        assert not erase.unfinished(con, path)
    with lock.exclusive(path, "refresh", LOCAL.user):
        assert erase.unfinished(con, path)
    assert erase.unfinished(con, path)


def test_discover_s_search_text_is_blanked_only_where_the_bio_s_own_network_names_them(world):
    con, _ = world
    person = _busiest_person(con)
    handle, network = _first_handle(con, person)
    # Someone with an account on that network and one on a network where the erased person has no such handle.
    here, there = warehouse.rows(
        con,
        "SELECT min(a.account_id) FILTER (WHERE a.network = ?), min(a.account_id) FILTER (WHERE a.network <> ? AND "
        "a.network NOT IN (SELECT network FROM accounts WHERE person_id = ? AND lower(handle) = lower(?))) "
        "FROM accounts a WHERE a.person_id <> ? GROUP BY a.person_id HAVING count(DISTINCT a.network) > 1 "
        "AND bool_or(a.network = ?) ORDER BY a.person_id LIMIT 1",
        [network, network, person, handle, person, network],
    )[0]
    con.execute("UPDATE accounts SET bio = ? WHERE account_id = ?", [f"Partner of @{handle}.", here])
    con.execute("UPDATE accounts SET bio = ? WHERE account_id = ?", [f"Fan of @{handle} here", there])
    build_discovery(con)
    owner = warehouse.scalar(con, "SELECT person_id FROM accounts WHERE account_id = ?", [here])

    privacy.erase_person(con, LOCAL, person)

    assert _bio(con, here) == "Partner of @[erased]." and _bio(con, there) == f"Fan of @{handle} here"
    text = warehouse.scalar(con, "SELECT search_text FROM discovery WHERE person_id = ?", [owner])
    assert "Partner of @[erased]." in text and f"Fan of @{handle} here" in text  # another network's namesake


def test_the_erasure_summary_counts_in_words():
    one = privacy.ErasureReport({"accounts": 1, "posts": 1, "interactions": 54}, blanked=1)
    assert one.summary().startswith(
        "Erased one person: 1 account, 1 post and 56 rows in all. "
        "Their @handle was blanked in 1 post, bio or name by others."
    )
    assert (
        privacy.ErasureReport({"accounts": 2, "posts": 0})
        .summary()
        .startswith("Erased one person: 2 accounts, 0 posts and 2 rows in all. Their accounts")
    )
