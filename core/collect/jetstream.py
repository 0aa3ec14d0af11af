"""The Bluesky connector: the live stream from Jetstream over a WebSocket; profiles, and the watched people's posts
and who reacted to them (backfilled, then re-checked), from the AppView."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from urllib.parse import urlencode

import websockets
from websockets.frames import CloseCode

from core.collect import appview, bluesky
from core.collect.connector import Link
from core.collect.events import Row
from core.collect.params import APPVIEW, DEFAULT_PARAMS, JETSTREAMS, CollectParams
from core.collect.watchlist import Watchlist


def subscribe_url(endpoint: str, collections: Sequence[str], dids: Sequence[str], cursor: int | None) -> str:
    """The /subscribe URL with Jetstream's v1 query parameters (wantedCollections, wantedDids, cursor)."""
    query: list[tuple[str, str]] = [("wantedCollections", c) for c in collections]
    query += [("wantedDids", d) for d in dids]
    if cursor is not None:
        query.append(("cursor", str(cursor)))
    return f"{endpoint}?{urlencode(query)}" if query else endpoint


class BlueskyConnector:
    """Jetstream's live events (failing over between instances) and AppView look-ups, as lake rows."""

    network = bluesky.NETWORK

    def __init__(
        self,
        *,
        jetstreams: Sequence[str] = JETSTREAMS,
        appview_url: str | None = APPVIEW,
        collections: Sequence[str] = bluesky.COLLECTIONS,
        dids: Sequence[str] = (),
        params: CollectParams = DEFAULT_PARAMS,
    ) -> None:
        self.jetstreams = tuple(jetstreams)
        self.collections = tuple(collections)
        self.dids = tuple(dids)
        self.params = params
        self.link = Link(endpoint=self.jetstreams[0])
        lookups = appview.AppView(appview_url, params, self.link) if appview_url else None
        self.profiles = appview.Profiles(lookups) if lookups is not None else None
        # With a watch list the stream brings only the watched people's own records: the AppView brings the rest.
        self.watchlist = Watchlist(lookups, self.dids) if lookups is not None and self.dids else None
        self.last_seen_us: int | None = None

    async def stream(self, cursor: int | None, out: asyncio.Queue[Row]) -> None:
        """Put Jetstream's events on `out` from `cursor` (rewound a little) until cancelled; reconnect with backoff.

        Every event received is passed on, replays included: each instance stamps time_us itself, so only a rewind
        covers what another instance (or this one, before a restart) stamped differently, and the ingest drops
        what it already holds by record key.
        """
        rewind = int(self.params.rewind_seconds * 1e6)
        resume = None if cursor is None else cursor - rewind
        attempt, index, skip = 0, 0, 1
        while True:
            endpoint = self.jetstreams[index % len(self.jetstreams)]
            self.link.endpoint = endpoint
            heard: int | None = None  # the last time_us this connection brought
            oversized = False
            try:
                async with websockets.connect(
                    subscribe_url(endpoint, self.collections, self.dids, resume),
                    max_size=self.params.max_frame_bytes,
                    open_timeout=10,
                    compression=None,
                ) as socket:
                    self.link.connected, attempt = True, 0
                    async for frame in socket:
                        self.link.heard_at = time.monotonic()
                        row = bluesky.parse(frame, self.link.tally)
                        if row is None:
                            continue
                        heard = self.last_seen_us = row["time_us"]
                        if self.profiles is not None:
                            self.profiles.saw(row)
                        await out.put(row)
                self.link.last_error = f"{endpoint} closed the connection"
            except (OSError, TimeoutError, websockets.WebSocketException) as exc:
                self.link.last_error = f"{endpoint}: {type(exc).__name__}: {exc}"[:300]
                oversized = isinstance(exc, websockets.ConnectionClosed) and _too_big(exc)
            self.link.connected = False
            self.link.reconnects += 1
            attempt += 1
            if oversized:
                resume, skip = self._past_oversized(heard, resume, skip)
            else:
                index, skip = index + 1, 1  # fail over to the next public instance
                if self.last_seen_us is not None:
                    resume = self.last_seen_us - rewind
            await asyncio.sleep(min(self.params.backoff_seconds * 2 ** (attempt - 1), self.params.backoff_max_seconds))

    def _past_oversized(self, heard: int | None, resume: int | None, skip: int) -> tuple[int | None, int]:
        """(cursor, next step) to resume the same instance just past a frame over max_frame_bytes, counted malformed.

        Its time_us is unknown (it was never read), only that it is after the last event heard (else at or after
        the cursor asked for): each try steps past that by twice the last step, so the frame is passed in a few
        tries and at most events stamped within that step after it are lost. A rewind would only bring it back.
        """
        if heard is not None:
            resume, skip = heard + 1, 1
        if skip == 1:  # the first try past this frame, not a later step past the same one
            reason = f"malformed (frame over {self.params.max_frame_bytes:,} bytes)"
            # The sample is the cursor it followed (a frame never read has no time_us of its own).
            self.link.tally.skip(reason, {"time_us": resume}, bluesky.shown_in_samples)
        if resume is None:  # live from now: the frame has passed
            return None, 1
        return resume + skip, skip * 2

    async def lookups(self, out: asyncio.Queue[Row]) -> None:
        """Backfill watched people once, then fetch due profiles from the AppView and re-check the watched people's
        posts when due, until cancelled."""
        if self.profiles is None:
            return
        if self.watchlist is not None:
            await self._watched(out, await asyncio.to_thread(self.watchlist.backfill))
        while True:
            started = time.monotonic()
            for row in await asyncio.to_thread(self.profiles.fetch_due):
                await out.put(row)
            if self.watchlist is not None and self.watchlist.recheck_due():
                await self._watched(out, await asyncio.to_thread(self.watchlist.recheck))
            await asyncio.sleep(max(0.0, 60.0 / self.params.profile_calls_per_minute - (time.monotonic() - started)))

    async def _watched(self, out: asyncio.Queue[Row], rows: list[Row]) -> None:
        """Put the watch list's rows on `out`, noting the people they name for a profile look-up: with a watch list
        the people reacting to the watched never stream, so only these rows bring their names."""
        for row in rows:
            self.profiles.saw(row)  # lookups() runs this only with an AppView
            await out.put(row)


def _too_big(exc: websockets.ConnectionClosed) -> bool:
    """Whether the connection ended because a frame was over the size allowed (close code 1009)."""
    return any(close is not None and close.code == CloseCode.MESSAGE_TOO_BIG for close in (exc.sent, exc.rcvd))
