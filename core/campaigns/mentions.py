"""Posts that mention a campaign's tracking terms, with who wrote them, their audience and the reactions they drew.

One set-based query: the terms become one RE2 pattern over the lower-cased text (plus a domain pattern over
the post's link) bound as a parameter; reactions are counted with one grouped join on the matching posts.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import polars as pl

from core.campaigns.terms import Term, text_pattern, url_pattern
from core.db.warehouse import rows

MENTION_COLUMNS = ("post_id", "person_id", "account_id", "network", "posted_at", "followers", "reactions", "text")


def mention_posts(
    con: duckdb.DuckDBPyConnection, terms: tuple[Term, ...], start: datetime, end: datetime
) -> pl.DataFrame:
    """Every post in [start, end) mentioning any term: MENTION_COLUMNS, oldest first.

    `followers` is the writing account's audience (the post's potential reach); `reactions` counts the
    reposts, replies, mentions, likes and clicks other accounts gave the post, or what the network reports
    (likes plus reposts) when that is more: a creator's audience is mostly people Sway does not track.
    """
    link = url_pattern(terms)
    return con.sql(
        """
        WITH hits AS (
            SELECT p.post_id, a.person_id, p.account_id, p.network::VARCHAR AS network, p.posted_at,
                   coalesce(a.followers, 0) AS followers, p.text,
                   coalesce(p.reported_likes, 0) + coalesce(p.reported_reposts, 0) AS reported
            FROM posts p JOIN accounts a USING (account_id)
            WHERE p.posted_at >= ? AND p.posted_at < ?
              AND (regexp_matches(lower(p.text), ?) OR (? AND regexp_matches(lower(coalesce(p.url, '')), ?)))
        ), reacted AS (
            SELECT i.post_id, count(*) AS reactions
            FROM interactions i SEMI JOIN hits h ON i.post_id = h.post_id
            WHERE i.type <> 'follow' AND i.actor_account_id <> i.target_account_id
            GROUP BY i.post_id
        )
        SELECT h.post_id, h.person_id, h.account_id, h.network, h.posted_at, h.followers,
               greatest(coalesce(r.reactions, 0), h.reported) AS reactions, h.text
        FROM hits h LEFT JOIN reacted r USING (post_id)
        ORDER BY h.posted_at, h.post_id
        """,
        params=[start, end, text_pattern(terms), link is not None, link or "$^"],
    ).pl()


def data_span(con: duckdb.DuckDBPyConnection) -> tuple[datetime | None, datetime | None]:
    """(first, last) post time in the warehouse: the period any measurement can use."""
    first, last = rows(con, "SELECT min(posted_at), max(posted_at) FROM posts")[0]
    return first, last
