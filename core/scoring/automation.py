"""Automation: how much an account's own activity looks like a bot's, from a model fitted on real labelled accounts.

The model (`automation_model.skops`, built by `python -m bench.build_automation_model`) is a gradient-boosted
classifier fitted on 3,431 real Twitter accounts hand-labelled bot or human (Gilani et al., ASONAM 2017), on the
six activity features an import gives: posts per day, share of reposts, links per post, likes per post,
followers per account followed and account age (the number of posting clients, the seventh signal in that
data, is not something Sway's imports keep). An account that posted at least `min_posts` times in the window
and that the model puts at `flag_at` or more is flagged `automated`, with its numbers and a sentence saying why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from core.db.warehouse import registered
from core.trusted_load import load_trusted

MODEL_PATH = Path(__file__).with_name("automation_model.skops")
FEATURES: tuple[str, ...] = (
    "posts_per_day",
    "repost_share",
    "links_per_post",
    "likes_per_post",
    "followers_per_following",
    "account_age_days",
)
# Types beyond skops's own safe defaults that the model file may contain: anything else is refused, not run.
TRUSTED_TYPES: list[str] = ["sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor"]


@dataclass(frozen=True)
class AutomationParams:
    """The automation flag's tunables (kept apart from ScoreParams: this signal has its own model and evidence)."""

    # Probability of being automated at which an account is flagged: chosen for precision on the labelled
    # accounts (bench.authenticity_real prints precision and recall at this cut, per popularity band).
    flag_at: float = 0.8
    # A flagged account keeps (1 - severity) of its rating: milder than the planted-pattern detectors, because
    # the model is right about 4 times in 5 at this cut, where they are near certain.
    severity: float = 0.5
    # Fewer posts than this in the window say too little about how an account posts: no judgement.
    min_posts: int = 20


AUTOMATION = AutomationParams()


def load_model(path: Path = MODEL_PATH):
    """The fitted classifier, loaded with skops and the explicit allow-list (never pickle)."""
    return load_trusted(path, TRUSTED_TYPES)


def training_features(frame: pl.DataFrame) -> np.ndarray:
    """The six features from Gilani et al.'s per-account columns, in FEATURES order (build script and bench)."""
    posts = pl.max_horizontal(pl.col("user_tweeted") + pl.col("user_retweeted") + pl.col("user_replied"), 1)
    return frame.select(
        posts_per_day=pl.col("tweet_frequency"),
        repost_share=pl.col("user_retweeted") / posts,
        links_per_post=pl.col("urls_count") / posts,
        likes_per_post=pl.col("likes_per_tweet"),
        followers_per_following=pl.col("follower_friend_ratio"),
        account_age_days=pl.col("age_of_account_in_days"),
    ).to_numpy()


def account_features(
    con: duckdb.DuckDBPyConnection, account_ids: np.ndarray, start: datetime, as_of: datetime, days: float
) -> pl.DataFrame:
    """Per account (in the given order): posts in the window and the six features (null where the import lacks it)."""
    ids = pl.DataFrame({"account_id": account_ids, "i": np.arange(len(account_ids))})
    with registered(con, {"_au_ids": ids}):
        frame = con.sql(
            """
            WITH own AS (
                SELECT account_id, count(*) AS posts,
                       count(*) FILTER (WHERE kind = 'repost') AS reposts,
                       -- Links in the text: posts.url is the post's own address for imports (a permalink). One
                       -- regular expression reads each text once: two LIKEs took 3-4 s for 16.8M posts, this 2 s.
                       count(*) FILTER (WHERE regexp_matches(text, 'https?://')) AS with_link,
                       avg(reported_likes) AS reported_likes
                FROM posts WHERE posted_at > $start AND posted_at <= $as_of GROUP BY account_id
            ), liked AS (
                SELECT target_account_id AS account_id, count(*) AS likes
                FROM interactions
                WHERE type = 'like' AND post_id IS NOT NULL AND occurred_at > $start AND occurred_at <= $as_of
                GROUP BY ALL
            )
            SELECT coalesce(o.posts, 0) AS posts,
                   o.posts / $days AS posts_per_day,
                   o.reposts / o.posts AS repost_share,
                   o.with_link / o.posts AS links_per_post,
                   coalesce(o.reported_likes, coalesce(l.likes, 0) / o.posts) AS likes_per_post,
                   a.followers / greatest(a.following, 1) AS followers_per_following,
                   date_diff('hour', a.created_at, $as_of) / 24.0 AS account_age_days
            FROM _au_ids x JOIN accounts a USING (account_id)
            LEFT JOIN own o USING (account_id) LEFT JOIN liked l USING (account_id)
            ORDER BY x.i
            """,
            params={"start": start, "as_of": as_of, "days": max(days, 1.0)},
        ).pl()
    return frame.with_columns(pl.col(FEATURES).cast(pl.Float64))


def probability(model, features: pl.DataFrame) -> np.ndarray:
    """The model's probability that each account is automated (missing features stay missing: NaN)."""
    x = features.select(FEATURES).fill_null(float("nan")).to_numpy()
    return model.predict_proba(x)[:, 1] if len(x) else np.zeros(0)


def in_words(row: dict, p: float) -> str:
    """The evidence as one sentence a marketer can read."""
    parts = [f"posts {row['posts_per_day']:.1f} times a day"]
    if row["repost_share"] is not None:
        parts.append(f"{row['repost_share']:.0%} of its posts are reposts")
    if row["links_per_post"] is not None:
        parts.append(f"{row['links_per_post']:.0%} carry a link")
    if row["likes_per_post"] is not None:
        parts.append(f"its posts get {row['likes_per_post']:.1f} likes each")
    if row["followers_per_following"] is not None:
        parts.append(f"it has {row['followers_per_following']:.1f} followers per account it follows")
    if row["account_age_days"] is not None:
        parts.append(f"the account is {row['account_age_days'] / 365.25:.1f} years old")
    return (
        f"This account {', '.join(parts)}. Accounts that post like this were automated in {p:.0%} of cases "
        "among 3,431 real Twitter accounts labelled by hand (Gilani et al. 2017)."
    )


def flags(
    con: duckdb.DuckDBPyConnection,
    accounts: pl.DataFrame,
    start: datetime,
    as_of: datetime,
    days: float,
    params: AutomationParams = AUTOMATION,
) -> pl.DataFrame:
    """Flag rows (aidx, flag, severity, evidence JSON) for the accounts that look automated."""
    features = account_features(con, accounts["account_id"].to_numpy(), start, as_of, days)
    judged = np.flatnonzero(features["posts"].to_numpy() >= params.min_posts)
    p = np.zeros(features.height)
    if len(judged):
        p[judged] = probability(load_model(), features[judged])
    hit = np.flatnonzero(p >= params.flag_at)
    rows = features[hit].with_columns(pl.col(FEATURES).round(3))
    evidence = [
        json.dumps({"in_words": in_words(r, float(q)), "probability_automated": round(float(q), 3)} | r)
        for r, q in zip(rows.iter_rows(named=True), p[hit], strict=True)
    ]
    return pl.DataFrame(
        {
            "aidx": pl.Series(accounts["aidx"].to_numpy()[hit], dtype=pl.Int32),
            "flag": "automated",
            "severity": params.severity,
            "evidence": pl.Series(evidence, dtype=pl.String),
        }
    )
