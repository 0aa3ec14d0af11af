"""Plain-English names of stored codes (topics, interaction types) for tables, charts and sentences."""

from __future__ import annotations

import polars as pl

# Reactions to posts, in the interaction_type enum order; a follow reacts to the person, not a post.
POST_REACTIONS: dict[str, str] = {
    "repost": "reposts",
    "reply": "replies",
    "mention": "mentions",
    "like": "likes",
    "click": "clicks",
}
REACTIONS: dict[str, str] = POST_REACTIONS | {"follow": "follows"}


def topic_label(topic: str) -> str:
    """'fitness_&_health' -> 'Fitness & health' (the classifier's labels are snake_case)."""
    return topic.replace("_&_", " & ").replace("_", " ").capitalize()


def topic_labels(topics: pl.Expr) -> pl.Expr:
    """topic_label() over a list column of topics."""
    words = pl.element().str.replace_all("_&_", " & ", literal=True).str.replace_all("_", " ", literal=True)
    return topics.list.eval(words.str.slice(0, 1).str.to_uppercase() + words.str.slice(1))
