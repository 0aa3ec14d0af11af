"""Tokenizer for social posts: keeps #hashtags, @mentions and emoji as tokens, so topic signals in them survive.

Works on a whole batch at once with polars' native regex engine (multi-threaded), because the classifier tokenizes
millions of posts at every refresh; `tokenize` is the same rule for one text.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

# URLs are removed first, so they leave no "https", "co" or id fragments behind.
_URL = r"https?://\S+|www\.\S+"
# Skin-tone modifiers (U+1F3FB-1F3FF) are outside the emoji ranges, so "👍🏽" and "👍" are the same token.
_PIECES = (
    r"#\w+|@\w+"
    r"|[\U0001F1E6-\U0001F1FF]{2}|[\U0001F000-\U0001F3FA\U0001F400-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF]"
    r"|\w[\w'’]*\w"
)
_HASHTAG = r"#\w+"
# Splits CamelCase and letter/digit runs inside a hashtag: #FitnessGoals2024 -> Fitness, Goals, 2024. The regex
# engine has no look-ahead, so a space first ends an acronym before a capitalised word: NBAFinals -> NBA Finals.
_ACRONYM_END = r"([A-Z]+)([A-Z][a-z])"
_HASHTAG_PART = r"[A-Z]{2,}|[A-Z]?[a-z]+|\d+"


def token_lists(texts: Sequence[str]) -> pl.Series:
    """Lower-cased tokens of each post (a list per text), plus each hashtag's words, which training text rarely has."""
    raw = pl.Series("text", list(texts), dtype=pl.String).fill_null("")
    words = raw.str.replace_all(_URL, " ").str.to_lowercase().str.extract_all(_PIECES)
    # Parts are read from the original case, where the CamelCase boundaries still are.
    hashtags = raw.str.extract_all(_HASHTAG).list.join(" ")
    parts = hashtags.str.replace_all(_ACRONYM_END, "$1 $2").str.extract_all(_HASHTAG_PART)
    frame = pl.DataFrame({"words": words, "parts": parts})
    return frame.select(
        tokens=pl.concat_list(
            pl.col("words").fill_null([]), pl.col("parts").fill_null([]).list.eval(pl.element().str.to_lowercase())
        )
    ).to_series()


def tokenize(text: str) -> list[str]:
    """The tokens of one post (see token_lists)."""
    return token_lists([text]).item(0).to_list()
