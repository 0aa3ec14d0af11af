"""What every network connector offers the collector, so the collector is not shaped by any one network."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Protocol

from core.collect.events import Row, Tally


@dataclass
class Link:
    """The live state of a connector's connection, shown by the collector's progress and the Data page."""

    endpoint: str = ""
    connected: bool = False
    last_error: str | None = None
    reconnects: int = 0
    rate_limited: int = 0  # look-ups the network refused for now (HTTP 429), then retried
    failed_lookups: int = 0  # look-up calls that failed otherwise (connection, server), retried or skipped
    heard_at: float = 0.0  # time.monotonic() of the last frame received, used or not (for --stop-after-idle)
    tally: Tally = field(default_factory=Tally)


class Connector(Protocol):
    """A source of lake rows for one network.

    `stream` puts live rows on `out` from `cursor` (the last durably stored stream cursor, None for "from now")
    until cancelled, reconnecting by itself; rows it yields carry the stream cursor in `time_us`.
    `lookups` puts rows of look-ups (profiles, backfill) on `out`; their times are the records' own, so they never
    move the cursor. Both skip and count what they cannot use in `link.tally`.
    """

    network: str
    link: Link

    async def stream(self, cursor: int | None, out: asyncio.Queue[Row]) -> None: ...

    async def lookups(self, out: asyncio.Queue[Row]) -> None: ...
