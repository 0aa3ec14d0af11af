"""Discover's word index (migrations 018, 019), kept up to date at the cost of what changed.

A document is a person's name, handles, accounts' own names and bios (post_id NULL), or one of their posts in the
scoring window. A post's words never change, so each Discover build indexes only the posts that entered the window
(or were loaded) since the last one and drops those that left it or were deleted; a person's own text is indexed
again when its hash changes (a new handle, account name or bio). New rows are appended in word-hash order; once
appended rows pass REINDEX_SHARE of the index, or the way words are cut changes (INDEX_VERSION), the whole index
is rebuilt in one sorted pass, which keeps a word's rows in a few row groups.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime

import duckdb
import polars as pl

from core.db.warehouse import get_meta, registered, scalar, set_meta
from core.discover.words import rules_fingerprint, split_sql, stem

# Changes whenever core/discover/words.py cuts or stems words differently: the next build re-indexes everything.
INDEX_VERSION = rules_fingerprint()
# Share of the index's documents appended since its last sorted rebuild past which it is rebuilt whole: a daily
# build appends ~1/90 of the window, so the index is re-sorted about every three weeks of daily refreshes.
REINDEX_SHARE = 0.25

# Scratch tables, dropped before the build's transaction ends: _discover_wanted (every document the index should
# hold), _discover_changes (documents wanted but not held, and held but no longer wanted), _discover_tokens (every
# word occurrence of the documents being indexed) and _discover_stems (each distinct word with its index form).
_STEMS = "_discover_stems"
_META_VERSION, _META_SORTED, _META_APPENDED = "discover_index_version", "discover_index_sorted", "discover_index_added"


def update_index(con: duckdb.DuckDBPyConnection, start: datetime | None, end: datetime | None) -> int:
    """Bring the index to the current people and the window (start, end]'s posts; returns the documents indexed.

    Call inside the Discover build's transaction, after the discovery table (people's texts) is written.
    """
    meta = get_meta(con)
    appended = int(meta.get(_META_APPENDED, 0))
    sorted_docs = int(meta.get(_META_SORTED, 0))
    whole = meta.get(_META_VERSION) != INDEX_VERSION or appended > REINDEX_SHARE * max(sorted_docs, 1)
    # Every document the index should hold: people by their text's hash, posts by id (a post's text never changes).
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _discover_wanted AS
        SELECT person_id, NULL::BIGINT AS post_id, hash(search_text) AS fingerprint FROM discovery
        UNION ALL
        SELECT a.person_id, p.post_id, NULL::UBIGINT FROM posts p JOIN accounts a USING (account_id)
        WHERE p.posted_at > $start AND p.posted_at <= $end
        """,
        {"start": start, "end": end},
    )
    with _dropped(con, "_discover_wanted", "_discover_changes"):
        if whole:
            con.execute("DELETE FROM discovery_terms")
            con.execute("DELETE FROM discovery_documents")
            new = "SELECT person_id, post_id, fingerprint FROM _discover_wanted"
        else:
            _diff_and_drop(con)
            new = "SELECT person_id, post_id, fingerprint FROM _discover_changes WHERE person_id IS NOT NULL"
        indexed = _index(
            con,
            f"""
            WITH new AS ({new})
            SELECT n.person_id, n.post_id, n.fingerprint, {split_sql("d.search_text")} AS words
            FROM new n JOIN discovery d USING (person_id) WHERE n.post_id IS NULL
            UNION ALL
            SELECT n.person_id, n.post_id, n.fingerprint, {split_sql("p.text")}
            FROM new n JOIN posts p USING (post_id)
            """,  # noqa: S608 - fixed SQL expressions from core.discover.words
        )
    documents = scalar(con, "SELECT count(*) FROM discovery_documents")
    set_meta(
        con,
        {
            _META_VERSION: INDEX_VERSION,
            _META_SORTED: str(documents if whole else sorted_docs),
            _META_APPENDED: str(0 if whole else appended + indexed),
        },
    )
    con.execute("DELETE FROM discovery_text_stats")
    con.execute(
        "INSERT INTO discovery_text_stats "
        "SELECT count(*), coalesce(avg(length), 1) FROM discovery_documents WHERE length > 0"
    )
    return indexed


def _diff_and_drop(con: duckdb.DuckDBPyConnection) -> None:
    """Find the documents to index and those no longer wanted (people whose texts changed or who are gone, posts
    that left the window or were deleted, or belong to someone else now) and remove the latter.

    A full join of the wanted documents with the held ones finds both: a row with no wanted side is a document to
    drop, one with no held side a document to index (two anti joins, one each way, read both tables twice: ~2 s
    more at a million people). Posts and people's own texts are joined apart, each on its own key (one join on
    all three columns with IS NOT DISTINCT FROM took 1.7-2.3 s against 1.2 s at a million people). A post is
    held once, under one person, so its rows are dropped by its id alone: a semi join on one column, where
    matching (person, post) pairs took 3.3 s against 0.8-1.8 s to drop a day of posts from 347M rows.
    """
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _discover_changes AS
        SELECT w.person_id, w.post_id, w.fingerprint, d.person_id AS held_person_id, d.post_id AS held_post_id
        FROM (FROM _discover_wanted WHERE post_id IS NOT NULL) w
        FULL JOIN (FROM discovery_documents WHERE post_id IS NOT NULL) d
        ON d.post_id = w.post_id AND d.person_id = w.person_id
        WHERE w.person_id IS NULL OR d.person_id IS NULL
        UNION ALL
        SELECT w.person_id, w.post_id, w.fingerprint, d.person_id, d.post_id
        FROM (FROM _discover_wanted WHERE post_id IS NULL) w
        FULL JOIN (FROM discovery_documents WHERE post_id IS NULL) d
        ON d.person_id = w.person_id AND d.fingerprint IS NOT DISTINCT FROM w.fingerprint
        WHERE w.person_id IS NULL OR d.person_id IS NULL
        """
    )
    for table in ("discovery_terms", "discovery_documents"):
        con.execute(
            f"""
            DELETE FROM {table} WHERE post_id IN (
                SELECT held_post_id FROM _discover_changes WHERE person_id IS NULL AND held_post_id IS NOT NULL
            )
            """  # noqa: S608 - fixed table names
        )
        con.execute(
            f"""
            DELETE FROM {table} WHERE post_id IS NULL AND person_id IN (
                SELECT held_person_id FROM _discover_changes WHERE person_id IS NULL AND held_post_id IS NULL
            )
            """  # noqa: S608 - fixed table names
        )


@contextmanager
def _dropped(con: duckdb.DuckDBPyConnection, *tables: str) -> Iterator[None]:
    """Drop these temp tables when the block ends; after a failed statement the transaction refuses even that, and
    its rollback removes them, so the error being raised stays the one to see (a full disk, not 'aborted')."""
    try:
        yield
    finally:
        for table in tables:
            with suppress(duckdb.Error):
                con.execute(f"DROP TABLE IF EXISTS {table}")  # fixed names of this module


def _index(con: duckdb.DuckDBPyConnection, docs_sql: str) -> int:
    """Index the documents `docs_sql` yields (person_id, post_id, fingerprint, words): their rows in word-hash
    order, and one row per document with its length. Returns how many documents were indexed."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _discover_tokens AS
        SELECT person_id, post_id, fingerprint, len(words) AS length, unnest(words) AS token FROM ({docs_sql})
        """  # noqa: S608 - fixed SQL from update_index
    )
    # Each distinct word is stemmed once, by the same expression a search uses.
    tokens = con.sql("SELECT DISTINCT token FROM _discover_tokens WHERE token <> ''").pl()
    with registered(con, {_STEMS: tokens.with_columns(word=stem(pl.col("token")))}), _dropped(con, "_discover_tokens"):
        con.execute(
            f"""
            INSERT INTO discovery_terms
            SELECT hash(s.word) AS bucket, s.word, t.person_id, t.post_id, count(*), any_value(t.length)
            FROM _discover_tokens t JOIN {_STEMS} s USING (token)
            GROUP BY ALL
            ORDER BY bucket  -- an integer sort costs a third of sorting the words themselves
            """  # noqa: S608 - fixed names
        )
        before = scalar(con, "SELECT count(*) FROM discovery_documents")
        con.execute(
            """
            INSERT INTO discovery_documents
            SELECT person_id, post_id, any_value(fingerprint),
                   CASE WHEN bool_or(token <> '') THEN any_value(length) ELSE 0 END  -- 0: no word to find it by
            FROM _discover_tokens GROUP BY person_id, post_id
            """
        )
        return scalar(con, "SELECT count(*) FROM discovery_documents") - before
