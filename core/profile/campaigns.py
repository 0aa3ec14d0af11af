"""The campaigns of the viewer's workspace a person is on, for their Profile (read through core.campaigns.members,
which owns the lists, so another workspace's campaigns never show)."""

from __future__ import annotations

import duckdb
import polars as pl

from core.campaigns.members import person_campaigns
from core.campaigns.model import STATUSES
from core.workspace.access import Access


def campaigns_of(con: duckdb.DuckDBPyConnection, access: Access, person_id: int) -> pl.DataFrame:
    """campaign_id, name, brand, starts_on, ends_on, status (plain words), expected_mentions, cost, posted_at (only
    for members who posted), post_url and link (to the campaign's page), newest campaign first."""
    return person_campaigns(con, access, person_id).with_columns(
        # A member marked "didn't post" has the date of that decision in posted_at: not a date they posted.
        pl.when(pl.col("status") == "posted").then(pl.col("posted_at")).alias("posted_at"),
        pl.col("status").replace_strict(STATUSES, default=pl.col("status")),
        link=pl.format("/campaigns?campaign={}", "campaign_id"),
    )
