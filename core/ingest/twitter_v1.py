"""Twitter API v1.1 tweet objects, one per line: authors, mentioned accounts, tweets, replies, mentions, retweets."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from core.ingest.frames import Batch, Parsed
from core.ingest.invisible import scrub
from core.ingest.jsonl import read_json_lines
from core.ingest.source import SourceFile
from core.ingest.values import COUNT_FIX, Problems, cleaned, count, twitter_timestamp

FORMAT = "Twitter API v1.1 JSON"
TWITTER_TIME = "Wed Jan 07 11:06:08 +0000 2015"

_USER_FIELDS = (
    "id_str",
    "screen_name",
    "name",
    "description",
    "followers_count",
    "friends_count",
    "location",
    "lang",
    "created_at",
)
_USER = pl.Struct(dict.fromkeys(_USER_FIELDS, pl.String))
_MENTION = pl.Struct({"id_str": pl.String, "screen_name": pl.String, "name": pl.String})

# Only the fields Sway uses; numbers are read as text so a bad value can be named rather than crash the read.
SCHEMA: dict[str, pl.DataType] = {
    "id_str": pl.String(),
    "created_at": pl.String(),
    "text": pl.String(),
    "full_text": pl.String(),
    "extended_tweet": pl.Struct({"full_text": pl.String}),
    "in_reply_to_status_id_str": pl.String(),
    "in_reply_to_user_id_str": pl.String(),
    "in_reply_to_screen_name": pl.String(),
    "retweet_count": pl.String(),
    "favorite_count": pl.String(),
    "lang": pl.String(),  # the tweet's language as Twitter detected it ("und" when it could not)
    "user": _USER,
    "entities": pl.Struct({"user_mentions": pl.List(_MENTION)}),
    "retweeted_status": pl.Struct({"id_str": pl.String(), "user": _USER}),
}

_EXPORT_FIX = "Remove the line, or export the tweets again as full Twitter v1.1 JSON."
_FREE_TEXT = ("text", "full_text", "description")  # keep their tabs and line breaks
_NAMES = ("name", "screen_name", "in_reply_to_screen_name")  # lose text-direction overrides too


def parse(source: SourceFile, now: datetime) -> Parsed:
    """Accounts, posts and interactions from a file of v1.1 tweets; duplicate tweets are merged, not refused."""
    raw, removed = scrub(read_json_lines(source, SCHEMA), free_text=_FREE_TEXT, names=_NAMES)
    tweets = _checked(source, _flat(raw), now)
    accounts = _accounts(tweets)
    interactions = _interactions(tweets)
    loops = pl.col("actor_key") == pl.col("target_key")
    kept = interactions.filter(~loops)
    batch = Batch.of(
        accounts=accounts.with_columns(file=pl.lit(source.index)),
        posts=_posts(tweets).with_columns(file=pl.lit(source.index)),
        interactions=kept.with_columns(file=pl.lit(source.index), post_required=pl.lit(False)),
    )
    return Parsed(batch, FORMAT, raw.height, self_loops=interactions.height - kept.height, removed=removed)


def _user_fields(user: pl.Expr, prefix: str) -> list[pl.Expr]:
    """The profile fields of a v1.1 user object, as columns named `prefix` + field."""
    return [user.struct.field(name).alias(prefix + name) for name in _USER_FIELDS]


def _flat(raw: pl.DataFrame) -> pl.DataFrame:
    """One row per tweet with the fields used, nested objects flattened."""
    retweeted = pl.col("retweeted_status")
    return raw.select(
        "line",
        cleaned(pl.col("id_str")).alias("id"),
        pl.col("created_at"),
        pl.coalesce(pl.col("extended_tweet").struct.field("full_text"), "full_text", "text").alias("text"),
        cleaned(pl.col("in_reply_to_status_id_str")).alias("reply_to"),
        cleaned(pl.col("in_reply_to_user_id_str")).alias("reply_user"),
        pl.col("in_reply_to_screen_name").alias("reply_name"),
        pl.col("retweet_count"),
        pl.col("favorite_count"),
        pl.col("lang"),
        pl.col("entities").struct.field("user_mentions").alias("mentions"),
        cleaned(retweeted.struct.field("id_str")).alias("rt_id"),
        *_user_fields(pl.col("user"), "u_"),
        *_user_fields(retweeted.struct.field("user"), "rt_"),
    )


def _checked(source: SourceFile, flat: pl.DataFrame, now: datetime) -> pl.DataFrame:
    """Typed tweets after checking every line; raises the earliest line's problem, whichever check found it."""
    problems = Problems(source.ref, flat)
    problems.check(pl.col("id").is_null(), "id_str", "this tweet has no id", _EXPORT_FIX)
    problems.check(cleaned(pl.col("u_id_str")).is_null(), "user.id_str", "this tweet has no author id", _EXPORT_FIX)
    problems.check(cleaned(pl.col("text")).is_null(), "text", "this tweet has no text", _EXPORT_FIX)
    problems.check(pl.col("created_at").is_null(), "created_at", "this tweet has no time", _EXPORT_FIX)
    times = {
        "created_at": "created_at",
        "u_created_at": "user.created_at",
        "rt_created_at": "retweeted_status.user.created_at",
    }
    for column, field in times.items():
        problems.check(
            pl.col(column).is_not_null() & twitter_timestamp(pl.col(column)).is_null(),
            field,
            f"{{value}} is not a Twitter time like '{TWITTER_TIME}'",
            _EXPORT_FIX,
            value=column,
        )
    numbers = {
        "retweet_count": "retweet_count",
        "favorite_count": "favorite_count",
        "u_followers_count": "user.followers_count",
        "u_friends_count": "user.friends_count",
        "rt_followers_count": "retweeted_status.user.followers_count",
        "rt_friends_count": "retweeted_status.user.friends_count",
    }
    for column, field in numbers.items():
        value = count(pl.col(column))
        problems.check(
            pl.col(column).is_not_null() & (value.is_null() | (value < 0)),
            field,
            "{value} is not a whole number of 0 or more",
            COUNT_FIX,
            value=column,
        )
    typed = flat.with_columns(
        *(twitter_timestamp(pl.col(c)) for c in times),
        *(count(pl.col(c)) for c in numbers),
        *(cleaned(pl.col(p + "id_str")) for p in ("u_", "rt_")),
    )
    for column, field in times.items():
        problems.check_future(column, field, now, frame=typed)
    problems.raise_first()
    return typed


def _posts(tweets: pl.DataFrame) -> pl.DataFrame:
    author = pl.col("u_screen_name").fill_null("i/web")
    return tweets.select(
        "line",
        network=pl.lit("twitter"),
        external_id="id",
        account_key="u_id_str",
        posted_at="created_at",
        text="text",
        url=pl.format("https://twitter.com/{}/status/{}", author, pl.col("id")),
        kind=pl.when(pl.col("rt_id").is_not_null())
        .then(pl.lit("repost"))
        .when(pl.col("reply_to").is_not_null())
        .then(pl.lit("reply"))
        .otherwise(pl.lit("post")),
        parent_key=pl.coalesce("rt_id", "reply_to"),
        reported_reposts="retweet_count",
        reported_likes="favorite_count",
        language="lang",
    )


def _profiles(tweets: pl.DataFrame, prefix: str) -> pl.DataFrame:
    """Full profiles from the user objects under `prefix`, stamped with the tweet's time."""
    return tweets.filter(pl.col(prefix + "id_str").is_not_null()).select(
        "line",
        external_id=prefix + "id_str",
        handle=pl.coalesce(prefix + "screen_name", prefix + "id_str"),
        display_name=prefix + "name",
        bio=prefix + "description",
        followers=prefix + "followers_count",
        following=prefix + "friends_count",
        location=prefix + "location",
        language=prefix + "lang",
        created_at=prefix + "created_at",
        stub=pl.lit(False),
        seen_at="created_at",
    )


def _accounts(tweets: pl.DataFrame) -> pl.DataFrame:
    """One row per account: the profile from its latest tweet, else a stub from a mention or reply."""
    mentioned = (
        tweets.select("line", "mentions")
        .explode("mentions")
        .unnest("mentions")
        .select("line", "id_str", "screen_name", "name")
    )
    replied_to = tweets.select("line", id_str="reply_user", screen_name="reply_name", name=pl.lit(None, pl.String))
    stubs = (
        pl.concat([mentioned, replied_to])
        .with_columns(cleaned(pl.col("id_str")))
        .filter(pl.col("id_str").is_not_null())
        .select(
            "line",
            external_id="id_str",
            handle=pl.coalesce("screen_name", "id_str"),
            display_name="name",
            stub=pl.lit(True),
        )
    )
    return (
        pl.concat([_profiles(tweets, "u_"), _profiles(tweets, "rt_"), stubs], how="diagonal_relaxed")
        .sort("stub", "seen_at", "line", descending=[False, True, False], nulls_last=True)
        .unique("external_id", keep="first", maintain_order=True)
        .with_columns(network=pl.lit("twitter"))
    )


def _interactions(tweets: pl.DataFrame) -> pl.DataFrame:
    """Replies to the replied-to author, mentions of each mentioned account, reposts of the original author."""
    base = ("line", pl.col("u_id_str").alias("actor_key"), pl.col("created_at").alias("occurred_at"))
    replies = tweets.filter(pl.col("reply_user").is_not_null()).select(
        *base, target_key="reply_user", post_key="reply_to", type=pl.lit("reply")
    )
    mentions = (
        tweets.select(*base, "mentions")
        .explode("mentions")
        .select(
            "line",
            "actor_key",
            "occurred_at",
            target_key=cleaned(pl.col("mentions").struct.field("id_str")),
            post_key=pl.lit(None, pl.String),
            type=pl.lit("mention"),
        )
        .filter(pl.col("target_key").is_not_null())
    )
    reposts = tweets.filter(pl.col("rt_id_str").is_not_null()).select(
        *base, target_key="rt_id_str", post_key="rt_id", type=pl.lit("repost")
    )
    return pl.concat([replies, mentions, reposts]).with_columns(network=pl.lit("twitter"))
