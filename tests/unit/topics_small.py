"""A topic model trained once per test session on a small stratified slice of the shipped sample."""

from __future__ import annotations

from functools import lru_cache

import polars as pl

from core.corpus.samples import labelled_posts
from core.topics.model import TopicModel, fit, training_rows

PER_LABEL = 80


def small_sample() -> pl.DataFrame:
    """The first PER_LABEL shipped posts of every label (1,520 rows, every label present)."""
    return labelled_posts().group_by("topic", maintain_order=True).head(PER_LABEL)


@lru_cache(maxsize=1)
def _fitted() -> TopicModel:
    return fit(training_rows(small_sample()))


def small_model() -> TopicModel:
    """A fresh TopicModel over the shared fitted pipeline; its thresholds and card are private copies."""
    model = _fitted()
    return TopicModel(model.pipeline, model.thresholds.copy(), dict(model.card))
