"""What the Topics page shows: the warehouse's label distribution, the last topic refresh, the model's metrics
and its reading of a pasted text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import numpy as np
import polars as pl

from core.db.warehouse import get_meta, scalar
from core.numbers import count_of
from core.topics.language import COVERED, NAMES, languages
from core.topics.model import LABELS, MIN_CONTENT_LETTERS, TopicModel, choose
from core.topics.tagging import language_counts
from core.vocabulary import topic_label
from core.workspace.access import LOCAL, LOCAL_USER_WORDS

# The evaluation's F1 rows (bench.topics_eval), in the order and words a marketer reads them.
METRICS: dict[str, str] = {
    "xtopic_nested": "Real tweets (X-Topic, 200), top topic + per-topic thresholds, nested cross-validation",
    "xtopic_nested_seeds": "Real tweets (X-Topic, 200), the same averaged over 5 cross-validation splits",
    "xtopic_top1": "Real tweets (X-Topic, 200), top topic only",
    "baseline_thresholded": "Baseline (TF-IDF + logistic regression) on the same tweets, top + p ≥ 0.15",
    "baseline_top1": "Baseline on the same tweets, top topic only",
    "heldout_top1": "Held-out 20% of the training sample, top topic only",
    "heldout_thresholded": "Held-out 20% of the training sample, top topic + thresholds",
}


@dataclass(frozen=True)
class TaggingState:
    """When the warehouse's posts were last tagged, and how many posts and people have topics."""

    posts: int
    tagged_posts: int
    not_covered: int  # posts in a language the model does not read: no topics
    without_topics: int  # posts in a language it reads, with too little text or every topic corrected away
    people_with_topics: int
    refreshed_at: datetime | None  # when the topic step last finished
    model_trained_at: str | None


def _when(stamp: str | None) -> datetime | None:
    return datetime.fromisoformat(stamp) if stamp else None


def tagging_state(con: duckdb.DuckDBPyConnection) -> TaggingState:
    """The current state of the topic step in the warehouse."""
    meta = get_meta(con)
    not_covered, without = con.execute(
        "SELECT count(*) FILTER (WHERE NOT covered), count(*) FILTER (WHERE covered AND post_id NOT IN "
        "(SELECT post_id FROM post_topics)) FROM post_tagging"
    ).fetchone()
    return TaggingState(
        posts=scalar(con, "SELECT count(*) FROM posts"),
        tagged_posts=scalar(con, "SELECT count(DISTINCT post_id) FROM post_topics"),
        not_covered=not_covered,
        without_topics=without,
        people_with_topics=scalar(con, "SELECT count(DISTINCT person_id) FROM topic_influence"),
        refreshed_at=_when(meta.get("topics_refreshed_at")),
        model_trained_at=meta.get("topics_model_trained_at"),
    )


def tagging_sentence(state: TaggingState) -> str:
    """Where every post of the warehouse stands, in words that add up: with topics, in a language the model does not
    read, with too little text, or loaded since the last topic refresh."""
    none = [
        *([f"{state.not_covered:,} are in languages the model does not read"] if state.not_covered else []),
        *(
            [f"{state.without_topics:,} have too little text to go on (or lost every topic to a correction)"]
            if state.without_topics
            else []
        ),
    ]
    waiting = state.posts - state.tagged_posts - state.not_covered - state.without_topics
    get = "gets" if waiting == 1 else "get"
    have = "has" if state.people_with_topics == 1 else "have"
    parts = [
        f"{state.tagged_posts:,} of {state.posts:,} posts have topics" + (f"; {' and '.join(none)}." if none else "."),
        *([f"{count_of(waiting, 'post')} loaded since {get} topics at the next refresh."] if waiting > 0 else []),
        *([f"Topics last brought up to date on {state.refreshed_at:%d %b %Y at %H:%M}."] if state.refreshed_at else []),
        f"{count_of(state.people_with_topics, 'person', 'people')} {have} influence in at least one topic.",
    ]
    return " ".join(parts)


def extra_topics_sentence(thresholds: np.ndarray, influence_floor: float) -> str:
    """What an extra topic is, with the model's lowest and highest per-topic thresholds: a low one tags many posts
    weakly, which topic influence leaves out below `influence_floor`."""
    low, high = int(np.argmin(thresholds)), int(np.argmax(thresholds))
    return (
        "A post's top topic is its most likely one. Extra topics are others whose probability reaches that topic's "
        "own threshold, set where the tags agreed best with people's labels on real tweets: from "
        f"{thresholds[low]:.0%} for {topic_label(LABELS[low])} to {thresholds[high]:.0%} for "
        f"{topic_label(LABELS[high])}. So an extra topic can be a weak guess; topic influence counts a post only for "
        f"topics of {influence_floor:.0%} or more."
    )


@dataclass(frozen=True)
class LanguageCoverage:
    """The languages the model reads, and the warehouse's posts per language as last tagged."""

    covered: tuple[str, ...]  # names of the languages the model is trained on
    posts: pl.DataFrame  # language (its name), covered, posts; most posts first

    @property
    def not_covered(self) -> int:
        """Posts in languages the model does not read: marked "language not covered", without topics."""
        return int(self.posts.filter(~pl.col("covered"))["posts"].sum())


def language_coverage(con: duckdb.DuckDBPyConnection) -> LanguageCoverage:
    """Which languages the topic model covers and how many posts are in each language (Topics page)."""
    counts = language_counts(con).with_columns(language=pl.col("language").replace(NAMES))
    return LanguageCoverage(covered=tuple(NAMES[code] for code in COVERED), posts=counts)


def label_distribution(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Per topic: posts whose top topic it is, posts carrying it as an extra topic, people with influence in it.

    Every label appears (zeros included), so the chart's axis does not change between refreshes.
    """
    counts = con.sql(
        """
        WITH tags AS (
            SELECT topic, count(*) FILTER (WHERE rank = 1) AS top_posts, count(*) FILTER (WHERE rank > 1) AS extra_posts
            FROM post_topics GROUP BY topic
        ), people AS (
            SELECT topic, count(*) AS people FROM topic_influence GROUP BY topic
        )
        SELECT topic, coalesce(top_posts, 0) AS top_posts, coalesce(extra_posts, 0) AS extra_posts,
               coalesce(people, 0) AS people
        FROM tags FULL JOIN people USING (topic)
        """
    ).pl()
    labels = pl.DataFrame({"topic": list(LABELS), "label": [topic_label(t) for t in LABELS]})
    return (
        labels.join(counts, on="topic", how="left")
        .with_columns(pl.col("top_posts", "extra_posts", "people").fill_null(0).cast(pl.Int64))
        .sort("top_posts", "topic", descending=[True, False])
    )


def metrics_table(evaluation: dict[str, Any]) -> pl.DataFrame:
    """The evaluation's F1 scores as rows (measured on, micro_f1, macro_f1); empty if never evaluated."""
    metrics = evaluation.get("metrics", {})
    found = [(name, metrics[key]) for key, name in METRICS.items() if isinstance(metrics.get(key), dict)]
    return pl.DataFrame(
        {
            "measured_on": [name for name, _ in found],
            "micro_f1": [float(value["micro_f1"]) for _, value in found],
            "macro_f1": [float(value["macro_f1"]) for _, value in found],
        },
        schema={"measured_on": pl.String, "micro_f1": pl.Float64, "macro_f1": pl.Float64},
    )


def evaluated_on(evaluation: dict[str, Any]) -> str:
    """When the evaluation was made, as a date a marketer reads ('05 Dec 2026'), or that it was not recorded."""
    try:
        return f"on {datetime.fromisoformat(str(evaluation['evaluated_at'])):%d %b %Y}"
    except (KeyError, ValueError):
        return "on a date it did not record"


def baseline_comparison(evaluation: dict[str, Any]) -> str | None:
    """One sentence on how far the model is ahead of the baseline on the same tweets, or None if not measured."""
    paired = evaluation.get("metrics", {}).get("vs_baseline")
    if not isinstance(paired, dict):
        return None
    return (
        f"On the same 200 tweets the model's macro-F1 is {paired['macro_f1_difference']:+.2f} against the baseline "
        f"(95% interval {paired['ci95_low']:+.2f} to {paired['ci95_high']:+.2f}, from resampling the tweets)."
    )


@dataclass(frozen=True)
class TextReading:
    """The model's reading of one pasted text, decided as the warehouse's tagging decides (core/topics/tagging.py)."""

    topics: pl.DataFrame  # topic, label, probability, threshold, tagged; most likely first
    withheld: str  # why a post with this text gets no topic, in words ('' when it gets some)


def topics_of_text(model: TopicModel, text: str) -> TextReading:
    """Every topic with its probability and whether a post with this text would be tagged with it: a text in a
    language the model does not read, or with too little text, gets none, as in the warehouse. Raises ValueError
    on blank text."""
    if not text.strip():
        raise ValueError("Type or paste the text of a post to see its topics.")
    language, covered = languages(pl.Series([None], dtype=pl.String), pl.Series([text])).row(0)
    proba = model.predict_proba([text])
    tagged = choose(proba, model.thresholds, [text])[0]
    withheld = ""
    if not covered:
        tagged[:] = False
        withheld = (
            f"This reads as {NAMES.get(language, language)}, a language the model was not trained on: a post like "
            "it gets no topics rather than a guess. The bars show what the model would have guessed."
        )
    elif not tagged.any():
        withheld = (
            f"Too little text to go on (fewer than {MIN_CONTENT_LETTERS} letters besides @handles and common words "
            "such as 'the', 'this' or 'ok'): a post like it gets no topics rather than a guess."
        )
    frame = pl.DataFrame(
        {
            "topic": list(LABELS),
            "label": [topic_label(t) for t in LABELS],
            "probability": proba[0],
            "threshold": np.asarray(model.thresholds, dtype=float),
            "tagged": tagged,
        }
    ).sort("probability", descending=True)
    return TextReading(frame, withheld)


def model_agrees(model: TopicModel, corrections: pl.DataFrame) -> pl.Series:
    """Per correction (text, topic, action): whether the model by itself now tags the text as the marketer said."""
    if not corrections.height:
        return pl.Series("model_agrees", [], dtype=pl.Boolean)
    tagged = choose(model.predict_proba(corrections["text"].to_list()), model.thresholds)
    label = corrections["topic"].replace_strict(LABELS, range(len(LABELS))).to_numpy()
    says_add = (corrections["action"] == "add").to_numpy()
    return pl.Series("model_agrees", tagged[np.arange(len(label)), label] == says_add)


def readable_corrections(model: TopicModel, corrections: pl.DataFrame) -> pl.DataFrame:
    """Corrections as the Topics page lists them: when, post, topic by name, what was said in words, by whom,
    and whether the model by itself now agrees."""
    return corrections.with_columns(
        model_agrees(model, corrections),
        pl.col("topic").map_elements(topic_label, return_dtype=pl.String),
        pl.col("action").replace_strict({"add": "Is about it", "remove": "Is not about it"}, default=pl.col("action")),
        pl.col("corrected_by").replace({LOCAL.user: LOCAL_USER_WORDS}),
    ).select("corrected_at", "text", "topic", "action", "corrected_by", "model_agrees")
