"""Mastodon through the same connector interface and lake: hashtag and account timelines, replies, mentions,
boosts and favourites of watched posts land in the warehouse as network 'mastodon'; polling again adds nothing.
A restart reads on from the stored cursor, hashtags come live from the stream (deletions too), and favourites that
come after a post was first seen are collected."""

import asyncio
import io
import json
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from core import privacy
from core.cli.collect import run_job
from core.collect import lake, mastodon
from core.collect.collector import Collector, Schedule
from core.collect.events import Row, to_batch
from core.collect.ingest import ingest
from core.collect.mastodon import MastodonConnector
from core.collect.params import CollectParams
from core.db import warehouse
from core.workspace.access import LOCAL
from tests.fakes.loop import run_async
from tests.fakes.mastodon import FakeMastodon, account, snowflake, status

ANA = account("101", "ana", display_name="Ana Lima", note="<p>Trail runner &amp; coach</p>", followers_count=900)
BEN = account("102", "ben@other.example")
CARLA = account("103", "carla")
ANA_POST = status(
    "9001", ANA, "<p>Sunrise loop today <a href='x'>#trail</a></p>", "2025-12-05T08:00:00.000Z",
    tags=[{"name": "trail"}], favourites_count=1,
)  # fmt: skip
BEN_REPLY = status(
    "9002", BEN, "<p>@ana wow!</p>", "2025-12-05T08:05:00.000Z",
    in_reply_to_id="9001", in_reply_to_account_id="101", mentions=[{"id": "101", "acct": "ana"}], language="pt",
)  # fmt: skip
CARLA_BOOST = status("9003", CARLA, "", "2025-12-05T08:06:00.000Z", reblog=ANA_POST)


def test_timelines_reach_the_warehouse_as_mastodon_posts_and_reactions(tmp_path):
    server = FakeMastodon(
        tags={"trail": [BEN_REPLY, ANA_POST]},
        accounts={"ana": ANA},
        statuses={"101": [ANA_POST]},
        favourites={"9001": [CARLA]},
    ).start()
    db = tmp_path / "sway.duckdb"
    params = CollectParams(segment_seconds=0.2, report_seconds=0.5, ingest_seconds=3600)
    connector = MastodonConnector(server.url, tags=["#trail"], accounts=["ana"], params=params, poll_seconds=0.3)
    try:
        run_async(
            Collector(
                connector, db, run_job, params=params, schedule=Schedule(refresh=False), stop_after_idle=1.5
            ).run()
        )
        second_poll = connector.poll()  # nothing new since the last status seen in each timeline
    finally:
        server.stop()
    assert second_poll == []
    host = server.url.split("//")[1]
    with warehouse.connect(db) as con:
        posts = warehouse.rows(
            con,
            "SELECT external_id, text, kind::VARCHAR, language FROM posts WHERE network = 'mastodon' "
            "ORDER BY posted_at",
        )
        reactions = set(
            warehouse.rows(
                con,
                "SELECT a.handle, t.handle, i.type::VARCHAR FROM interactions i "
                "JOIN accounts a ON a.account_id = i.actor_account_id "
                "JOIN accounts t ON t.account_id = i.target_account_id WHERE i.network = 'mastodon'",
            )
        )
        ana = warehouse.rows(con, "SELECT display_name, bio, followers FROM accounts WHERE external_id = ?",
                             [f"{host}/accounts/101"])  # fmt: skip
    assert posts == [
        (f"{host}/statuses/9001", "Sunrise loop today #trail", "post", "en"),
        (f"{host}/statuses/9002", "@ana wow!", "reply", "pt"),  # the status's own language
    ]
    assert reactions == {
        ("ben@other.example", f"ana@{host}", "reply"),
        ("ben@other.example", f"ana@{host}", "mention"),
        (f"carla@{host}", f"ana@{host}", "like"),  # a favourite of the watched account's post
    }
    assert ana == [("Ana Lima", "Trail runner & coach", 900)]


def test_a_boost_in_a_watched_timeline_is_a_repost():
    server = FakeMastodon(tags={}, accounts={"carla": CARLA}, statuses={"103": [CARLA_BOOST]}, favourites={}).start()
    try:
        rows = MastodonConnector(server.url, accounts=["carla"]).poll()
    finally:
        server.stop()
    host = server.url.split("//")[1]
    boosts = [r for r in rows if r["kind"] == "repost"]
    assert [(r["did"], r["subject"], r["subject_did"]) for r in boosts] == [
        (f"{host}/accounts/103", f"{host}/statuses/9001", f"{host}/accounts/101")
    ]


def test_a_burst_larger_than_a_page_between_polls_is_read_whole():
    author = account("300", "busy")
    first = [status("1000", author, "<p>#sway one</p>", "2026-11-01T10:00:00.000Z")]
    server = FakeMastodon(tags={"sway": first}, accounts={}, statuses={}, favourites={}).start()
    try:
        connector = MastodonConnector(server.url, tags=["sway"])
        assert len([r for r in connector.poll() if r["kind"] == "post"]) == 1
        burst = [
            status(str(1001 + n), author, f"<p>#sway post {n}</p>", "2026-11-01T11:00:00.000Z") for n in range(100)
        ]
        server.tags["sway"] = burst[::-1] + first  # newest first, as Mastodon serves them
        posts = [r for r in connector.poll() if r["kind"] == "post"]
        again = [r for r in connector.poll() if r["kind"] == "post"]
    finally:
        server.stop()
    host = server.url.split("//")[1]
    assert sorted(r["uri"] for r in posts) == sorted(f"{host}/statuses/{1001 + n}" for n in range(100))
    assert again == []  # nothing new: nothing read twice


FAST = CollectParams(segment_seconds=0.2, report_seconds=0.5, ingest_seconds=3600, backoff_seconds=0.05)


def iso(seconds: float) -> str:
    """A time (seconds since 1970) as Mastodon writes it."""
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def collect(server: FakeMastodon, db: Path, *, log: io.StringIO | None = None, **options) -> MastodonConnector:
    """One collector run against `server` until 1.5 s pass without an event, then a load into `db`."""
    connector = MastodonConnector(server.url, params=FAST, poll_seconds=0.3, **options)
    log = log or io.StringIO()
    schedule = Schedule(refresh=False)
    run_async(Collector(connector, db, run_job, params=FAST, schedule=schedule, stop_after_idle=1.5, log=log).run())
    return connector


def lake_rows(db: Path) -> list[Row]:
    found = lake.lake_dir(db)
    return lake.read_segments(found, lake.segments(found, "mastodon")).to_pylist()


def post_keys(db: Path) -> list[str]:
    with warehouse.connect(db) as con:
        return [k for (k,) in warehouse.rows(con, "SELECT external_id FROM posts WHERE network = 'mastodon'")]


async def next_post(out: asyncio.Queue) -> Row:
    """The next post row the connector puts out (the author's profile row comes before it)."""
    while (row := await out.get())["kind"] != "post":
        pass
    return row


def test_a_restart_reads_everything_posted_while_it_was_down_and_stores_it_once(tmp_path):
    author = account("400", "steady")
    before = iso(time.time() - 60)
    first = status(snowflake(before), author, "<p>#sway before</p>", before)
    server = FakeMastodon(tags={"sway": [first]}, accounts={}, statuses={}, favourites={}).start()
    db = tmp_path / "sway.duckdb"
    try:
        collect(server, db, tags=["sway"])
        # While it is down, 100 tagged posts (two and a half pages): a first poll of the latest page would get 40.
        down = iso(time.time())
        burst = [status(snowflake(down, n), author, f"<p>#sway post {n}</p>", down) for n in range(100)]
        server.tags["sway"] = [*burst[::-1], first]  # newest first, as Mastodon serves them
        collect(server, db, tags=["sway"])
    finally:
        server.stop()
    host = server.url.split("//")[1]
    assert sorted(post_keys(db)) == sorted(f"{host}/statuses/{s['id']}" for s in [first, *burst])
    # The rewind read the post stored before the restart again; the load kept it once.
    assert [r["uri"] for r in lake_rows(db) if r["kind"] == "post"].count(f"{host}/statuses/{first['id']}") == 2


def test_a_tagged_post_comes_from_the_stream_within_seconds_without_waiting_for_a_poll():
    server = FakeMastodon(tags={"sway": []}, accounts={}, statuses={}, favourites={}).start()
    connector = MastodonConnector(server.url, tags=["sway"], poll_seconds=3600)  # one poll at the start, no more
    created = iso(time.time())
    post = status(snowflake(created), account("500", "quick"), "<p>live <a>#sway</a></p>", created)

    async def scenario() -> tuple[bool, Row, float]:
        out: asyncio.Queue[Row] = asyncio.Queue()
        task = asyncio.create_task(connector.stream(None, out))
        try:
            streaming = await asyncio.to_thread(server.wait_for_stream, "sway")
            pushed = time.monotonic()
            server.push("sway", "update", json.dumps(post))
            row = await asyncio.wait_for(next_post(out), 2.0)
            return streaming, row, time.monotonic() - pushed
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    try:
        streaming, row, seconds = run_async(scenario())
    finally:
        server.stop()
    host = server.url.split("//")[1]
    assert streaming
    assert (row["uri"], row["text"]) == (f"{host}/statuses/{post['id']}", "live #sway")
    assert seconds < 2
    assert len([c for c in server.calls if "/timelines/tag/" in c]) == 1  # the first poll only


def test_a_post_deleted_on_the_stream_leaves_the_warehouse_and_the_token_is_kept_nowhere(tmp_path):
    created = iso(time.time() - 30)
    post = status(snowflake(created), account("600", "oops"), "<p>#sway typo</p>", created)
    server = FakeMastodon(tags={"sway": [post]}, accounts={}, statuses={}, favourites={}, stream_token="s3cret").start()
    db = tmp_path / "sway.duckdb"
    log = io.StringIO()

    def delete_once_streaming() -> None:
        if server.wait_for_stream("sway", opened=2):  # the restart's stream, not the first run's
            server.push("sway", "delete", post["id"])

    try:
        collect(server, db, tags=["sway"], token="s3cret", log=log)  # the post, read by the first poll
        loaded = post_keys(db)
        deleter = threading.Thread(target=delete_once_streaming)
        deleter.start()
        collect(server, db, tags=["sway"], token="s3cret", log=log)  # the stream says it was deleted
        deleter.join()
    finally:
        server.stop()
    host = server.url.split("//")[1]
    key = f"{host}/statuses/{post['id']}"
    assert loaded == [key]
    assert post_keys(db) == []
    assert [r["uri"] for r in lake_rows(db) if r["kind"] == "delete"] == [key]
    state = [p.read_text(encoding="utf-8") for p in lake.lake_dir(db).rglob("*") if p.suffix == ".json"]
    assert state and "s3cret" not in f"{lake_rows(db)} {state} {log.getvalue()}"


def test_a_deletion_names_the_author_of_a_status_this_collector_saw_and_no_one_otherwise(monkeypatch):
    monkeypatch.setattr(mastodon, "REMEMBERED_AUTHORS", 2)
    connector = MastodonConnector("https://social.example", tags=["sway"])
    created = iso(time.time())
    first, second, third = (
        status(snowflake(created, n), account(str(600 + n), f"user{n}"), "<p>#sway</p>", created) for n in range(3)
    )
    for seen in (first, second, first, third):  # the first is seen again (a poll) after the second
        connector.post(seen)
    assert connector.deletion(third["id"])["did"] == "social.example/accounts/602"
    assert connector.deletion(first["id"])["did"] == "social.example/accounts/600"
    assert connector.deletion(second["id"])["did"] is None  # the least recently seen, past the two remembered
    assert connector.deletion("12345")["did"] is None  # never seen: ingest looks its author up in the warehouse


def test_an_instance_typed_in_capitals_keys_accounts_as_its_lower_case_host():
    created = iso(time.time())
    post = status(snowflake(created, 1), account("601", "user1"), "<p>#sway</p>", created)
    rows = [
        MastodonConnector(url, tags=["sway"]).post(post)
        for url in ("https://Social.Example/", "https://social.example")
    ]
    assert [r["did"] for r in rows] == ["social.example/accounts/601"] * 2
    assert rows[0]["uri"] == rows[1]["uri"]


def test_odd_statuses_are_counted_and_the_others_collected_without_stopping_the_collector(tmp_path):
    created = "2025-12-05T09:00:00.000Z"
    odd_type = status("9101", ANA, "<p>#trail one</p>", created, tags=[{"name": "trail"}], language={"en": 1})
    no_account = status("9102", ANA, "<p>#trail</p>", created)
    del no_account["account"]
    fine = status("9103", ANA, "<p>#trail two</p>", created, tags=[{"name": "trail"}])
    server = FakeMastodon(tags={"trail": [odd_type, no_account, fine]}, accounts={}, statuses={}, favourites={}).start()
    try:
        connector = collect(server, tmp_path / "sway.duckdb", tags=["trail"])
    finally:
        server.stop()
    assert sorted(post_keys(tmp_path / "sway.duckdb")) == [f"{connector.host}/statuses/9103"]
    assert connector.link.tally.counts == {"malformed status": 1, "event with a value of an unexpected type": 1}
    assert all("Ana" not in sample for sample in connector.link.tally.samples)  # shapes, never content


def test_a_refused_stream_falls_back_to_polling_and_says_to_give_a_token():
    server = FakeMastodon(tags={"sway": []}, accounts={}, statuses={}, favourites={}, stream_token="s3cret").start()
    connector = MastodonConnector(server.url, tags=["sway"], poll_seconds=0.2)  # no token: refused
    created = iso(time.time())
    post = status(snowflake(created), account("700", "patient"), "<p>#sway polled</p>", created)

    async def scenario() -> Row:
        out: asyncio.Queue[Row] = asyncio.Queue()
        task = asyncio.create_task(connector.stream(None, out))
        try:
            for _ in range(50):
                if connector.link.last_error:
                    break
                await asyncio.sleep(0.1)
            server.tags["sway"] = [post]
            return await asyncio.wait_for(next_post(out), 2.0)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    try:
        row = run_async(scenario())
    finally:
        server.stop()
    host = server.url.split("//")[1]
    assert row["uri"] == f"{host}/statuses/{post['id']}"  # polling goes on
    problem = connector.link.last_error or ""
    assert "#sway" in problem and "access token" in problem and "--token" in problem, problem
    assert len([c for c in server.calls if "/streaming/" in c]) == 1  # asked once, not again and again


def test_a_favourite_after_the_first_poll_is_collected_later_and_unchanged_counts_cost_no_lookup():
    created = iso(time.time() - 3600)
    post = status(snowflake(created), ANA, "<p>new shoes</p>", created)
    server = FakeMastodon(tags={}, accounts={"ana": ANA}, statuses={"101": [post]}, favourites={}).start()

    def favourite_lookups() -> int:
        return len([c for c in server.calls if c.endswith("/favourited_by")])

    try:
        connector = MastodonConnector(server.url, accounts=["ana"])
        connector.recheck_seconds = 0  # re-read the watched posts on every poll
        first = connector.poll()  # the post, not favourited yet
        post["favourites_count"] = 1  # then Carla favourites it
        server.favourites[post["id"]] = [CARLA]
        second = connector.poll()
        lookups = favourite_lookups()
        third = connector.poll()
    finally:
        server.stop()
    host = server.url.split("//")[1]
    likes = [r for r in second if r["kind"] == "like"]
    assert [r for r in first if r["kind"] == "like"] == []
    assert [(r["did"], r["subject"]) for r in likes] == [(f"{host}/accounts/103", f"{host}/statuses/{post['id']}")]
    # Timed when first seen: the post's time would put it an hour in the past.
    assert likes[0]["created_at"] > datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=1)
    assert [r for r in third if r["kind"] == "like"] == []
    assert (lookups, favourite_lookups()) == (1, 1)  # the unchanged count cost no second look-up


def test_a_status_seen_before_and_after_its_link_card_is_one_post_and_an_edit_replaces_its_text(tmp_path):
    connector = MastodonConnector("https://social.example", tags=["trail"])
    author = account("7", "mira")
    made = datetime.now(UTC) - timedelta(minutes=2)  # mastodon-py gives times as datetimes
    posted = status("5001", author, "<p>New lamps https://dusk.example/lamps</p>", made)
    carded = {**posted, "card": {"url": "https://dusk.example/lamps"}}  # fetched by the instance after posting
    edited = {**carded, "content": "<p>New lamps, now in blue</p>", "edited_at": made + timedelta(minutes=1)}
    db, root = tmp_path / "sway.duckdb", tmp_path / "sway.duckdb.lake"

    def load(version: dict) -> tuple:
        lake.write_segment(root, "mastodon", to_batch([connector.profile(author), connector.post(version)]))
        with warehouse.connect(db) as con, warehouse.transaction(con):
            ingest(con, root, "mastodon")
        with warehouse.connect(db) as con:
            return warehouse.rows(con, "SELECT post_id, text FROM posts")[0]

    first = load(posted)
    assert load(carded) == first  # the card changes nothing: same post, same id (replies and corrections keep it)
    with warehouse.connect(db) as con:
        assert warehouse.scalar(con, "SELECT count(*) FROM collect_deleted") == 0  # not taken for an edit
    post_id, text = load(edited)
    assert text == "New lamps, now in blue"
    assert load(carded) == (post_id, text)  # the version before the edit, polled again late, stays replaced
    with warehouse.connect(db) as con:
        assert warehouse.rows(con, "SELECT uri FROM collect_deleted") == [("social.example/statuses/5001#edited",)]
        person = warehouse.scalar(con, "SELECT person_id FROM accounts")
        privacy.erase_person(con, LOCAL, person)
        assert warehouse.rows(con, "SELECT uri FROM collect_deleted") == []  # the note about her post went with her


def test_a_streamed_update_without_a_status_shape_is_counted_with_its_shape_only_and_nothing_is_put_out():
    connector = MastodonConnector("https://social.example", tags=["sway"])
    out: asyncio.Queue = asyncio.Queue()
    broken = {"id": "5002", "content": "<p>Call me, Mira Torvalen</p>"}  # no account: not a status
    run_async(connector.streamed("update", broken, out))
    assert out.empty()
    assert connector.link.tally.counts == {"malformed streamed status": 1}
    (sample,) = connector.link.tally.samples
    assert '"content": "<str 29>"' in sample and "Mira" not in sample and "5002" not in sample


def test_favourites_are_read_page_after_page_all_at_first_sight_and_only_the_growth_later():
    created = iso(time.time() - 3600)
    post = status(snowflake(created), ANA, "<p>summit</p>", created, favourites_count=100)
    fans = [account(str(5000 + i), f"fan{i}@social.example") for i in range(130)]
    server = FakeMastodon(
        tags={}, accounts={"ana": ANA}, statuses={"101": [post]}, favourites={post["id"]: fans[:100][::-1]}
    ).start()

    def pages() -> list[str]:
        return [c.split("favourited_by")[1] for c in server.calls if "/favourited_by" in c]

    try:
        connector = MastodonConnector(server.url, accounts=["ana"])
        connector.recheck_seconds = 0
        first = connector.poll()
        at_first_sight = pages()
        post["favourites_count"] = 130  # 30 more: newest first, so on the first page
        server.favourites[post["id"]][:0] = fans[100:][::-1]
        later = connector.poll()
    finally:
        server.stop()
    host = server.url.split("//")[1]
    assert at_first_sight == ["", "?max_id=40", "?max_id=80"]  # 40 + 40 + 20
    assert {r["did"] for r in first if r["kind"] == "like"} == {f"{host}/accounts/{f['id']}" for f in fans[:100]}
    assert pages()[3:] == [""]  # the 30 new ones fit the first page
    assert {r["did"] for r in later if r["kind"] == "like"} >= {f"{host}/accounts/{f['id']}" for f in fans[100:]}


def test_an_unfavourite_and_an_unboost_leave_the_warehouse_and_a_favourite_given_again_returns(tmp_path):
    created = iso(time.time() - 3600)
    post = status(snowflake(created), ANA, "<p>ridge</p>", created, favourites_count=2, reblogs_count=45)
    boosters = [account(str(6000 + i), f"booster{i}@social.example") for i in range(45)]
    server = FakeMastodon(
        tags={},
        accounts={"ana": ANA},
        statuses={"101": [post]},
        favourites={post["id"]: [CARLA, BEN]},
        boosts={post["id"]: boosters[::-1]},  # newest first: two pages
    ).start()
    con = warehouse.connect(tmp_path / "sway.duckdb")
    root = tmp_path / "sway.duckdb.lake"

    def load(rows: list[Row]) -> None:
        if not rows:
            return
        lake.write_segment(root, "mastodon", to_batch(rows))
        with warehouse.transaction(con):
            ingest(con, root, "mastodon")

    def reactions() -> dict[str, set[str]]:
        found = warehouse.rows(
            con,
            "SELECT i.type::VARCHAR, a.handle FROM interactions i JOIN accounts a ON a.account_id = i.actor_account_id "
            "WHERE a.account_id <> i.target_account_id",
        )
        return {kind: {handle for k, handle in found if k == kind} for kind in ("like", "repost")}

    try:
        connector = MastodonConnector(server.url, accounts=["ana"])
        connector.recheck_seconds = 0
        load(connector.poll())
        assert reactions() == {"like": {"carla@" + connector.host, "ben@other.example"}, "repost": {
            f"booster{i}@social.example" for i in range(45)}}  # fmt: skip
        # Ben takes his favourite back and the first booster (on the second page) unboosts.
        post |= {"favourites_count": 1, "reblogs_count": 44}
        server.favourites[post["id"]] = [CARLA]
        server.boosts[post["id"]] = boosters[1:][::-1]
        taken_back = connector.poll()
        load(taken_back)
        assert reactions() == {"like": {"carla@" + connector.host}, "repost": {
            f"booster{i}@social.example" for i in range(1, 45)}}  # fmt: skip
        post["favourites_count"] = 2  # Ben favourites it again
        server.favourites[post["id"]].insert(0, BEN)
        load(connector.poll())
        assert reactions()["like"] == {"carla@" + connector.host, "ben@other.example"}
    finally:
        server.stop()
        con.close()
    host = server.url.split("//")[1]
    # Each names the post and its author too, so an erasure of any of them finds it in the lake.
    assert sorted((r["did"], r["subject"], r["subject_did"]) for r in taken_back if r["kind"] == "delete") == [
        (f"{host}/accounts/{who['id']}", f"{host}/statuses/{post['id']}", f"{host}/accounts/{ANA['id']}")
        for who in (BEN, boosters[0])]  # fmt: skip


def _load(con, root: Path, rows: list[Row]) -> None:
    """Store the rows of a poll as a segment and load them."""
    assert rows
    lake.write_segment(root, "mastodon", to_batch(rows))
    with warehouse.transaction(con):
        ingest(con, root, "mastodon")


def _reacting(con, kind: str) -> set[str]:
    """The handles of everyone with a reaction of `kind` to someone else."""
    found = warehouse.rows(
        con,
        "SELECT a.handle FROM interactions i JOIN accounts a ON a.account_id = i.actor_account_id "
        "WHERE i.type = ? AND a.account_id <> i.target_account_id",
        [kind],
    )
    return {handle for (handle,) in found}


def test_a_favourite_taken_back_while_the_collector_was_stopped_leaves_at_its_first_poll_after_a_restart(tmp_path):
    created = iso(time.time() - 3600)
    post = status(snowflake(created), ANA, "<p>ridge</p>", created, favourites_count=2)
    server = FakeMastodon(
        tags={}, accounts={"ana": ANA}, statuses={"101": [post]}, favourites={post["id"]: [CARLA, BEN]}
    ).start()
    con = warehouse.connect(tmp_path / "sway.duckdb")
    root = tmp_path / "sway.duckdb.lake"
    try:
        _load(con, root, MastodonConnector(server.url, accounts=["ana"]).poll())
        host = server.url.split("//")[1]
        assert _reacting(con, "like") == {f"carla@{host}", "ben@other.example"}
        # Stopped; Ben takes his favourite back. The restarted connector remembers nothing of the post's favourites,
        # but reads them whole at its first sight, and the list it writes no longer shows Ben.
        post["favourites_count"] = 1
        server.favourites[post["id"]] = [CARLA]
        restarted = MastodonConnector(server.url, accounts=["ana"]).poll()
        _load(con, root, restarted)
        assert _reacting(con, "like") == {f"carla@{host}"}
    finally:
        server.stop()
        con.close()
    lists = [r for r in restarted if r["kind"] == "listed"]
    assert [(r["uri"], r["mentions"]) for r in lists] == [
        (f"{host}/statuses/{post['id']}#like", [f"{host}/accounts/{CARLA['id']}"]),
        (f"{host}/statuses/{post['id']}#repost", []),
    ]


def test_replies_to_a_watched_post_are_looked_up_and_one_deleted_leaves_while_a_hidden_or_suspended_one_stays(
    tmp_path,
):
    created = iso(time.time() - 3600)
    post = status(snowflake(created), ANA, "<p>ridge</p>", created, replies_count=3)
    parent = {"in_reply_to_id": post["id"], "in_reply_to_account_id": ANA["id"]}
    dora = account("7001", "dora@other.example")

    def reply(number: int, author: dict) -> dict:
        made = iso(time.time() - 600 + number)
        return status(snowflake(made, number), author, f"<p>reply {number}</p>", made, **parent)

    deleted, hidden, suspended = reply(1, CARLA), reply(2, BEN), reply(3, dora)
    server = FakeMastodon(
        tags={},
        accounts={"ana": ANA, "carla": CARLA, "ben@other.example": BEN, "dora@other.example": dora},
        statuses={"101": [post]},
        favourites={},
        replies={post["id"]: [deleted, hidden, suspended]},
    ).start()
    con = warehouse.connect(tmp_path / "sway.duckdb")
    root = tmp_path / "sway.duckdb.lake"
    try:
        connector = MastodonConnector(server.url, accounts=["ana"])
        connector.recheck_seconds = 0
        _load(con, root, connector.poll())
        host = server.url.split("//")[1]
        assert _reacting(con, "reply") == {f"carla@{host}", "ben@other.example", "dora@other.example"}
        # Carla deletes her reply; Ana hides Ben's (the instance still shows it by id); Dora's account is suspended.
        post["replies_count"] = 0
        server.replies[post["id"]] = []
        server.hidden = [hidden]
        server.suspended = {dora["id"]}
        server.failing = True  # the instance cannot say which are gone: nothing is deleted, the look waits
        assert [r for r in connector.poll() if r["kind"] == "delete"] == []
        server.failing = False
        _load(con, root, connector.poll())
        assert _reacting(con, "reply") == {"ben@other.example", "dora@other.example"}
    finally:
        server.stop()
        con.close()
    assert [c for c in server.calls if c.endswith("/context")] == [f"/api/v1/statuses/{post['id']}/context"] * 3
