"""The shipped sample of real labelled post text (Reddit + HuffPost) used by the demo world and the classifier."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import polars as pl

CORPUS_PATH = Path(__file__).resolve().parent / "corpus" / "labelled_posts.parquet"

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
