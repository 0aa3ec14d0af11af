"""The raw-event lake: immutable, time-partitioned Parquet segments beside the warehouse.

A collector never opens the warehouse (DuckDB lets one process write it, and that is the app or a job); it
appends segments here. A segment is written under a temporary name, flushed to disk and then renamed, so a
reader (the ingest, a Spark job) sees whole segments or none, and a `kill -9` leaves at most a stray temporary
file. Segment names carry the first and last stream cursor they hold, so the collector's resume point is the
newest segment's last cursor: it only moves once the events it covers are durably stored.

Layout: <warehouse>.lake/<network>/date=YYYY-MM-DD/hour=HH/<first_us>-<last_us>-<source><id>.parquet (Hive-style,
UTC). <source> is `s` for the live stream, whose segments carry the resume cursor, and `b` for look-ups (backfill,
profiles, re-checks), whose rows carry the records' own times, which must not move it: a look-up segment is named by
when it was written, so ingest, which loads segments oldest first, loads look-ups in the order they were made (a
later look's like after the earlier look's deletion or list, never before).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from core.collect.events import LAKE_SCHEMA
from core.durable import PARTIAL, replace_durably
from core.mention_redaction import redact

SUFFIX = ".parquet"
STREAM, LOOKUP = "s", "b"


def lake_dir(db: Path) -> Path:
    """The lake of the warehouse file `db`: a folder beside it."""
    return db.with_name(db.name + ".lake")


@dataclass(frozen=True, order=True)
class Segment:
    """One stored segment: its cursor range and where it is (relative to the lake, which names it)."""

    first_us: int
    last_us: int
    name: str  # relative path, e.g. bluesky/date=2026-12-05/hour=05/…parquet
    network: str
    stream: bool  # from the live stream (its cursor range is the resume point), not a look-up


def write_segment(lake: Path, network: str, batch: pa.RecordBatch, *, stream: bool = True) -> Segment:
    """Store `batch` (lake schema) as a new segment; durable when this returns. `stream`: from the live stream."""
    if stream:
        times = batch.column("time_us")
        first, last = pc.min(times).as_py(), pc.max(times).as_py()
    else:
        first = last = time.time_ns() // 1000
    start = datetime.fromtimestamp(first / 1e6, UTC)
    folder = lake / network / f"date={start:%Y-%m-%d}" / f"hour={start:%H}"
    folder.mkdir(parents=True, exist_ok=True)
    source = STREAM if stream else LOOKUP
    final = folder / f"{first:016d}-{last:016d}-{source}{uuid.uuid4().hex[:8]}{SUFFIX}"
    table = pa.Table.from_batches([batch], schema=LAKE_SCHEMA)
    replace_durably(final, lambda handle: pq.write_table(table, handle, compression="zstd"))
    return Segment(first, last, final.relative_to(lake).as_posix(), network, stream)


def _without_names(table: pa.Table, named: pa.Array, owners: pa.Array) -> pa.Table:
    """`table` with the ids `named` marks (over its flattened mentions, each row's given by `owners`) taken out of
    every row's mentions."""
    mentions = table["mentions"].combine_chunks()
    unnamed = pc.invert(named).combine_chunks() if isinstance(named, pa.ChunkedArray) else pc.invert(named)
    owners = owners.combine_chunks() if isinstance(owners, pa.ChunkedArray) else owners
    values = pc.filter(pc.list_flatten(mentions), unnamed)
    counts = np.bincount(pc.filter(owners, unnamed).to_numpy(), minlength=table.num_rows)
    offsets = pa.array(np.concatenate([[0], np.cumsum(counts)]), pa.int32())
    rebuilt = pa.ListArray.from_arrays(offsets, values, mask=pc.is_null(mentions))
    return table.set_column(table.schema.get_field_index("mentions"), "mentions", rebuilt)


def segments(lake: Path, network: str) -> list[Segment]:
    """Every complete segment of `network`, oldest first (temporary files of an interrupted write are ignored)."""
    root = lake / network
    if not root.is_dir():
        return []
    found = []
    for path in root.glob(f"date=*/hour=*/*{SUFFIX}"):
        first, last, rest = path.stem.split("-", 2)
        found.append(Segment(int(first), int(last), path.relative_to(lake).as_posix(), network, rest[:1] == STREAM))
    return sorted(found)


# A temporary segment file older than this is left from a write that died (kill -9, power loss): every write
# renames its file within seconds (a collector's and a scrub's alike), so one this old holds raw events no reader
# will ever see, or erase.
STALE_PARTIAL_SECONDS = 120


def sweep_partials(lake: Path, network: str) -> int:
    """Delete `network`'s temporary files left by interrupted writes (older than STALE_PARTIAL_SECONDS); how many.

    They hold raw events (texts, DIDs, handles) that segments() ignores, so without this an erasure's scrub
    would never reach them. The collector sweeps at start, and every load of collected events before anything
    else (so within minutes of the write dying, whether or not a scrub is pending).
    """
    root = lake / network
    if not root.is_dir():
        return 0
    cutoff = time.time() - STALE_PARTIAL_SECONDS
    swept = 0
    for path in root.glob(f"date=*/hour=*/*{SUFFIX}{PARTIAL}"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                swept += 1
        except FileNotFoundError:  # renamed or swept by another process meanwhile
            continue
    return swept


def stored_cursor(lake: Path, network: str) -> int | None:
    """The last stream cursor durably stored for `network`, or None before the first segment."""
    stored = [s.last_us for s in segments(lake, network) if s.stream]
    return max(stored) if stored else None


def read_segments(lake: Path, chosen: list[Segment], columns: tuple[str, ...] | None = None) -> pa.Table:
    """The rows of `chosen` segments as one Arrow table, in the lake's schema (only `columns`, when given)."""
    if not chosen:
        empty = LAKE_SCHEMA.empty_table()
        return empty if columns is None else empty.select(list(columns))
    names = None if columns is None else list(columns)
    return pa.concat_tables(pq.read_table(lake / s.name, schema=LAKE_SCHEMA, columns=names) for s in chosen)


def event_count(lake: Path, segment: Segment) -> int:
    """Events stored in `segment` (from its Parquet footer)."""
    return pq.ParquetFile(lake / segment.name).metadata.num_rows


# The columns holding record keys, and an at:// URI's author (its repository DID), for what names an account.
RECORD_COLUMNS = ("uri", "parent_uri", "quote_uri", "subject")
AT_AUTHOR = r"^at://(?P<did>[^/]+)/"
NAMING_COLUMNS = ("did", "subject_did", "mentions", *RECORD_COLUMNS)  # every column that can name an account
WORDS_COLUMNS = ("text", "bio", "display_name")  # what people wrote, where a handle can be mentioned


def forget(
    lake: Path,
    network: str,
    external_ids: set[str],
    among: list[Segment] | None = None,
    handles: frozenset[str] = frozenset(),
) -> int:
    """Rewrite every segment of `network` (or only those `among`) that holds an event by, about or mentioning
    these accounts without it, and with the @mentions of `handles` (lower case) in others' texts and bios blanked;
    how many events were removed. A `listed` row (core/collect/recheck.py) that names them among who reacted keeps
    the others, without them.

    An erased person stays erased in the lake's bytes too: each touched segment is written anew under a temporary
    name and renamed over the old one (same name, so it is not loaded again), like any segment write.
    """
    if not external_ids and not handles:
        return 0
    ids = pa.array(sorted(external_ids), pa.string())
    removed = 0
    for segment in segments(lake, network) if among is None else among:
        path = lake / segment.name
        table = pq.read_table(path, schema=LAKE_SCHEMA)
        theirs = pc.or_kleene(pc.is_in(table["did"], ids), pc.is_in(table["subject_did"], ids))
        for column in RECORD_COLUMNS:  # a reply to, quote or like of their post names them in its at:// URI
            author = pc.struct_field(pc.extract_regex(table[column], AT_AUTHOR), [0])
            theirs = pc.or_kleene(theirs, pc.is_in(author, ids))
        mentions = pc.list_flatten(table["mentions"])
        named = pc.is_in(mentions, ids)
        table, blanked = _blanked(table, handles)
        if not pc.any(theirs).as_py() and not pc.any(named).as_py() and not blanked:
            continue
        owners = pc.list_parent_indices(table["mentions"])
        mentioning = pc.is_in(pa.array(range(table.num_rows)), pc.filter(owners, named))
        listed = pc.fill_null(pc.equal(table["kind"], "listed"), False)
        keep = pc.invert(pc.or_kleene(pc.fill_null(theirs, False), pc.and_(mentioning, pc.invert(listed))))
        kept = _without_names(table, named, owners).filter(keep)
        removed += table.num_rows - kept.num_rows
        replace_durably(path, lambda handle, kept=kept: pq.write_table(kept, handle, compression="zstd"))
    return removed


def _blanked(table: pa.Table, handles: frozenset[str]) -> tuple[pa.Table, bool]:
    """`table` with the @mentions of `handles` blanked in its WORDS_COLUMNS, and whether any was."""
    changed = False
    for column in WORDS_COLUMNS if handles else ():
        values = table[column].to_pylist()
        new = [redact(v, handles) if v and "@" in v else v for v in values]
        if new != values:
            table = table.set_column(table.schema.get_field_index(column), column, pa.array(new, pa.string()))
            changed = True
    return table, changed
