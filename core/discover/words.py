"""How Discover cuts text into words and reduces them to index words, the same way for the build and the search.

A word is a run of letters and digits, lower-cased (a '#hashtag' is its word): the build splits texts in SQL
on [^\\pL\\pN]+ and a search splits its text with the equivalent [\\p{L}\\p{N}]+. Stemming is one polars
expression used on both sides (the build stems each distinct word once), so a word typed in the search box
and the same word in a post always meet. It is deliberately simple (plural 's', '-ing', '-ed', a doubled
final consonant): 'running', 'runs' and 'run' meet; 'runner' stays itself.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import polars as pl

# Lower-cased text as single-space separated words: letters and digits only.
_SPLIT = r"string_split(trim(regexp_replace(lower({text}), '[^\pL\pN]+', ' ', 'g')), ' ')"
_WORD = r"[\p{L}\p{N}]+"

# Suffix rules in order; each keeps a stem of at least two or three letters so short words survive. Rust's
# regex has no back-references, so each doubled consonant is its own alternative ('runn' -> 'run').
_RULES = (
    (r"^(\p{L}{2,}[^s])s$", "${1}"),
    (r"^(\p{L}{3,})(?:ing|ed)$", "${1}"),
    (r"^(\p{L}{2,}?)(?:(b)b|(d)d|(g)g|(m)m|(n)n|(p)p|(t)t)$", "${1}${2}${3}${4}${5}${6}${7}${8}"),
)


def split_sql(text: str) -> str:
    """SQL for the list of lower-cased words of the text expression `text` (a fixed column name)."""
    return _SPLIT.format(text=text)


def stem(words: pl.Expr) -> pl.Expr:
    """The index form of each lower-cased word."""
    for pattern, replacement in _RULES:
        words = words.str.replace(pattern, replacement)
    return words


def rules_fingerprint() -> str:
    """A digest of how words are cut and stemmed: an index built under other rules must be built again."""
    return hashlib.sha256(repr((_SPLIT, _WORD, _RULES)).encode("utf-8")).hexdigest()[:16]


def search_words(text: str) -> list[str]:
    """The distinct index words of a free-text search, in the order typed."""
    found = pl.Series([text]).str.to_lowercase().str.extract_all(_WORD).explode().drop_nulls()
    return list(dict.fromkeys(found.to_frame("w").select(stem(pl.col("w")))["w"].to_list()))


@dataclass(frozen=True)
class Ranking:
    """BM25's two tunables (Robertson & Zaragoza 2009, 'The Probabilistic Relevance Framework'), usual values."""

    k1: float = 1.2  # how fast repeats of a word stop adding: 0 = presence only
    b: float = 0.75  # how much a long document is discounted: 0 = length ignored, 1 = fully


RANKING = Ranking()
