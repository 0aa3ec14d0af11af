"""BM25 relevance of the people a free-text search finds, from the index rows of the words searched for.

Plain numpy over the few thousand to hundred thousand rows a search reads: the same ranking as grouped SQL cost
DuckDB 35-45 ms for a common word at a million people (its hash aggregates and window start slowly for 70,000
rows), and polars about 30; this takes a few.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from core.discover.words import RANKING, Ranking
from core.scoring.reactions import dense_index

MATCHES = {"person_id": pl.Int64, "relevance": pl.Float64, "post_id": pl.Int64}  # what rank returns


def rank(
    hits: pl.DataFrame, with_word: Sequence[int], documents: int, avg_length: float, ranking: Ranking = RANKING
) -> pl.DataFrame:
    """(person_id, relevance, post_id) of the people whose documents hold every one of the words searched for.

    `hits` has one row per (word, document): word (the word's position among those searched for, from 0),
    person_id, post_id (NULL: the person's own text), hits (times the word occurs there) and length (the
    document's words); it may leave out the rows of people without every word. `with_word` is, per word, how many
    of the index's `documents` hold it (BM25's idf). A document's relevance is BM25's sum over its words; a
    person's is their best document's, and post_id is their best-matching post, the newest of equally relevant
    ones, so a search always shows the same post.
    """
    if hits.is_empty():
        return pl.DataFrame(schema=MATCHES)
    words = len(with_word)
    word = hits["word"].to_numpy()
    tf = hits["hits"].to_numpy().astype(np.float64)
    length = hits["length"].to_numpy().astype(np.float64)
    holding = np.asarray(with_word, dtype=np.float64)[word]
    idf = np.log(1 + (documents - holding + 0.5) / (holding + 0.5))  # as SQL's ln(1 + x) rounds, not log1p
    k1, b = ranking.k1, ranking.b
    value = idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / avg_length))

    person_of, people = dense_index(hits["person_id"].to_numpy())
    post_ids = hits["post_id"]
    if words == 1:  # everyone found has every word, and each row is a document of its own
        every = np.ones(len(people), dtype=bool)
        own_text = post_ids.is_null().to_numpy()
        owner, post, is_post, relevance = person_of, post_ids.fill_null(0).to_numpy(), ~own_text, value
    else:
        found = np.zeros((len(people), words), dtype=bool)
        found[person_of, word] = True
        every = found.all(axis=1)
        # Only the documents of people with every word are ranked: usually far fewer rows.
        kept = every[person_of]
        person_of, word, value, post_ids = person_of[kept], word[kept], value[kept], post_ids.filter(pl.Series(kept))
        own_text = post_ids.is_null().to_numpy()
        post_of, posts = dense_index(post_ids.fill_null(0).to_numpy())
        slots = len(posts) + 1  # a person's documents: their posts, and their own text in the last slot
        document_of, keys = dense_index(person_of.astype(np.int64) * slots + np.where(own_text, len(posts), post_of))
        # Summed in word order, not in the order the rows came: documents alike get exactly the same relevance, so
        # the newest of them wins every time and the order of a page never changes between two reads.
        by_word = np.argsort(word, kind="stable")
        relevance = np.bincount(document_of[by_word], weights=value[by_word], minlength=len(keys))
        owner, slot = keys // slots, keys % slots
        is_post = slot < len(posts)
        post = posts[np.minimum(slot, len(posts) - 1)]

    best = np.full(len(people), -np.inf)
    np.maximum.at(best, owner, relevance)
    best_post_value = np.full(len(people), -np.inf)
    np.maximum.at(best_post_value, owner[is_post], relevance[is_post])
    ties = is_post & (relevance == best_post_value[owner])
    has_post = np.zeros(len(people), dtype=bool)
    has_post[owner[ties]] = True
    best_post = np.full(len(people), np.iinfo(np.int64).min)
    np.maximum.at(best_post, owner[ties], post[ties])
    return pl.DataFrame(
        {"person_id": people[every], "relevance": best[every], "post_id": best_post[every]}, schema=MATCHES
    ).with_columns(pl.when(pl.Series(has_post[every])).then(pl.col("post_id")))
