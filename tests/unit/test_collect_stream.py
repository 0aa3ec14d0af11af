"""The collector against a local fake Jetstream: nothing lost and nothing doubled across a kill -9 of the real
process and across a connection the server drops mid-batch; with a watch list, reactions by people not watched
(which the stream does not send) come from the AppView's re-checks."""

import asyncio
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from core.cli.collect import run_job
from core.collect import bluesky, lake
from core.collect.collector import Collector, Schedule
from core.collect.jetstream import BlueskyConnector
from core.collect.lake import lake_dir, segments, stored_cursor
from core.collect.params import CollectParams
from core.collect.status import state_path
from core.db import warehouse
from tests.fakes.appview import FakeAppView, like, post_view, profile
from tests.fakes.jetstream import FakeJetstream, frame_time
from tests.fakes.loop import run_async
from tests.fakes.stream import generate

REPO = Path(__file__).resolve().parents[2]
FAST = CollectParams(segment_seconds=0.3, backoff_seconds=0.05, report_seconds=0.5, ingest_seconds=3600)


def counts(db: Path) -> tuple[int, int, int]:
    """(posts, interactions, duplicate interactions) of the Bluesky network in `db`."""
    with warehouse.connect(db) as con:
        posts = warehouse.scalar(con, "SELECT count(*) FROM posts WHERE network = 'bluesky'")
        interactions = warehouse.scalar(con, "SELECT count(*) FROM interactions WHERE network = 'bluesky'")
        distinct = warehouse.scalar(
            con,
            "SELECT count(*) FROM (SELECT DISTINCT actor_account_id, target_account_id, post_id, type, occurred_at "
            "FROM interactions WHERE network = 'bluesky')",
        )
    return posts, interactions, interactions - distinct


def collect_command(db: Path, url: str, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "core.cli.collect", "bluesky", "--jetstream", url, "--appview", "none",
        "--no-refresh", "--stop-after-idle", "2", *extra,
    ]  # fmt: skip


def test_a_collector_killed_with_sigkill_resumes_without_loss_or_duplicates(tmp_path):
    stream = generate(4_000, people=300, step_us=10_000)  # 40 s of stream: the 5 s rewind replays a part
    server = FakeJetstream(stream.frames, pace_seconds=0.001).start()
    db = tmp_path / "sway.duckdb"
    env = {**os.environ, "SWAY_DB": str(db)}
    try:
        first = subprocess.Popen(
            collect_command(db, server.url, "--no-ingest"), cwd=REPO, env=env, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 60
        while len(segments(lake_dir(db), "bluesky")) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        cursor = stored_cursor(lake_dir(db), "bluesky")
        assert cursor is not None and server.sent < len(stream.frames)  # killed mid-stream, after storing some
        # The restart runs in this process (a second interpreter start would only cost time).
        connector = BlueskyConnector(jetstreams=[server.url], appview_url=None, params=FAST)
        restart = Collector(connector, db, run_job, params=FAST, schedule=Schedule(refresh=False), stop_after_idle=2)
        run_async(restart.run())
    finally:
        server.stop()
    # The restart asked for the stored cursor rewound five seconds, and the load de-duplicated the overlap.
    assert server.cursors == [None, cursor - 5_000_000]
    assert counts(db) == (stream.posts, stream.interactions, 0)


def test_a_dropped_connection_is_resumed_from_the_last_event_and_nothing_doubles(tmp_path):
    stream = generate(1_500, people=200, seed=2)
    # The first connection ends after 700 frames, mid-segment; the collector fails over to the "other" instance.
    server = FakeJetstream(stream.frames, drop_after=700).start()
    db = tmp_path / "sway.duckdb"
    connector = BlueskyConnector(jetstreams=[server.url, server.url], appview_url=None, params=FAST)
    collector = Collector(connector, db, run_job, params=FAST, schedule=Schedule(refresh=False), stop_after_idle=1.5)
    try:
        state = run_async(collector.run())
    finally:
        server.stop()
    assert connector.link.reconnects >= 1
    assert len(server.cursors) >= 2 and server.cursors[1] is not None
    assert state.cursor_us == frame_time(stream.frames[-1])
    assert counts(db) == (stream.posts, stream.interactions, 0)


def _shifted(frames: list[str], us: int) -> list[str]:
    """The frames as an instance whose clock is `us` ahead stamps them (each Jetstream instance sets time_us)."""
    return [json.dumps({**(e := json.loads(f)), "time_us": e["time_us"] + us}, separators=(",", ":")) for f in frames]


def test_a_failover_to_an_instance_whose_clock_is_behind_loses_nothing_and_doubles_nothing(tmp_path):
    stream = generate(1_500, people=200, seed=2, step_us=10_000)
    # Instance A stamps every event 2 s later than B; it drops the connection after 700 frames.
    ahead = FakeJetstream(_shifted(stream.frames, 2_000_000), drop_after=700).start()
    behind = FakeJetstream(stream.frames).start()
    db = tmp_path / "sway.duckdb"
    connector = BlueskyConnector(jetstreams=[ahead.url, behind.url], appview_url=None, params=FAST)
    collector = Collector(connector, db, run_job, params=FAST, schedule=Schedule(refresh=False), stop_after_idle=1.5)
    try:
        run_async(collector.run())
    finally:
        ahead.stop()
        behind.stop()
    # B was asked from A's last time rewound 5 s: 3 s back by B's clock, so the last 2 s A sent come again.
    assert behind.cursors == [frame_time(stream.frames[699]) + 2_000_000 - 5_000_000]
    assert counts(db) == (stream.posts, stream.interactions, 0)


def _commit(did: str, time_us: int, collection: str, rkey: str, record: dict) -> str:
    commit = {"operation": "create", "collection": collection, "rkey": rkey, "cid": "bafy", "record": record}
    return json.dumps({"did": did, "time_us": time_us, "kind": "commit", "commit": commit})


def _post(did: str, time_us: int, **fields: object) -> str:
    record = {"$type": "app.bsky.feed.post", "text": "odd", "createdAt": "2025-12-05T08:00:00Z", **fields}
    return _commit(did, time_us, "app.bsky.feed.post", f"3odd{time_us}", record)


def _feature(kind: str, **fields: object) -> list[dict]:
    feature = {"$type": f"app.bsky.richtext.facet#{kind}", **fields}
    return [{"index": {"byteStart": 0, "byteEnd": 1}, "features": [feature]}]


def test_records_of_the_wrong_shape_are_counted_malformed_and_the_stream_goes_on(tmp_path):
    frames = generate(200, people=50).frames
    at = frame_time(frames[100]) + 1
    did = "did:plc:odd"
    odd = [  # what each lexicon types otherwise: one of these once stopped the collector, on every restart
        _post(did, at, facets=_feature("mention", did=5)),
        _post(did, at + 1, facets=_feature("link", uri={"href": "x"})),
        _post(did, at + 2, facets=_feature("tag", tag=["x"])),
        _post(did, at + 3, langs="en"),
        _post(did, at + 4, reply={"parent": {"uri": 7}}),
        _post(did, at + 4, reply="at://did:plc:odd/app.bsky.feed.post/3x"),
        _post(did, at + 4, embed=["app.bsky.embed.external"]),
        _commit(did, at + 5, "app.bsky.actor.profile", "self", {"displayName": {"text": "x"}}),
        _commit(did, at + 6, "app.bsky.feed.like", "3l", {"subject": {"uri": ["at://x"]}}),
        _commit(did, at + 6, "app.bsky.feed.like", "3m", {"subject": {"uri": "at://"}}),  # would make account ""
        _commit(did, at + 6, "app.bsky.feed.repost", "3n", {"subject": {"uri": "at://a.bsky.social/x/y"}}),
        json.dumps({"did": did, "time_us": at + 7, "kind": "identity", "identity": {"handle": 12}}),
        json.dumps({"did": did, "time_us": at + 8, "kind": "account", "account": {"active": "no", "status": 3}}),
        json.dumps({"did": did, "time_us": True, "kind": "identity", "identity": {"handle": "a.b"}}),
        json.dumps({"did": did, "time_us": 2**70, "kind": "identity", "identity": {"handle": "a.b"}}),
        "[" * 100_000 + "]" * 100_000,
    ]
    impossible = [  # a date no datetime (or no clock) has: the stream's time instead
        _post(did, at + 9, createdAt="0001-01-01T00:00:00+01:00"),
        _post(did, at + 10, createdAt="9999-12-31T23:59:59Z"),
    ]
    frames[101:101] = odd + impossible
    server = FakeJetstream(frames).start()
    db = tmp_path / "sway.duckdb"
    connector = BlueskyConnector(jetstreams=[server.url], appview_url=None, params=FAST)
    collector = Collector(
        connector, db, run_job, params=FAST, schedule=Schedule(ingest=False, refresh=False), stop_after_idle=1.5
    )
    try:
        state = run_async(collector.run())
    finally:
        server.stop()
    stored = lake.read_segments(lake_dir(db), segments(lake_dir(db), "bluesky")).to_pylist()
    assert len(stored) == 200 + len(impossible)
    assert state.cursor_us == frame_time(frames[-1]) and connector.link.reconnects == 0
    assert sum(n for reason, n in connector.link.tally.counts.items() if reason.startswith("malformed")) == len(odd)
    dated = {r["time_us"]: r["created_at"] for r in stored if r["did"] == did}
    assert dated == {t: datetime.fromtimestamp(t / 1e6, UTC).replace(tzinfo=None) for t in (at + 9, at + 10)}
    # The state file keeps the skipped events' shape (fields, collection), never who or what ("odd" is their text).
    saved = state_path(lake_dir(db), "bluesky").read_text(encoding="utf-8")
    samples = json.loads(saved)["samples"]
    assert len(samples) == 5 and "odd" not in saved and '"collection": "app.bsky.feed.post"' in samples[0]


def test_a_frame_over_the_size_limit_is_skipped_not_read_again_forever():
    frames = generate(60, people=10).frames
    # A frame over the limit between two events (they are 1 ms apart): its time can only be found by stepping past.
    big = _commit("did:plc:big", frame_time(frames[20]) + 300, "app.bsky.actor.profile", "self",
                  {"$type": "app.bsky.actor.profile", "description": "x" * 70_000})  # fmt: skip
    frames.insert(21, big)
    server = FakeJetstream(frames).start()
    params = CollectParams(backoff_seconds=0.01, max_frame_bytes=64 * 1024)
    connector = BlueskyConnector(jetstreams=[server.url], appview_url=None, params=params)

    async def collect() -> list[dict]:
        out: asyncio.Queue = asyncio.Queue()
        task = asyncio.create_task(connector.stream(None, out))
        deadline = time.monotonic() + 20
        while out.qsize() < 60 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)  # closes the connection properly
        return [out.get_nowait() for _ in range(out.qsize())]

    try:
        rows = run_async(collect())
    finally:
        server.stop()
    assert [r["time_us"] for r in rows] == [frame_time(f) for f in frames if f is not big]  # all, once each
    assert connector.link.tally.counts == {"malformed (frame over 65,536 bytes)": 1}
    # The sample says where the stream was: the time_us of the event before the frame.
    assert connector.link.tally.samples == [
        f'malformed (frame over 65,536 bytes): {{"time_us": {frame_time(frames[20]) + 1}}}'
    ]
    # A few steps past it, each between the event before it and the one after (never a rewind onto it again).
    assert 2 <= len(server.cursors) <= 12
    assert all(c is not None and frame_time(frames[20]) < c < frame_time(frames[22]) for c in server.cursors[1:])


def test_look_ups_that_fail_do_not_stop_the_stream(tmp_path):
    stream = generate(300, people=50)
    server = FakeJetstream(stream.frames).start()
    db = tmp_path / "sway.duckdb"
    connector = BlueskyConnector(jetstreams=[server.url], appview_url=None, params=FAST)

    async def broken(out: asyncio.Queue) -> None:
        raise RuntimeError("a bug in the look-ups")

    connector.lookups = broken
    log = io.StringIO()
    collector = Collector(
        connector, db, run_job, params=FAST, schedule=Schedule(ingest=False, refresh=False), stop_after_idle=1.5,
        log=log,
    )  # fmt: skip
    try:
        state = run_async(collector.run())
    finally:
        server.stop()
    assert state.cursor_us == frame_time(stream.frames[-1])
    assert lake.read_segments(lake_dir(db), segments(lake_dir(db), "bluesky")).num_rows == 300
    assert "a bug in the look-ups" in log.getvalue() and "RuntimeError" in (state.last_error or "")


def _iso(us: float) -> str:
    """An AppView (and record) datetime of a time in microseconds since 1970."""
    return datetime.fromtimestamp(us / 1e6, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def test_with_a_watch_list_a_like_by_someone_not_watched_arrives_by_a_recheck(tmp_path):
    ana, fan = "did:plc:watchedana00000000000000", "did:plc:notwatchedfan00000000000"
    now_us = int(time.time() * 1e6)
    created, liked = _iso(now_us - 60_000_000), _iso(now_us - 30_000_000)
    people = {ana: profile(ana, "ana.example"), fan: profile(fan, "fan.example")}
    uri, steady = f"at://{ana}/app.bsky.feed.post/3kwatched01", f"at://{ana}/app.bsky.feed.post/3kwatched00"
    post = post_view(uri, people[ana], "Up the ridge", created, like=0)
    appview = FakeAppView(
        people,
        feeds={ana: [post, post_view(steady, people[ana], "Earlier", created, like=1)]},
        likes={steady: [like(people[fan], created, created)]},  # liked before the start: found by the backfill
    ).start()
    record = {"$type": "app.bsky.feed.post", "text": "Up the ridge", "createdAt": created, "langs": ["en"]}
    fans_like = {"$type": "app.bsky.feed.like", "subject": {"uri": uri, "cid": "bafyfake"}, "createdAt": liked}
    # The fan's like is on the network, but Jetstream sends only the watched repositories' records.
    jetstream = FakeJetstream(
        [
            _commit(ana, now_us, "app.bsky.feed.post", "3kwatched01", record),
            _commit(fan, now_us + 1, "app.bsky.feed.like", "3kfanlike", fans_like),
        ]
    ).start()
    params = CollectParams(
        segment_seconds=0.3, backoff_seconds=0.05, report_seconds=0.5, ingest_seconds=3600, profile_calls_per_minute=600
    )
    connector = BlueskyConnector(jetstreams=[jetstream.url], appview_url=appview.url, dids=[ana], params=params)
    connector.watchlist.recheck_seconds = 0.2
    db = tmp_path / "sway.duckdb"
    collector = Collector(connector, db, run_job, params=params, schedule=Schedule(refresh=False), stop_after_idle=3)

    def the_fan_likes_it_after_the_backfill() -> None:
        deadline = time.monotonic() + 20
        while not connector.watchlist.seen.get(ana) and time.monotonic() < deadline:
            time.sleep(0.02)
        appview.likes[uri] = [like(people[fan], liked, liked)]
        post["likeCount"] = 1

    liker = threading.Thread(target=the_fan_likes_it_after_the_backfill)
    liker.start()
    try:
        run_async(collector.run())
    finally:
        liker.join()
        jetstream.stop()
        appview.stop()
    assert jetstream.wanted_dids == [[ana]] and jetstream.sent == 1  # the like never came through the stream
    with warehouse.connect(db) as con:
        likes = warehouse.rows(
            con,
            "SELECT a.external_id, t.external_id, p.external_id, i.occurred_at FROM interactions i "
            "JOIN accounts a ON a.account_id = i.actor_account_id "
            "JOIN accounts t ON t.account_id = i.target_account_id "
            "JOIN posts p ON p.post_id = i.post_id WHERE i.type = 'like' ORDER BY ALL",
        )
    assert likes == sorted(
        [(fan, ana, uri, bluesky.record_time(liked)), (fan, ana, steady, bluesky.record_time(created))]
    )
    # Likes are looked up only when a count grew: the steady post's at the backfill, the new one's once after it grew,
    # though every re-check read the feed again.
    asked = [q["uri"][0] for m, q in appview.calls if m == "app.bsky.feed.getLikes"]
    assert sorted(asked) == sorted([steady, uri])
    assert sum(m == "app.bsky.feed.getAuthorFeed" for m, _ in appview.calls) >= 4
    # The fan never streams: the look-ups that found the like name them for a profile.
    assert any(fan in q["actors"] for m, q in appview.calls if m == "app.bsky.actor.getProfiles")
