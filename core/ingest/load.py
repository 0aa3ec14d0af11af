"""Writing a checked batch into the warehouse: match what is stored, number what is new, insert in bulk.

Rows already in the warehouse (same network and external id; for interactions the same actor, target,
post, type, network and time) are kept exactly as stored and counted as skipped duplicates: an import
never edits or deletes. New rows get ids after the current maximum, in a deterministic order.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass

import duckdb
import polars as pl

from core.db.ids import last_issued, note_issued
from core.db.warehouse import registered
from core.ingest.errors import FileRef
from core.ingest.frames import Batch
from core.progress import Progress

KEY = ["network", "external_id"]
INTERACTION_KEY = ["network", "actor_account_id", "target_account_id", "post_id", "type", "occurred_at"]
_TEMP = "sway_import_rows"  # the polars frame the statements below read, registered only while they run

_STORED_ACCOUNTS = """
    SELECT a.network::VARCHAR AS network, a.external_id, min(a.account_id) AS id
    FROM accounts a JOIN sway_import_rows k ON a.network = k.network::network_name AND a.external_id = k.external_id
    GROUP BY ALL
"""
_STORED_POSTS = """
    SELECT p.network::VARCHAR AS network, p.external_id, min(p.post_id) AS id
    FROM posts p JOIN sway_import_rows k ON p.network = k.network::network_name AND p.external_id = k.external_id
    GROUP BY ALL
"""
_STORED_PEOPLE = """
    SELECT p.external_id AS person_key, min(p.person_id) AS person_id
    FROM people p JOIN sway_import_rows k ON p.external_id = k.person_key
    GROUP BY ALL
"""
_NOT_STORED_INTERACTIONS = """
    SELECT c.* FROM sway_import_rows c ANTI JOIN interactions i
    ON i.actor_account_id = c.actor_account_id AND i.target_account_id = c.target_account_id
    AND i.post_id IS NOT DISTINCT FROM c.post_id AND i.type = c.type::interaction_type
    AND i.network = c.network::network_name AND i.occurred_at = c.occurred_at
"""
_INSERTS = {
    "people": "INSERT INTO people (person_id, external_id, name) "
    "SELECT person_id, person_key, name FROM sway_import_rows",
    "accounts": """
        INSERT INTO accounts (account_id, person_id, network, external_id, handle, display_name, bio,
                              followers, following, location, language, created_at)
        SELECT account_id, person_id, network::network_name, external_id, handle, display_name, bio,
               followers, following, location, language, created_at
        FROM sway_import_rows""",
    "posts": """
        INSERT INTO posts (post_id, account_id, network, external_id, posted_at, text, url, kind,
                           parent_post_id, reported_reposts, reported_likes, language)
        SELECT post_id, account_id, network::network_name, external_id, posted_at, text, url, kind::post_kind,
               parent_post_id, reported_reposts, reported_likes, language
        FROM sway_import_rows""",
    "interactions": """
        INSERT INTO interactions (actor_account_id, target_account_id, post_id, type, occurred_at, network)
        SELECT actor_account_id, target_account_id, post_id, type::interaction_type, occurred_at,
               network::network_name
        FROM sway_import_rows""",
}


@dataclass(frozen=True)
class LoadCounts:
    """Rows added per table, and rows skipped because they were already stored or repeated in the import."""

    added: dict[str, int]
    skipped: dict[str, int]


def load(con: duckdb.DuckDBPyConnection, batch: Batch, files: Sequence[FileRef], progress: Progress) -> LoadCounts:
    """Insert what `batch` adds; call inside a transaction. Unknown references raise before any write."""
    progress(0.0, "Matching accounts with the warehouse")
    last_account = last_issued(con, "account_id")
    accounts, people, account_ids = _new_accounts(con, batch, last_account)
    progress(0.2, "Matching posts with the warehouse")
    posts = _attach(batch.posts, account_ids, "account_key", "account_id")
    new_posts, post_ids = _new_posts(con, posts, batch.interactions)
    progress(0.4, "Matching interactions with the warehouse")
    interactions = _attach(batch.interactions, account_ids, "actor_key", "actor_account_id")
    interactions = _attach(interactions, account_ids, "target_key", "target_account_id")
    interactions = _attach(interactions, post_ids, "post_key", "post_id")
    _refuse_unknown(
        files,
        _unknown(posts, "account_key", "account_id", "account_id", "account"),
        _unknown(interactions, "actor_key", "actor_account_id", "actor_account_id", "account"),
        _unknown(interactions, "target_key", "target_account_id", "target_account_id", "account"),
        _unknown(interactions.filter(pl.col("post_required")), "post_key", "post_id", "post_id", "post"),
    )
    new_interactions = _new_interactions(con, interactions, last_account)
    new = {"people": people, "accounts": accounts, "posts": new_posts, "interactions": new_interactions}
    for step, (table, frame) in enumerate(new.items()):
        progress(0.6 + 0.1 * step, f"Writing {frame.height:,} new {table}")
        with registered(con, {_TEMP: frame}):
            con.execute(_INSERTS[table])
    offered = {
        "accounts": batch.accounts.select(*KEY, "file").unique().height,
        "posts": batch.posts.select(*KEY, "file").unique().height,
        "interactions": batch.interactions.height,
    }
    issued = {"person_id": people, "account_id": accounts, "post_id": new_posts}
    note_issued(con, {column: int(frame[column].max()) for column, frame in issued.items() if frame.height})
    added = {table: frame.height for table, frame in new.items()}
    return LoadCounts(added, {table: offered[table] - added[table] for table in offered})


def _stored(con: duckdb.DuckDBPyConnection, sql: str, keys: pl.DataFrame) -> pl.DataFrame:
    """Run a lookup of `keys` against the warehouse and return its rows as polars."""
    with registered(con, {_TEMP: keys}):
        return con.sql(sql).pl()


def _attach(frame: pl.DataFrame, ids: pl.DataFrame, key: str, into: str) -> pl.DataFrame:
    """`frame` with the internal id of `key` (same network) as column `into`; null when unknown."""
    return frame.join(ids.rename({"external_id": key, "id": into}), on=["network", key], how="left")


def _new_accounts(
    con: duckdb.DuckDBPyConnection, batch: Batch, last_account: int
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """New accounts and people with their ids, and the id of every account the batch mentions."""
    wanted = pl.concat(
        [
            batch.accounts.select(KEY),
            batch.posts.select("network", external_id="account_key"),
            batch.interactions.select("network", external_id="actor_key"),
            batch.interactions.select("network", external_id="target_key"),
        ]
    ).unique()
    stored = _stored(con, _STORED_ACCOUNTS, wanted)
    # A full profile beats a stub; otherwise the earliest file and line wins.
    chosen = batch.accounts.sort("stub", "file", "line").unique(KEY, keep="first", maintain_order=True)
    accounts = (
        chosen.join(stored, on=KEY, how="anti")
        .sort(KEY)
        .with_columns(
            account_id=last_account + 1 + pl.int_range(pl.len(), dtype=pl.Int64),
            person_key=pl.coalesce("person_key", pl.concat_str("network", pl.lit(":"), "external_id")),
        )
    )
    people_stored = _stored(con, _STORED_PEOPLE, accounts.select("person_key").unique())
    last_person = last_issued(con, "person_id")
    people = (
        accounts.join(people_stored, on="person_key", how="anti")
        .group_by("person_key", maintain_order=True)  # accounts are in id order: a person is named after its first
        .agg(name=pl.coalesce("display_name", "handle").first())
        .with_columns(person_id=last_person + 1 + pl.int_range(pl.len(), dtype=pl.Int64))
    )
    person_ids = pl.concat([people_stored, people.select("person_key", "person_id")])
    accounts = accounts.join(person_ids, on="person_key", how="left")
    account_ids = pl.concat([stored, accounts.select(*KEY, id="account_id")])
    return accounts, people, account_ids


def _new_posts(
    con: duckdb.DuckDBPyConnection, posts: pl.DataFrame, interactions: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """New posts with ids (in time order) and parents, and the id of every post the batch refers to."""
    wanted = (
        pl.concat(
            [
                posts.select(KEY),
                posts.select("network", external_id="parent_key"),
                interactions.select("network", external_id="post_key"),
            ]
        )
        .drop_nulls()
        .unique()
    )
    stored = _stored(con, _STORED_POSTS, wanted)
    last_post = last_issued(con, "post_id")
    new = (
        posts.sort("file", "line")
        .unique(KEY, keep="first", maintain_order=True)
        .join(stored, on=KEY, how="anti")
        .sort("posted_at", *KEY)
        .with_columns(post_id=last_post + 1 + pl.int_range(pl.len(), dtype=pl.Int64))
    )
    post_ids = pl.concat([stored, new.select(*KEY, id="post_id")])
    # A parent Sway doesn't have (a reply to a tweet outside the file) is left empty.
    return _attach(new, post_ids, "parent_key", "parent_post_id"), post_ids


def _new_interactions(con: duckdb.DuckDBPyConnection, interactions: pl.DataFrame, last_account: int) -> pl.DataFrame:
    """Interactions not repeated in the batch and not already stored."""
    rows = interactions.unique(INTERACTION_KEY, keep="first", maintain_order=True).select(INTERACTION_KEY)
    # Only an interaction between two accounts that were already stored can itself be stored already.
    old = (pl.col("actor_account_id") <= last_account) & (pl.col("target_account_id") <= last_account)
    maybe_stored = rows.filter(old)
    if maybe_stored.height:
        maybe_stored = _stored(con, _NOT_STORED_INTERACTIONS, maybe_stored)
    return pl.concat([rows.filter(~old), maybe_stored])


@dataclass(frozen=True)
class _Unknown:
    """The earliest reference of one kind that matched nothing, and how many did."""

    file: int
    line: int
    network: str
    value: str
    field: str
    what: str  # account or post
    count: int


def _unknown(frame: pl.DataFrame, key: str, into: str, field: str, what: str) -> _Unknown | None:
    """The earliest row whose `key` matched nothing, or None."""
    bad = frame.filter(pl.col(key).is_not_null() & pl.col(into).is_null())
    if bad.height == 0:
        return None
    row = bad.sort("file", "line").row(0, named=True)
    return _Unknown(row["file"], row["line"], row["network"], row[key], field, what, bad.height)


def _refuse_unknown(files: Sequence[FileRef], *found: _Unknown | None) -> None:
    """Raise for the earliest reference to an account or post that is neither in the import nor stored."""
    problems = [f for f in found if f is not None]
    if not problems:
        return
    first = min(problems, key=lambda f: (f.file, f.line))
    more = f" (and {first.count - 1:,} more like this)" if first.count > 1 else ""
    raise files[first.file].error(
        f"there is no {first.network} {first.what} '{first.value}' in this import or in Sway{more}",
        f"Import the {first.what}s file that lists it together with this file, or correct the id.",
        line=first.line,
        field=first.field,
    )


# A live network (core/collect/ingest.py) also changes what is stored: profiles and handles change, records are
# deleted, accounts are deactivated. These are the only edits of the core tables besides an erasure.
# A display name or bio of "" was cleared on the network (null: not known, keep the stored one).
_RENAME_PEOPLE = """
    UPDATE people p SET name = coalesce(nullif(k.display_name, ''),
                                        CASE WHEN k.display_name = '' THEN NULL ELSE a.display_name END,
                                        k.handle, a.handle)
    FROM accounts a JOIN sway_import_rows k ON a.network = k.network::network_name AND a.external_id = k.external_id
    WHERE p.person_id = a.person_id AND (p.name IS NULL OR p.name IN (a.external_id, a.handle, a.display_name))
"""
# The handles being replaced, kept so an erasure can blank mentions of them (migration 023): the stored one when a
# profile brings another, and those the profiles' batch gave in between (sway_former_handles). A stub's handle is its
# external id until its profile is known: that is no handle anyone wrote.
_KEEP_FORMER_HANDLES = """
    INSERT INTO account_former_handles
    SELECT account_id, any_value(handle), now()::TIMESTAMP FROM (
        SELECT a.account_id, a.external_id, a.handle FROM accounts a
        JOIN sway_import_rows k ON a.network = k.network::network_name AND a.external_id = k.external_id
        WHERE lower(k.handle) <> lower(a.handle)
        UNION ALL
        SELECT a.account_id, a.external_id, f.handle FROM accounts a
        JOIN sway_former_handles f ON a.network = f.network::network_name AND a.external_id = f.external_id
    ) named
    WHERE coalesce(handle, '') NOT IN ('', external_id)
      AND NOT EXISTS (SELECT 1 FROM account_former_handles f
                      WHERE f.account_id = named.account_id AND lower(f.handle) = lower(named.handle))
    GROUP BY account_id, lower(handle)
"""
_UPDATE_ACCOUNTS = """
    UPDATE accounts a SET handle = coalesce(k.handle, a.handle),
           display_name = CASE WHEN k.display_name = '' THEN NULL ELSE coalesce(k.display_name, a.display_name) END,
           bio = CASE WHEN k.bio = '' THEN NULL ELSE coalesce(k.bio, a.bio) END,
           followers = coalesce(k.followers, a.followers),
           following = coalesce(k.following, a.following), created_at = coalesce(k.created_at, a.created_at)
    FROM sway_import_rows k WHERE a.network = k.network::network_name AND a.external_id = k.external_id
"""
_REMOVE_INTERACTIONS = """
    DELETE FROM interactions i USING sway_import_rows k
    WHERE i.actor_account_id = k.actor_account_id AND i.target_account_id = k.target_account_id
      AND i.post_id IS NOT DISTINCT FROM k.post_id AND i.type = k.type::interaction_type
      AND i.network = k.network::network_name AND i.occurred_at = k.occurred_at
"""
# Replies (network, reply_key, parent_key: external ids) that lost their parent when it was removed, linked to the
# post now stored under the parent's key (an edited post loaded anew).
_RELINK_REPLIES = """
    UPDATE posts r SET parent_post_id = p.post_id
    FROM sway_import_rows k JOIN posts p ON p.network = k.network::network_name AND p.external_id = k.parent_key
    WHERE r.network = k.network::network_name AND r.external_id = k.reply_key AND r.parent_post_id IS NULL
"""
_POSTS_OF = "SELECT p.post_id FROM posts p JOIN sway_import_rows k ON p.network = k.network::network_name AND {}"
_REMOVE_POSTS = (
    "DELETE FROM interactions WHERE post_id IN (SELECT post_id FROM doomed)",
    "UPDATE posts SET parent_post_id = NULL WHERE parent_post_id IN (SELECT post_id FROM doomed)",
    "DELETE FROM posts WHERE post_id IN (SELECT post_id FROM doomed)",
)


def update_profiles(con: duckdb.DuckDBPyConnection, profiles: pl.DataFrame, former: pl.DataFrame | None = None) -> None:
    """Set the stored accounts' handle, display name, bio, follower counts and creation time where `profiles`
    (network, external_id and those columns; null = unknown) knows them, and name their people after them. The
    handles replaced, and those `former` (network, external_id, handle) names, are kept in account_former_handles."""
    if former is None:
        former = pl.DataFrame(schema={"network": pl.String, "external_id": pl.String, "handle": pl.String})
    with registered(con, {_TEMP: profiles, "sway_former_handles": former}):
        con.execute(_RENAME_PEOPLE)
        con.execute(_KEEP_FORMER_HANDLES)
        con.execute(_UPDATE_ACCOUNTS)


def relink_replies(con: duckdb.DuckDBPyConnection, replies: pl.DataFrame) -> None:
    """Link replies left without a parent (network, reply_key, parent_key) to the post now stored under the parent's
    key; a parent not stored leaves its replies unlinked, as a deletion does."""
    if replies.height:
        with registered(con, {_TEMP: replies}):
            con.execute(_RELINK_REPLIES)


def remove_interactions(con: duckdb.DuckDBPyConnection, keys: pl.DataFrame) -> None:
    """Delete the interactions with these keys (INTERACTION_KEY columns, internal ids)."""
    with registered(con, {_TEMP: keys}):
        con.execute(_REMOVE_INTERACTIONS)


def remove_posts(con: duckdb.DuckDBPyConnection, keys: pl.DataFrame) -> None:
    """Delete the posts with these keys (network, external_id), the reactions to them, and unlink replies to them."""
    _remove(con, keys, "p.external_id = k.external_id")


def remove_account_activity(con: duckdb.DuckDBPyConnection, keys: pl.DataFrame) -> None:
    """Delete everything these accounts (network, external_id) posted, and every interaction by or with them."""
    _remove(con, keys, "p.account_id IN (SELECT account_id FROM accounts a WHERE a.external_id = k.external_id)")
    with registered(con, {_TEMP: keys}):
        con.execute(
            "DELETE FROM interactions WHERE actor_account_id IN (SELECT a.account_id FROM accounts a JOIN "
            "sway_import_rows k ON a.network = k.network::network_name AND a.external_id = k.external_id) "
            "OR target_account_id IN (SELECT a.account_id FROM accounts a JOIN sway_import_rows k "
            "ON a.network = k.network::network_name AND a.external_id = k.external_id)"
        )


def _remove(con: duckdb.DuckDBPyConnection, keys: pl.DataFrame, match: str) -> None:
    """Delete the posts `match` finds for `keys`, with the reactions to them; replies to them lose their parent."""
    with registered(con, {_TEMP: keys}):
        doomed = con.sql(_POSTS_OF.format(match)).pl()
    con.register("doomed", doomed)
    try:
        for statement in _REMOVE_POSTS:
            con.execute(statement)
    finally:
        with suppress(duckdb.Error):
            con.unregister("doomed")
