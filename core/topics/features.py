"""Post features for the topic classifier: hashed word counts plus hashed character 2-4-grams of every word.

Character n-grams let a tweet's unseen spellings, inflections and hashtag fragments ("#legday", "gamin") share
weight with the training words they resemble; on X-Topic tweets they lift macro-F1 (bench.topics_eval). They are
computed once per distinct word of a batch with numpy, not once per occurrence in Python, which keeps prediction
above 50,000 posts a second.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction import FeatureHasher

from core.topics.tokenize import token_lists

WORD_FEATURES = 2**18  # the sample's vocabulary is ~100k words, so collisions stay rare
CHAR_FEATURES = 2**19
CHAR_NGRAMS = (2, 4)  # on X-Topic tweets (10-seed CV macro-F1) 2-4 beat 3-5 and 2-5
_SPACE = 32
_MIX = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit constant (golden ratio): spreads code points over the key


def _mix64(key: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every input bit affects every output bit, so the top bits make a good bucket."""
    key = (key ^ (key >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    key = (key ^ (key >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return key ^ (key >> np.uint64(31))


def char_ngram_counts(words: Sequence[str], n_features: int, ngrams: tuple[int, int]) -> sp.csr_matrix:
    """(len(words), n_features) counts of the hashed character n-grams of each word padded with one space a side.

    Pure numpy arithmetic on code points, so the same word hashes to the same columns on every machine and in every
    library version (a trained model depends on it).
    """
    bits = int(n_features).bit_length() - 1
    if n_features != 1 << bits:
        raise ValueError(f"n_features must be a power of two, got {n_features}")
    lengths = np.fromiter((len(word) for word in words), dtype=np.int64, count=len(words)) + 2
    ends = np.cumsum(lengths)
    points = np.full(int(ends[-1]) if len(words) else 0, _SPACE, dtype=np.uint64)
    # surrogatepass: a lone surrogate (from broken UTF-16 upstream) is one code point like any other, not an error.
    codes = np.frombuffer("".join(words).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    # Word k's characters move right by the 2k pad spaces before it and the one that opens it.
    points[np.arange(len(codes)) + 2 * np.repeat(np.arange(len(words)), lengths - 2) + 1] = codes
    owner = np.repeat(np.arange(len(words)), lengths)
    position = np.arange(len(points))
    rows, cols = [], []
    low, high = ngrams
    with np.errstate(over="ignore"):  # the hash wraps around 2**64 on purpose
        for n in range(low, high + 1):
            valid = position + n <= ends[owner]
            key = np.full(int(valid.sum()), np.uint64(n), dtype=np.uint64)
            first = position[valid]
            for offset in range(n):
                key = key * _MIX + points[first + offset]
            rows.append(owner[valid])
            cols.append((_mix64(key) >> np.uint64(64 - bits)).astype(np.int64))
    rows_all, cols_all = np.concatenate(rows), np.concatenate(cols)
    counts = sp.csr_matrix(
        (np.ones(len(rows_all), dtype=np.float32), (rows_all, cols_all)), shape=(len(words), n_features)
    )
    counts.sum_duplicates()
    return counts


class PostVectorizer(TransformerMixin, BaseEstimator):
    """Posts -> sparse counts: hashed words in the first `word_features` columns, their char n-grams after them.

    Stateless like sklearn's HashingVectorizer (fit learns nothing), so it needs no vocabulary in the model file.
    """

    def __init__(
        self,
        word_features: int = WORD_FEATURES,
        char_features: int = CHAR_FEATURES,
        char_ngrams: tuple[int, int] = CHAR_NGRAMS,
    ):
        self.word_features = word_features
        self.char_features = char_features
        self.char_ngrams = char_ngrams

    def fit(self, texts: Sequence[str], y: object = None) -> PostVectorizer:
        """Nothing to learn; present for the Pipeline protocol."""
        return self

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """(len(texts), word_features + char_features) float32 counts."""
        tokens = token_lists(texts)
        flat = tokens.explode().drop_nulls()
        distinct = flat.unique(maintain_order=True)
        lookup = pl.DataFrame({"token": distinct, "id": np.arange(len(distinct))})
        ids = pl.DataFrame({"token": flat}).join(lookup, on="token", maintain_order="left").get_column("id").to_numpy()
        indptr = np.zeros(len(tokens) + 1, dtype=np.int64)
        np.cumsum(tokens.list.len().to_numpy(), out=indptr[1:])
        occurrences = sp.csr_matrix(
            (np.ones(len(ids), dtype=np.float32), ids, indptr), shape=(len(tokens), len(distinct))
        )
        words = distinct.to_list()
        hashed_words = FeatureHasher(
            self.word_features, input_type="string", alternate_sign=False, dtype=np.float32
        ).transform([word] for word in words)
        per_word = sp.hstack(
            [hashed_words, char_ngram_counts(words, self.char_features, tuple(self.char_ngrams))], format="csr"
        )
        return (occurrences @ per_word).tocsr()
