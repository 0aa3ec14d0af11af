"""The shipped samples of real labelled text: posts (Reddit + HuffPost) for the demo world and the classifier, and
extra HuffPost headlines that only the classifier trains on."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import polars as pl

CORPUS_PATH = Path(__file__).resolve().with_name("labelled_posts.parquet")
HEADLINES_PATH = CORPUS_PATH.with_name("huffpost_headlines.parquet")

TOPICS: tuple[str, ...] = (
    "arts_&_culture",
    "business_&_entrepreneurs",
    "celebrity_&_pop_culture",
    "diaries_&_daily_life",
    "family",
    "fashion_&_style",
    "film_tv_&_video",
    "fitness_&_health",
    "food_&_dining",
    "gaming",
    "learning_&_educational",
    "music",
    "news_&_social_concern",
    "other_hobbies",
    "relationships",
    "science_&_technology",
    "sports",
    "travel_&_adventure",
    "youth_&_student_life",
)


@lru_cache(maxsize=1)
def labelled_posts() -> pl.DataFrame:
    """All shipped texts with columns topic, text, source, source_ref (read once per process)."""
    return pl.read_parquet(CORPUS_PATH)


@lru_cache(maxsize=1)
def training_posts() -> pl.DataFrame:
    """What the topic classifier trains on: the labelled posts plus the headlines (same columns).

    The headlines stay out of the demo world: lower-cased news headlines would read oddly as people's posts.
    """
    return pl.concat([labelled_posts(), pl.read_parquet(HEADLINES_PATH)])
