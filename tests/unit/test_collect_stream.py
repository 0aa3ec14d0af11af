"""The collector against a local fake Jetstream: nothing lost and nothing doubled across a kill -9 of the real
process and across a connection the server drops mid-batch."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from core.cli.collect import run_job
from core.collect.collector import Collector, Schedule
from core.collect.jetstream import BlueskyConnector
from core.collect.lake import lake_dir, segments, stored_cursor
from core.collect.params import CollectParams
from core.db import warehouse
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
