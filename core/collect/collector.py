"""The long-lived collector: a connector's events into lake segments, loaded into the warehouse on a schedule.

One asyncio loop per process. The connector puts rows on queues; the loop writes a segment when enough are
waiting or the oldest has waited long enough, and only then counts their cursor as stored (the segment's name
holds it). Loading segments into the warehouse and the daily refresh run in a worker thread through
core.ops.handoff — directly when no app holds the warehouse, else by the app's job worker — so the stream is
never paused by them and the app keeps serving. (The job runner is passed in: core.ops sits above this module.)
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import pyarrow as pa

from core.collect.connector import Connector
from core.collect.events import Row, to_batch
from core.collect.lake import lake_dir, stored_cursor, sweep_partials, write_segment
from core.collect.params import DEFAULT_PARAMS, CollectParams
from core.collect.status import CollectorState, read_state, write_state

# What Arrow raises for a value the lake's schema cannot hold (a dict for a string, text for a count, a huge int).
_WRONG_TYPE = (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError, TypeError, ValueError)
QUEUE_ROWS = 20_000  # back-pressure (one segment): beyond it the connector, and so the socket, waits

# Runs a warehouse job by name for the collector: (warehouse, job, params) -> (ok, report lines); never raises.
JobRunner = Callable[[Path, str, dict[str, Any]], tuple[bool, list[str]]]


@dataclass(frozen=True)
class Schedule:
    """Which warehouse jobs the collector runs itself (tests and one-off catch-ups may turn them off)."""

    ingest: bool = True
    refresh: bool = True


class Collector:
    """Runs one connector until stopped (or idle for `stop_after_idle` seconds)."""

    def __init__(
        self,
        connector: Connector,
        db: Path,
        job: JobRunner,
        *,
        params: CollectParams = DEFAULT_PARAMS,
        schedule: Schedule = Schedule(),
        stop_after_idle: float | None = None,
        log: TextIO = sys.stderr,
    ) -> None:
        self.connector = connector
        self.db = db
        self.lake = lake_dir(db)
        self.params = params
        self.schedule = schedule
        self.stop_after_idle = stop_after_idle
        self.log = log
        self.job = job
        network = connector.network
        previous = read_state(self.lake, network)
        self.state = CollectorState(network=network, pid=os.getpid(), started_at=time.time())
        if previous is not None:  # the daily schedule and the day's counts survive a restart
            self.state.minutes = previous.minutes
            self.state.last_refresh_at = previous.last_refresh_at
            self.state.last_refresh = previous.last_refresh
        sweep_partials(self.lake, network)
        self.state.cursor_us = stored_cursor(self.lake, network)
        self.segments = 0
        self._window_events = 0
        self._window_start = time.monotonic()

    async def run(self) -> CollectorState:
        """Collect until cancelled or idle; on the way out store what is waiting and load it."""
        stream: asyncio.Queue[Row] = asyncio.Queue(QUEUE_ROWS)
        lookups: asyncio.Queue[Row] = asyncio.Queue(QUEUE_ROWS)
        streaming = asyncio.create_task(self.connector.stream(self.state.cursor_us, stream))
        looking_up = asyncio.create_task(self.connector.lookups(lookups))
        tasks = [streaming, looking_up]
        lookups_failed = False
        pending: list[Row] = []
        pending_since = last_event = last_report = last_ingest = time.monotonic()
        jobs: asyncio.Task | None = None
        try:
            while True:
                now = time.monotonic()
                wait = self.params.segment_seconds - (now - pending_since) if pending else self.params.segment_seconds
                try:
                    row = await asyncio.wait_for(stream.get(), max(wait, 0.01))
                except TimeoutError:
                    row = None
                if row is not None:
                    if not pending:
                        pending_since = time.monotonic()
                    pending.append(row)
                    while len(pending) < self.params.segment_events and not stream.empty():
                        pending.append(stream.get_nowait())
                    last_event = time.monotonic()
                now = time.monotonic()
                if pending and (
                    len(pending) >= self.params.segment_events or now - pending_since >= self.params.segment_seconds
                ):
                    self._store(pending, stream=True)
                    pending = []
                self._store_lookups(lookups)
                if jobs is not None and jobs.done():
                    jobs = None
                if jobs is None and self._jobs_due(now - last_ingest):
                    last_ingest = now
                    jobs = asyncio.create_task(asyncio.to_thread(self._run_jobs))
                if now - last_report >= self.params.report_seconds:
                    last_report = now
                    self._report()
                heard = max(last_event, self.connector.link.heard_at)  # replayed frames it skipped count too
                if self.stop_after_idle is not None and now - heard >= self.stop_after_idle:
                    break
                if streaming.done() and streaming.exception() is not None:
                    raise streaming.exception()  # a connector bug, not a network problem: stop and say so
                if looking_up.done() and looking_up.exception() is not None and not lookups_failed:
                    lookups_failed = True  # profiles and backfill are extras: the stream goes on without them
                    self._lookups_failed(looking_up.exception())
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if pending:
                self._store(pending, stream=True)
            self._store_lookups(lookups)
            if jobs is not None:
                await jobs
            self.state.connected = False
            self.state.stopped = True
            self._report()
        if self.schedule.ingest:
            await asyncio.to_thread(self._ingest)
            self._report()
        return self.state

    def _store(self, rows: list[Row], *, stream: bool) -> None:
        """Write rows as one segment; a stream segment moves the stored cursor."""
        batch = self._batch(rows)
        if batch is None:
            return
        segment = write_segment(self.lake, self.connector.network, batch, stream=stream)
        self.segments += 1
        self.state.count(len(rows), time.time())
        self._window_events += len(rows)
        if stream:
            self.state.cursor_us = max(self.state.cursor_us or 0, segment.last_us)

    def _batch(self, rows: list[Row]) -> pa.RecordBatch | None:
        """The rows as one Arrow batch; a row holding a value the lake cannot (a connector met an event with a field
        of an unexpected type) is counted as malformed and left out, never stops the collector. None if none is left.

        Checked only when the whole batch fails: the usual path converts once.
        """
        try:
            return to_batch(rows)
        except _WRONG_TYPE:
            kept = []
            for row in rows:
                try:
                    to_batch([row])
                except _WRONG_TYPE:
                    self.connector.link.tally.skip("event with a value of an unexpected type", row)
                else:
                    kept.append(row)
            return to_batch(kept) if kept else None

    def _lookups_failed(self, exc: BaseException) -> None:
        """Say (log and state file) that look-ups stopped, with the traceback: a bug to fix, not a reason to stop."""
        self.state.last_error = f"Look-ups stopped: {type(exc).__name__}: {exc}"[:300]
        print(f"{self.connector.network}: look-ups stopped, the stream goes on:", file=self.log)
        traceback.print_exception(exc, file=self.log)

    def _store_lookups(self, lookups: asyncio.Queue[Row]) -> None:
        rows = []
        while not lookups.empty():
            rows.append(lookups.get_nowait())
        if rows:
            self._store(rows, stream=False)

    def _jobs_due(self, since_ingest: float) -> bool:
        return (self.schedule.ingest and since_ingest >= self.params.ingest_seconds) or self._refresh_due()

    def _refresh_due(self) -> bool:
        if not self.schedule.refresh:
            return False
        last = self.state.last_refresh_at or self.state.started_at
        return time.time() - last >= self.params.refresh_hours * 3600

    def _run_jobs(self) -> None:
        """Load new segments, then (once a day) refresh scores, topics and Discover (worker thread)."""
        if self.schedule.ingest:
            self._ingest()
        if self._refresh_due():
            ok, lines = self.job(self.db, "refresh", {})
            self.state.last_refresh_at = time.time()
            self.state.last_refresh = " ".join(lines)[-500:]
            if not ok:
                self.state.last_error = f"Daily refresh failed: {self.state.last_refresh}"
            print(f"{self.connector.network}: daily refresh {'done' if ok else 'failed'}: {lines[-1:]}", file=self.log)

    def _ingest(self) -> None:
        ok, lines = self.job(self.db, "ingest_collected", {"network": self.connector.network})
        self.state.last_ingest_at = time.time()
        self.state.last_ingest = " ".join(lines)[-500:]
        if not ok:
            self.state.last_error = f"Loading into the warehouse failed: {self.state.last_ingest}"
        print(" ".join(lines), file=self.log, flush=True)

    def _report(self) -> None:
        """Print a progress line and write the state file the Data page reads."""
        link = self.connector.link
        state = self.state
        state.updated_at = time.time()
        state.connected = link.connected and not state.stopped
        state.endpoint, state.reconnects = link.endpoint, link.reconnects
        state.skipped, state.samples = dict(link.tally.counts), list(link.tally.samples)
        state.rate_limited = link.rate_limited
        state.failed_lookups = link.failed_lookups
        if link.last_error:
            state.last_error = link.last_error
        if state.cursor_us is not None:
            state.lag_seconds = max(0.0, state.updated_at - state.cursor_us / 1e6)
        elapsed = max(time.monotonic() - self._window_start, 1e-6)
        rate = self._window_events / elapsed
        self._window_events, self._window_start = 0, time.monotonic()
        write_state(self.lake, state)
        lag = f"{state.lag_seconds:,.1f} s" if state.lag_seconds is not None else "-"
        print(
            f"{state.network}: {rate:,.0f} events/s, lag {lag}, cursor {state.cursor_us or '-'}, "
            f"{state.events:,} stored in {self.segments:,} segments, {link.tally.total:,} skipped, "
            f"{'connected to ' + link.endpoint if state.connected else 'not connected'}",
            file=self.log,
            flush=True,
        )
