"""Jetstream events (the fixture, shaped like the real wire) through the lake into a warehouse: every kind mapped,
updates replacing what the stored version said, deletions and take-downs honoured, replays never doubled,
malformed and unknown events counted."""

import json
import os
from datetime import datetime
from pathlib import Path

import pytest

from core.collect import bluesky, lake
from core.collect import ingest as ingest_module
from core.collect.events import Tally, empty_row, to_batch
from core.collect.ingest import ingest
from core.collect.recheck import listing
from core.db import warehouse

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "jetstream" / "events.jsonl"
MIRA = "did:plc:4uz2445cjiw7w4nobfgnu35f"
JONAS = "did:plc:wa7b35aakoll7hugkrjtf3xf"
CAROL = "did:plc:ragtjsm2j2vknwkz3zp4oxrd"
DAVE = "did:plc:z72i7hdynmk6r22z27h6tvur"
ERIN = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
FRANK = "did:plc:vpkhqolt662uhesyj6nxm7ys"
SPAMMER = "did:plc:oisofpd7lj26yvgiivf3lxsi"
MIRA_POST = f"at://{MIRA}/app.bsky.feed.post/3m7kq2vuowo2b"
CAROL_QUOTE = f"at://{CAROL}/app.bsky.feed.post/3m7kq2wqyzs2d"


def parsed(tally: Tally) -> list[dict]:
    rows = [bluesky.parse(line.rstrip("\n"), tally) for line in FIXTURE.open(encoding="utf-8")]
    return [r for r in rows if r is not None]


@pytest.fixture
def loaded(tmp_path):
    """The fixture written to the lake as two segments and ingested into a new warehouse."""
    tally = Tally()
    rows = parsed(tally)
    root = tmp_path / "sway.duckdb.lake"
    lake.write_segment(root, "bluesky", to_batch(rows[:8]))
    lake.write_segment(root, "bluesky", to_batch(rows[8:]))
    con = warehouse.connect(tmp_path / "sway.duckdb")
    with warehouse.transaction(con):
        report = ingest(con, root, "bluesky")
    yield con, root, report, tally
    con.close()


def test_malformed_and_unknown_events_are_counted_with_a_sample_not_raised():
    tally = Tally()
    rows = parsed(tally)
    assert len(rows) == 16
    assert tally.total == 4
    assert tally.counts["unknown collection"] == 1
    assert tally.counts["unknown kind"] == 1  # which kind is in its sample, never in the reason
    assert tally.counts["malformed (not JSON)"] == 1
    assert sum(n for reason, n in tally.counts.items() if reason.startswith("malformed")) == 2
    # Samples keep an event's shape (its protocol values), not its content: of a frame that is not JSON, its length.
    unknown_kind = '"kind": "sync", "sync": {"did": "<did 32>", "seq": "<int 10>"}'
    assert any(s.startswith("unknown kind: ") and unknown_kind in s for s in tally.samples)
    assert "malformed (not JSON): (17 characters, starting with '{')" in tally.samples


def test_a_quote_with_a_link_card_keeps_both_the_quote_and_the_link():
    embed = {  # app.bsky.embed.recordWithMedia: the quoted record, and media that is a link card (external)
        "$type": "app.bsky.embed.recordWithMedia",
        "record": {"$type": "app.bsky.embed.record", "record": {"uri": CAROL_QUOTE, "cid": "bafyrei"}},
        "media": {
            "$type": "app.bsky.embed.external",
            "external": {"uri": "https://shop.example/shoes", "title": "Shoes", "description": ""},
        },
    }
    record = {"$type": "app.bsky.feed.post", "text": "Look", "createdAt": "2025-12-05T08:00:00Z", "embed": embed}
    frame = {
        "did": ERIN,
        "time_us": 1764921700000000,
        "kind": "commit",
        "commit": {"operation": "create", "collection": "app.bsky.feed.post", "rkey": "3q", "record": record},
    }
    row = bluesky.parse(json.dumps(frame), Tally())
    assert row is not None
    assert row["quote_uri"] == CAROL_QUOTE and row["links"] == ["https://shop.example/shoes"]


def test_posts_keep_text_languages_links_and_replies(loaded):
    con, *_ = loaded
    posts = dict(
        (uri, (text, url, kind))
        for uri, text, url, kind in warehouse.rows(
            con, "SELECT external_id, text, url, kind::VARCHAR FROM posts WHERE network = 'bluesky'"
        )
    )
    # The deleted post and the taken-down account's post are gone; the other four are there.
    assert len(posts) == 4
    assert posts[MIRA_POST] == (
        "Trail running at dawn with @jonas.bsky.social #sunrisetrail glowrun.example/shoes",
        "https://glowrun.example/shoes",
        "post",
    )
    assert posts[f"at://{JONAS}/app.bsky.feed.post/3m7kq2wa2xa2c"][2] == "reply"
    # A post without a link points at itself in the Bluesky app.
    assert posts[CAROL_QUOTE][1] == f"https://bsky.app/profile/{CAROL}/post/3m7kq2wqyzs2d"
    parent = warehouse.scalar(
        con,
        "SELECT p.external_id FROM posts r JOIN posts p ON r.parent_post_id = p.post_id WHERE r.kind = 'reply'",
    )
    assert parent == MIRA_POST


def test_every_reaction_kind_maps_to_its_interaction(loaded):
    con, *_ = loaded
    found = set(
        warehouse.rows(
            con,
            """
            SELECT a.external_id, t.external_id, i.type::VARCHAR, p.external_id
            FROM interactions i JOIN accounts a ON a.account_id = i.actor_account_id
            JOIN accounts t ON t.account_id = i.target_account_id LEFT JOIN posts p ON p.post_id = i.post_id
            """,
        )
    )
    assert found == {
        (MIRA, JONAS, "mention", None),  # a mention facet names the DID
        (JONAS, MIRA, "reply", MIRA_POST),  # a reply reacts to the parent's author
        (CAROL, MIRA, "mention", MIRA_POST),  # a quote mentions the quoted author
        (ERIN, MIRA, "repost", MIRA_POST),
        (FRANK, MIRA, "follow", None),
        (ERIN, CAROL, "mention", CAROL_QUOTE),  # a quote inside recordWithMedia too
        # DAVE's like was deleted; the spammer's like went with the take-down.
    }


def test_identity_and_profile_events_update_the_account(loaded):
    con, *_ = loaded
    handles = dict(warehouse.rows(con, "SELECT external_id, handle FROM accounts"))
    assert handles[MIRA] == "mira.runs"  # the later of two identity events
    assert handles[FRANK] == FRANK  # known only by its DID until a profile look-up
    assert DAVE not in handles  # his only mapped event, a like, was deleted before it was loaded
    jonas = warehouse.rows(
        con,
        "SELECT a.display_name, a.bio, p.name FROM accounts a JOIN people p USING (person_id) WHERE a.external_id = ?",
        [JONAS],
    )
    assert jonas == [("Jonas Berg", "Runner, coffee, mountains.", "Jonas Berg")]


def test_a_taken_down_account_is_hidden_until_active_again(loaded):
    con, root, report, _ = loaded
    assert report.hidden == 1
    assert warehouse.rows(con, "SELECT external_id, status FROM collect_hidden") == [(SPAMMER, "takendown")]
    assert (
        warehouse.scalar(
            con,
            "SELECT count(*) FROM interactions i JOIN accounts a ON a.account_id = i.actor_account_id "
            "WHERE a.external_id = ?",
            [SPAMMER],
        )
        == 0
    )
    back = '{"did":"%s","time_us":1764921700000000,"kind":"account","account":{"active":true,"did":"%s","seq":1}}'
    lake.write_segment(root, "bluesky", to_batch([bluesky.parse(back % (SPAMMER, SPAMMER), Tally())]))
    with warehouse.transaction(con):
        ingest(con, root, "bluesky")
    assert warehouse.rows(con, "SELECT * FROM collect_hidden") == []


def test_replayed_segments_add_nothing_and_deleted_records_stay_deleted(loaded):
    con, root, _, _ = loaded
    before = {t: warehouse.scalar(con, f"SELECT count(*) FROM {t}") for t in warehouse.CORE_TABLES}  # noqa: S608
    # A restarted collector rewinds and writes the same events again (creates of deleted records included).
    lake.write_segment(root, "bluesky", to_batch(parsed(Tally())))
    with warehouse.transaction(con):
        report = ingest(con, root, "bluesky")
    assert report.segments == 1
    after = {t: warehouse.scalar(con, f"SELECT count(*) FROM {t}") for t in warehouse.CORE_TABLES}  # noqa: S608
    assert after == before
    with warehouse.transaction(con):
        assert ingest(con, root, "bluesky").segments == 0  # each segment is loaded once


def _mentions_of(root, did: str) -> int:
    """Events in the lake by, about or mentioning `did`."""
    table = lake.read_segments(root, lake.segments(root, "bluesky")).to_pylist()
    return sum(did in (r["did"], r["subject_did"]) or did in (r["mentions"] or []) for r in table)


def test_an_erased_person_leaves_the_lake_and_the_stream_does_not_bring_them_back(tmp_path):
    from core.db.connections import SharedWarehouse
    from core.ops import erase
    from core.workspace.access import LOCAL

    rows = parsed(Tally())
    root, db = tmp_path / "sway.duckdb.lake", tmp_path / "sway.duckdb"
    lake.write_segment(root, "bluesky", to_batch(rows))
    con = warehouse.connect(db)
    with warehouse.transaction(con):
        ingest(con, root, "bluesky")
    mira = warehouse.scalar(con, "SELECT person_id FROM accounts WHERE external_id = ?", [MIRA])
    con.close()
    assert _mentions_of(root, MIRA) > 0

    shared = SharedWarehouse(db)
    try:
        erase.erase(shared, LOCAL, person_id=mira)
    finally:
        shared.close()
    assert _mentions_of(root, MIRA) == 0
    assert _mentions_of(root, JONAS) > 0  # others' events stay

    lake.write_segment(root, "bluesky", to_batch(rows))  # the stream brings her activity again
    con = warehouse.connect(db)
    try:
        with warehouse.transaction(con):
            ingest(con, root, "bluesky")
        assert warehouse.scalar(con, "SELECT count(*) FROM accounts WHERE external_id = ?", [MIRA]) == 0
        assert warehouse.scalar(con, "SELECT count(*) FROM posts WHERE external_id = ?", [MIRA_POST]) == 0
    finally:
        con.close()
    assert _mentions_of(root, MIRA) == 0


def _stored(con) -> dict[str, list[tuple]]:
    """What a load left, by the stream's own keys (ids differ between warehouses). Accounts are those with
    activity: one whose only act was undone in a later load keeps its (empty) account row, as across runs."""
    return {
        "posts": warehouse.rows(con, "SELECT external_id, text FROM posts ORDER BY 1"),
        "active accounts": warehouse.rows(
            con,
            "SELECT external_id, handle FROM accounts a WHERE EXISTS (SELECT 1 FROM posts p "
            "WHERE p.account_id = a.account_id) OR EXISTS (SELECT 1 FROM interactions i "
            "WHERE a.account_id IN (i.actor_account_id, i.target_account_id)) ORDER BY 1",
        ),
        "interactions": warehouse.rows(
            con,
            "SELECT i.type::VARCHAR, a.external_id, t.external_id, i.occurred_at FROM interactions i "
            "JOIN accounts a ON a.account_id = i.actor_account_id "
            "JOIN accounts t ON t.account_id = i.target_account_id ORDER BY ALL",
        ),
        "hidden": warehouse.rows(con, "SELECT network::VARCHAR, external_id FROM collect_hidden ORDER BY ALL"),
    }


def _four_segments(root) -> None:
    rows = parsed(Tally())
    for start in range(0, len(rows), 4):
        lake.write_segment(root, "bluesky", to_batch(rows[start : start + 4]))


def test_a_backlog_loads_in_batches_to_the_same_warehouse_as_one_load(loaded, tmp_path, monkeypatch):
    whole, *_ = loaded
    monkeypatch.setattr(ingest_module, "BATCH_EVENTS", 5)  # one 4-event segment per batch
    root = tmp_path / "batched" / "sway.duckdb.lake"
    _four_segments(root)
    with warehouse.connect(tmp_path / "batched" / "sway.duckdb") as con:
        report = ingest(con, root, "bluesky")
        assert report.segments == 4 and report.events == 16
        assert warehouse.scalar(con, "SELECT count(*) FROM load_log WHERE kind = 'collect'") >= 2  # one per batch
        assert _stored(con) == _stored(whole)  # deletes and take-downs in later batches reach earlier rows


def test_a_failed_batch_keeps_the_batches_before_it_and_the_next_run_loads_the_rest(loaded, tmp_path, monkeypatch):
    whole, *_ = loaded
    monkeypatch.setattr(ingest_module, "BATCH_EVENTS", 5)
    root = tmp_path / "failing" / "sway.duckdb.lake"
    _four_segments(root)
    real = ingest_module._load_batch
    calls = []

    def third_fails(con, lake_root, network, batch):
        calls.append(batch)
        if len(calls) == 3:
            raise OSError("disk full")
        return real(con, lake_root, network, batch)

    with warehouse.connect(tmp_path / "failing" / "sway.duckdb") as con:
        monkeypatch.setattr(ingest_module, "_load_batch", third_fails)
        with pytest.raises(OSError, match="disk full"):
            ingest(con, root, "bluesky")
        assert warehouse.scalar(con, "SELECT count(*) FROM collect_segments") == 2  # the first two batches landed
        monkeypatch.setattr(ingest_module, "_load_batch", real)
        assert ingest(con, root, "bluesky").segments == 2  # the rest, once each
        assert _stored(con) == _stored(whole)


def test_posts_keep_the_authors_language_tags_as_imports_do(loaded):
    con, *_ = loaded
    languages = dict(warehouse.rows(con, "SELECT external_id, language FROM posts WHERE network = 'bluesky'"))
    assert languages[MIRA_POST] == "en"
    assert languages[CAROL_QUOTE] == "en,de"  # every tag, as core/topics/language.py reads them
    assert languages[f"at://{ERIN}/app.bsky.feed.post/3m7kq334ma22n"] == "ja"


def _frame(did: str, time_us: int, kind: str, body: dict) -> str:
    return json.dumps({"did": did, "time_us": time_us, "kind": kind, kind: body})


def _load(con, root, frames: list[str]) -> None:
    """Parse `frames`, write them as one new segment and load it."""
    lake.write_segment(root, "bluesky", to_batch([bluesky.parse(f, Tally()) for f in frames]))
    with warehouse.transaction(con):
        ingest(con, root, "bluesky")


def test_a_record_replayed_with_another_instances_time_is_not_doubled(loaded):
    con, root, _, _ = loaded
    # A like and a follow without createdAt take the stream time, which each Jetstream instance stamps itself:
    # after a failover the rewind brings them again, 2 s earlier by the other instance's clock.
    like = {"operation": "create", "collection": "app.bsky.feed.like", "rkey": "3zlike", "cid": "b",
            "record": {"$type": "app.bsky.feed.like", "subject": {"uri": MIRA_POST, "cid": "b"}}}  # fmt: skip
    follow = {"operation": "create", "collection": "app.bsky.graph.follow", "rkey": "3zfollow", "cid": "b",
              "record": {"$type": "app.bsky.graph.follow", "subject": CAROL}}  # fmt: skip
    for shift in (0, -2_000_000):
        _load(con, root, [_frame(ERIN, 1764921700000000 + shift, "commit", like),
                          _frame(ERIN, 1764921700000001 + shift, "commit", follow)])  # fmt: skip
    reactions = warehouse.rows(
        con,
        "SELECT i.type::VARCHAR, t.external_id FROM interactions i "
        "JOIN accounts a ON a.account_id = i.actor_account_id JOIN accounts t ON t.account_id = i.target_account_id "
        "WHERE a.external_id = ? AND i.type IN ('like', 'follow') ORDER BY 1",
        [ERIN],
    )
    assert reactions == [("follow", CAROL), ("like", MIRA)]


def test_relay_side_account_states_hide_no_one(loaded):
    con, root, _, _ = loaded
    before = warehouse.scalar(con, "SELECT count(*) FROM posts WHERE network = 'bluesky'")
    # desynchronized and throttled are the relay's view of the account, not the person leaving.
    _load(con, root, [
        _frame(MIRA, 1764921700000000, "account", {"active": False, "did": MIRA, "status": "desynchronized"}),
        _frame(JONAS, 1764921700000001, "account", {"active": False, "did": JONAS, "status": "throttled"}),
        _frame(SPAMMER, 1764921700000002, "account", {"active": False, "did": SPAMMER, "status": "throttled"}),
    ])  # fmt: skip
    assert warehouse.scalar(con, "SELECT count(*) FROM posts WHERE network = 'bluesky'") == before
    # ...and do not unhide one taken down either.
    assert warehouse.rows(con, "SELECT external_id, status FROM collect_hidden") == [(SPAMMER, "takendown")]
    _load(con, root, [_frame(MIRA, 1764921700000003, "account", {"active": False, "did": MIRA, "status": "suspended"})])
    assert warehouse.scalar(con, "SELECT count(*) FROM posts WHERE external_id = ?", [MIRA_POST]) == 0


def test_an_invalid_or_absent_handle_keeps_the_stored_handle_and_name(loaded):
    con, root, _, _ = loaded
    _load(con, root, [
        _frame(MIRA, 1764921700000000, "identity", {"did": MIRA, "handle": "handle.invalid", "seq": 1}),
        _frame(JONAS, 1764921700000001, "identity", {"did": JONAS, "seq": 2}),
    ])  # fmt: skip
    named = dict(
        (did, (handle, name))
        for did, handle, name in warehouse.rows(
            con, "SELECT a.external_id, a.handle, p.name FROM accounts a JOIN people p USING (person_id)"
        )
    )
    assert named[MIRA] == ("mira.runs", "mira.runs")
    assert named[JONAS] == (JONAS, "Jonas Berg")
    # Within one load too: the invalid handle after a good one does not win.
    tally = Tally()
    rows = [
        bluesky.parse(_frame(DAVE, 1764921700000004, "identity", {"did": DAVE, "handle": "dave.example"}), tally),
        bluesky.parse(_frame(DAVE, 1764921700000005, "identity", {"did": DAVE, "handle": "handle.invalid"}), tally),
    ]
    assert [r["handle"] for r in rows] == ["dave.example", None]


def _former_handles(con) -> set[tuple[str, str]]:
    held = "SELECT a.external_id, f.handle FROM account_former_handles f JOIN accounts a USING (account_id)"
    return set(warehouse.rows(con, held))


def test_the_handles_an_account_leaves_are_kept_for_erasure_but_not_a_stub_s_id(loaded):
    con, root, _, _ = loaded
    assert _former_handles(con) == {(MIRA, "mira.bsky.social")}  # renamed to mira.runs within the fixture's load
    _load(con, root, [
        _frame(MIRA, 1764921700000000, "identity", {"did": MIRA, "handle": "mira.trails", "seq": 1}),
        _frame(JONAS, 1764921700000001, "identity", {"did": JONAS, "handle": "jonas.example", "seq": 2}),
        _frame(MIRA, 1764921700000002, "identity", {"did": MIRA, "handle": "handle.invalid", "seq": 3}),
    ])  # fmt: skip
    _load(con, root, [_frame(MIRA, 1764921700000003, "identity", {"did": MIRA, "handle": "Mira.Runs", "seq": 4})])

    # Jonas was a stub named by his DID: that was no handle of his. Mira's return to mira.runs adds no second row.
    assert _former_handles(con) == {(MIRA, "mira.bsky.social"), (MIRA, "mira.runs"), (MIRA, "mira.trails")}


EDITED_TEXT = "Trail running at dusk with @carol.bsky.social #sunsettrail dusk.example/lamps"


def _post_version(operation: str, text: str, facets: list[dict], time_us: int) -> str:
    """A commit of Mira's post (the fixture's first), created or updated with `text` and `facets`."""
    record = {"$type": "app.bsky.feed.post", "createdAt": "2025-12-05T08:00:01.102Z", "langs": ["en"],
              "text": text, "facets": facets}  # fmt: skip
    commit = {"operation": operation, "collection": "app.bsky.feed.post", "rkey": MIRA_POST.rsplit("/", 1)[1],
              "cid": f"bafy{time_us}", "record": record}  # fmt: skip
    return _frame(MIRA, time_us, "commit", commit)


def _facet(kind: str, **fields: str) -> dict:
    feature = {"$type": f"app.bsky.richtext.facet#{kind}", **fields}
    return {"index": {"byteStart": 0, "byteEnd": 1}, "features": [feature]}


def _edit(time_us: int) -> str:
    """Mira's post updated on the network: it now mentions Carol (not Jonas), with another hashtag and link."""
    facets = [
        _facet("mention", did=CAROL),
        _facet("tag", tag="sunsettrail"),
        _facet("link", uri="https://dusk.example/lamps"),
    ]
    return _post_version("update", EDITED_TEXT, facets, time_us)


def _miras_post(con) -> dict[str, object]:
    """Mira's post as stored: its text and url, whom it mentions (interactions and records), who reacted to it and
    whose replies are linked to it."""
    return {
        "post": warehouse.rows(con, "SELECT text, url FROM posts WHERE external_id = ?", [MIRA_POST]),
        "mentions": warehouse.rows(
            con,
            "SELECT t.external_id FROM interactions i JOIN accounts a ON a.account_id = i.actor_account_id "
            "JOIN accounts t ON t.account_id = i.target_account_id "
            "WHERE a.external_id = ? AND i.type = 'mention' AND i.post_id IS NULL ORDER BY 1",
            [MIRA],
        ),
        "records": warehouse.rows(
            con, "SELECT type::VARCHAR, target_key FROM collect_records WHERE uri = ? ORDER BY ALL", [MIRA_POST]
        ),
        "reactions": warehouse.rows(
            con,
            "SELECT a.external_id, i.type::VARCHAR FROM interactions i JOIN posts p ON p.post_id = i.post_id "
            "JOIN accounts a ON a.account_id = i.actor_account_id WHERE p.external_id = ? ORDER BY ALL",
            [MIRA_POST],
        ),
        "replies": warehouse.rows(
            con,
            "SELECT a.external_id FROM posts r JOIN posts p ON r.parent_post_id = p.post_id "
            "JOIN accounts a ON a.account_id = r.account_id WHERE p.external_id = ? ORDER BY 1",
            [MIRA_POST],
        ),
    }


def test_an_updated_post_replaces_its_text_links_and_mentions_and_replays_change_nothing(loaded):
    con, root, _, _ = loaded
    before = _miras_post(con)
    assert sorted(before["reactions"]) == sorted([(CAROL, "mention"), (ERIN, "repost"), (JONAS, "reply")])
    assert before["replies"] == [(JONAS,)]
    _load(con, root, [_edit(1764921700000000)])
    edited = _miras_post(con)
    assert edited == {
        "post": [(EDITED_TEXT, "https://dusk.example/lamps")],
        "mentions": [(CAROL,)],  # Jonas is no longer mentioned: neither interaction nor record is left of it
        "records": [("mention", CAROL)],
        "reactions": before["reactions"],  # the reply, quote and repost of the post stay with it
        "replies": [(JONAS,)],  # Jonas's reply still answers it (its new version has a new id)
    }
    stored, post_id = (
        _stored(con),
        warehouse.scalar(con, "SELECT post_id FROM posts WHERE external_id = ?", [MIRA_POST]),
    )
    original = FIXTURE.read_text(encoding="utf-8").splitlines()[1]
    assert MIRA_POST.rsplit("/", 1)[1] in original
    for replay in ([_edit(1764921700000000)], [original], [_edit(1764921698000000)]):  # the last: another clock
        _load(con, root, replay)
        assert _miras_post(con) == edited and _stored(con) == stored
        assert warehouse.scalar(con, "SELECT post_id FROM posts WHERE external_id = ?", [MIRA_POST]) == post_id


def test_a_post_created_and_updated_in_one_load_is_its_update(tmp_path):
    root = tmp_path / "sway.duckdb.lake"
    facets = [_facet("mention", did=JONAS)]
    create = _post_version("create", "Trail running at dawn with @jonas.bsky.social", facets, 1764921601000000)
    with warehouse.connect(tmp_path / "sway.duckdb") as con:
        _load(con, root, [create, _edit(1764921700000000)])
        assert _miras_post(con) == {
            "post": [(EDITED_TEXT, "https://dusk.example/lamps")],
            "mentions": [(CAROL,)],
            "records": [("mention", CAROL)],
            "reactions": [],
            "replies": [],
        }


def test_an_updated_repost_or_follow_is_not_doubled(loaded):
    con, root, _, _ = loaded
    before = _stored(con)["interactions"]
    # The fixture's repost by Erin and follow by Frank, written again by an update with a new createdAt.
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    updates = []
    for line in (lines[5], lines[6]):
        event = json.loads(line)
        record = {**event["commit"]["record"], "createdAt": "2025-12-05T09:00:00Z"}
        commit = {**event["commit"], "operation": "update", "record": record}
        updates.append(json.dumps({**event, "time_us": event["time_us"] + 100_000_000, "commit": commit}))
    _load(con, root, updates)
    assert _stored(con)["interactions"] == before


def test_a_post_and_its_newest_reply_edited_in_one_load_stay_linked_to_each_other(loaded):
    con, root, _, _ = loaded
    fixture_reply = json.loads(FIXTURE.read_text(encoding="utf-8").splitlines()[2])  # Jonas's reply to Mira's post
    assert fixture_reply["did"] == JONAS and "reply" in fixture_reply["commit"]["record"]

    def reply(operation: str, text: str, time_us: int) -> str:
        """Another reply of Jonas's to Mira's post, made after every fixture post: the newest, with the highest id."""
        record = {**fixture_reply["commit"]["record"], "text": text, "createdAt": "2025-12-05T09:00:00.000Z"}
        commit = {**fixture_reply["commit"], "operation": operation, "rkey": "3m7kq9zzzzz2z", "record": record}
        return json.dumps({**fixture_reply, "time_us": time_us, "commit": commit})

    _load(con, root, [reply("create", "See you there", 1764921690000000)])
    # Both removed and loaded anew in one load: new ids start after the highest left, the reply's old id is reused.
    _load(con, root, [_edit(1764921700000000), reply("update", "See you there at dusk", 1764921700500000)])
    assert _miras_post(con)["replies"] == [(JONAS,), (JONAS,)]
    assert warehouse.rows(
        con,
        "SELECT r.text FROM posts r JOIN posts p ON r.parent_post_id = p.post_id WHERE p.external_id = ? ORDER BY 1",
        [MIRA_POST],
    ) == [("Count me in for tomorrow!",), ("See you there at dusk",)]
    assert warehouse.scalar(con, "SELECT count(*) FROM posts WHERE parent_post_id = post_id") == 0


def _likes_by(con, did: str) -> list[tuple]:
    return warehouse.rows(
        con,
        "SELECT t.external_id, i.occurred_at FROM interactions i JOIN accounts a ON a.account_id = i.actor_account_id "
        "JOIN accounts t ON t.account_id = i.target_account_id WHERE a.external_id = ? AND i.type = 'like'",
        [did],
    )


def _looked_up(kind: str, time_us: int, created: str | None = None) -> dict:
    """A row of Erin's like of Mira's post as a look-up gives it (its key made from who liked what), or the delete
    row a look-up writes when the like is no longer listed."""
    row = empty_row("bluesky", time_us, ERIN, kind)
    row.update(uri=f"at://{ERIN}/app.bsky.feed.like/lookup:{MIRA_POST}", subject=MIRA_POST, subject_did=MIRA)
    if created is not None:
        row["created_at"] = datetime.fromisoformat(created)
    return row


def _load_rows(con, root, rows: list[dict]) -> None:
    lake.write_segment(root, "bluesky", to_batch(rows), stream=False)
    with warehouse.transaction(con):
        ingest(con, root, "bluesky")


@pytest.mark.parametrize("one_load", [False, True])
def test_a_looked_up_like_taken_back_and_given_again_is_loaded_again(loaded, one_load):
    con, root, _, _ = loaded
    rows = [
        _looked_up("like", 1764921700000000, "2025-12-05 08:00:00"),
        _looked_up("delete", 1764921800000000),
        _looked_up("like", 1764921900000000, "2025-12-05 08:05:00"),  # a new like record, so a new createdAt
    ]
    for batch in [rows] if one_load else [[r] for r in rows]:
        _load_rows(con, root, batch)
    assert [str(t) for _, t in _likes_by(con, ERIN)] == ["2025-12-05 08:05:00"]
    _load_rows(con, root, [_looked_up("delete", 1764922000000000)])
    assert _likes_by(con, ERIN) == []


def test_a_looked_up_like_seen_then_taken_back_in_one_load_is_gone(loaded):
    con, root, _, _ = loaded
    _load_rows(con, root, [_looked_up("like", 1764921700000000, "2025-12-05 08:00:00"),
                           _looked_up("delete", 1764921800000000)])  # fmt: skip
    assert _likes_by(con, ERIN) == []


def test_a_deleted_record_stays_deleted_when_replayed_with_a_later_time(loaded):
    con, root, _, _ = loaded
    # A record's deletion is final, whatever time a replay carries (another Jetstream instance's clock).
    subject = {"uri": MIRA_POST, "cid": "b"}
    record = {"$type": "app.bsky.feed.like", "subject": subject, "createdAt": "2025-12-05T08:00:00Z"}
    made = {"operation": "create", "collection": "app.bsky.feed.like", "rkey": "3zgone", "cid": "b", "record": record}
    gone = {"operation": "delete", "collection": "app.bsky.feed.like", "rkey": "3zgone"}
    _load(con, root, [_frame(ERIN, 1764921700000000, "commit", made), _frame(ERIN, 1764921800000000, "commit", gone)])
    _load(con, root, [_frame(ERIN, 1764921900000000, "commit", made)])
    assert _likes_by(con, ERIN) == []


def test_a_looked_up_like_seen_before_its_deletion_stays_out_whichever_load_brings_it(loaded):
    con, root, _, _ = loaded
    # A backlog loaded in several batches may bring the look-up that noticed the unlike before the one that saw
    # the like: the deletion is kept with the time it was noticed, and hides what was seen before it.
    _load_rows(con, root, [_looked_up("delete", 1764921800000000)])
    _load_rows(con, root, [_looked_up("like", 1764921700000000, "2025-12-05 08:00:00")])
    assert _likes_by(con, ERIN) == []
    _load_rows(con, root, [_looked_up("like", 1764921900000000, "2025-12-05 08:05:00")])  # given again, seen later
    assert [str(t) for _, t in _likes_by(con, ERIN)] == ["2025-12-05 08:05:00"]


def _listed(time_us: int, *shown: str) -> dict:
    """The row a first look writes when it read the likes of Mira's post whole: everyone it showed."""
    return listing("bluesky", "like", frozenset(shown), time_us, subject=MIRA_POST, subject_did=MIRA)


def test_a_whole_list_deletes_the_looked_up_likes_it_no_longer_shows(loaded):
    con, root, _, _ = loaded
    _load_rows(con, root, [_looked_up("like", 1764921700000000, "2025-12-05 08:00:00")])
    assert len(_likes_by(con, ERIN)) == 1
    # The collector restarted; its first look read Mira's likes whole and Erin was no longer among them.
    _load_rows(con, root, [_listed(1764921800000000, JONAS)])
    assert _likes_by(con, ERIN) == []
    _load_rows(con, root, [_looked_up("like", 1764921750000000, "2025-12-05 08:00:00")])  # an older sighting, replayed
    assert _likes_by(con, ERIN) == []
    _load_rows(con, root, [_looked_up("like", 1764921900000000, "2025-12-05 08:05:00")])  # given again, seen later
    assert [str(t) for _, t in _likes_by(con, ERIN)] == ["2025-12-05 08:05:00"]
    # A list that shows her keeps the like.
    _load_rows(con, root, [_listed(1764922000000000, ERIN)])
    assert len(_likes_by(con, ERIN)) == 1


def test_in_one_load_a_whole_list_deletes_only_what_was_seen_before_it(loaded):
    con, root, _, _ = loaded
    _load_rows(con, root, [_looked_up("like", 1764921700000000, "2025-12-05 08:00:00"), _listed(1764921800000000)])
    assert _likes_by(con, ERIN) == []
    _load_rows(con, root, [_listed(1764922000000000), _looked_up("like", 1764922100000000, "2025-12-05 08:10:00")])
    assert [str(t) for _, t in _likes_by(con, ERIN)] == ["2025-12-05 08:10:00"]


def test_a_whole_list_of_likes_leaves_real_like_records_and_reposts_alone(loaded):
    con, root, _, _ = loaded
    subject = {"uri": MIRA_POST, "cid": "b"}
    record = {"$type": "app.bsky.feed.like", "subject": subject, "createdAt": "2025-12-05T08:00:00Z"}
    made = {"operation": "create", "collection": "app.bsky.feed.like", "rkey": "3zreal", "cid": "b", "record": record}
    _load(con, root, [_frame(JONAS, 1764921700000000, "commit", made)])  # from the stream: its record's own key
    looked_up_repost = _looked_up("repost", 1764921700000000, "2025-12-05 08:00:00")
    looked_up_repost["uri"] = f"at://{ERIN}/app.bsky.feed.repost/lookup:{MIRA_POST}"
    _load_rows(con, root, [looked_up_repost])
    reposts = warehouse.scalar(con, "SELECT count(*) FROM interactions WHERE type = 'repost'")
    _load_rows(con, root, [_listed(1764921800000000)])
    assert len(_likes_by(con, JONAS)) == 1  # a stream record leaves by its own deletion, not by a list
    assert warehouse.scalar(con, "SELECT count(*) FROM interactions WHERE type = 'repost'") == reposts  # nor reposts


def test_look_ups_load_in_the_order_they_were_made_whatever_times_their_rows_carry(loaded, monkeypatch):
    con, root, _, _ = loaded
    monkeypatch.setattr(ingest_module, "BATCH_EVENTS", 1)  # each segment a load of its own
    # A first look lists Mira's likes whole: nobody. A later look finds Erin's like, with a reply made long ago (a
    # look-up row keeps its record's own time). Named by their rows' times, the later segment would load first and
    # the earlier list would then delete the like it never saw.
    lake.write_segment(root, "bluesky", to_batch([_listed(1764921800000000)]), stream=False)
    reply = empty_row("bluesky", 1700000000000000, JONAS, "post")
    reply.update(uri=f"at://{JONAS}/app.bsky.feed.post/3kold", text="Old", created_at=datetime(2023, 11, 14))
    like = _looked_up("like", 1764921900000000, "2025-12-05 08:05:00")
    lake.write_segment(root, "bluesky", to_batch([reply, like]), stream=False)
    with warehouse.transaction(con):
        ingest(con, root, "bluesky")
    assert [str(t) for _, t in _likes_by(con, ERIN)] == ["2025-12-05 08:05:00"]


CREATED = "2025-12-05T08:10:00Z"
DEACTIVATED = (
    '{"did":"%s","time_us":1764921601000000,"kind":"account",'
    '"account":{"active":false,"did":"%s","seq":1,"status":"deactivated"}}'
)


def _like(did: str, rkey: str, subject: str, time_us: int) -> str:
    record = {
        "$type": "app.bsky.feed.like",
        "subject": {"uri": subject, "cid": "b"},
        "createdAt": "2025-12-05T08:10:00Z",
    }
    commit = {"operation": "create", "collection": "app.bsky.feed.like", "rkey": rkey, "cid": "b", "record": record}
    return _frame(did, time_us, "commit", commit)


def _post_delete(time_us: int) -> str:
    commit = {"operation": "delete", "collection": "app.bsky.feed.post", "rkey": MIRA_POST.rsplit("/", 1)[1]}
    return _frame(MIRA, time_us, "commit", commit)


def _reactions_to(con, did: str) -> list[tuple]:
    return warehouse.rows(
        con,
        "SELECT i.type::VARCHAR, x.external_id FROM interactions i "
        "JOIN accounts a ON a.account_id = i.target_account_id JOIN accounts x ON x.account_id = i.actor_account_id "
        "WHERE a.external_id = ? ORDER BY ALL",
        [did],
    )


@pytest.mark.parametrize("loads", [1, 2, 3])
def test_a_like_of_a_deleted_post_is_gone_however_the_events_fall_into_loads(tmp_path, loads):
    root = tmp_path / "sway.duckdb.lake"
    create = _post_version("create", "Trail running at dawn", [], 1764921601000000)
    frames = [create, _like(JONAS, "3zl1", MIRA_POST, 1764921602000000), _post_delete(1764921603000000)]
    late = _like(CAROL, "3zl2", MIRA_POST, 1764921604000000)  # arrives after the deletion (a replay, a lag)
    with warehouse.connect(tmp_path / "sway.duckdb") as con:
        if loads == 1:
            _load(con, root, [*frames, late])
        elif loads == 2:
            _load(con, root, frames[:2])
            _load(con, root, [frames[2], late])
        else:
            _load(con, root, frames)
            _load(con, root, [late])
        assert _reactions_to(con, MIRA) == []
        assert warehouse.scalar(con, "SELECT count(*) FROM posts WHERE external_id = ?", [MIRA_POST]) == 0


def test_nothing_new_reaches_a_hidden_account_but_posts_naming_them_stay_without_the_name(tmp_path):
    root = tmp_path / "sway.duckdb.lake"
    follow = {"operation": "create", "collection": "app.bsky.graph.follow", "rkey": "3zf1", "cid": "c",
              "record": {"$type": "app.bsky.graph.follow", "subject": MIRA, "createdAt": CREATED}}  # fmt: skip
    mention = {"operation": "create", "collection": "app.bsky.feed.post", "rkey": "3zp1", "cid": "d",
               "record": {"$type": "app.bsky.feed.post", "text": "hi @mira and @carol", "createdAt": CREATED,
                          "facets": [_facet("mention", did=MIRA), _facet("mention", did=CAROL)]}}  # fmt: skip
    quote = {"operation": "create", "collection": "app.bsky.feed.post", "rkey": "3zq1", "cid": "e",
             "record": {"$type": "app.bsky.feed.post", "text": "look at this", "createdAt": CREATED,
                        "embed": {"$type": "app.bsky.embed.record",
                                  "record": {"uri": MIRA_POST, "cid": "b"}}}}  # fmt: skip
    with warehouse.connect(tmp_path / "sway.duckdb") as con:
        _load(con, root, [_post_version("create", "Trail running at dawn", [], 1764921600000000)])
        _load(con, root, [DEACTIVATED % (MIRA, MIRA)])
        _load(con, root, [
            _frame(JONAS, 1764921602000000, "commit", follow),
            _frame(JONAS, 1764921603000000, "commit", mention),
            _like(CAROL, "3zl3", MIRA_POST, 1764921604000000),
            _frame(CAROL, 1764921605000000, "commit", quote),
        ])  # fmt: skip
        assert _reactions_to(con, MIRA) == []
        assert warehouse.scalar(con, "SELECT text FROM posts WHERE external_id LIKE '%3zq1'") == "look at this"
        assert _reactions_to(con, CAROL) == [("mention", JONAS)]
        assert warehouse.scalar(con, "SELECT text FROM posts WHERE external_id LIKE '%3zp1'") == "hi @mira and @carol"


def _profile(did: str, time_us: int, operation: str, **fields: str) -> str:
    record = {"$type": "app.bsky.actor.profile", **fields}
    commit = {
        "operation": operation,
        "collection": "app.bsky.actor.profile",
        "rkey": "self",
        "cid": "p",
        "record": record,
    }
    return _frame(did, time_us, "commit", commit)


def _jonas(con) -> list[tuple]:
    return warehouse.rows(
        con,
        "SELECT a.display_name, a.bio, p.name FROM accounts a JOIN people p USING (person_id) WHERE a.external_id = ?",
        [JONAS],
    )


def test_a_display_name_or_bio_cleared_on_the_network_is_cleared_in_sway(loaded):
    con, root, *_ = loaded
    assert _jonas(con) == [("Jonas Berg", "Runner, coffee, mountains.", "Jonas Berg")]
    handle = warehouse.scalar(con, "SELECT handle FROM accounts WHERE external_id = ?", [JONAS])
    _load(con, root, [_profile(JONAS, 1764921700000000, "update", description="Now only a bio")])
    assert _jonas(con) == [(None, "Now only a bio", handle)]  # named by their handle once the name is gone
    _load(con, root, [_profile(JONAS, 1764921800000000, "update")])
    assert _jonas(con) == [(None, None, handle)]


def test_a_new_account_whose_profile_has_no_name_is_named_by_its_handle(tmp_path):
    root = tmp_path / "sway.duckdb.lake"
    identity = json.dumps(
        {
            "did": FRANK,
            "time_us": 1764921600000000,
            "kind": "identity",
            "identity": {"did": FRANK, "handle": "frank.example", "seq": 1},
        }
    )
    with warehouse.connect(tmp_path / "sway.duckdb") as con:
        _load(con, root, [identity, _profile(FRANK, 1764921601000000, "create", description="hello")])
        named = warehouse.rows(
            con,
            "SELECT a.display_name, a.bio, p.name FROM accounts a JOIN people p USING (person_id) "
            "WHERE a.external_id = ?",
            [FRANK],
        )
        assert named == [(None, "hello", "frank.example")]


def test_every_load_deletes_files_a_killed_write_left_behind(loaded):
    con, root, *_ = loaded
    segment = lake.segments(root, "bluesky")[0]
    stray = root / (segment.name + ".x" + lake.SUFFIX + lake.PARTIAL)
    stray.write_bytes((root / segment.name).read_bytes())
    old = stray.stat().st_mtime - lake.STALE_PARTIAL_SECONDS - 1
    os.utime(stray, (old, old))
    with warehouse.transaction(con):
        ingest(con, root, "bluesky")  # nobody erased: no scrub is pending
    assert not stray.exists()
