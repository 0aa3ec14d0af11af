"""Loading new lake segments into the warehouse, idempotently; the owner of the collect_* tables.

Which segments are loaded is recorded by name in the same transaction as their rows, so a crash loads them
again from scratch and a finished load never repeats. Inside, rows are keyed by their record URI: posts by
posts.external_id, interactions by collect_records, so a replayed event (a collector restarted with a rewound
cursor, or failed over to another instance, writes some twice) changes nothing. An update on the network (the same
URI, a new version) replaces what the stored version said: an edited post is loaded anew with the reactions it had,
and what it no longer mentions goes; the update is remembered, so an earlier version replayed later is dropped.
Deletions are applied after creates of the same load; a deleted record is remembered, so its create replayed later
stays deleted. A reaction a look-up found has a key made from who reacted to what (events.LOOKUP_KEY), not a
record's, and is stamped when it was seen: when a look-up notices it taken back, its deletion hides only what was
seen of it before (whichever load brings it), so the same reaction given again and seen later is loaded; a look that
read a post's likes or reposts whole (a `listed` row) deletes likewise those looked up before it that it no longer
shows. Accounts reported deactivated, taken down, suspended or deleted are hidden: their activity is removed and
nothing new of theirs is loaded until they are active again. Each run first finishes any scrub of erased people from
the lake that an erasure could not (scrub_erased).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa

from core.collect import lake as lakes
from core.collect.events import LOOKUP_KEY
from core.collect.mapping import edits, latest_versions, map_events
from core.db.warehouse import record_load, registered, rows, transaction
from core.ingest.errors import FileRef
from core.ingest.load import (
    load,
    relink_replies,
    remove_account_activity,
    remove_interactions,
    remove_posts,
    update_profiles,
)
from core.ingest.suppression import without_erased
from core.mention_redaction import mentions_frame, redact_all
from core.privacy import (
    blank_mentions,
    erased_handles_among,
    naming_erased,
    suppressed_count,
    suppressed_keys_among,
)
from core.progress import Progress, silent

MAX_SEGMENTS = 2_000  # per run, bounding one transaction after a long outage; the next run takes the rest
# Events loaded per transaction (a full segment): the collector's memory peaks with a load's frames and
# DuckDB's uncommitted rows; `python -m bench.collect` put it at 690 MB when a flat-out backlog (~100,000
# events) was loaded in one go, 648 MB when read in batches but committed once, 629-633 MB at 40,000 events and
# 566 MB at 20,000 (14,000 events/s flat out, still thirty times the firehose).
BATCH_EVENTS = 20_000
# The account statuses (com.atproto.sync.subscribeRepos#account) that mean the person is gone, for now or for good.
# The others, "desynchronized" and "throttled", are the relay's own state of the account: nothing to hide.
HIDING_STATUSES = ("deactivated", "takendown", "suspended", "deleted")
# An update deletes a record's earlier versions: collect_deleted remembers that under the record's URI with this
# suffix (no record's own URI has a fragment), its deleted_us the update's stream time. Older versions replayed
# later are dropped; the record itself stays.
EDITED = "#edited"
# collect_deleted.actor_key: who made the deleted record, kept only when its key does not name them already (an
# at:// URI names its repository's DID; a Mastodon status key names no one).
_ACTOR = "CASE WHEN NOT starts_with({key}, 'at://' || {did} || '/') THEN {did} END"


class LakeScrubError(RuntimeError):
    """Events of erased people could not be removed from the lake; the message says why and what to do."""


@dataclass(frozen=True)
class IngestReport:
    """What one ingest run loaded."""

    network: str
    segments: int
    events: int
    added: dict[str, int] = field(default_factory=dict)
    deleted: int = 0
    hidden: int = 0
    last_time_us: int | None = None
    scrubbed: int = 0  # events of erased people removed from the lake by a scrub an erasure left pending

    def summary(self) -> str:
        """One line for the command line and the collector's log."""
        scrubbed = f" Removed {self.scrubbed:,} events of erased people from the lake." if self.scrubbed else ""
        if not self.segments:
            return f"{self.network}: nothing new in the lake.{scrubbed}"
        added = ", ".join(f"{n:,} {t}" for t, n in self.added.items() if n) or "nothing new"
        return (
            f"{self.network}: loaded {self.segments:,} segments ({self.events:,} events): {added}; "
            f"{self.deleted:,} deletions, {self.hidden:,} accounts hidden.{scrubbed}"
        )


def pending_segments(con: duckdb.DuckDBPyConnection, lake: Path, network: str) -> list[lakes.Segment]:
    """Segments of `network` in the lake not yet loaded, oldest first."""
    done = {name for (name,) in rows(con, "SELECT segment FROM collect_segments WHERE network = ?", [network])}
    return [s for s in lakes.segments(lake, network) if s.name not in done][:MAX_SEGMENTS]


def ingest(con: duckdb.DuckDBPyConnection, lake: Path, network: str, *, progress: Progress = silent) -> IngestReport:
    """Load every new segment of `network`, oldest first, BATCH_EVENTS at a time.

    Each batch lands in one transaction with the record of its segments, as a load of its own would: memory
    stays bounded however long the backlog, and a failure keeps the batches already loaded and leaves the rest
    for the next run (inside a caller's transaction it is all one transaction: all of it lands, or none).
    """
    scrubbed = scrub_erased(con, lake, network)  # raises, loading nothing, while it cannot succeed
    chosen = pending_segments(con, lake, network)
    if not chosen:
        return IngestReport(network, 0, 0, scrubbed=scrubbed)
    counts = [lakes.event_count(lake, s) for s in chosen]
    total = sum(counts)
    read = deleted = hidden = 0
    added: dict[str, int] = {}
    for batch, batch_counts in _batches(chosen, counts):
        progress(0.05 + 0.9 * read / max(total, 1), f"Loading {read:,} of {total:,} new events")
        with transaction(con):
            batch_added, batch_deleted, batch_hidden = _load_batch(con, lake, network, batch)
            _record_segments(con, batch, batch_counts)
            if any(batch_added.values()) or batch_deleted or batch_hidden:
                record_load(con, "collect", [f"{network} stream"], batch_added)
        read += sum(batch_counts)
        deleted += batch_deleted
        hidden += batch_hidden
        added = {table: added.get(table, 0) + n for table, n in batch_added.items()}
    progress(1.0, "Loaded")
    last = max(s.last_us for s in chosen)
    return IngestReport(network, len(chosen), read, added, deleted, hidden, last, scrubbed)


def _batches(chosen: list[lakes.Segment], counts: list[int]) -> Iterator[tuple[list[lakes.Segment], list[int]]]:
    """Consecutive runs of segments (with their event counts) holding at most BATCH_EVENTS events together; a
    bigger segment is a batch alone."""
    batch: list[lakes.Segment] = []
    sizes: list[int] = []
    for segment, count in zip(chosen, counts, strict=True):
        if batch and sum(sizes) + count > BATCH_EVENTS:
            yield batch, sizes
            batch, sizes = [], []
        batch.append(segment)
        sizes.append(count)
    if batch:
        yield batch, sizes


def _load_batch(
    con: duckdb.DuckDBPyConnection, lake: Path, network: str, batch: list[lakes.Segment]
) -> tuple[dict[str, int], int, int]:
    """Load one batch of segments: (rows added per table, deletions applied, accounts hidden)."""
    events = pl.from_arrow(lakes.read_segments(lake, batch))
    events = _forget_erased(con, lake, network, events, batch)
    # Nothing of theirs reaches any table, the collector's own bookkeeping (records, deletes, hidden) included.
    events = events.filter(
        ~naming_erased(
            con, events, accounts=("did", "subject_did"), account_lists=("mentions",), records=lakes.RECORD_COLUMNS
        )
    )
    hidden = _apply_statuses(con, events)
    # Who wrote the posts of this load, taken before a post deleted within it is dropped: its deletion names them.
    made = events.filter(pl.col("kind") == "post").select("network", "uri", author="did").unique(["network", "uri"])
    events = _unlisted(con, _without_hidden_and_deleted(con, events))
    early, events = _deletes_before_creates(events)
    taken_back = _apply_deletes(con, early, made)  # a reaction seen again later in this load then loads as new
    events = latest_versions(events, _replaced(con, events))
    recorded = _recorded(con, events)
    edited = edits(events, _stored_posts(con, events), recorded)
    replies = _replies_to(con, edited)
    restored = _replace_edited(con, edited)
    mapped = map_events(events, recorded.join(edited, on=["network", "uri"], how="anti"), restored)
    del events  # the mapped rows replace the raw events in memory
    counts = load(con, without_erased(con, mapped.batch), [FileRef(f"{network} stream")], silent)  # erased stay out
    relink_replies(con, replies)  # after the load: the new versions have their ids
    _remember_records(con, mapped.records)
    if mapped.profiles.height:
        # as the load did for new accounts' bios and names
        update_profiles(con, blank_mentions(con, mapped.profiles, "bio", "display_name"), mapped.former_handles)
    deleted = taken_back + _apply_deletes(con, mapped.deletes, made)
    return counts.added, deleted, hidden


def _forget_erased(
    con: duckdb.DuckDBPyConnection, lake: Path, network: str, events: pl.DataFrame, chosen: list[lakes.Segment]
) -> pl.DataFrame:
    """Scrub from the new segments every event by, about or mentioning an erased person: the stream keeps bringing
    what they do on the network, and the lake must not keep it (the load below leaves them out of the warehouse).
    Returns `events` as lakes.forget leaves them in the files: erased people taken out of the `listed` rows that
    name them among others, so a list still does its work for everyone else, and their handles blanked in others'
    texts, bios and names, so a post seen again after an erasure matches its stored, blanked text (no edit)."""
    erased, handles = _erased_ids(con, network, events), _erased_handles(con, network, events)
    if not erased and not handles:
        return events
    lakes.forget(lake, network, erased, among=chosen, handles=handles)
    gone = pl.lit(sorted(erased), dtype=pl.List(pl.String))
    return events.with_columns(
        *(redact_all(events[column], handles) for column in lakes.WORDS_COLUMNS),
        mentions=pl.when(pl.col("kind") == "listed")
        .then(pl.col("mentions").list.set_difference(gone))
        .otherwise(pl.col("mentions")),
    )


def _erased_ids(con: duckdb.DuckDBPyConnection, network: str, events: pl.DataFrame) -> set[str]:
    """The external ids of erased people's accounts that `events` are by, about or mention, found by hashing every
    id the events name as the suppression list does (erasure keeps no raw id)."""
    authors = [events.select(did=pl.col(c).str.extract(lakes.AT_AUTHOR)) for c in lakes.RECORD_COLUMNS]
    seen = (
        pl.concat(
            [
                events.select("did"),
                events.select(did="subject_did"),
                events.select(did=pl.col("mentions").explode()),
                *authors,
            ]
        )
        .drop_nulls()
        .unique()
    )
    keys = seen.select(network=pl.lit(network), external_id="did")
    hidden, _ = suppressed_keys_among(con, keys, pl.DataFrame(schema={"person_key": pl.String}))
    return set(hidden["external_id"])


def _erased_handles(con: duckdb.DuckDBPyConnection, network: str, events: pl.DataFrame) -> frozenset[str]:
    """The erased people's handles (lower case) that the texts, bios and names of `events` mention, found by hashing
    every handle mentioned as the suppression list does."""
    if not suppressed_count(con):
        return frozenset()
    mentions = pl.concat(
        [
            mentions_frame(range(events.height), pl.Series([network] * events.height), events[column])
            for column in lakes.WORDS_COLUMNS
        ]
    )
    return frozenset(erased_handles_among(con, mentions.select("network", "handle").unique())["handle"])


def scrub_pending(con: duckdb.DuckDBPyConnection, network: str) -> bool:
    """Whether `network`'s lake may still hold events of someone erased: people were erased since its last scrub
    that succeeded (it failed, or the warehouse was restored from before it)."""
    return suppressed_count(con) > _scrubbed_keys(con, network)


def scrub_erased(con: duckdb.DuckDBPyConnection, lake: Path, network: str) -> int:
    """When a scrub is pending, remove every event by, about or mentioning an erased person from all of `network`'s
    segments, blank their handles in others' texts, bios and names there, and note the lake scrubbed; events removed.
    Erasure runs it, and every load first, so a scrub that failed is retried until it succeeds (a load's own scrub
    reaches only the new segments). Files left by interrupted writes are deleted first, scrub pending or not
    (lake.sweep_partials).
    """
    try:
        lakes.sweep_partials(lake, network)
    except OSError as exc:
        raise LakeScrubError(
            f"Files left by interrupted writes in the {network} lake ({lake}) could not be deleted "
            f"({type(exc).__name__}: {exc}). Fix the folder's permissions; the next load tries again."
        ) from exc
    if not scrub_pending(con, network):
        return 0
    erased = suppressed_count(con)  # read before the scan: keys suppressed during it are then still pending
    try:
        removed = sum(_scrub_segment(con, lake, network, s) for s in lakes.segments(lake, network))
    except (OSError, pa.ArrowException) as exc:
        raise LakeScrubError(
            f"Events of people erased from Sway are still in the {network} lake ({lake}): removing them failed "
            f"({type(exc).__name__}: {exc}). Free disk space or fix the folder's permissions; the next load of "
            "collected events tries again, and loads nothing new until it succeeds."
        ) from exc
    con.execute(
        "INSERT OR REPLACE INTO collect_lake_scrubs VALUES (?::network_name, ?, now()::TIMESTAMP)", [network, erased]
    )
    return removed


def _scrubbed_keys(con: duckdb.DuckDBPyConnection, network: str) -> int:
    """How many keys were suppressed when `network`'s last scrub that succeeded began (0 before any)."""
    found = rows(con, "SELECT erased_keys FROM collect_lake_scrubs WHERE network = ?::network_name", [network])
    return int(found[0][0]) if found else 0


def _scrub_segment(con: duckdb.DuckDBPyConnection, lake: Path, network: str, segment: lakes.Segment) -> int:
    """Remove erased people's events from one segment and blank their handles in others' words, read first for the
    ids and handles it names; events removed."""
    events = pl.from_arrow(lakes.read_segments(lake, [segment], (*lakes.NAMING_COLUMNS, *lakes.WORDS_COLUMNS)))
    erased, handles = _erased_ids(con, network, events), _erased_handles(con, network, events)
    return lakes.forget(lake, network, erased, among=[segment], handles=handles) if erased or handles else 0


def _apply_statuses(con: duckdb.DuckDBPyConnection, events: pl.DataFrame) -> int:
    """Hide accounts reported gone (removing their activity), unhide reactivated ones; return how many hidden."""
    latest = (
        events.filter((pl.col("kind") == "account") & (pl.col("active") | pl.col("status").is_in(HIDING_STATUSES)))
        .sort("time_us")
        .group_by("network", "did")
        .agg(pl.col("active").last(), pl.col("status").last(), pl.col("time_us").last())
        .rename({"did": "external_id"})
    )
    if not latest.height:
        return 0
    with registered(con, {"collect_status_rows": latest}):
        con.execute(
            "DELETE FROM collect_hidden h USING collect_status_rows s "
            "WHERE h.network = s.network::network_name AND h.external_id = s.external_id"
        )
        con.execute(
            "INSERT INTO collect_hidden SELECT network::network_name, external_id, status, time_us "
            "FROM collect_status_rows WHERE NOT active"
        )
    gone = latest.filter(~pl.col("active")).select("network", "external_id")
    if gone.height:
        remove_account_activity(con, gone)
    return gone.height


def _without_hidden_and_deleted(con: duckdb.DuckDBPyConnection, events: pl.DataFrame) -> pl.DataFrame:
    """Events minus those of hidden accounts, likes, reposts and follows of them, and the creates of records deleted
    (now, in this load, or before; of a look-up's key, only those seen before its latest deletion), likes and reposts
    of posts deleted included. A post mentioning or answering a hidden account stays, without naming them.

    Loaded in two loads, a deleted post's reactions go with it (load.remove_posts), and a hidden account's with
    them (remove_account_activity): here the same holds however the events fall into loads.
    """
    hidden = con.sql("SELECT network::VARCHAR AS network, external_id AS did FROM collect_hidden").pl()
    creates = pl.concat(
        [
            events.filter(pl.col("uri").is_not_null() & (pl.col("kind") != "delete")).select("network", "uri"),
            events.filter(pl.col("kind").is_in(["like", "repost"]) & pl.col("subject").is_not_null()).select(
                "network", uri="subject"
            ),
        ]
    )
    with registered(con, {"collect_create_rows": creates.unique()}):
        stored = con.sql(
            "SELECT d.network::VARCHAR AS network, d.uri, d.deleted_us FROM collect_deleted d "
            "JOIN collect_create_rows c ON d.network = c.network::network_name AND d.uri = c.uri"
        ).pl()
    deleted = pl.concat(
        [stored, events.filter(pl.col("kind") == "delete").select("network", "uri", deleted_us="time_us")]
    )
    kept = _without_hidden(events, hidden)
    subjects_gone = (
        kept.filter(pl.col("kind").is_in(["like", "repost"]))
        .select("network", "uri", "time_us", "subject")
        .join(
            deleted.filter(~pl.col("uri").str.contains(LOOKUP_KEY)),
            left_on=["network", "subject"],
            right_on=["network", "uri"],
        )
        .select("network", "uri", "time_us")
    )
    kept = kept.join(subjects_gone, on=["network", "uri", "time_us"], how="anti", maintain_order="left")
    gone = (
        kept.filter(pl.col("kind") != "delete")
        .select("network", "uri", "time_us")
        .join(deleted, on=["network", "uri"])
        .filter(~pl.col("uri").str.contains(LOOKUP_KEY) | (pl.col("deleted_us") >= pl.col("time_us")))
        .select("network", "uri", "time_us")
        .unique()
    )
    return kept.join(gone, on=["network", "uri", "time_us"], how="anti")


def _without_hidden(events: pl.DataFrame, hidden: pl.DataFrame) -> pl.DataFrame:
    """Events minus those by hidden accounts and the likes, reposts and follows of them; posts keep their text but
    name no hidden account (mentions, the author replied to or quoted). Joins on the keys: the list can be long."""
    if not hidden.height:
        return events
    flagged = hidden.with_columns(at_hidden=pl.lit(True))
    kept = (
        events.join(hidden, on=["network", "did"], how="anti", maintain_order="left")
        .join(flagged.rename({"did": "subject_did"}), on=["network", "subject_did"], how="left", maintain_order="left")
        .with_columns(pl.col("at_hidden").fill_null(False))
        .filter(~pl.col("at_hidden") | (pl.col("kind") == "post"))
        .with_columns(subject_did=pl.when(pl.col("at_hidden")).then(None).otherwise(pl.col("subject_did")))
        .drop("at_hidden")
        # A quote names its author in the quoted post's at:// URI (mapping makes it a mention of them).
        .with_columns(quoted=pl.col("quote_uri").str.extract(lakes.AT_AUTHOR, 1))
        .join(flagged.rename({"did": "quoted"}), on=["network", "quoted"], how="left", maintain_order="left")
        .with_columns(quote_uri=pl.when(pl.col("at_hidden").fill_null(False)).then(None).otherwise(pl.col("quote_uri")))
        .drop("quoted", "at_hidden")
        .with_row_index("_row")
    )
    mentioned = (
        kept.select("_row", "network", "mentions")
        .explode("mentions")
        .join(flagged.rename({"did": "mentions"}), on=["network", "mentions"], how="left")
    )
    if mentioned["at_hidden"].any():
        rows = mentioned.filter(pl.col("at_hidden")).select("_row").unique()
        cleaned = (
            mentioned.join(rows, on="_row", how="semi")
            .group_by("_row")
            .agg(pl.col("mentions").filter(pl.col("at_hidden").is_null()).drop_nulls())
        )
        kept = kept.update(cleaned, on="_row", how="left", include_nulls=False)
    return kept.drop("_row")


def _unlisted(con: duckdb.DuckDBPyConnection, events: pl.DataFrame) -> pl.DataFrame:
    """`events` with each `listed` row (core/collect/recheck.py) replaced by delete rows, at the list's time, for the
    looked-up reactions of its kind to its post by anyone it does not show: those stored, and those this load brings
    from before the list. So a like taken back while the collector was stopped leaves at its first look after."""
    is_listed = pl.col("kind") == "listed"
    lists = events.filter(is_listed)
    events = events.filter(~is_listed)
    if not lists.height:
        return events
    lists = lists.with_row_index("list").select(
        "list",
        "network",
        "subject_did",
        post="subject",
        type=pl.col("uri").str.extract(r"#(like|repost)$"),
        at="time_us",
        shown="mentions",
    )
    stored = _among_records(
        con,
        "SELECT c.network::VARCHAR AS network, c.uri, c.type::VARCHAR AS type, c.actor_key AS did, "
        "c.post_key AS post FROM collect_records c JOIN collect_uri_rows p "
        "ON c.network = p.network::network_name AND c.post_key = p.uri WHERE regexp_matches(c.uri, ?)",
        lists.select("network", uri="post").unique(),
        [LOOKUP_KEY],
    ).with_columns(seen=pl.lit(None, dtype=pl.Int64))
    loaded = events.filter(pl.col("kind").is_in(["like", "repost"]) & pl.col("uri").str.contains(LOOKUP_KEY))
    loaded = loaded.select("network", "uri", type="kind", did="did", post="subject", seen="time_us")
    candidates = (
        pl.concat([stored, loaded])
        .join(lists.drop("shown"), on=["network", "post", "type"])
        .filter(pl.col("seen").is_null() | (pl.col("seen") < pl.col("at")))
    )
    shown = lists.select("list", did="shown").explode("did")
    gone = candidates.join(shown, on=["list", "did"], how="anti").unique(["network", "uri", "at"])
    deletes = gone.select("network", "did", "uri", "subject_did", time_us="at", kind=pl.lit("delete"), subject="post")
    return pl.concat([events, deletes], how="diagonal_relaxed")


def _deletes_before_creates(events: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the deletions in `events` of look-up keys seen again later in them, as network, uri, did, deleted_us; the
    events without those deletions). Ingest applies the first before loading, the rest after."""
    lookup = pl.col("uri").str.contains(LOOKUP_KEY)
    deletes = events.filter((pl.col("kind") == "delete") & lookup)
    seen_again = (
        events.filter(lookup & (pl.col("kind") != "delete"))
        .group_by("network", "uri")
        .agg(last_seen=pl.col("time_us").max())
    )
    early = deletes.join(seen_again, on=["network", "uri"]).filter(pl.col("time_us") < pl.col("last_seen"))
    rest = events.join(
        early.select("network", "uri", "time_us", "kind"), on=["network", "uri", "time_us", "kind"], how="anti"
    )
    return early.select("network", "uri", "did", deleted_us="time_us"), rest


def _record_uris(events: pl.DataFrame, kinds: tuple[str, ...] | None = None) -> pl.DataFrame:
    """The records `events` create or update (network, uri), of `kinds` when given."""
    records = events.filter(pl.col("uri").is_not_null() & (pl.col("kind") != "delete"))
    if kinds is not None:
        records = records.filter(pl.col("kind").is_in(kinds))
    return records.select("network", "uri").unique()


def _among_records(
    con: duckdb.DuckDBPyConnection, sql: str, uris: pl.DataFrame, params: list[object] | None = None
) -> pl.DataFrame:
    """Run `sql`, which reads the records `uris` (network, uri) as collect_uri_rows, into polars."""
    with registered(con, {"collect_uri_rows": uris}):
        return con.sql(sql, params=params).pl()


def _recorded(con: duckdb.DuckDBPyConnection, events: pl.DataFrame) -> pl.DataFrame:
    """The interactions already loaded from the records `events` name (network, uri, type, target_key, post_key)."""
    return _among_records(
        con,
        "SELECT c.network::VARCHAR AS network, c.uri, c.type::VARCHAR AS type, c.target_key, c.post_key "
        "FROM collect_records c JOIN collect_uri_rows u ON c.network = u.network::network_name AND c.uri = u.uri",
        _record_uris(events),
    )


def _stored_posts(con: duckdb.DuckDBPyConnection, events: pl.DataFrame) -> pl.DataFrame:
    """What is stored of the posts `events` bring (network, uri and the content an update may change)."""
    return _among_records(
        con,
        "SELECT p.network::VARCHAR AS network, p.external_id AS uri, p.text, p.url, p.kind::VARCHAR AS kind, "
        "p.language FROM posts p JOIN collect_uri_rows u ON p.network = u.network::network_name "
        "AND p.external_id = u.uri",
        _record_uris(events, ("post",)),
    )


def _replaced(con: duckdb.DuckDBPyConnection, events: pl.DataFrame) -> pl.DataFrame:
    """The updates already loaded of the records `events` bring: network, uri, before_us (the update's time)."""
    return _among_records(
        con,
        "SELECT u.network, u.uri, d.deleted_us AS before_us FROM collect_deleted d JOIN collect_uri_rows u "
        "ON d.network = u.network::network_name AND d.uri = u.uri || ?",
        _record_uris(events),
        [EDITED],
    )


def _remember_records(con: duckdb.DuckDBPyConnection, records: pl.DataFrame) -> None:
    """Note which record made each new interaction (once per record, reaction type and target)."""
    if not records.height:
        return
    with registered(con, {"collect_record_rows": records}):
        con.execute(
            """
            INSERT INTO collect_records
            SELECT r.network::network_name, r.uri, r.type::interaction_type, r.actor_key, r.target_key, r.post_key,
                   r.occurred_at
            FROM collect_record_rows r ANTI JOIN collect_records c
            ON c.network = r.network::network_name AND c.uri = r.uri AND c.type = r.type::interaction_type
               AND c.target_key = r.target_key
            """
        )


# The interactions the records in a registered frame ({rows}: network, uri) made, by the warehouse's keys.
_INTERACTIONS_OF_RECORDS = """
    SELECT c.network::VARCHAR AS network, actor.account_id AS actor_account_id,
           target.account_id AS target_account_id, p.post_id, c.type::VARCHAR AS type, c.occurred_at
    FROM collect_records c JOIN {rows} d ON c.network = d.network::network_name AND c.uri = d.uri
    JOIN accounts actor ON actor.network = c.network AND actor.external_id = c.actor_key
    JOIN accounts target ON target.network = c.network AND target.external_id = c.target_key
    LEFT JOIN posts p ON p.network = c.network AND p.external_id = c.post_key
"""
# The reactions stored to the posts in collect_edit_rows that changed, by external keys, to be loaded again onto the
# new version of each post.
_REACTIONS_TO_EDITED = """
    SELECT i.network::VARCHAR AS network, actor.external_id AS actor_key, target.external_id AS target_key,
           p.external_id AS post_key, i.type::VARCHAR AS type, i.occurred_at
    FROM interactions i JOIN posts p ON p.post_id = i.post_id
    JOIN collect_edit_rows e ON p.network = e.network::network_name AND p.external_id = e.uri AND e.post
    JOIN accounts actor ON actor.account_id = i.actor_account_id
    JOIN accounts target ON target.account_id = i.target_account_id
"""


def _unrecord(con: duckdb.DuckDBPyConnection, rows: str) -> pl.DataFrame:
    """Forget the records of the registered frame `rows` (network, uri: a fixed name): the interactions they made
    (INTERACTION_KEY columns, for remove_interactions), read before their collect_records rows are deleted."""
    made = con.sql(_INTERACTIONS_OF_RECORDS.format(rows=rows)).pl()
    con.execute(
        f"DELETE FROM collect_records c USING {rows} r WHERE c.network = r.network::network_name AND c.uri = r.uri"  # noqa: S608 - fixed names
    )
    return made


def _replies_to(con: duckdb.DuckDBPyConnection, edited: pl.DataFrame) -> pl.DataFrame:
    """The stored replies to the posts among `edited` that will be loaded anew (network, reply_key, parent_key), by
    their keys: the load may give a removed post's id to another post. Replies themselves edited in this load are
    left out: their new version finds its parent by its own record."""
    changed = edited.filter(pl.col("post")).select("network", "uri")
    if not changed.height:
        return pl.DataFrame(schema={"network": pl.String, "reply_key": pl.String, "parent_key": pl.String})
    return _among_records(
        con,
        """
        SELECT p.network::VARCHAR AS network, r.external_id AS reply_key, p.external_id AS parent_key
        FROM collect_uri_rows e
        JOIN posts p ON p.network = e.network::network_name AND p.external_id = e.uri
        JOIN posts r ON r.parent_post_id = p.post_id
        WHERE NOT EXISTS (
            SELECT 1 FROM collect_uri_rows x WHERE x.network::network_name = r.network AND x.uri = r.external_id
        )
        """,
        changed,
    )


def _replace_edited(con: duckdb.DuckDBPyConnection, edited: pl.DataFrame) -> pl.DataFrame | None:
    """Remove what the stored versions of `edited` records made (interactions and records) and the posts that
    changed, and remember the updates; the reactions those posts had, to be loaded onto their new version (None
    when nothing was edited).

    A changed post is removed and loaded anew rather than edited in place: its new id is tagged with topics by the
    next refresh like any new post; its replies are pointed at the new id after the load (relink_replies).
    """
    if not edited.height:
        return None
    with registered(con, {"collect_edit_rows": edited}):
        made = _unrecord(con, "collect_edit_rows")
        con.execute(
            "DELETE FROM collect_deleted d USING collect_edit_rows e "
            "WHERE d.network = e.network::network_name AND d.uri = e.uri || ?",
            [EDITED],
        )
        con.execute(
            f"INSERT INTO collect_deleted (network, uri, deleted_us, actor_key) "  # noqa: S608 - a fixed expression
            f"SELECT network::network_name, uri || ?, time_us, {_ACTOR.format(key='uri', did='did')} "
            "FROM collect_edit_rows",
            [EDITED],
        )
        if made.height:
            remove_interactions(con, made)
        reactions = con.sql(_REACTIONS_TO_EDITED).pl()  # read after its own old reactions went
    remove_posts(con, edited.filter(pl.col("post")).select("network", external_id="uri"))
    return reactions


def _with_authors(con: duckdb.DuckDBPyConnection, deletes: pl.DataFrame, made: pl.DataFrame) -> pl.DataFrame:
    """`deletes` with each missing `did` filled with who wrote the deleted post: a Mastodon stream's deletion names the
    status alone, and the collector knows the author only of statuses it saw since it started. Taken from the posts
    `made` in this load (network, uri, author), else the post stored under the key, else what an earlier deletion of
    the same key recorded (a status deleted on two hashtags' streams is deleted twice)."""
    unknown = deletes.filter(pl.col("did").is_null()).select("network", "uri")
    if not unknown.height:
        return deletes
    with registered(con, {"collect_unknown_rows": unknown}):
        stored = con.sql(
            "SELECT u.network, u.uri, any_value(a.external_id) AS author FROM collect_unknown_rows u "
            "JOIN posts p ON p.network = u.network::network_name AND p.external_id = u.uri "
            "JOIN accounts a ON a.account_id = p.account_id GROUP BY u.network, u.uri"
        ).pl()
        earlier = con.sql(
            "SELECT u.network, u.uri, any_value(k.actor_key) AS author FROM collect_unknown_rows u "
            "JOIN collect_deleted k ON k.network = u.network::network_name AND k.uri = u.uri "
            "WHERE k.actor_key IS NOT NULL GROUP BY u.network, u.uri"
        ).pl()
    for source in (made, stored, earlier):  # the first that knows wins
        deletes = (
            deletes.join(source, on=["network", "uri"], how="left")
            .with_columns(did=pl.coalesce("did", "author"))
            .drop("author")
        )
    return deletes


def _apply_deletes(con: duckdb.DuckDBPyConnection, deletes: pl.DataFrame, made: pl.DataFrame) -> int:
    """Remove deleted posts and the interactions deleted records made; remember each record's latest deletion and
    who made the record (so that erasing them removes it too; `made`: see _with_authors)."""
    if not deletes.height:
        return 0
    latest = deletes.sort("deleted_us").group_by("network", "uri", maintain_order=True)
    deletes = _with_authors(con, latest.agg(pl.col("did").drop_nulls().last(), pl.col("deleted_us").last()), made)
    with registered(con, {"collect_delete_rows": deletes}):
        keys = _unrecord(con, "collect_delete_rows")
        con.execute(
            "DELETE FROM collect_deleted k USING collect_delete_rows d "
            "WHERE k.network = d.network::network_name AND k.uri = d.uri AND k.deleted_us < d.deleted_us"
        )
        con.execute(
            f"INSERT INTO collect_deleted (network, uri, deleted_us, actor_key) "  # noqa: S608 - a fixed expression
            f"SELECT d.network::network_name, d.uri, d.deleted_us, {_ACTOR.format(key='d.uri', did='d.did')} "
            "FROM collect_delete_rows d ANTI JOIN collect_deleted k ON k.network = d.network::network_name "
            "AND k.uri = d.uri"
        )
    if keys.height:
        remove_interactions(con, keys)
    remove_posts(con, deletes.select("network", external_id="uri"))
    return deletes.height


def _record_segments(con: duckdb.DuckDBPyConnection, chosen: list[lakes.Segment], counts: list[int]) -> None:
    """Mark the segments loaded (with their event counts), in the load's own transaction."""
    frame = pl.DataFrame(
        {
            "network": [s.network for s in chosen],
            "segment": [s.name for s in chosen],
            "first_time_us": [s.first_us for s in chosen],
            "last_time_us": [s.last_us for s in chosen],
            "events": counts,
        }
    )
    with registered(con, {"collect_segment_rows": frame}):
        con.execute(
            "INSERT INTO collect_segments SELECT network::network_name, segment, first_time_us, last_time_us, "
            "events, now()::TIMESTAMP FROM collect_segment_rows"
        )
