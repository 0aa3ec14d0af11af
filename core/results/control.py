"""A matched control group: for each member, the most similar people the brand never approached (on none of its
campaigns' lists: core.campaigns.members.approached), by score before the campaign, audience, posting and earlier
brand mentions (and sharing a target topic).

Matching is nearest-neighbour on standardised features, with replacement, CONTROLS_PER_MEMBER per member.
Brand mentions are matched on the period *before* the baseline window (`earlier`), never on the baseline
itself: picking people for a baseline count that happened to be high would pick lucky ones whose mentions
then fall back (regression to the mean) and fake a lift. Posting is counted without brand mentions for the
same reason. Without data before the baseline, mentions are left out of the match.
"""

from __future__ import annotations

import numpy as np
import polars as pl

CONTROLS_PER_MEMBER = 10
CHUNK = 16
FEATURES = ("score", "log_audience", "log_posts", "sqrt_earlier")


def features(frame: pl.DataFrame) -> pl.DataFrame:
    """Matching features from person_id, score, audience, posts and earlier mentions."""
    return frame.with_columns(
        pl.col("score").fill_null(1).cast(pl.Float64),
        log_audience=pl.col("audience").fill_null(0).log1p(),
        log_posts=pl.col("posts").fill_null(0).log1p(),
        sqrt_earlier=pl.col("earlier").fill_null(0).sqrt(),
    )


def match(members: pl.DataFrame, pool: pl.DataFrame, k: int = CONTROLS_PER_MEMBER) -> pl.DataFrame:
    """person_id of the chosen controls (a person may serve several members) with their member's id."""
    if members.is_empty() or pool.is_empty():
        return pl.DataFrame(schema={"member_id": pl.Int64, "person_id": pl.Int64})
    m = features(members).select(FEATURES).to_numpy()
    p = features(pool).select(FEATURES).to_numpy()
    spread = np.vstack([m, p]).std(axis=0)
    spread[spread == 0] = 1.0
    m, p = m / spread, p / spread
    k = min(k, len(p))
    nearest = np.vstack(
        [
            np.argpartition(((m[i : i + CHUNK, None, :] - p[None, :, :]) ** 2).sum(axis=2), k - 1, axis=1)[:, :k]
            for i in range(0, len(m), CHUNK)  # a block of members at a time bounds memory on a large pool
        ]
    )
    return pl.DataFrame(
        {
            "member_id": np.repeat(members["person_id"].to_numpy(), k),
            "person_id": pool["person_id"].to_numpy()[nearest.ravel()],
        }
    )
