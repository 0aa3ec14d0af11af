"""A local stand-in for Jetstream's v1 /subscribe WebSocket: replays a list of frames, honouring `cursor`.

Frames whose time_us is below the requested cursor are skipped, as the real service does; frames without a
readable time_us (the fixture's malformed ones) are only sent to a connection without a cursor. A connection that
names wantedDids gets only the frames of those repositories (the acting `did`), as the real service sends. It can drop a
connection after a number of frames (once) to test reconnection, and pace frames to look like a live stream.
Run as a process for benchmarks: python -m tests.fakes.jetstream FRAMES_FILE --port N [--live] [--rate EVENTS_PER_S].
"""

from __future__ import annotations

import argparse
import asyncio
import json
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import ServerConnection, serve


def _field(frame: str, name: str) -> object:
    """A top-level field of a frame, or None when it has none readable."""
    try:
        return json.loads(frame).get(name)
    except (ValueError, AttributeError, RecursionError):
        return None


def frame_time(frame: str) -> int | None:
    """The time_us of a frame, or None when it has none readable."""
    value = _field(frame, "time_us")
    return value if isinstance(value, int) else None


class FakeJetstream:
    """Serves `frames` to every connection from its cursor; start() runs it on a background thread."""

    def __init__(
        self,
        frames: list[str],
        *,
        drop_after: int | None = None,
        pace_seconds: float = 0.0,
        rate: float | None = None,
        port: int = 0,
        live: bool = False,
    ) -> None:
        self.frames = frames
        self.times = [frame_time(f) for f in frames]
        self.repos = [_field(f, "did") for f in frames]
        self.drop_after = drop_after  # close the first connection after this many frames
        self.pace_seconds = pace_seconds
        self.rate = rate  # events per second per connection (None: as fast as the socket takes them)
        self.live = live  # stamp frames with the time they are sent (for delay measurements)
        self.port = port
        self.cursors: list[int | None] = []  # the cursor each connection asked for, in order
        self.wanted_dids: list[list[str]] = []  # the wantedDids each connection asked for (none: every repository)
        self.sent = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/subscribe"

    async def _handler(self, connection: ServerConnection) -> None:
        query = parse_qs(urlsplit(connection.request.path).query)
        cursor = int(query["cursor"][0]) if "cursor" in query else None
        wanted = query.get("wantedDids", [])
        self.cursors.append(cursor)
        self.wanted_dids.append(wanted)
        first_connection = len(self.cursors) == 1
        sent_here = 0
        started = time.monotonic()
        for frame, at, repo in zip(self.frames, self.times, self.repos, strict=True):
            if (cursor is not None and (at is None or at < cursor)) or (wanted and repo not in wanted):
                continue
            if self.live and at is not None:
                frame = frame.replace(f'"time_us":{at}', f'"time_us":{int(time.time() * 1e6)}', 1)
            await connection.send(frame)
            self.sent += 1
            sent_here += 1
            if first_connection and self.drop_after is not None and sent_here >= self.drop_after:
                await connection.close()
                return
            if self.pace_seconds:
                await asyncio.sleep(self.pace_seconds)
            if self.rate and sent_here % 100 == 0:  # pace in steps of 100: asyncio sleeps are too coarse per frame
                await asyncio.sleep(max(0.0, started + sent_here / self.rate - time.monotonic()))
        await connection.wait_closed()

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        async with serve(self._handler, "127.0.0.1", self.port, compression=None, max_size=None) as server:
            self.port = server.sockets[0].getsockname()[1]
            self._ready.set()
            await self._stop.wait()

    def start(self) -> FakeJetstream:
        """Serve on a background thread; returns once it listens."""

        def main() -> None:
            self._loop = asyncio.new_event_loop()
            self._loop.run_until_complete(self._serve())

        self._thread = threading.Thread(target=main, daemon=True)
        self._thread.start()
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        """Stop serving (open connections are closed)."""
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(10)


def main() -> None:
    """Serve a file of frames until killed (the benchmark runs it as its own process)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("frames", type=Path)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--live", action="store_true", help="stamp frames with the time they are sent")
    parser.add_argument("--rate", type=float, default=None, help="events per second (default: as fast as possible)")
    args = parser.parse_args()
    frames = args.frames.read_text(encoding="utf-8").splitlines()
    server = FakeJetstream(frames, port=args.port, live=args.live, rate=args.rate)
    asyncio.run(server._serve())


if __name__ == "__main__":
    main()
