"""Followers per network in a few characters, e.g. 'Instagram 156 · TikTok 166K', for tables and profiles.

A sum over networks hides where an audience is (156 on Instagram and 166k on TikTok is not an Instagram
creator), so every screen that shows a person's audience shows it per network too.
"""

from __future__ import annotations

import polars as pl

from core.discover.columns import NETWORK_LABELS
from core.numbers import compact
from core.vocabulary import NETWORKS


def followers_text(columns: dict[str, str]) -> pl.Expr:
    """'Instagram 156 · TikTok 166K' from the followers column of each network (`columns`: network -> column);
    networks without an account (null) are left out."""
    parts = [pl.lit(f"{NETWORK_LABELS[n]} ") + compact(pl.col(columns[n])) for n in NETWORKS if n in columns]
    return pl.concat_str(parts, separator=" · ", ignore_nulls=True)


def network_followers(accounts: pl.DataFrame) -> str:
    """'Instagram 156 · TikTok 166K' from a person's accounts (network, followers), summed per network."""
    if accounts.is_empty():
        return ""
    per_network = accounts.group_by("network").agg(pl.col("followers").fill_null(0).sum())
    wide = {row["network"]: row["followers"] for row in per_network.iter_rows(named=True)}
    frame = pl.DataFrame({n: [wide.get(n)] for n in NETWORKS}, schema=dict.fromkeys(NETWORKS, pl.Int64))
    return frame.select(followers_text({n: n for n in NETWORKS}))[0, 0]
