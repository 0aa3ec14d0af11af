"""Training, probabilities, the per-label threshold rule, corrections and determinism."""

import numpy as np
import polars as pl
import pytest

from core.topics import model as topic_model
from core.topics.model import LABELS, fit, training_rows
from tests.unit.topics_small import small_model, small_sample

POSTS = [
    "Leg day done, new deadlift PR #fitness",
    "Who else is hyped for the new Zelda trailer? @Nintendo",
    "Our baby took her first steps today",
    "The senate passed the climate bill last night",
]


def test_probabilities_cover_every_label_and_sum_to_one():
    proba = small_model().predict_proba(POSTS)
    assert proba.shape == (len(POSTS), len(LABELS))
    assert np.allclose(proba.sum(axis=1), 1.0)


def test_threshold_one_leaves_only_the_top_label():
    model = small_model()
    model.thresholds[:] = 1.0
    proba = model.predict_proba(POSTS)
    assert model.predict(POSTS) == [[LABELS[i]] for i in proba.argmax(axis=1)]


def test_threshold_zero_adds_that_label_everywhere():
    model = small_model()
    model.thresholds[:] = 1.0
    model.thresholds[LABELS.index("gaming")] = 0.0
    predicted = model.predict(POSTS)
    assert all("gaming" in topics for topics in predicted)
    assert all(len(topics) <= 2 for topics in predicted)


def test_labels_come_most_likely_first():
    model = small_model()
    model.thresholds[:] = 0.0
    proba = model.predict_proba(POSTS[:1])[0]
    assert model.predict(POSTS[:1])[0] == [LABELS[i] for i in np.argsort(-proba, kind="stable")]


def test_many_posts_are_predicted_in_chunks_on_threads_in_their_own_order(monkeypatch):
    model = small_model()
    whole = model.predict_proba(POSTS * 3)
    monkeypatch.setattr(topic_model, "PREDICT_CHUNK", 5)  # 12 posts: chunks of 5, 5 and 2 on the thread pool
    assert np.array_equal(model.predict_proba(POSTS * 3), whole)


def test_same_data_gives_the_same_model():
    rows = training_rows(small_sample())
    first, second = fit(rows), fit(rows)
    assert np.array_equal(first.predict_proba(POSTS), second.predict_proba(POSTS))


def test_corrections_are_learned_and_counted():
    text = "plain quux morsel"
    extra = pl.DataFrame({"text": [text, "  ", "a post"], "topics": [["gaming"], ["music"], []]})
    model = fit(training_rows(small_sample(), extra))
    assert model.predict([text])[0][0] == "gaming"
    assert model.card["corrections_used"] == 1  # blank text and empty topic lists are left out


def test_corrections_with_unknown_topics_are_refused():
    extra = pl.DataFrame({"text": ["hello"], "topics": [["astrology"]]})
    with pytest.raises(ValueError, match="astrology"):
        training_rows(small_sample(), extra)


def test_training_needs_every_label():
    rows = training_rows(small_sample().filter(pl.col("topic") != "music"))
    with pytest.raises(ValueError, match="music"):
        fit(rows)
