"""The refresh pipeline: scores, then topics (which weigh reactions by the new scores), then the Discover tables.

One entry point for the CLI, the Data page's button and the first start, so all three run the same steps
in the same order with one progress bar. A refresh costs what changed where the math allows: posts are tagged
with topics once per model (core/topics/tagging.py), so a daily refresh classifies only the day's new posts;
scores, reactor influence and topic influence are recomputed set-based over the window, because the window
slides (a day enters, a day leaves) and PageRank couples every person's score to everyone else's.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import duckdb

from core.discover.build import build_discovery
from core.profile.flags import flag_name
from core.progress import Progress, scaled, silent
from core.scoring.engine import LOCAL, Engine, reusing_features
from core.scoring.params import ScoreParams
from core.scoring.refresh import BackfillReport, RefreshReport, backfill_history, refresh
from core.topics.influence import TopicRefreshReport, refresh_topics
from core.topics.model import TopicModel


@dataclass(frozen=True)
class PipelineReport:
    """What a full refresh did, step by step: the steps' own reports and how long it all took."""

    scores: RefreshReport
    history: BackfillReport | None
    topics: TopicRefreshReport | None  # None when the topics were left for later (the app's first start)
    discover_people: int
    discover_seconds: float
    seconds: float

    def summary(self) -> str:
        """What changed for the marketer, one line per thing they will see, in plain words."""
        s = self.scores
        lines = [
            f"Scored {s.people:,} people from {s.reactions:,} reactions in the {s.window_days} days up to "
            f"{s.as_of:%d %b %Y}: half score {s.median_score:g} or more, {s.share_50_plus:.1%} score 50 or more."
        ]
        if flagged := sum(s.flagged.values()):
            kinds = ", ".join(f"{flag_name(code).lower()} {n:,}" for code, n in sorted(s.flagged.items()))
            lines.append(f"{flagged:,} accounts show signs of inauthentic activity ({kinds}); their scores count less.")
        else:
            lines.append("No account shows signs of inauthentic activity.")
        if self.history is not None and self.history.days:
            days = self.history.days
            lines.append(f"Backfilled score history for {len(days)} earlier days ({days[0]} to {days[-1]}).")
        if (t := self.topics) is not None:
            tagged = f"Topics found for {t.posts:,} posts" if t.posts else "No new posts needed topics"
            lines.append(f"{tagged}; {t.people:,} people now have influence in a topic.")
        lines.append(f"Discover and the profiles show the new results for {self.discover_people:,} people.")
        where = "" if s.engine == "local" else f" on {s.engine.capitalize()}"  # says where it ran
        return "\n".join((*lines, f"Refresh finished in {self.seconds:.0f} s{where}."))

    @property
    def step_seconds(self) -> dict[str, float]:
        """Seconds per step, in order, for the benchmarks."""
        steps = {"scores": self.scores.seconds}
        if self.history is not None:
            steps["history"] = self.history.seconds
        if self.topics is not None:
            tagging = self.topics.step_seconds.get("tagging", 0.0)
            influence = self.topics.step_seconds.get("influence", 0.0)
            steps |= {"topic tagging": tagging, "topic influence": influence}
            steps["topic model"] = self.topics.seconds - tagging - influence  # loading it
        steps["discover"] = self.discover_seconds
        return steps

    def details(self) -> str:
        """Every step's own technical report (run ids, step timings), for the command line and the logs."""
        steps = [self.scores.summary(), *([self.history.summary()] if self.history else [])]
        steps += [self.topics.summary()] if self.topics else []
        return "\n".join((*steps, f"Refresh finished in {self.seconds:.1f} s."))


def refresh_all(
    con: duckdb.DuckDBPyConnection,
    *,
    window_days: int = 90,
    as_of: datetime | None = None,
    backfill_days: int = 0,
    step_days: int = 1,
    topic_model: Callable[[Progress], TopicModel] | None = None,
    find_topics: bool = True,
    params: ScoreParams | None = None,
    progress: Progress = silent,
    engine: Engine = LOCAL,
) -> PipelineReport:
    """Refresh scores (and optionally their history), topic influence and the Discover tables, in that order.

    Each step stores its results in one transaction, so readers see the previous results until a step is
    complete; a failing step raises with the reason and leaves its own previous results in place.
    `topic_model`, when given, supplies the topic model once the scores are done (a demo build fits it
    meanwhile); otherwise the saved one is used. With `find_topics=False` the posts keep the topics they have
    (none in a new world) and the caller finds them later (core.ops.first_start). `engine` runs the reaction
    features and PageRank of the scores, their history and topic influence (the Discover tables are per-person
    SQL over the stored results, in the warehouse).
    """
    start = time.perf_counter()
    scores_end = 0.6 if backfill_days else 0.3
    # The scores and topic influence read the same window: it is loaded once for both.
    with reusing_features(engine) as window_once:
        scores = refresh(
            con,
            window_days=window_days,
            as_of=as_of,
            params=params,
            progress=scaled(progress, 0.0, 0.3),
            engine=window_once,
        )
        history = None
        if backfill_days:
            history = backfill_history(
                con,
                days=backfill_days,
                step_days=step_days,
                window_days=window_days,
                params=params,
                progress=scaled(progress, 0.3, scores_end),
                engine=engine,
            )
        topics = None
        if find_topics:
            model_end = scores_end + 0.05 if topic_model else scores_end  # the bar never steps back after the wait
            model = topic_model(scaled(progress, scores_end, model_end)) if topic_model else None
            topics = refresh_topics(con, model=model, progress=scaled(progress, model_end, 0.9), engine=window_once)
    info = build_discovery(con, progress=scaled(progress, 0.9, 1.0))
    progress(1.0, "Refresh finished")
    return PipelineReport(scores, history, topics, info.people, info.seconds, time.perf_counter() - start)
