"""Retraining the topic model with every marketer correction in the warehouse, then re-tagging the posts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from core.progress import Progress, scaled, silent
from core.topics.corrections import latest_words, training_labels
from core.topics.influence import TopicParams, TopicRefreshReport, refresh_topics, require_scores
from core.topics.model import TopicModel, train
from core.topics.model_file import load, model_path


@dataclass(frozen=True)
class RetrainReport:
    """What a retrain did: the new model (not yet saved), where it belongs, and the topic refresh that used it."""

    model: TopicModel
    path: Path
    topics: TopicRefreshReport

    @property
    def card(self) -> dict:
        """The new model's card (training rows, corrections used, timings)."""
        return self.model.card

    def summary(self) -> str:
        """A few lines for the page."""
        return (
            f"Retrained the topic model on {self.card['training_rows']:,} texts, "
            f"{self.card['corrections_used']:,} of them corrected by marketers, in {self.card['training_seconds']} s.\n"
            f"{self.topics.summary()}"
        )


def train_with_corrections(
    con: duckdb.DuckDBPyConnection | None, *, current: TopicModel | None = None, progress: Progress = silent
) -> TopicModel:
    """Train on the shipped sample plus the warehouse's corrections (latest word per post and topic).

    Posts that only lost topics are labelled by `current` (the model in use; trained first if None), see
    core.topics.corrections.training_labels. Without a warehouse, trains on the shipped sample alone.
    """
    words = latest_words(con) if con is not None else None
    if words is None or not words.height:
        return train(progress=progress)
    if current is None:
        progress(0.0, "Training a first model to label the corrected posts")
        current = train(progress=scaled(progress, 0.0, 0.45))
        progress = scaled(progress, 0.5, 1.0)
    return train(training_labels(words, current), progress=progress)


def current_model(path: Path) -> TopicModel | None:
    """The saved model at `path`, or None when there is none yet."""
    return load(path) if path.exists() else None


def retrain(
    con: duckdb.DuckDBPyConnection,
    *,
    path: Path | None = None,
    params: TopicParams | None = None,
    progress: Progress = silent,
) -> RetrainReport:
    """Retrain with all corrections and re-run the topic step with the new model; the model is not saved yet.

    A step of core.ops.retrain, which authorizes, locks, audits and saves the model to `report.path` last,
    so a warehouse that cannot be re-tagged leaves the model file as it was. Checks for scores first.
    """
    require_scores(con)
    path = Path(path) if path is not None else model_path()
    progress(0.0, "Reading the corrections")
    model = train_with_corrections(con, current=current_model(path), progress=scaled(progress, 0.0, 0.45))
    report = refresh_topics(con, model=model, params=params, progress=scaled(progress, 0.45, 1.0))
    return RetrainReport(model=model, path=path, topics=report)
