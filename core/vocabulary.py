"""Sway's vocabulary: the networks, interaction types and post kinds the warehouse stores, and their plain names.

The tuples are the SQL enums of migration 001 (networks: and 012) in their order (enum_code indexes them); a test
checks that the two never drift apart.
Everything else in Sway that lists networks or interaction types imports them from here.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

import polars as pl

# The demo world's networks (also those of imported files), then the live ones a collector follows (since 012).
DEMO_NETWORKS: tuple[str, ...] = ("twitter", "instagram", "youtube", "tiktok", "blog")
LIVE_NETWORKS: tuple[str, ...] = ("bluesky", "mastodon")
NETWORKS: tuple[str, ...] = DEMO_NETWORKS + LIVE_NETWORKS  # enum network_name
# Every interaction is a reaction of one account to another; a follow reacts to the person, not a post.
INTERACTION_TYPES: tuple[str, ...] = ("repost", "reply", "mention", "like", "click", "follow")  # enum interaction_type
POST_KINDS: tuple[str, ...] = ("post", "reply", "repost")  # enum post_kind

# Plain names of the reactions to posts, in enum order.
POST_REACTIONS: dict[str, str] = {
    "repost": "reposts",
    "reply": "replies",
    "mention": "mentions",
    "like": "likes",
    "click": "clicks",
}
REACTIONS: dict[str, str] = POST_REACTIONS | {"follow": "follows"}
# Plain names of the signals a score is explained by: one per reaction type, and the own-authenticity discount.
SIGNAL_NAMES: dict[str, str] = REACTIONS | {"authenticity": "own authenticity discount"}


# Labels the mechanical rule below would garble ('Film tv & video').
_TOPIC_LABELS = {"film_tv_&_video": "Film, TV & video"}


def topic_label(topic: str) -> str:
    """'fitness_&_health' -> 'Fitness & health' (the classifier's labels are snake_case)."""
    return _TOPIC_LABELS.get(topic) or topic.replace("_&_", " & ").replace("_", " ").capitalize()


def named_topics(given: Sequence[str], topics: Sequence[str]) -> tuple[list[str], str | None]:
    """The topics of `topics` that `given` names, each by its label or its key in any capitals ('Music',
    'fitness & health', 'fitness_&_health'), in order without repeats; and, when one names none, what to type."""
    by_name = {name.casefold(): t for t in topics for name in (t, topic_label(t))}
    found: dict[str, None] = {}
    for text in given:
        key = by_name.get(text.strip().casefold())
        if key is None:
            close = difflib.get_close_matches(text.strip().casefold(), list(by_name), n=1, cutoff=0.6)
            guess = f" (did you mean {topic_label(by_name[close[0]])!r}?)" if close else ""
            offered = ", ".join(repr(topic_label(t)) for t in topics) or "none yet (run a refresh)"
            return [], f"Unknown topic {text!r}{guess}. Topics: {offered}."
        found[key] = None
    return list(found), None


def topic_labels(topics: pl.Expr) -> pl.Expr:
    """topic_label() over a list column of topics."""
    words = pl.element().str.replace_all("_&_", " & ", literal=True).str.replace_all("_", " ", literal=True)
    plain = words.str.slice(0, 1).str.to_uppercase() + words.str.slice(1)
    return topics.list.eval(
        pl.when(pl.element().is_in(list(_TOPIC_LABELS))).then(pl.element().replace(_TOPIC_LABELS)).otherwise(plain)
    )
