"""Jobs started from the app that go on when their page is left or its tab closed.

A Streamlit script run stops at its next call into Streamlit once its page is left or its tab closed, so a
refresh, retrain or erasure run inside the page was rolled back by a look at another page. Here each job runs
on its own thread of the server; the page starts it and reads its progress, and the one who started it is told
how it ended when they come back. One job of a kind runs at a time: asking again while it runs gets the running one.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from core.progress import Progress

log = logging.getLogger(__name__)

# (progress) -> the lines that say how the job ended, for the one who started it.
Work = Callable[[Progress], Sequence[str]]


@dataclass(frozen=True)
class JobState:
    """Where a job is: its share done and step while it runs, its result lines or error in words once ended."""

    id: int
    kind: str
    owner: str  # the user who started it: only they are shown its result lines
    started_at: datetime
    fraction: float = 0.0
    message: str = "Starting…"
    finished_at: datetime | None = None
    lines: tuple[str, ...] = ()
    error: str | None = None  # why it stopped; the job's own transaction left the warehouse as it was
    shown: bool = False  # its end has been shown to its owner (once, in whichever session came first)

    @property
    def running(self) -> bool:
        """True until the job has ended, well or not."""
        return self.finished_at is None


class BackgroundJobs:
    """The server's jobs by kind, each on a daemon thread; every method may be called from any thread."""

    def __init__(self, after: Callable[[], None] = lambda: None) -> None:
        """`after` runs when any job ends, before its end is shown (the app forgets its cached results there)."""
        self._after = after
        self._guard = threading.Lock()
        self._states: dict[str, JobState] = {}
        self._ids = itertools.count(1)

    def start(self, kind: str, owner: str, work: Work, explained: tuple[type[Exception], ...] = ()) -> JobState:
        """Start `work` as the job `kind`, or return the job of that kind still running.

        An error of an `explained` type already says what happened and what to do, so its text is the job's error;
        any other is logged with its traceback and named as unexpected.
        """
        with self._guard:
            current = self._states.get(kind)
            if current is not None and current.running:
                return current
            state = JobState(id=next(self._ids), kind=kind, owner=owner, started_at=datetime.now())
            self._states[kind] = state
        thread = threading.Thread(
            target=self._run, args=(state, work, explained), name=f"sway-{kind}-{state.id}", daemon=True
        )
        thread.start()
        return state

    def state(self, kind: str) -> JobState | None:
        """The latest job of `kind` in this server, running or ended; None when none was started."""
        with self._guard:
            return self._states.get(kind)

    def running(self) -> JobState | None:
        """A job of any kind still running (the app runs one at a time, as the warehouse's job lock does), or None."""
        with self._guard:
            return next((state for state in self._states.values() if state.running), None)

    def show_end(self, kind: str, job_id: int) -> bool:
        """Mark the end of job `job_id` as shown; True only for the first caller, so it is shown once."""
        with self._guard:
            current = self._states.get(kind)
            if current is None or current.id != job_id or current.running or current.shown:
                return False
            self._states[kind] = replace(current, shown=True)
            return True

    def _update(self, job_id: int, kind: str, **changes: object) -> None:
        with self._guard:
            if (current := self._states.get(kind)) is not None and current.id == job_id:
                self._states[kind] = replace(current, **changes)

    def _run(self, state: JobState, work: Work, explained: tuple[type[Exception], ...]) -> None:
        def progress(fraction: float, message: str) -> None:
            self._update(state.id, state.kind, fraction=min(max(fraction, 0.0), 1.0), message=message)

        lines: tuple[str, ...] = ()
        error: str | None = None
        try:
            lines = tuple(work(progress))
        except explained as exc:
            error = str(exc)
        except Exception as exc:  # on a thread an error would vanish: keep it in words, with the details logged
            log.exception("Background job %s %d failed", state.kind, state.id)
            error = f"An unexpected error stopped it ({type(exc).__name__}: {exc}). The server's log has the details."
        try:
            self._after()
        finally:
            self._update(state.id, state.kind, finished_at=datetime.now(), lines=lines, error=error, fraction=1.0)
