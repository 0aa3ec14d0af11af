"""Lake rows onto the warehouse's shapes: accounts, posts and interactions, plus what a stream adds to an import —
the record key behind each interaction, deletions, and handle and profile changes.

Pure polars over a frame of lake rows (core/collect/events.py), so the mapping is tested without a warehouse:
a post is a post (a reply when it has a parent), a reply reacts to the parent's author, a quote mentions the
quoted post's author, each mentioned account is mentioned, a like or repost reacts to the subject post's author,
a follow to the followed account. An account reacting to itself is no reaction and is dropped. An update of a record
on the network brings it again under the same URI: its latest version is the record (latest_versions), and one that
differs from the stored version replaces it (edits).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from core.ingest.frames import Batch

_AT_DID = r"^at://([^/]+)/"
# The kinds of lake row that are a record mapped onto posts and interactions: what an update can bring again.
RECORD_KINDS = ("post", "like", "repost", "follow")
# What a post version says, compared to tell an update from a replay. Its time is left out: an impossible createdAt
# takes the stream time, which differs between Jetstream instances, so a replay could otherwise pass for an edit.
# So is its url: Mastodon fetches a status's link card after it is posted, so the stream and a poll can show the same
# status with and without it (an edit that changes a link changes the text that shows it).
POST_CONTENT = ("text", "kind", "language")
# What a record makes besides who makes it, compared likewise (the time, occurred_at, left out for the same reason).
RECORD_CONTENT = ("type", "target_key", "post_key")
_RECORD_KEY = ["network", "uri"]


@dataclass(frozen=True)
class Mapped:
    """One ingest's worth of lake rows in the warehouse's shapes."""

    batch: Batch  # accounts (stubs and profiles), posts, interactions, as an import would give them
    records: pl.DataFrame  # network, uri, type, actor_key, target_key, post_key, occurred_at
    profiles: pl.DataFrame  # latest known profile fields per account (nulls: not known, keep what is stored)
    deletes: pl.DataFrame  # network, uri, did (who made the record, when the event names them), deleted_us
    former_handles: pl.DataFrame  # network, external_id, handle: handles these events gave before the latest


def posts(events: pl.DataFrame) -> pl.DataFrame:
    """Posts and replies, keyed by their record URI."""
    return events.filter(pl.col("kind") == "post").select(
        "network",
        external_id="uri",
        account_key="did",
        posted_at="created_at",
        text="text",
        # The first link the post carries is its url (campaign link matching reads it); else the post itself.
        url=pl.coalesce(pl.col("links").list.first(), "web_url"),
        kind=pl.when(pl.col("parent_uri").is_not_null()).then(pl.lit("reply")).otherwise(pl.lit("post")),
        parent_key="parent_uri",
        # The author's language tags as imports give them ("es,en"); none given is unknown, not "".
        language=pl.when(pl.col("langs").list.len() > 0).then(pl.col("langs").list.join(",")),
    )


def interactions(events: pl.DataFrame) -> pl.DataFrame:
    """Every reaction an event makes, with the record (uri) that makes it."""
    base = ("network", "uri", pl.col("did").alias("actor_key"), pl.col("created_at").alias("occurred_at"))
    posts_ = events.filter(pl.col("kind") == "post")
    replies = posts_.filter(pl.col("parent_uri").is_not_null()).select(
        *base, target_key="subject_did", post_key="parent_uri", type=pl.lit("reply")
    )
    quotes = posts_.filter(pl.col("quote_uri").is_not_null()).select(
        *base,
        target_key=pl.col("quote_uri").str.extract(_AT_DID),
        post_key="quote_uri",
        type=pl.lit("mention"),
    )
    mentions = (
        posts_.select(*base, "mentions")
        .explode("mentions")
        .select(
            "network", "uri", "actor_key", "occurred_at",
            target_key="mentions", post_key=pl.lit(None, pl.String), type=pl.lit("mention"),
        )
    )  # fmt: skip
    reactions = events.filter(pl.col("kind").is_in(["like", "repost"])).select(
        *base, target_key="subject_did", post_key="subject", type="kind"
    )
    follows = events.filter(pl.col("kind") == "follow").select(
        *base, target_key="subject_did", post_key=pl.lit(None, pl.String), type=pl.lit("follow")
    )
    return (
        pl.concat([replies, quotes, mentions, reactions, follows])
        .filter(pl.col("target_key").is_not_null() & (pl.col("target_key") != pl.col("actor_key")))
        .unique(["network", "uri", "type", "target_key"], keep="first", maintain_order=True)
        .with_columns(post_required=pl.lit(False))  # a post Sway never saw (older, or unwatched) is left empty
    )


def profiles(events: pl.DataFrame) -> pl.DataFrame:
    """The latest profile fields per account from identity events (handle) and profiles (the rest)."""
    known = events.filter(pl.col("kind").is_in(["identity", "profile"])).sort("time_us")
    return (
        known.group_by("network", "did")
        .agg(
            *(
                pl.col(c).drop_nulls().last().alias(out)
                for c, out in (
                    ("handle", "handle"),
                    ("display_name", "display_name"),
                    ("bio", "bio"),
                    ("followers", "followers"),
                    ("following", "following"),
                    ("account_created_at", "created_at"),
                )
            )
        )
        .rename({"did": "external_id"})
    )


def former_handles(events: pl.DataFrame, known: pl.DataFrame) -> pl.DataFrame:
    """(network, external_id, handle): each handle the events gave an account other than its latest (`known`), so
    that an erasure can blank mentions of a handle held only between two ingests."""
    given = events.filter(pl.col("kind").is_in(["identity", "profile"]) & (pl.col("handle") != ""))
    return (
        given.select("network", external_id="did", handle="handle")
        .join(known.select("network", "external_id", latest="handle"), on=["network", "external_id"], how="left")
        .filter(pl.col("handle").str.to_lowercase() != pl.col("latest").str.to_lowercase())
        .select("network", "external_id", "handle")
        .unique(maintain_order=True)
    )


def accounts(events: pl.DataFrame, reactions: pl.DataFrame, known: pl.DataFrame) -> pl.DataFrame:
    """Every account the events name: with its profile when one came, else a stub named by its id."""
    named = pl.concat(
        [
            events.filter(~pl.col("kind").is_in(["delete", "account"])).select("network", external_id="did"),
            reactions.select("network", external_id="target_key"),
        ]
    ).unique()
    cleared = {c: pl.when(pl.col(c) != "").then(pl.col(c)) for c in ("display_name", "bio")}  # "" = none, as null
    return (
        named.join(known, on=["network", "external_id"], how="left")
        .with_columns(**cleared)
        .with_columns(
            handle=pl.coalesce("handle", "external_id"),
            stub=pl.col("display_name").is_null() & pl.col("followers").is_null(),
        )
    )


def latest_versions(events: pl.DataFrame, replaced: pl.DataFrame) -> pl.DataFrame:
    """`events` with each record once, as its latest version: earlier versions in `events` are dropped, and so are
    versions older than an update already loaded (`replaced`: network, uri, before_us, the update's stream time)."""
    is_record = pl.col("kind").is_in(RECORD_KINDS)
    latest = (
        events.filter(is_record)
        .join(replaced, on=_RECORD_KEY, how="left")
        .filter(pl.col("before_us").is_null() | (pl.col("time_us") >= pl.col("before_us")))
        .drop("before_us")
        .sort("time_us", maintain_order=True)
        .unique(_RECORD_KEY, keep="last", maintain_order=True)
    )
    return pl.concat([events.filter(~is_record), latest]).sort("time_us", maintain_order=True)


def edits(events: pl.DataFrame, stored_posts: pl.DataFrame, recorded: pl.DataFrame) -> pl.DataFrame:
    """The records of `events` (latest versions) whose stored version says something else: updates on the network.

    `stored_posts` (network, uri and POST_CONTENT) and `recorded` (network, uri and RECORD_CONTENT) are what is
    stored of the records `events` name. Returns network, uri, did (who made it), time_us (the update's stream time)
    and post: whether the post itself changed, not only whom it mentions or answers.
    """
    content = [*_RECORD_KEY, *POST_CONTENT]
    changed_posts = (
        posts(events)
        .rename({"external_id": "uri"})
        .select(content)
        .join(stored_posts.select(_RECORD_KEY), on=_RECORD_KEY, how="semi")
        .join(stored_posts.select(content), on=content, how="anti", nulls_equal=True)
        .select(_RECORD_KEY)
    )
    made = [*_RECORD_KEY, *RECORD_CONTENT]
    stored = pl.concat([stored_posts.select(_RECORD_KEY), recorded.select(_RECORD_KEY)]).unique()
    latest = interactions(events).select(made)
    new = latest.join(stored, on=_RECORD_KEY, how="semi").join(
        recorded.select(made), on=made, how="anti", nulls_equal=True
    )
    gone = recorded.select(made).join(latest, on=made, how="anti", nulls_equal=True)
    changed = pl.concat([changed_posts, new.select(_RECORD_KEY), gone.select(_RECORD_KEY)]).unique()
    return (
        events.filter(pl.col("kind").is_in(RECORD_KINDS))
        .select(*_RECORD_KEY, "did", "time_us")
        .join(changed, on=_RECORD_KEY, how="semi")
        .join(changed_posts.with_columns(post=pl.lit(True)), on=_RECORD_KEY, how="left")
        .with_columns(pl.col("post").fill_null(False))
    )


def map_events(
    events: pl.DataFrame, recorded: pl.DataFrame | None = None, restored: pl.DataFrame | None = None
) -> Mapped:
    """Everything ingest needs from `events` (lake rows, already rid of deleted records and hidden accounts, each
    record in its latest version).

    `recorded` (network, uri, type, target_key) are the interactions already loaded: a replayed record is left
    out by its key, since its time may differ (another Jetstream instance's stream time when it has no createdAt).
    `restored` (network, actor_key, target_key, post_key, type, occurred_at) are stored reactions to be loaded
    again, onto the new version of a post an update replaced; their records are stored already.
    """
    events = events.sort("time_us")
    reactions = interactions(events)
    if recorded is not None:
        reactions = reactions.join(recorded, on=["network", "uri", "type", "target_key"], how="anti")
    known = profiles(events)
    loaded = reactions if restored is None else pl.concat([reactions, restored], how="diagonal_relaxed")
    batch = Batch.of(
        accounts=_numbered(accounts(events, reactions, known)),
        posts=_numbered(posts(events)),
        interactions=_numbered(loaded.with_columns(post_required=pl.lit(False))),
    )
    deletes = events.filter(pl.col("kind") == "delete").select("network", "uri", "did", deleted_us="time_us")
    return Mapped(
        batch=batch,
        records=reactions.select("network", "uri", "type", "actor_key", "target_key", "post_key", "occurred_at"),
        profiles=known,
        deletes=deletes,
        former_handles=former_handles(events, known),
    )


def _numbered(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with the file and line columns every batch carries (one stream, rows in time order)."""
    return frame.with_columns(file=pl.lit(0, pl.Int32), line=pl.int_range(1, pl.len() + 1, dtype=pl.Int64))
