"""Tokenizer for social posts: keeps #hashtags, @mentions and emoji as tokens, so topic signals in them survive."""

from __future__ import annotations

import re

# URLs match first but capture nothing, so they drop out instead of leaking "https", "co" and id fragments.
_TOKEN = re.compile(
    r"https?://\S+|www\.\S+"
    r"|(#\w+|@\w+"
    r"|[\U0001F1E6-\U0001F1FF]{2}|[\U0001F000-\U0001F3FA\U0001F400-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF]"
    r"|\w[\w'’]*\w)"
)
_HASHTAG = re.compile(r"#\w+")
# Splits CamelCase and letter/digit runs inside a hashtag: #FitnessGoals2024 -> Fitness, Goals, 2024.
_HASHTAG_PART = re.compile(r"[A-Z]{2,}(?![a-z])|[A-Z]?[a-z]+|\d+")


def tokenize(text: str) -> list[str]:
    """Lower-cased tokens of a post, plus each hashtag's words, because training text rarely has hashtags."""
    tokens = list(filter(None, _TOKEN.findall(text.lower())))
    if "#" in text:
        for tag in _HASHTAG.findall(text):
            tokens.extend(part.lower() for part in _HASHTAG_PART.findall(tag))
    return tokens
