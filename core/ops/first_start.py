"""The app's first start: the demo world opens as soon as it is scored, and its topics follow in the background.

Fitting the topic classifier on a fresh clone takes most of a minute on two cores, longer than building and
scoring the demo world, so the first start does not wait for it. The model fits on its own thread from the
start; the app opens on the scored world (Discover by score, profiles, campaigns); then, under the job lock like
a refresh, the posts are tagged, topic influence is weighed and Discover is rebuilt. With a saved model there is
nothing to wait for and the demo is built whole.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from core.db import warehouse
from core.db.connections import SharedWarehouse
from core.discover import build_discovery
from core.ops import bootstrap
from core.ops.lock import exclusive
from core.ops.rebuild import rebuild_demo
from core.progress import Progress, scaled, silent
from core.topics.influence import refresh_topics
from core.topics.model import TopicModel
from core.topics.model_file import has_current_model, load_or_train
from core.workspace.access import LOCAL

log = logging.getLogger(__name__)

# The job lock's name for this job, as a refresh started meanwhile reports it ("A … started at 11:42 is running").
JOB = "first topic tagging"


@dataclass(frozen=True)
class TopicsProgress:
    """Where the background topics are: the share done, what is happening in words, and how it ended."""

    fraction: float
    message: str
    finished: bool = False
    error: str | None = None


class LateTopics:
    """The first start's topics, found after the app has opened; `progress()` may be read from any thread."""

    def __init__(self, fitting: Future[TopicModel]) -> None:
        self._fitting = fitting
        self._started = time.monotonic()
        self._guard = threading.Lock()
        self._progress = TopicsProgress(0.0, "Waiting for the demo world to be scored")

    def progress(self) -> TopicsProgress:
        """The latest progress report."""
        with self._guard:
            return self._progress

    def _set(self, progress: TopicsProgress) -> None:
        with self._guard:
            self._progress = progress

    def _report(self, fraction: float, message: str) -> None:
        self._set(TopicsProgress(fraction, message))

    def add_to(self, shared: SharedWarehouse) -> threading.Thread:
        """Start tagging the warehouse's posts once the model is fitted, on a background thread."""
        thread = threading.Thread(target=self._add, args=(shared,), name="sway-first-topics", daemon=True)
        thread.start()
        return thread

    def _add(self, shared: SharedWarehouse) -> None:
        """Wait for the model, then find every post's topics and rebuild Discover (one job, under the job lock)."""
        try:
            with exclusive(shared.path, JOB, LOCAL.user):
                model = bootstrap.await_model(self._fitting, scaled(self._report, 0.0, 0.6), since=self._started)
                con = shared.cursor()
                refresh_topics(con, model=model, progress=scaled(self._report, 0.6, 0.95))
                build_discovery(con, progress=scaled(self._report, 0.95, 1.0))
        except Exception as exc:  # on a background thread an error would vanish: keep it for the sidebar
            log.exception("The first start's topics could not be found")
            done = self.progress()
            self._set(TopicsProgress(done.fraction, done.message, finished=True, error=_in_words(exc)))
            return
        self._set(TopicsProgress(1.0, "Topics found", finished=True))


def _in_words(exc: Exception) -> str:
    return (
        f"Topics could not be found for the demo posts ({exc}). Press “Refresh scores and topics” on the Data page "
        "to try again; everything else works meanwhile."
    )


def ensure_ready(shared: SharedWarehouse, *, progress: Progress = silent) -> LateTopics | None:
    """On the app's first start (no warehouse with data yet), build the demo world as the local operator.

    Returns the job finding the topics in the background when the topic model had to be fitted first (a fresh
    clone), else None (nothing built, or built whole).
    """
    if warehouse.exists(shared.path):
        return None
    if has_current_model():
        rebuild_demo(shared, LOCAL, people=bootstrap.DEMO_PEOPLE, seed=bootstrap.DEMO_SEED, progress=progress)
        return None
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="topic-model")
    late = LateTopics(pool.submit(load_or_train))
    pool.shutdown(wait=False)  # the fit runs on; the pool takes no more work
    rebuild_demo(shared, LOCAL, people=bootstrap.DEMO_PEOPLE, seed=bootstrap.DEMO_SEED, topics=False, progress=progress)
    late.add_to(shared)
    return late
