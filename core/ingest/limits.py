"""Size limits of an import, so a huge or malicious file is refused with a clear message before it does harm."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from core.ingest.errors import FileRef
from core.ingest.frames import Batch

MAX_FIELD_CHARS = 100_000  # a bio or a post is a few thousand characters at most; more is a broken file
MAX_EXPANDED_BYTES = 1 << 30  # 1 GiB once decompressed or decoded
MAX_RATIO = 100  # real CSV and JSON shrink 5-20 times in gzip, Parquet alike; far more means a bomb
RATIO_FROM = 64 << 20  # the ratio is only judged past 64 MiB, so tiny repetitive files pass
# Every record of a file is held in memory at a few hundred bytes each: 5 million is about the 1 GiB above.
MAX_ROWS = 5_000_000

SPLIT_FIX = "Split it into smaller files (for example one per month) and import them one after another."


class Expansion:
    """A running total of the bytes one file decodes to, refused as soon as it passes the limits.

    Decoders add each piece before they keep it, so a small file that expands enormously (a gzip or
    Parquet bomb) is refused long before it exhausts memory.
    """

    def __init__(self, ref: FileRef, stored: int, what: str) -> None:
        self.ref = ref
        self.stored = stored  # bytes as stored, for the ratio
        self.what = what  # how the message names the file, e.g. "the compressed file"
        self.total = 0

    def add(self, size: int) -> None:
        """Count `size` more decoded bytes; raise if the file now expands too far."""
        self.total += size
        if self.total > MAX_EXPANDED_BYTES or (self.total > RATIO_FROM and self.total > MAX_RATIO * self.stored):
            raise self.ref.error(
                f"{self.what} expands to more than {min(self.total, MAX_EXPANDED_BYTES) >> 20:,} MB "
                f"(from {_shown_size(self.stored)}): more than Sway imports at once, or a damaged or malicious file",
                "Split the data into smaller files, or check where this file came from.",
            )


def refuse_many_rows(ref: FileRef, rows: int, unit: str) -> None:
    """Raise if a file holds more than MAX_ROWS records (`unit` names them: lines or rows)."""
    if rows > MAX_ROWS:
        raise ref.error(f"the file has {rows:,} {unit}, more than Sway imports from one file ({MAX_ROWS:,})", SPLIT_FIX)


def _shown_size(size: int) -> str:
    """A byte count as people read it: 18 KB, 3.2 MB."""
    if size < 1 << 20:
        return f"{max(1, round(size / 1024)):,} KB"
    return f"{size / 2**20:,.1f} MB"


# The batch's own column names as the interchange files name those fields (core/ingest/frames.py), so an error
# points at a column the user can find; the other formats' fields mostly carry the same names.
_FILE_NAMES = (
    {"external_id": "account_id", "person_key": "person_id"},
    {"external_id": "post_id", "account_key": "account_id", "parent_key": "parent_post_id"},
    {"actor_key": "actor_account_id", "target_key": "target_account_id", "post_key": "post_id"},
)


def refuse_huge_fields(batch: Batch, files: Sequence[FileRef]) -> None:
    """Raise for the earliest text value longer than MAX_FIELD_CHARS, naming its file, line and field."""
    worst = None
    for frame, names in zip((batch.accounts, batch.posts, batch.interactions), _FILE_NAMES, strict=True):
        texts = [name for name, dtype in frame.schema.items() if dtype == pl.String]
        if frame.height == 0 or not texts:
            continue
        long = frame.filter(pl.any_horizontal(pl.col(t).str.len_chars() > MAX_FIELD_CHARS for t in texts))
        if long.height:
            row = long.sort("file", "line").row(0, named=True)
            field = next(t for t in texts if row[t] is not None and len(row[t]) > MAX_FIELD_CHARS)
            found = (row["file"], row["line"], names.get(field, field), len(row[field]))
            worst = found if worst is None or found[:2] < worst[:2] else worst
    if worst is not None:
        file, line, field, length = worst
        raise files[file].error(
            f"this value is {length:,} characters long, more than Sway stores in one field ({MAX_FIELD_CHARS:,})",
            "Check that the file's columns and quotes are intact (an unclosed quote swallows many lines), "
            "then export it again.",
            line=line,
            field=field,
        )
