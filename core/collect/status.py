"""A collector's state as a small JSON file in the lake, written by the collector and read by the Data page.

A file rather than a table: the collector must not need the warehouse (the app holds it), and the app must show
the collector's state even when the collector is stopped or has crashed (then the file is simply old).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from core.collect.lake import lake_dir
from core.vocabulary import LIVE_NETWORKS

MINUTES_KEPT = 24 * 60  # per-minute event counts for the last day
STALE_SECONDS = 30.0  # a collector that has not written its state for this long is shown as not running


@dataclass
class CollectorState:
    """What the Data page shows about one collector, and what it needs to resume its schedule."""

    network: str
    pid: int = 0
    started_at: float = 0.0  # unix seconds
    updated_at: float = 0.0
    stopped: bool = False
    connected: bool = False
    endpoint: str = ""
    cursor_us: int | None = None  # the last durably stored stream cursor
    lag_seconds: float | None = None  # how far behind live the newest stored event is
    events: int = 0  # events stored since the collector started
    minutes: dict[str, int] = field(default_factory=dict)  # unix minute -> events stored in it
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> events skipped (malformed, unknown)
    samples: list[str] = field(default_factory=list)  # the first skipped events' shapes (core/collect/events.py)
    # False in files of versions whose samples held the events' raw text: those samples are never shown or kept.
    samples_shaped: bool = True
    reconnects: int = 0
    rate_limited: int = 0
    failed_lookups: int = 0  # look-up calls that failed other than by a rate limit
    last_error: str | None = None
    last_ingest_at: float | None = None
    last_ingest: str = ""
    last_refresh_at: float | None = None
    last_refresh: str = ""

    def count(self, events: int, now: float) -> None:
        """Add `events` stored now to the per-minute counts, forgetting minutes older than a day."""
        minute = int(now // 60)
        self.minutes[str(minute)] = self.minutes.get(str(minute), 0) + events
        self.events += events
        if len(self.minutes) > MINUTES_KEPT:
            oldest = minute - MINUTES_KEPT
            self.minutes = {k: v for k, v in self.minutes.items() if int(k) > oldest}

    def events_since(self, seconds: float, now: float | None = None) -> int:
        """Events stored in the last `seconds` (whole minutes)."""
        first = int(((now or time.time()) - seconds) // 60)
        return sum(v for k, v in self.minutes.items() if int(k) > first)

    def running(self, now: float | None = None) -> bool:
        """True while the collector writes its state (it does every few seconds)."""
        return not self.stopped and (now or time.time()) - self.updated_at < STALE_SECONDS


def state_path(lake: Path, network: str) -> Path:
    """The state file of `network`'s collector."""
    return lake / f"{network}.collector.json"


def write_state(lake: Path, state: CollectorState) -> None:
    """Replace the state file atomically (a reader never sees half of it)."""
    lake.mkdir(parents=True, exist_ok=True)
    path = state_path(lake, state.network)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(asdict(state)), encoding="utf-8")
    os.replace(partial, path)


def read_state(lake: Path, network: str) -> CollectorState | None:
    """The last state `network`'s collector wrote, or None when it never ran (or the file is unreadable).

    An older version's samples are dropped: they held raw events, which may name someone erased since.
    """
    try:
        data = json.loads(state_path(lake, network).read_text(encoding="utf-8"))
        state = CollectorState(**{"samples_shaped": False, **data})
    except (OSError, ValueError, TypeError):
        return None
    if not state.samples_shaped:
        state.samples, state.samples_shaped = [], True
    return state


def forget_raw_samples(lake: Path, networks: tuple[str, ...]) -> None:
    """Rewrite the state files an older version left with raw samples (a collector stopped since the upgrade never
    rewrites its own), so no byte of an event, which may name an erased person, stays in them."""
    for network in networks:
        try:
            data = json.loads(state_path(lake, network).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # no file, or not one a collector wrote
        if isinstance(data, dict) and data.get("samples") and not data.get("samples_shaped"):
            state = read_state(lake, network)
            if state is not None:
                write_state(lake, state)


def read_states(lake: Path, networks: tuple[str, ...]) -> list[CollectorState]:
    """The states of every collector of `networks` that ever ran beside this warehouse."""
    return [s for n in networks if (s := read_state(lake, n)) is not None]


@dataclass(frozen=True)
class CollectorView:
    """One collector as the Data page shows it, in plain words and numbers."""

    network: str
    state: str  # "collecting", "reconnecting", "stopped" or "not running (last seen …)"
    lag_seconds: float | None
    events_last_minute: int
    events_last_day: int
    skipped: int
    endpoint: str
    last_error: str | None
    last_load: str
    updated_at: datetime

    @property
    def lag_text(self) -> str:
        """How far behind live, in the unit a person reads best ('–' before the first event)."""
        lag = self.lag_seconds
        if lag is None:
            return "–"
        for limit, unit, size in ((120, "s", 1), (7_200, "min", 60), (172_800, "h", 3_600)):
            if lag < limit:
                return f"{lag / size:,.0f} {unit}"
        return f"{lag / 86_400:,.0f} days"


def overview(db: Path) -> list[CollectorView]:
    """The collectors that ever ran beside the warehouse `db`, for the Data page."""
    now = time.time()
    views = []
    for state in read_states(lake_dir(db), LIVE_NETWORKS):
        if state.running(now):
            word = "collecting" if state.connected else "reconnecting"
        elif state.stopped:
            word = "stopped"
        else:
            word = "not running (it ended without stopping: restart it)"
        views.append(
            CollectorView(
                network=state.network,
                state=word,
                lag_seconds=state.lag_seconds,
                events_last_minute=state.events_since(60, now),
                events_last_day=state.events_since(86_400, now),
                skipped=sum(state.skipped.values()),
                endpoint=state.endpoint,
                last_error=state.last_error,
                last_load=state.last_ingest,
                updated_at=datetime.fromtimestamp(state.updated_at),
            )
        )
    return views
