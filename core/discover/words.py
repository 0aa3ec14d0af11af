"""How Discover cuts text into words and ranks documents: one SQL definition for the index build and the search.

Both sides run the same SQL expressions (fixed strings, never user text), so a word typed in the search box
and the same word in a post always reduce to the same index entry. Stemming is deliberately simple (plural
's', '-ing', '-ed', a doubled final consonant): 'running', 'runs' and 'run' meet; 'runner' stays itself.
"""

from __future__ import annotations

from dataclasses import dataclass

# Lower-cased text as single-space separated words: letters and digits only (a '#hashtag' is its word).
_SPLIT = r"string_split(trim(regexp_replace(lower({text}), '[^\pL\pN]+', ' ', 'g')), ' ')"

# Suffix rules, innermost first; each keeps a stem of at least two or three letters so short words survive.
_PLURAL = r"regexp_replace({word}, '^(\pL{{2,}}[^s])s$', '\1')"
_ING_ED = r"regexp_replace({word}, '^(\pL{{3,}})(?:ing|ed)$', '\1')"
# RE2 has no back-references, so each doubled consonant is its own alternative ('runn' -> 'run').
_DOUBLE = r"regexp_replace({word}, '^(\pL{{2,}}?)(?:(b)b|(d)d|(g)g|(m)m|(n)n|(p)p|(t)t)$', '\1\2\3\4\5\6\7\8')"


def split_sql(text: str) -> str:
    """SQL for the list of lower-cased words of the text expression `text` (a fixed column name or '?')."""
    return _SPLIT.format(text=text)


def stem_sql(word: str) -> str:
    """SQL for the index form of the word expression `word` (a fixed column name)."""
    return _DOUBLE.format(word=_ING_ED.format(word=_PLURAL.format(word=word)))


@dataclass(frozen=True)
class Ranking:
    """BM25's two tunables (Robertson & Zaragoza 2009, 'The Probabilistic Relevance Framework'), usual values."""

    k1: float = 1.2  # how fast repeats of a word stop adding: 0 = presence only
    b: float = 0.75  # how much a long document is discounted: 0 = length ignored, 1 = fully


RANKING = Ranking()
