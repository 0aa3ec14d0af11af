"""The Topics page's plain-words guide: what each topic covers and how far to trust its tags, in sentences.

How sure the model is comes from the warehouse's own posts (the share of a topic's posts whose top topic it gave
at least SURE probability); how often it is right comes from the shipped evaluation on real tweets.
"""

from __future__ import annotations

from typing import Any

import duckdb
import polars as pl

from core.topics.model import LABELS
from core.vocabulary import topic_label

SURE = 0.5  # a top topic at this probability or more is one the model is sure of
# (share of a topic's posts the model is sure of, words), the first whose share is reached
# (how sure, not how right: that is RIGHT_WORDS, measured on labelled tweets)
CLEAR_WORDS: tuple[tuple[float, str], ...] = (
    (0.6, "Sure of most of them"),
    (0.45, "Sure of about half"),
    (0.0, "Often a guess: check the evidence posts"),
)
# (macro-F1 on real tweets, words), the first reached. F1 balances the share of tags that are right against the
# share of right tags found, so its words speak of hits and misses, not of a share of posts.
RIGHT_WORDS: tuple[tuple[float, str], ...] = (
    (0.7, "most of its tags are right and it finds most of each topic's posts"),
    (0.5, "its tags hit more often than they miss"),
    (0.35, "its tags miss about as often as they hit"),
    (0.0, "it is a rough guide only"),
)
COVERS: dict[str, str] = {
    "arts_&_culture": "Art, museums, theatre, books as culture, design and photography",
    "business_&_entrepreneurs": "Start-ups, small business, marketing, money and careers",
    "celebrity_&_pop_culture": "Celebrities, gossip, memes and viral moments",
    "diaries_&_daily_life": "Everyday life, moods and personal updates",
    "family": "Parenting, children, pregnancy and family life",
    "fashion_&_style": "Clothes, beauty, make-up and personal style",
    "film_tv_&_video": "Films, series, streaming and online video",
    "fitness_&_health": "Workouts, running, sport for health, wellbeing and nutrition",
    "food_&_dining": "Cooking, recipes, restaurants and drinks",
    "gaming": "Video games, consoles, e-sports and streaming play",
    "learning_&_educational": "Learning, teaching, courses, how-tos and explainers",
    "music": "Songs, artists, albums, concerts and festivals",
    "news_&_social_concern": "News, politics, causes and social issues",
    "other_hobbies": "Hobbies not listed elsewhere: crafts, gardening, collecting, DIY",
    "relationships": "Dating, love, friendship and advice on them",
    "science_&_technology": "Science, gadgets, software, AI and the internet",
    "sports": "Teams, matches, athletes and sports news",
    "travel_&_adventure": "Trips, destinations, the outdoors and adventure",
    "youth_&_student_life": "School, university and student life",
}


def _words(value: float, scale: tuple[tuple[float, str], ...]) -> str:
    return next(words for floor, words in scale if value >= floor)


def topic_guide(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """One row per topic (most posts first): label, covers, people with influence, posts, sure (% of its posts),
    clarity."""
    found = con.sql(
        """
        WITH tags AS (
            SELECT topic, count(*) AS posts, avg((probability >= ?)::INTEGER) AS sure
            FROM post_topics WHERE rank = 1 GROUP BY topic
        ), people AS (SELECT topic, count(*) AS people FROM topic_influence GROUP BY topic)
        SELECT topic, posts, sure, coalesce(people, 0) AS people FROM tags LEFT JOIN people USING (topic)
        """,
        params=[SURE],
    ).pl()
    labels = pl.DataFrame({"topic": list(LABELS)})
    frame = labels.join(found, on="topic", how="left").with_columns(
        pl.col("posts", "people").fill_null(0).cast(pl.Int64)
    )
    clarity = [None if s is None else _words(s, CLEAR_WORDS) for s in frame["sure"].to_list()]
    return frame.select(
        "topic",
        label=pl.Series([topic_label(t) for t in frame["topic"].to_list()], dtype=pl.String),
        covers=pl.col("topic").replace_strict(COVERS, default=""),
        people="people",
        posts="posts",
        sure=(pl.col("sure") * 100).round(0),  # whole percent, as shown
        clarity=pl.Series(clarity, dtype=pl.String),
    ).sort(["posts", "topic"], descending=[True, False])


def overall_reliability(evaluation: dict[str, Any]) -> str | None:
    """One sentence on how often the model is right on real tweets it never saw, or None if never evaluated."""
    measured = evaluation.get("metrics", {}).get("xtopic_nested")
    if not isinstance(measured, dict):
        return None
    f1 = float(measured["macro_f1"])
    return (
        f"On real tweets it never trained on, {_words(f1, RIGHT_WORDS)}: it scores {f1:.2f} out of 1 (macro-F1: "
        "for each topic, how many of its tags are right and how many of the topic's tweets it finds, averaged over "
        "the 19 topics). Use topics to find candidates, then read the posts a profile shows as evidence."
    )
