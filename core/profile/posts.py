"""Post texts and a person's recent posts with the reactions they drew in the scoring window.

Small lookups sort in polars, not SQL: an ORDER BY on a handful of rows costs DuckDB more than the lookup.
"""

from __future__ import annotations

import duckdb
import polars as pl

from core.vocabulary import POST_REACTIONS

RECENT_POSTS = 10


def post_texts(con: duckdb.DuckDBPyConnection, post_ids: list[int]) -> pl.DataFrame:
    """post_id, post_network, posted_at, text, url of the given posts (one lookup for every post a profile shows)."""
    return con.sql(
        "SELECT post_id, network::VARCHAR AS post_network, posted_at, text, url FROM posts WHERE post_id = ANY(?)",
        params=[post_ids],
    ).pl()


def recent_posts(con: duckdb.DuckDBPyConnection, account_ids: list[int]) -> pl.DataFrame:
    """The latest posts of these accounts (post_id, kind) with their reactions in the window, newest first:
    the total and one column per reaction type. Texts are added by the caller (post_texts)."""
    marks = ", ".join("?" for _ in account_ids) or "NULL"  # an IN list prunes better than ANY for this scan
    newest = f"ORDER BY posted_at DESC, post_id DESC LIMIT {RECENT_POSTS}"
    posts = con.sql(
        f"SELECT post_id, posted_at, kind::VARCHAR AS kind FROM posts WHERE account_id IN ({marks}) {newest}",  # noqa: S608 - placeholders
        params=account_ids,
    ).pl()
    per_type = ", ".join(f"count(*) FILTER (WHERE type = '{t}') AS {name}" for t, name in POST_REACTIONS.items())
    counts = con.sql(
        f"""
        SELECT post_id, count(*) FILTER (WHERE type <> 'follow') AS reactions, {per_type}
        FROM profile_reactions WHERE target_account_id = ANY(?) AND post_id = ANY(?) GROUP BY post_id
        """,  # noqa: S608 - fixed type names
        params=[account_ids, posts["post_id"].to_list()],
    ).pl()
    return (
        posts.drop("posted_at")
        .join(counts, on="post_id", how="left", maintain_order="left")
        .with_columns(pl.col(counts.columns[1:]).fill_null(0))
    )
