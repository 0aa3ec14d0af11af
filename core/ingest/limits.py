"""Size limits of an import, so a huge or malicious file is refused with a clear message before it does harm."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from core.ingest.frames import Batch
from core.ingest.source import FileRef

MAX_FIELD_CHARS = 100_000  # a bio or a post is a few thousand characters at most; more is a broken file


def refuse_huge_fields(batch: Batch, files: Sequence[FileRef]) -> None:
    """Raise for the earliest text value longer than MAX_FIELD_CHARS, naming its file, line and field."""
    worst = None
    for frame in (batch.accounts, batch.posts, batch.interactions):
        texts = [name for name, dtype in frame.schema.items() if dtype == pl.String]
        if frame.height == 0 or not texts:
            continue
        long = frame.filter(pl.any_horizontal(pl.col(t).str.len_chars() > MAX_FIELD_CHARS for t in texts))
        if long.height:
            row = long.sort("file", "line").row(0, named=True)
            field = next(t for t in texts if row[t] is not None and len(row[t]) > MAX_FIELD_CHARS)
            found = (row["file"], row["line"], field, len(row[field]))
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
