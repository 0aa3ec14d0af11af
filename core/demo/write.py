"""Writing the generated arrays into the warehouse: whole frames via INSERT ... SELECT, never row by row."""

from __future__ import annotations

from datetime import timedelta

import duckdb
import numpy as np
import polars as pl

from core.corpus.samples import TOPICS
from core.demo.accounts import Accounts, tier_of
from core.demo.campaigns import BRANDS, CAMPAIGN_DAYS, PERKS, Campaigns, brands_frame
from core.demo.common import (
    BLOG,
    DEMO_END,
    DEMO_NETWORKS,
    INTERACTION_TYPES,
    KIND_POST,
    POST_KINDS,
    TIKTOK,
    TWITTER,
    Batch,
    Window,
    stream,
)
from core.demo.gaming import Gaming
from core.demo.people import People
from core.demo.posts import Corpus, Posts
from core.demo.profiles import accounts_frame, people_frame
from core.progress import Progress

STAGE = 8
REPORTED_EXTRA = 0.15  # networks count reactions Sway never sees
# A creator's audience lives mostly outside the tracked world, so what a network reports for a creator's post is
# their followers times the tier's engagement rate (per network: twitter, instagram, youtube, tiktok, blog;
# tiers nano..mega), as published by Statista / HypeAuditor / Influencer Marketing Hub and compiled at
# organicmediabuying.com/blog/micro-vs-nano-vs-macro-influencers.html (YouTube's rates stand in for Twitter's).
TIER_ENGAGEMENT = np.array(
    [
        [0.032, 0.021, 0.015, 0.012, 0.009],
        [0.048, 0.024, 0.018, 0.015, 0.012],
        [0.032, 0.021, 0.015, 0.012, 0.009],
        [0.103, 0.081, 0.063, 0.055, 0.049],
        [0.0, 0.0, 0.0, 0.0, 0.0],
    ]
)
AUDIENCE_REPOST_SHARE = 0.05  # of that engagement, reposts (where the network reports them)
POST_LUCK_SHAPE = 1.3  # gamma noise per post, as for the tracked reactions
FRAME = "demo_frame"
POSTS_PER_INSERT = 500_000
GAMING_KINDS = ("follow_farm", "react_all", "pod", "bought_burst")


def _enum(codes: str, names: tuple[str, ...], enum: str) -> str:
    """SQL turning a 0-based code column into an enum value."""
    return f"({list(names)!r})[{codes} + 1]::{enum}"


NETWORK_SQL = _enum("network", DEMO_NETWORKS, "network_name")


def insert(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, select: str = "*") -> None:
    """Append a whole frame to a table in one statement, matching columns by name (so new columns get defaults)."""
    con.register(FRAME, frame)
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT {select} FROM {FRAME}")  # noqa: S608 - fixed names
    finally:
        con.unregister(FRAME)


def write_people(con: duckdb.DuckDBPyConnection, people: People, influence: np.ndarray, seed: int) -> None:
    """people and truth_people: each person's true influence (see core.demo.world) and topics, strongest first."""
    insert(con, "people", people_frame(people.n, seed), "person_id, 'demo-' || person_id AS external_id, name")
    has = people.topics >= 0
    interests = (
        pl.DataFrame(
            {
                "person_id": np.repeat(np.arange(1, people.n + 1), has.sum(axis=1)),
                "topic": pl.Series(TOPICS).gather(people.topics[has].astype(np.int64)),
            }
        )
        .group_by("person_id", maintain_order=True)
        .agg(topics=pl.col("topic"))
    )
    truth = pl.DataFrame({"person_id": np.arange(1, people.n + 1), "latent_influence": influence})
    insert(con, "truth_people", truth.join(interests, on="person_id", how="left", maintain_order="left"))


def write_accounts(con: duckdb.DuckDBPyConnection, people: People, accounts: Accounts, seed: int) -> None:
    """accounts, with profile text and follower counts."""
    frame = accounts_frame(people, accounts, seed).with_columns(
        account_id=np.arange(1, accounts.n + 1),
        person_id=accounts.person + 1,
        network=accounts.network,
        followers=accounts.followers,
        following=accounts.following,
        created_at=pl.Series(np.datetime64(DEMO_END, "us") - accounts.age_s.astype("timedelta64[s]")),
    )
    insert(
        con,
        "accounts",
        frame,
        f"account_id, person_id, {NETWORK_SQL} AS network, {NETWORK_SQL}::VARCHAR || '-' || account_id AS external_id, "
        "handle, display_name, bio, followers, following, location, language, created_at",
    )


def write_interactions(con: duckdb.DuckDBPyConnection, net: int, batch: Batch, window: Window) -> pl.DataFrame:
    """One network's interactions, time-ordered and without repeats; returns what was written."""
    frame = (
        pl.DataFrame(
            {
                "actor": batch.actor + 1,
                "target": batch.target + 1,
                "post": batch.post + 1,
                "type": batch.type,
                "t": batch.t,
            }
        )
        .sort("t", "actor", "target", "post", "type")
        .unique(["actor", "target", "post", "type"], keep="first", maintain_order=True)
    )
    insert(
        con,
        "interactions",
        frame.with_columns(
            post=pl.when(pl.col("post") > 0).then("post"),
            occurred_at=pl.Series(window.to_datetime64(frame["t"].to_numpy())),
        ),
        "actor AS actor_account_id, target AS target_account_id, post AS post_id, "
        f"{_enum('type', INTERACTION_TYPES, 'interaction_type')} AS type, occurred_at, "
        f"{_enum(str(net), DEMO_NETWORKS, 'network_name')} AS network",
    )
    return frame.select("post", "type")


def _brand_marks(part: pl.DataFrame) -> pl.DataFrame:
    """The text suffix (#hashtag, @handle or link) and url of the brand mentions in one slice of posts."""
    brand = part["brand"].to_numpy()
    mention = pl.Series(brand >= 0)
    brand = np.maximum(brand, 0).astype(np.int64)
    link = pl.concat_str(
        pl.lit("https://"), pl.Series([b[3] for b in BRANDS]).gather(brand), pl.lit("/p/"), pl.Series(part["slug"])
    )
    mark = part["mark"]
    suffix = (
        pl.when(mark == 0).then(pl.Series([b[2] for b in BRANDS]).gather(brand))
        .when(mark == 1).then(pl.Series([b[1] for b in BRANDS]).gather(brand))
        .otherwise(link)
    )  # fmt: skip
    return part.with_columns(suffix=pl.when(mention).then(suffix), url=pl.when(mention & (mark == 2)).then(link))


def write_posts(
    con: duckdb.DuckDBPyConnection,
    posts: Posts,
    accounts: Accounts,
    corpus: Corpus,
    window: Window,
    reactions: tuple[np.ndarray, np.ndarray],
    seed: int,
    progress: Progress,
) -> None:
    """posts (corpus text, plus the brand tag or link on brand mentions) and truth_posts."""
    rng = stream(seed, STAGE)
    likes, reposts = reactions
    # What the networks themselves report: a little more than Sway saw; blogs report nothing,
    # and only twitter and tiktok have reposts to report.
    followers = accounts.followers[posts.account]
    tier = tier_of(followers)
    rate = np.where((tier >= 0) & (posts.kind == KIND_POST), TIER_ENGAGEMENT[posts.network, np.maximum(tier, 0)], 0.0)
    audience = rng.poisson(followers * rate * rng.gamma(POST_LUCK_SHAPE, 1 / POST_LUCK_SHAPE, len(posts)))
    reported_likes = likes + rng.poisson(REPORTED_EXTRA * likes) + audience
    reported_reposts = reposts + rng.poisson(REPORTED_EXTRA * reposts) + np.floor(AUDIENCE_REPOST_SHARE * audience)
    frame = pl.DataFrame(
        {
            "post_id": np.arange(1, len(posts) + 1),
            "account_id": posts.account + 1,
            "network": posts.network,
            "posted_at": window.to_datetime64(posts.t),
            "text": posts.text,
            "kind": posts.kind,
            "parent": np.where(posts.parent >= 0, posts.parent + 1, 0),
            "likes": reported_likes,
            "reposts": reported_reposts,
            "brand": posts.brand,
            "mark": posts.mark,
            "slug": posts.slug,
        }
    ).with_columns(
        parent=pl.when(pl.col("parent") > 0).then("parent"),
        likes=pl.when(pl.col("network") != BLOG).then("likes"),
        reposts=pl.when(pl.col("network").is_in([TWITTER, TIKTOK])).then("reposts"),
    )
    texts = corpus.frame["text"]
    # In slices, so the texts and brand marks of millions of posts are never all in memory at once.
    for offset in range(0, len(posts), POSTS_PER_INSERT):
        progress(offset / len(posts), f"Writing posts {offset:,} of {len(posts):,} (5 of 6)")
        part = _brand_marks(frame.slice(offset, POSTS_PER_INSERT))
        part = part.with_columns(
            text=pl.concat_str(texts.gather(part["text"]), pl.lit(" ") + pl.col("suffix"), ignore_nulls=True)
        )
        insert(
            con,
            "posts",
            part,
            f"post_id, account_id, {NETWORK_SQL} AS network, {NETWORK_SQL}::VARCHAR || '-' || post_id AS external_id, "
            f"posted_at, text, url, {_enum('kind', POST_KINDS, 'post_kind')} AS kind, parent AS parent_post_id, "
            "reposts AS reported_reposts, likes AS reported_likes",
        )
    truth = pl.DataFrame({"post_id": np.arange(1, len(posts) + 1), "topic": posts.topic, "stray": posts.stray})
    insert(con, "truth_posts", truth, f"post_id, ({list(TOPICS)!r})[topic + 1] AS topic, stray")


def write_gaming(con: duckdb.DuckDBPyConnection, gaming: Gaming) -> None:
    """truth_gaming: one row per planted gaming account."""
    no_group = np.full(len(gaming.farm) + len(gaming.react_all), -1)
    frame = pl.DataFrame(
        {
            "account_id": np.concatenate([gaming.farm, gaming.react_all, gaming.pod_account, gaming.buyer]) + 1,
            "kind": np.repeat(
                np.arange(4), [len(gaming.farm), len(gaming.react_all), len(gaming.pod_account), len(gaming.buyer)]
            ),
            "group_id": np.concatenate([no_group, gaming.pod_id, gaming.burst_id]),
        }
    ).with_columns(group_id=pl.when(pl.col("group_id") > 0).then("group_id"))
    insert(con, "truth_gaming", frame, f"account_id, {_enum('kind', GAMING_KINDS, 'gaming_kind')} AS kind, group_id")


def write_campaigns(con: duckdb.DuckDBPyConnection, campaigns: Campaigns, window: Window) -> None:
    """demo_brands, demo_campaigns and demo_campaign_members."""
    insert(con, "demo_brands", brands_frame())
    starts = [window.start.date() + timedelta(days=int(d)) for d in campaigns.start_day]
    frame = pl.DataFrame(
        {
            "campaign_id": np.arange(1, len(starts) + 1),
            "brand_id": campaigns.brand + 1,
            "name": [
                f"{BRANDS[b][0]} {PERKS[p][0]} ({s:%b %Y})"
                for b, p, s in zip(campaigns.brand, campaigns.perk, starts, strict=True)
            ],
            "perk": [PERKS[p][1] for p in campaigns.perk],
            "starts_on": starts,
            "ends_on": [s + timedelta(days=CAMPAIGN_DAYS - 1) for s in starts],
            "true_lift": campaigns.lift,
        }
    )
    insert(con, "demo_campaigns", frame)
    members = pl.DataFrame({"campaign_id": campaigns.member_campaign + 1, "person_id": campaigns.member_person + 1})
    insert(con, "demo_campaign_members", members)
