"""The refresh pipeline: scores, then topics (which weigh reactions by the new scores), then the Discover tables.

One entry point for the CLI, the Data page's button and the first start, so all three run the same steps
in the same order with one progress bar. A refresh costs what changed where the math allows: posts are tagged
with topics once per model (core/topics/tagging.py), so a daily refresh classifies only the day's new posts;
scores, reactor influence and topic influence are recomputed set-based over the window, because the window
slides (a day enters, a day leaves) and PageRank couples every person's score to everyone else's.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from core.discover.build import build_discovery
from core.progress import Progress, scaled, silent
from core.scoring.refresh import backfill_history, refresh
from core.topics.influence import refresh_topics


@dataclass(frozen=True)
class PipelineReport:
    """What a full refresh did, step by step, for the CLI and the Data page."""

    lines: tuple[str, ...]
    seconds: float
    step_seconds: dict[str, float] = field(default_factory=dict)  # per step, in order

    def summary(self) -> str:
        """Several lines: one per step, then the total time."""
        return "\n".join((*self.lines, f"Refresh finished in {self.seconds:.1f} s."))


def refresh_all(
    con: duckdb.DuckDBPyConnection,
    *,
    window_days: int = 90,
    as_of: datetime | None = None,
    backfill_days: int = 0,
    step_days: int = 1,
    progress: Progress = silent,
) -> PipelineReport:
    """Refresh scores (and optionally their history), topic influence and the Discover tables, in that order.

    Each step stores its results in one transaction, so readers see the previous results until a step is
    complete; a failing step raises with the reason and leaves its own previous results in place.
    """
    start = time.perf_counter()
    scores_end = 0.6 if backfill_days else 0.3
    scores = refresh(con, window_days=window_days, as_of=as_of, progress=scaled(progress, 0.0, 0.3))
    lines = [scores.summary()]
    steps = {"scores": scores.seconds}
    if backfill_days:
        history = backfill_history(
            con,
            days=backfill_days,
            step_days=step_days,
            window_days=window_days,
            progress=scaled(progress, 0.3, scores_end),
        )
        lines.append(history.summary())
        steps["history"] = history.seconds
    topics = refresh_topics(con, progress=scaled(progress, scores_end, 0.9))
    lines.append(topics.summary())
    steps["topic tagging"] = topics.step_seconds.get("tagging", 0.0)
    steps["topic influence"] = topics.step_seconds.get("influence", 0.0)
    steps["topic model"] = topics.seconds - steps["topic tagging"] - steps["topic influence"]  # loading it
    info = build_discovery(con, progress=scaled(progress, 0.9, 1.0))
    lines.append(f"Discover tables rebuilt for {info.people:,} people.")
    steps["discover"] = info.seconds
    progress(1.0, "Refresh finished")
    return PipelineReport(lines=tuple(lines), seconds=time.perf_counter() - start, step_seconds=steps)
