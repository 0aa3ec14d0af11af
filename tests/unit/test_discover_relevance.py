"""BM25 ranking of a search's index rows (core/discover/relevance.py) on hand-made rows whose answer is known."""

import math

import polars as pl
import pytest

from core.discover.relevance import rank


def _hits(*rows: tuple[int, int, int | None, int, int]) -> pl.DataFrame:
    """Index rows (word position, person_id, post_id, hits, length)."""
    return pl.DataFrame(
        rows,
        schema={"word": pl.Int32, "person_id": pl.Int64, "post_id": pl.Int64, "hits": pl.Int32, "length": pl.Int32},
        orient="row",
    )


def _rank(hits: pl.DataFrame, words: int, documents: int, avg_length: float) -> pl.DataFrame:
    """rank() when `hits` holds every document of each word: the rows per word are the documents holding it."""
    held = dict(hits.group_by("word").len().iter_rows())
    return rank(hits, [held.get(w, 0) for w in range(words)], documents, avg_length)


def _by_person(found: pl.DataFrame) -> dict[int, tuple[float, int | None]]:
    return {p: (r, post) for p, r, post in found.select("person_id", "relevance", "post_id").iter_rows()}


def test_one_occurrence_in_a_document_of_average_length_scores_the_words_idf():
    # 10 documents, the word in 2 of them: idf = ln(1 + 8.5 / 2.5) = ln 4.4; at average length one hit counts 1.
    found = _by_person(_rank(_hits((0, 1, 11, 1, 5), (0, 2, 21, 1, 5)), words=1, documents=10, avg_length=5.0))
    assert found[1][0] == pytest.approx(math.log(4.4))
    assert found == {1: (found[1][0], 11), 2: (found[1][0], 21)}


def test_repeats_count_less_and_less_and_long_documents_are_discounted():
    found = _by_person(
        _rank(
            _hits((0, 1, 11, 1, 5), (0, 2, 21, 3, 5), (0, 3, 31, 1, 50)),
            words=1,
            documents=100,
            avg_length=5.0,
        )
    )
    assert found[2][0] > found[1][0] > found[3][0]
    assert found[2][0] < 3 * found[1][0]  # three hits are worth less than three times one


def test_a_rarer_word_weighs_more():
    # Word 0 is in 3 documents, word 1 in 1; person 3 has each once, in two posts alike but for the word.
    rows = _hits((0, 1, 11, 1, 5), (0, 2, 21, 1, 5), (0, 3, 31, 1, 5), (1, 3, 32, 1, 5))
    found = _by_person(_rank(rows, words=2, documents=100, avg_length=5.0))
    assert list(found) == [3]  # only person 3 has both words
    assert found[3][1] == 32  # the rare word's post is the better match


def test_words_add_up_within_a_document_and_a_person_is_worth_their_best_one():
    rows = _hits(
        (0, 1, 11, 1, 5), (1, 1, 11, 1, 5),  # person 1: both words in one post
        (0, 2, 21, 1, 5), (1, 2, 22, 1, 5),  # person 2: one word in each of two posts
    )  # fmt: skip
    found = _by_person(_rank(rows, words=2, documents=100, avg_length=5.0))
    # Both words are in two documents, so each occurrence is worth the same: person 2's best post holds one.
    assert found[2][0] == pytest.approx(found[1][0] / 2)


def test_every_word_must_be_somewhere_in_the_persons_documents():
    rows = _hits((0, 1, None, 1, 3), (1, 1, 12, 1, 5), (0, 2, 21, 4, 5))
    found = _rank(rows, words=2, documents=100, avg_length=5.0)
    assert found["person_id"].to_list() == [1]  # one word in the bio and one in a post is enough


def test_the_best_post_is_shown_even_when_the_persons_own_text_matches_better():
    rows = _hits((0, 1, None, 3, 2), (0, 1, 12, 1, 40), (0, 2, None, 1, 5))
    found = _by_person(_rank(rows, words=1, documents=100, avg_length=5.0))
    assert found[1][1] == 12  # the bio is the best document, the post is the best post
    # The relevance is the bio's: a still weaker post leaves it, a post better than the bio raises it.
    weaker = _hits((0, 1, None, 3, 2), (0, 1, 12, 1, 80), (0, 2, None, 1, 5))
    assert _by_person(_rank(weaker, words=1, documents=100, avg_length=5.0))[1][0] == found[1][0]
    better = _hits((0, 1, None, 3, 2), (0, 1, 12, 9, 2), (0, 2, None, 1, 5))
    assert _by_person(_rank(better, words=1, documents=100, avg_length=5.0))[1][0] > found[1][0]
    assert found[2][1] is None  # only their own text matches: no post to show


def test_of_equally_relevant_posts_the_newest_is_chosen_whatever_the_row_order():
    rows = [(0, 1, 13, 1, 5), (0, 1, 17, 1, 5), (0, 1, 15, 1, 5)]
    for order in (rows, rows[::-1], rows[1:] + rows[:1]):
        assert _by_person(_rank(_hits(*order), words=1, documents=100, avg_length=5.0))[1][1] == 17


def test_no_rows_find_no_one():
    found = _rank(_hits(), words=1, documents=100, avg_length=5.0)
    assert found.is_empty() and found.columns == ["person_id", "relevance", "post_id"]


def test_documents_alike_tie_exactly_whatever_order_their_words_come_in():
    # Three words in different numbers of documents (person 2's), and person 1's posts 13 and 17 alike, their
    # rows in opposite word order: summed in arrival order, the two could differ in the last bit.
    filler = [(w, 2, 100 * (w + 1) + i, 1, 5) for w, n in ((0, 1), (1, 4), (2, 9)) for i in range(n)]
    for hits in (1, 2, 3):
        for length in (3, 5, 7, 11):
            first = [(0, 1, 13, hits, length), (1, 1, 13, 1, length), (2, 1, 13, 2, length)]
            second = [(2, 1, 17, 2, length), (1, 1, 17, 1, length), (0, 1, 17, hits, length)]
            for rows in (first + second + filler, second + filler + first):
                assert _by_person(_rank(_hits(*rows), words=3, documents=100, avg_length=5.0))[1][1] == 17


def test_rows_of_people_without_every_word_may_be_left_out_when_the_word_counts_are_given():
    everyone = _hits((0, 1, 11, 1, 5), (1, 1, 12, 2, 5), (0, 2, 21, 1, 5), (0, 3, 31, 1, 5), (1, 4, 41, 1, 5))
    only_complete = _hits((0, 1, 11, 1, 5), (1, 1, 12, 2, 5))
    assert rank(only_complete, [3, 2], 100, 5.0).equals(_rank(everyone, words=2, documents=100, avg_length=5.0))
    # Counted from the rows left, the words would look rarer and weigh more.
    assert rank(only_complete, [1, 1], 100, 5.0)["relevance"][0] > _rank(everyone, 2, 100, 5.0)["relevance"][0]
