"""The refresh pipeline: scores, then topics (which weigh reactions by the new scores), then the Discover tables.

One entry point for the CLI, the Data page's button and the first start, so all three run the same steps
in the same order with one progress bar.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

import duckdb

from core.discover.build import build_discovery
from core.progress import Progress, scaled, silent
from core.scoring.engine import LOCAL, Engine
from core.scoring.refresh import backfill_history, refresh
from core.topics.influence import refresh_topics


@dataclass(frozen=True)
class PipelineReport:
    """What a full refresh did, step by step, for the CLI and the Data page."""

    lines: tuple[str, ...]
    seconds: float

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
    engine: Engine = LOCAL,
) -> PipelineReport:
    """Refresh scores (and optionally their history), topic influence and the Discover tables, in that order.

    Each step stores its results in one transaction, so readers see the previous results until a step is
    complete; a failing step raises with the reason and leaves its own previous results in place. `engine` runs
    the reaction features and PageRank of the scores, their history and topic influence (the Discover tables are
    per-person SQL over the stored results, in the warehouse).
    """
    start = time.perf_counter()
    scores_end = 0.6 if backfill_days else 0.3
    lines = [
        refresh(con, window_days=window_days, as_of=as_of, progress=scaled(progress, 0.0, 0.3), engine=engine).summary()
    ]
    if backfill_days:
        lines.append(
            backfill_history(
                con,
                days=backfill_days,
                step_days=step_days,
                window_days=window_days,
                progress=scaled(progress, 0.3, scores_end),
                engine=engine,
            ).summary()
        )
    lines.append(refresh_topics(con, progress=scaled(progress, scores_end, 0.9), engine=engine).summary())
    info = build_discovery(con, progress=scaled(progress, 0.9, 1.0))
    lines.append(f"Discover tables rebuilt for {info.people:,} people.")
    progress(1.0, "Refresh finished")
    return PipelineReport(lines=tuple(lines), seconds=time.perf_counter() - start)
