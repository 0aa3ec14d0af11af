"""Members who posted, found by their tracked mentions: run after every refresh and import (and by a live
collector) through the one function below, so a marketer never has to tick "posted" by hand.

A member counts as having posted when a post of theirs mentions one of the campaign's tracking terms between
the campaign's start and the end of its follow-up window; their first such post is linked from the list.
"""

from __future__ import annotations

import duckdb
import polars as pl

from core.campaigns import members, records
from core.campaigns.mentions import mention_posts
from core.web_address import web_url

# Where a post lives on its network, from the writing account's handle and the post's id on the network.
POST_LINKS = {
    "twitter": "https://x.com/{handle}/status/{external_id}",
    "instagram": "https://www.instagram.com/p/{external_id}/",
    "youtube": "https://www.youtube.com/watch?v={external_id}",
    "tiktok": "https://www.tiktok.com/@{handle}/video/{external_id}",
}


def post_link(network: str, handle: str, external_id: str, url: str | None) -> str | None:
    """A link to the post: the network's own page for it, or for a blog, Bluesky or Mastodon post the post's
    stored address when it is http(s) (None otherwise: an imported javascript: or data: address is never a link)."""
    template = POST_LINKS.get(network)
    return template.format(handle=handle, external_id=external_id) if template else web_url(url)


def post_links(con: duckdb.DuckDBPyConnection, post_ids: list[int]) -> pl.DataFrame:
    """post_id, post_url of the given posts."""
    found = con.sql(
        "SELECT p.post_id, p.network::VARCHAR AS network, a.handle, p.external_id, p.url "
        "FROM posts p JOIN accounts a USING (account_id) WHERE p.post_id IN (SELECT unnest(?::BIGINT[]))",
        params=[post_ids],
    ).pl()
    return found.select(
        "post_id",
        post_url=pl.struct("network", "handle", "external_id", "url").map_elements(
            lambda r: post_link(r["network"], r["handle"], r["external_id"], r["url"]), return_dtype=pl.String
        ),
    )


def mark_posted_from_mentions(con: duckdb.DuckDBPyConnection) -> int:
    """Mark posted every member of a live campaign (perk accepted, shipped or marked as not posted) whose tracked
    mention is now in the warehouse, with a link to their first such post; inside the caller's transaction.
    Returns how many members were marked."""
    waiting = members.awaiting_post(con)
    if waiting.is_empty():
        return 0
    terms = records.tracking_terms(con, waiting["campaign_id"].unique().to_list())
    found = []
    for (campaign_id,), group in waiting.group_by("campaign_id"):
        if not terms[campaign_id]:
            continue
        posts = mention_posts(con, terms[campaign_id], group["starts"][0], group["ends"][0])
        first = (
            posts.filter(pl.col("person_id").is_in(group["person_id"].to_list()))
            .sort("posted_at", "post_id")
            .unique("person_id", keep="first")
        )
        found.append(first.select("post_id", "person_id", "posted_at").with_columns(campaign_id=pl.lit(campaign_id)))
    hits = pl.concat(found) if found else pl.DataFrame()
    if hits.is_empty():
        return 0
    marked = members.mark_posted(
        con,
        hits.join(post_links(con, hits["post_id"].to_list()), on="post_id", how="left").select(
            pl.col("campaign_id").cast(pl.Int64), "person_id", "posted_at", "post_url"
        ),
    )
    if marked:
        records.touch(con, hits["campaign_id"].unique().to_list(), members.TRACKER)
    return marked
