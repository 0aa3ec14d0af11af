"""Word and character n-gram features: counts, hashing that never changes, and what n-grams add for unseen words."""

import numpy as np
import pytest

from core.topics.features import WORD_FEATURES, PostVectorizer, char_ngram_counts

N = 2**19


def test_each_word_gets_every_ngram_of_its_padded_form():
    counts = char_ngram_counts(["ab", "xyz", "é", ""], N, (2, 4))
    # " ab ": 3 bigrams, 2 trigrams, 1 four-gram; " xyz ": 4 + 3 + 2; " é ": 2 + 1; "  ": 1
    assert counts.sum(axis=1).ravel().tolist() == [[6, 9, 3, 1]]


def test_repeated_ngrams_are_counted_not_duplicated():
    counts = char_ngram_counts(["aaaa"], N, (2, 2))  # " a", "aa" x3, "a "
    assert sorted(counts.data.tolist()) == [1.0, 1.0, 3.0]


def test_hash_columns_are_pinned_because_saved_models_depend_on_them():
    # A change here silently breaks every saved model: bump store.FORMAT with it, so old models are retrained.
    assert char_ngram_counts(["ab"], N, (2, 4)).indices.tolist() == [35958, 79050, 362603, 480503, 496212, 509627]


def test_same_word_same_columns_other_word_other_columns():
    counts = char_ngram_counts(["gaming", "gaming", "cooking"], N, (2, 4))
    assert counts[0].indices.tolist() == counts[1].indices.tolist()
    # " gaming " and " cooking " share exactly "in", "ng", "g ", "ing", "ng " and "ing " (no collisions in 2^19)
    assert len(set(counts[0].indices) & set(counts[2].indices)) == 6
    assert counts[2].nnz == 8 + 7 + 6  # the n-grams of " cooking ", all distinct


def test_feature_space_must_be_a_power_of_two():
    with pytest.raises(ValueError, match="power of two"):
        char_ngram_counts(["a"], 1000, (2, 4))


def test_vectorizer_puts_words_first_and_their_ngrams_after():
    vectorizer = PostVectorizer(word_features=2**10, char_features=2**12, char_ngrams=(2, 4))
    matrix = vectorizer.fit_transform(["gym gym", "", "https://t.co/x"])
    assert matrix.shape == (3, 2**10 + 2**12)
    words, chars = matrix[:, : 2**10], matrix[:, 2**10 :]
    assert words[0].sum() == 2  # "gym" twice, one hashed column
    assert chars[0].sum() == 2 * 9  # each occurrence brings the 4 + 3 + 2 n-grams of " gym "
    assert matrix[1].nnz == 0 and matrix[2].nnz == 0  # empty text, URL only


def test_an_unseen_spelling_shares_ngrams_with_the_known_word():
    matrix = PostVectorizer().transform(["workout", "workouttt", "election"])
    words = matrix[:, :WORD_FEATURES].toarray()
    chars = matrix[:, WORD_FEATURES:].toarray()
    assert words[0] @ words[1] == 0  # as words they have nothing in common
    assert chars[0] @ chars[1] > 0.5 * (chars[0] @ chars[0])
    assert chars[0] @ chars[2] < 0.2 * (chars[0] @ chars[0])


def test_a_batch_gives_the_rows_its_texts_give_alone():
    texts = ["Leg day #LegDay 💪", "new album friday", "Leg day #LegDay 💪"]
    together = PostVectorizer().transform(texts).toarray()
    alone = np.vstack([PostVectorizer().transform([text]).toarray() for text in texts])
    assert np.array_equal(together, alone)
