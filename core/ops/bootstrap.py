"""Build a ready demo warehouse: the demo world, scored, with topics and past campaigns.

Used by the app's first start and the demo rebuild (core.ops.rebuild) and by tests; it writes into the
connection it is given and authorizes nothing, since that warehouse is not in use yet.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import duckdb

from core.campaigns.demo import import_demo_campaigns
from core.db import warehouse
from core.demo.world import build_demo
from core.ops.pipeline import refresh_all
from core.progress import Progress, scaled, silent
from core.scoring.params import ScoreParams
from core.topics.model import TopicModel
from core.topics.model_file import load_or_train

DEMO_PEOPLE = 20_000
DEMO_SEED = 7
HISTORY_DAYS = 90
# A score history point a week (13 charted points): every day would cost 68 full scorings, most of a first start.
HISTORY_STEP_DAYS = 7
# What fitting the topic classifier on the shipped texts takes on two cores; only paces the progress bar.
EXPECTED_FIT_S = 60.0
WAIT_S = 0.5


def await_model(fitting: Future[TopicModel], progress: Progress, *, since: float | None = None) -> TopicModel:
    """The topic model being fitted in the background, moving the progress bar while it is not ready yet.

    `since` is when the fit started (time.monotonic()), if before this wait: the bar then counts from there.
    """
    started = time.monotonic() if since is None else since
    while True:
        try:
            return fitting.result(timeout=WAIT_S)
        except TimeoutError:
            waited = time.monotonic() - started
            share = min(0.95, waited / EXPECTED_FIT_S)
            progress(share, f"Teaching the topic classifier to read posts ({waited:.0f} s)")


def build_ready_demo(
    con: duckdb.DuckDBPyConnection,
    *,
    people: int,
    seed: int,
    topics: bool = True,
    params: ScoreParams | None = None,
    before_scoring: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
    progress: Progress = silent,
) -> None:
    """Generate the demo world into `con`, then score it (with 90 days of history), find topics, load campaigns.

    The result is what a marketer expects: every page has something true to show. Without a saved topic model
    one is fitted on a second thread (the classifier's solver releases the GIL) while the world is built and
    scored, and used once the scores are done. `topics=False` leaves the posts untagged: the app's first start
    opens on the scored world and finds the topics afterwards (core.ops.first_start). `params`: the scoring
    settings (the defaults unless given); `before_scoring` runs on the generated world first (a rebuild's erasures).
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="topic-model") as pool:
        fitting = pool.submit(load_or_train) if topics else None
        build_demo(con, people=people, seed=seed, progress=scaled(progress, 0.0, 0.15))
        if before_scoring is not None:
            before_scoring(con)
        refresh_all(
            con,
            params=params,
            backfill_days=HISTORY_DAYS,
            step_days=HISTORY_STEP_DAYS,
            topic_model=(lambda step: await_model(fitting, step)) if fitting else None,
            find_topics=topics,
            progress=scaled(progress, 0.15, 0.97),
        )
    progress(0.97, "Loading the demo brands' past campaigns")
    import_demo_campaigns(con)


def write_demo_warehouse(path: Path | str, *, people: int, seed: int, progress: Progress = silent) -> None:
    """Build a ready demo warehouse at `path` (build, then swap), for tests and benchmarks."""
    warehouse.rebuild(path, lambda con: build_ready_demo(con, people=people, seed=seed, progress=progress))
    progress(1.0, "Demo world ready")
