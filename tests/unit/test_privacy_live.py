"""Erasing a person the live collectors brought in: their rows leave the collectors' bookkeeping (collect_records,
collect_deleted, collect_hidden) too, which keys people by text (external ids, at:// URIs), not by Sway's ids; and
a restore that re-applies the erasure removes them from the restored bookkeeping as well."""

import os
from datetime import datetime
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from core import privacy
from core.backups import folder as backup
from core.collect import bluesky, lake
from core.collect import ingest as collect_ingest
from core.collect.events import Tally, empty_row, to_batch
from core.collect.ingest import ingest
from core.collect.recheck import listing
from core.db import warehouse
from core.db.connections import SharedWarehouse
from core.ops import erase
from core.workspace.access import LOCAL

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "jetstream" / "events.jsonl"
MIRA = "did:plc:4uz2445cjiw7w4nobfgnu35f"
JONAS = "did:plc:wa7b35aakoll7hugkrjtf3xf"
LOOKALIKE = MIRA + "x"  # another DID that starts with hers: an at:// URI of it is not hers
BOOKKEEPING = ("collect_records", "collect_deleted", "collect_hidden")


@pytest.fixture
def loaded(tmp_path):
    """The Jetstream fixture ingested into a new warehouse, plus a deletion and a take-down of Mira's and others'."""
    rows = [r for r in (bluesky.parse(line.rstrip("\n"), Tally()) for line in FIXTURE.open(encoding="utf-8")) if r]
    root, db = tmp_path / "sway.duckdb.lake", tmp_path / "sway.duckdb"
    lake.write_segment(root, "bluesky", to_batch(rows))
    con = warehouse.connect(db)
    with warehouse.transaction(con):
        ingest(con, root, "bluesky")
    con.executemany(
        "INSERT INTO collect_deleted (network, uri, deleted_us) VALUES ('bluesky', ?, 1)",
        [[f"at://{did}/app.bsky.feed.like/3abc"] for did in (MIRA, LOOKALIKE, JONAS)],
    )
    con.executemany("INSERT OR IGNORE INTO collect_hidden VALUES ('bluesky', ?, 'takendown', 1)", [[MIRA], [LOOKALIKE]])
    yield con, root, db
    con.close()


def _bookkeeping(con) -> dict[str, set[tuple]]:
    return {t: set(warehouse.rows(con, f"SELECT * FROM {t}")) for t in BOOKKEEPING}  # noqa: S608 - fixed names


def _names(row: tuple, did: str) -> bool:
    """True when a bookkeeping row holds `did` as an account key or an at:// URI in its repository."""
    return any(value == did or str(value).startswith(f"at://{did}/") for value in row)


def _split(con) -> tuple[dict[str, set[tuple]], dict[str, set[tuple]]]:
    """The bookkeeping rows naming Mira, and the others."""
    found = _bookkeeping(con)
    hers = {t: {r for r in rows if _names(r, MIRA)} for t, rows in found.items()}
    return hers, {t: found[t] - hers[t] for t in found}


def _mira(con) -> int:
    return warehouse.scalar(con, "SELECT person_id FROM accounts WHERE external_id = ?", [MIRA])


def test_erasure_removes_the_person_from_the_collectors_bookkeeping(loaded):
    con, _, _ = loaded
    hers, others = _split(con)
    assert all(hers.values()), hers  # records by and about her, a deletion of hers, her take-down
    assert all(others.values())

    report = privacy.erase_person(con, LOCAL, _mira(con))

    assert _split(con) == ({t: set() for t in BOOKKEEPING}, others)  # nobody else's rows go
    assert {t: report.removed[t] for t in BOOKKEEPING} == {t: len(hers[t]) for t in BOOKKEEPING}


def test_a_restore_removes_them_from_the_restored_bookkeeping(loaded, tmp_path):
    con, _, db = loaded
    backup.export(con, tmp_path / "before")  # holds her bookkeeping rows
    _, others = _split(con)
    privacy.erase_person(con, LOCAL, _mira(con))
    con.close()

    backup.restore(tmp_path / "before", db)  # erase_suppressed re-applies the erasure
    restored = warehouse.connect(db)
    try:
        assert _split(restored) == ({t: set() for t in BOOKKEEPING}, others)
    finally:
        restored.close()


def test_naming_erased_marks_every_event_by_about_or_naming_an_erased_person(loaded):
    con, root, _ = loaded
    events = pl.from_arrow(lake.read_segments(root, lake.segments(root, "bluesky")))
    columns = {
        "accounts": ("did", "subject_did"),
        "account_lists": ("mentions",),
        "records": ("uri", "parent_uri", "quote_uri", "subject"),
    }
    assert not privacy.naming_erased(con, events, **columns).any()  # nobody erased yet

    privacy.erase_person(con, LOCAL, _mira(con))
    erased = privacy.naming_erased(con, events, **columns)

    assert erased.to_list() == [MIRA in str(row) for row in events.rows()]  # her posts, replies, quotes, mentions
    assert erased.any() and not erased.all()


def test_the_stream_bringing_them_again_writes_them_nowhere_nor_keeps_them_in_the_lake(loaded):
    con, root, _ = loaded
    privacy.erase_person(con, LOCAL, _mira(con))
    rows = [r for r in (bluesky.parse(line.rstrip("\n"), Tally()) for line in FIXTURE.open(encoding="utf-8")) if r]
    replayed = lake.write_segment(root, "bluesky", to_batch(rows))  # a restarted collector sends it all again
    with warehouse.transaction(con):
        ingest(con, root, "bluesky")

    hers, others = _split(con)
    assert hers == {t: set() for t in BOOKKEEPING} and all(others.values())
    kept = pl.read_parquet(root / replayed.name)
    named = [kept[c].str.starts_with(f"at://{MIRA}/").any() for c in lake.RECORD_COLUMNS]
    assert not any(named) and MIRA not in kept["did"].to_list() and MIRA not in kept["subject_did"].to_list()
    assert kept.height > 0  # everyone else's events stay


def _naming(root: Path, did: str) -> int:
    """Rows of the lake's segments, each read back from its file, by, about or mentioning `did`."""
    found = 0
    for segment in lake.segments(root, "bluesky"):
        for row in pq.read_table(root / segment.name).to_pylist():
            records = (str(row[c]).startswith(f"at://{did}/") for c in lake.RECORD_COLUMNS)
            found += did in (row["did"], row["subject_did"], *(row["mentions"] or [])) or any(records)
    return found


def _disk_full_once(monkeypatch) -> None:
    """From now, the first Parquet file written (a segment rewritten) fails as on a full disk; later ones succeed."""
    real, calls = pq.write_table, []

    def write_table(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(pq, "write_table", write_table)


def _erase(db: Path, person_id: int) -> list[str]:
    """Erase as the app does; the result lines and every progress text."""
    said: list[str] = []
    shared = SharedWarehouse(db)
    try:
        return erase.erase(shared, LOCAL, person_id=person_id, progress=lambda _, text: said.append(text)) + said
    finally:
        shared.close()


def test_a_lake_scrub_that_fails_is_retried_by_the_next_load_until_it_succeeds(loaded, monkeypatch):
    con, root, db = loaded
    rows = [r for r in (bluesky.parse(line.rstrip("\n"), Tally()) for line in FIXTURE.open(encoding="utf-8")) if r]
    lake.write_segment(root, "bluesky", to_batch(rows[:5]))  # a second loaded segment holding her events
    with warehouse.transaction(con):
        ingest(con, root, "bluesky")
    mira = _mira(con)
    con.close()
    _disk_full_once(monkeypatch)

    said = " ".join(_erase(db, mira))

    assert "No space left on device" in said and "next load" in said  # the operator is told, and what happens next
    con = warehouse.connect(db)
    try:
        assert warehouse.scalar(con, "SELECT count(*) FROM accounts WHERE external_id = ?", [MIRA]) == 0
        assert collect_ingest.scrub_pending(con, "bluesky") and _naming(root, MIRA) > 0
        assert ingest(con, root, "bluesky").segments == 0  # nothing new to load: the scrub is retried all the same
        assert collect_ingest.scrub_pending(con, "bluesky") is False
    finally:
        con.close()
    assert _naming(root, MIRA) == 0 and _naming(root, JONAS) > 0  # hers gone from every segment, others' kept
    assert all(MIRA.encode() not in (root / s.name).read_bytes() for s in lake.segments(root, "bluesky"))


def test_a_restore_from_before_the_erasure_keeps_the_failed_lake_scrub_pending(loaded, monkeypatch, tmp_path):
    con, root, db = loaded
    backup.export(con, tmp_path / "before")
    mira = _mira(con)
    con.close()
    _disk_full_once(monkeypatch)
    _erase(db, mira)

    backup.restore(tmp_path / "before", db)  # its tables were never told of the erasure, nor of the scrub
    con = warehouse.connect(db)
    try:
        assert collect_ingest.scrub_pending(con, "bluesky")
        ingest(con, root, "bluesky")
        assert not collect_ingest.scrub_pending(con, "bluesky")
    finally:
        con.close()
    assert _naming(root, MIRA) == 0 and _naming(root, JONAS) > 0


def _deleted(con) -> set[str]:
    return {uri for (uri,) in warehouse.rows(con, "SELECT uri FROM collect_deleted")}


def test_erasure_removes_look_up_deletions_naming_the_person_as_who_reacted_or_whose_post_it_was(loaded):
    con, root, _ = loaded
    # Keys a look-up makes for a like or repost it saw taken back: who reacted to which post.
    theirs = {
        f"at://{JONAS}/app.bsky.feed.like/lookup:at://{MIRA}/app.bsky.feed.post/3kgone",  # of her post
        f"at://{MIRA}/app.bsky.feed.repost/lookup:at://{JONAS}/app.bsky.feed.post/3kother",  # by her
    }
    lookalike = f"at://{JONAS}/app.bsky.feed.like/lookup:at://{LOOKALIKE}/app.bsky.feed.post/3kgone"
    con.executemany(
        "INSERT INTO collect_deleted (network, uri, deleted_us) VALUES ('bluesky', ?, 2)",
        [[k] for k in (*theirs, lookalike)],
    )
    # On Mastodon the key names the status and the account by their ids alone.
    host = "social.example"
    rows = []
    for account in ("7", "8", "70"):
        profile = empty_row("mastodon", 1, f"{host}/accounts/{account}", "profile")
        rows.append(profile | {"handle": f"user{account}@{host}"})
    post = {"uri": f"{host}/statuses/900", "text": "hi", "created_at": datetime(2025, 12, 5, 8)}
    rows.append(empty_row("mastodon", 2, f"{host}/accounts/7", "post") | post)
    lake.write_segment(root, "mastodon", to_batch(rows))
    with warehouse.transaction(con):
        ingest(con, root, "mastodon")
    on_mastodon = [f"{host}/like/900/8", f"{host}/repost/901/8", f"{host}/like/902/70", f"{host}/repost/9000/70"]
    con.executemany(
        "INSERT INTO collect_deleted (network, uri, deleted_us) VALUES ('mastodon', ?, 2)", [[k] for k in on_mastodon]
    )

    privacy.erase_person(con, LOCAL, _mira(con))
    assert not theirs & _deleted(con) and lookalike in _deleted(con)

    def person(account: str) -> int:
        key = f"{host}/accounts/{account}"
        return warehouse.scalar(con, "SELECT person_id FROM accounts WHERE external_id = ?", [key])

    privacy.erase_person(con, LOCAL, person("7"))  # the author of status 900
    assert {k for k in on_mastodon if k in _deleted(con)} == set(on_mastodon[1:])
    privacy.erase_person(con, LOCAL, person("8"))  # who favourited 900 and boosted 901
    assert {k for k in on_mastodon if k in _deleted(con)} == set(on_mastodon[2:])  # account 70 is someone else


def test_erasure_removes_the_mastodon_deletions_of_their_statuses_which_name_the_status_alone(loaded):
    con, root, db = loaded
    host = "social.example"
    author, other = f"{host}/accounts/7", f"{host}/accounts/8"

    def post(number: int, account: str, at: int) -> dict:
        when = {"uri": f"{host}/statuses/{number}", "text": "hi", "created_at": datetime(2025, 12, 5, 8)}
        return empty_row("mastodon", at, account, "post") | when

    def deletion(number: int, at: int, named: str | None = None) -> dict:
        return empty_row("mastodon", at, "", "delete") | {"did": named, "uri": f"{host}/statuses/{number}"}

    profiles = [empty_row("mastodon", 1, a, "profile") | {"handle": f"user{a[-1]}@{host}"} for a in (author, other)]
    loads = [
        [*profiles, post(900, author, 2), post(901, author, 2), post(902, other, 2)],
        # The stream's deletions name the status alone: the collector names the author of a status it saw (900);
        # 903 is written and deleted within one load, so it is never stored.
        [deletion(900, 3, author), deletion(901, 3), deletion(902, 3), post(903, author, 3), deletion(903, 4)],
        [deletion(901, 5)],  # deleted on a second hashtag's stream, once the post is gone
    ]
    for rows in loads:
        lake.write_segment(root, "mastodon", to_batch(rows))
        with warehouse.transaction(con):
            ingest(con, root, "mastodon")
    actors = dict(warehouse.rows(con, "SELECT uri, actor_key FROM collect_deleted WHERE network = 'mastodon'"))
    expected = ((900, author), (901, author), (902, other), (903, author))
    assert actors == {f"{host}/statuses/{n}": a for n, a in expected}
    person = warehouse.scalar(con, "SELECT person_id FROM accounts WHERE external_id = ?", [author])
    con.close()

    _erase(db, person)

    after = warehouse.connect(db)
    try:
        assert _deleted(after) & {f"{host}/statuses/{n}" for n in range(900, 904)} == {f"{host}/statuses/902"}
    finally:
        after.close()
    lake_rows = [r for s in lake.segments(root, "mastodon") for r in pq.read_table(root / s.name).to_pylist()]
    assert not [r for r in lake_rows if author in (r["did"], r["subject_did"])]  # the deletion the collector named
    # A deletion the collector could not name stays in the lake naming no one: a status id (the README's limits).
    kept = {r["uri"] for r in lake_rows if r["kind"] == "delete"}
    assert kept == {f"{host}/statuses/{n}" for n in (901, 902, 903)}


def test_a_list_naming_an_erased_person_among_others_still_deletes_what_the_others_took_back(loaded):
    con, root, _ = loaded
    privacy.erase_person(con, LOCAL, _mira(con))
    post = f"at://{JONAS}/app.bsky.feed.post/3m7kq2wa2xa2c"  # Jonas's reply, in the fixture
    fan, friend = "did:plc:fan000000000000000000000", "did:plc:friend0000000000000000000"

    def looked_up(did: str) -> dict:
        row = empty_row("bluesky", 1764921700000000, did, "like")
        row.update(uri=f"at://{did}/app.bsky.feed.like/lookup:{post}", subject=post, subject_did=JONAS)
        return row | {"created_at": datetime(2025, 12, 5, 8, 1)}

    def liked() -> set[str]:
        found = warehouse.rows(
            con,
            "SELECT a.external_id FROM interactions i JOIN accounts a ON a.account_id = i.actor_account_id "
            "JOIN posts p ON p.post_id = i.post_id WHERE p.external_id = ? AND i.type = 'like'",
            [post],
        )
        return {did for (did,) in found}

    lake.write_segment(root, "bluesky", to_batch([looked_up(fan), looked_up(friend)]), stream=False)
    with warehouse.transaction(con):
        ingest(con, root, "bluesky")
    assert liked() == {fan, friend}
    # After a restart the likes are read whole: the friend and Mira (erased) are listed; the fan took theirs back.
    listed = listing("bluesky", "like", frozenset({friend, MIRA}), 1764921800000000, subject=post, subject_did=JONAS)
    segment = lake.write_segment(root, "bluesky", to_batch([listed]), stream=False)
    with warehouse.transaction(con):
        ingest(con, root, "bluesky")
    assert liked() == {friend}
    assert pq.read_table(root / segment.name).to_pylist()[0]["mentions"] == [friend]  # she is gone from the bytes
    assert _naming(root, MIRA) == 0


def test_an_erasure_deletes_the_raw_events_a_killed_write_left_in_a_temporary_file(loaded):
    con, root, db = loaded
    segment = lake.segments(root, "bluesky")[0]
    # A collector killed mid-write leaves the file under its temporary name: segments() never lists it.
    stray = root / (segment.name + ".1" + lake.SUFFIX + lake.PARTIAL)
    stray.write_bytes((root / segment.name).read_bytes())
    fresh = root / (segment.name + ".2" + lake.SUFFIX + lake.PARTIAL)  # a write in progress right now
    fresh.write_bytes(b"PAR1")
    old = stray.stat().st_mtime - lake.STALE_PARTIAL_SECONDS - 60
    os.utime(stray, (old, old))
    assert MIRA in pq.read_table(stray).column("did").to_pylist()
    mira = _mira(con)
    con.close()
    _erase(db, mira)
    assert not stray.exists()
    assert fresh.exists()  # too young to be left over: its writer may still rename it
    assert _naming(root, MIRA) == 0


def _lake_words_naming(root: Path, handle: str) -> int:
    """Texts, bios and names in the lake's segments, each read back from its file, that @mention `handle`."""
    words = [w for s in lake.segments(root, "bluesky") for c in lake.WORDS_COLUMNS
             for w in pq.read_table(root / s.name, columns=[c]).column(c).to_pylist()]  # fmt: skip
    return sum(f"@{handle}".lower() in (w or "").lower() for w in words)


def _words_about(handle: str, at: int) -> list[dict]:
    """Jonas writes about her and says so in his bio and name; only the text names her (a mention facet drops the
    post)."""
    post = empty_row("bluesky", at, JONAS, "post")
    post.update(
        uri=f"at://{JONAS}/app.bsky.feed.post/3zz{at}",
        text=f"Ran with @{handle} today",
        created_at=datetime(2025, 12, 5),
    )
    profile = {"bio": f"Running buddy of @{handle}.", "display_name": f"Jonas (pacing @{handle})"}
    return [post, empty_row("bluesky", at + 1, JONAS, "profile") | profile]


def _jonas_words(con, at: int) -> tuple[str, str]:
    post = warehouse.scalar(
        con, "SELECT text FROM posts WHERE external_id = ?", [f"at://{JONAS}/app.bsky.feed.post/3zz{at}"]
    )
    return post, warehouse.scalar(con, "SELECT bio FROM accounts WHERE external_id = ?", [JONAS])


def _jonas_names(con) -> tuple[str, str]:
    """His display name and his person's name (named after it)."""
    return warehouse.rows(
        con,
        "SELECT a.display_name, p.name FROM accounts a JOIN people p USING (person_id) WHERE a.external_id = ?",
        [JONAS],
    )[0]


def test_the_stream_s_posts_and_profiles_mentioning_their_handle_are_stored_blanked(loaded):
    con, root, _ = loaded
    handle = warehouse.scalar(con, "SELECT handle FROM accounts WHERE external_id = ?", [MIRA])
    privacy.erase_person(con, LOCAL, _mira(con))
    lake.write_segment(root, "bluesky", to_batch(_words_about(handle, 1764921800000000)))
    with warehouse.transaction(con):
        ingest(con, root, "bluesky")

    assert _jonas_words(con, 1764921800000000) == ("Ran with @[erased] today", "Running buddy of @[erased].")
    assert _jonas_names(con) == ("Jonas (pacing @[erased])", "Jonas (pacing @[erased])")
    assert _lake_words_naming(root, handle) == 0  # nor kept in the lake's new segment


def test_an_erasure_blanks_their_handle_in_what_others_wrote_in_the_warehouse_and_the_lake(loaded):
    con, root, db = loaded
    handle = warehouse.scalar(con, "SELECT handle FROM accounts WHERE external_id = ?", [MIRA])
    lake.write_segment(root, "bluesky", to_batch(_words_about(handle, 1764921800000000)))
    with warehouse.transaction(con):
        ingest(con, root, "bluesky")
    assert _jonas_words(con, 1764921800000000) == ("Ran with @" + handle + " today", f"Running buddy of @{handle}.")
    assert _jonas_names(con) == (f"Jonas (pacing @{handle})",) * 2
    assert _lake_words_naming(root, handle) == 3
    mira = _mira(con)
    con.close()

    _erase(db, mira)

    con = warehouse.connect(db)
    try:
        assert _jonas_words(con, 1764921800000000) == ("Ran with @[erased] today", "Running buddy of @[erased].")
        assert _jonas_names(con) == ("Jonas (pacing @[erased])",) * 2
    finally:
        con.close()
    assert _lake_words_naming(root, handle) == 0
    assert handle.encode() not in db.read_bytes()


def test_an_erasure_blanks_their_former_handles_too_in_words_written_before_they_renamed(loaded):
    con, root, db = loaded
    # The fixture renames her from mira.bsky.social to mira.runs within one batch; back from a take-down, she
    # renames again, from the stored mira.runs. Jonas wrote about her under the first two.
    first, second = "mira.bsky.social", "mira.runs"
    lake.write_segment(root, "bluesky", to_batch(_words_about(first, 1764921800000000)))
    lake.write_segment(root, "bluesky", to_batch(_words_about(second, 1764921810000000)))
    back = empty_row("bluesky", 1764921900000000, MIRA, "account") | {"active": True}
    renamed = empty_row("bluesky", 1764921900000001, MIRA, "identity") | {"handle": "mira-runs.example.com"}
    lake.write_segment(root, "bluesky", to_batch([back, renamed]))
    with warehouse.transaction(con):
        ingest(con, root, "bluesky")
    assert warehouse.scalar(con, "SELECT handle FROM accounts WHERE external_id = ?", [MIRA]) == "mira-runs.example.com"
    assert _jonas_words(con, 1764921800000000)[0] == f"Ran with @{first} today"
    mira = _mira(con)
    con.close()

    _erase(db, mira)

    con = warehouse.connect(db)
    try:
        for at in (1764921800000000, 1764921810000000):
            assert _jonas_words(con, at)[0] == "Ran with @[erased] today"
        assert not warehouse.scalar(con, "SELECT count(*) FROM account_former_handles")  # gone with her account
        lake.write_segment(root, "bluesky", to_batch(_words_about(first, 1764922000000000)))  # old words, late
        with warehouse.transaction(con):
            ingest(con, root, "bluesky")
        assert _jonas_words(con, 1764922000000000) == ("Ran with @[erased] today", "Running buddy of @[erased].")
    finally:
        con.close()
    for handle in (first, second):
        assert _lake_words_naming(root, handle) == 0
        assert handle.encode() not in db.read_bytes()


def test_a_post_seen_again_after_an_erasure_is_not_taken_for_an_edit(loaded):
    con, root, _ = loaded
    handle = warehouse.scalar(con, "SELECT handle FROM accounts WHERE external_id = ?", [MIRA])
    words = _words_about(handle, 1764921800000000)
    lake.write_segment(root, "bluesky", to_batch(words))
    with warehouse.transaction(con):
        ingest(con, root, "bluesky")
    privacy.erase_person(con, LOCAL, _mira(con))
    uri = words[0]["uri"]
    stored = warehouse.rows(con, "SELECT post_id, text FROM posts WHERE external_id = ?", [uri])

    for later in (100_000_000, 200_000_000):  # read again later, twice: a look-up, a failover's replay
        lake.write_segment(root, "bluesky", to_batch([w | {"time_us": w["time_us"] + later} for w in words]))
        with warehouse.transaction(con):
            ingest(con, root, "bluesky")

    assert stored == [(stored[0][0], "Ran with @[erased] today")]
    assert warehouse.rows(con, "SELECT post_id, text FROM posts WHERE external_id = ?", [uri]) == stored
    assert not warehouse.scalar(con, "SELECT count(*) FROM collect_records WHERE contains(uri, '#edited')")


def test_a_mastodon_post_s_short_mention_of_an_erased_account_is_blanked(tmp_path):
    root, db = tmp_path / "sway.duckdb.lake", tmp_path / "sway.duckdb"
    host, alice, bob = "social.example", "social.example/accounts/7", "social.example/accounts/8"
    rows = [empty_row("mastodon", 1, key, "profile") | {"handle": f"{name}@{host}"} for key, name in
            ((alice, "alice"), (bob, "bob"))]  # fmt: skip
    # Mastodon shows a mention as @alice; the status names whom it mentions by account.
    post = {"uri": f"{host}/statuses/900", "text": "@alice great talk, cc @alicia", "mentions": [alice]}
    rows.append(empty_row("mastodon", 2, bob, "post") | post | {"created_at": datetime(2025, 12, 5, 8)})
    lake.write_segment(root, "mastodon", to_batch(rows))
    con = warehouse.connect(db)
    try:
        with warehouse.transaction(con):
            ingest(con, root, "mastodon")
        assert warehouse.scalar(con, "SELECT count(*) FROM interactions WHERE type = 'mention'") == 1
        person = warehouse.scalar(con, "SELECT person_id FROM accounts WHERE external_id = ?", [alice])

        report = privacy.erase_person(con, LOCAL, person)

        text = warehouse.scalar(con, "SELECT text FROM posts WHERE external_id = ?", [f"{host}/statuses/900"])
        assert text == "@[erased] great talk, cc @alicia" and report.blanked == 1
    finally:
        con.close()
