"""Importing files into the warehouse, all or nothing: Sway interchange files, Twitter v1.1 JSON, SNAP edge lists.

Every file is read and checked first (polars only); then one transaction adds what is new and logs the
load. Any problem raises InputError naming the file, line and field, and leaves the warehouse unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import duckdb

from core.db.warehouse import record_load, transaction
from core.ingest import interchange, snap, twitter_v1
from core.ingest.detect import detect
from core.ingest.errors import InputError, InputErrors
from core.ingest.frames import Batch, Parsed
from core.ingest.limits import refuse_huge_fields
from core.ingest.load import load
from core.ingest.report import FileReport, ImportReport
from core.ingest.source import SourceFile, read_source
from core.ingest.suppression import without_erased
from core.ingest.values import cutoff
from core.progress import Progress, scaled, silent

__all__ = ["FileReport", "ImportReport", "InputError", "import_files"]

_READING = 0.7  # share of the progress bar for reading and checking the files


def import_files(
    con: duckdb.DuckDBPyConnection,
    paths: Sequence[Path],
    *,
    progress: Progress = silent,
    now: datetime | None = None,
    display_names: Sequence[str] | None = None,
) -> ImportReport:
    """Import `paths` as one all-or-nothing load; `display_names` name the files in messages (e.g. uploads).

    Timestamps later than `now` (default: the current UTC time) are refused as mistakes.
    """
    names = [Path(p).name for p in paths] if display_names is None else list(display_names)
    if len(names) != len(paths):
        raise ValueError(f"{len(paths)} paths but {len(names)} display names")
    if not paths:
        raise ValueError("import_files needs at least one file")
    limit = cutoff(now)
    parsed: list[Parsed] = []
    refs = []
    problems: list[InputError] = []  # each file's first, so one try shows what to fix in all of them
    for index, (path, name) in enumerate(zip(paths, names, strict=True)):
        progress(_READING * index / len(paths), f"Reading {name} ({index + 1} of {len(paths)})")
        try:
            source = read_source(Path(path), name, index)
            parsed.append(_parse(source, limit))
        except InputError as problem:
            problems.append(problem)
            continue
        refs.append(source.ref)
    if len(problems) > 1:
        raise InputErrors(problems)
    if problems:
        raise problems[0]
    batch = Batch.combine(p.batch for p in parsed)
    refuse_huge_fields(batch, refs)
    with transaction(con):
        # People erased on request stay erased: their accounts, posts and interactions are left out.
        kept = without_erased(con, batch)
        counts = load(con, kept, refs, scaled(progress, _READING, 1.0))
        record_load(con, "import", names, counts.added)
    report = ImportReport(
        files=tuple(FileReport(name, p.format, p.rows) for name, p in zip(names, parsed, strict=True)),
        added=counts.added,
        skipped=counts.skipped,
        self_loops=sum(p.self_loops for p in parsed),
        controls_removed=sum(p.removed.controls for p in parsed),
        direction_removed=sum(p.removed.direction for p in parsed),
        erased_left_out=sum(
            getattr(batch, t).height - getattr(kept, t).height for t in ("accounts", "posts", "interactions")
        ),
    )
    progress(1.0, report.summary())
    return report


def _parse(source: SourceFile, limit: datetime) -> Parsed:
    """Read one file with the parser its format needs."""
    detected = detect(source)
    if detected.format == "twitter_v1":
        return twitter_v1.parse(source, limit)
    if detected.format == "snap":
        return snap.parse(source, limit)
    return interchange.parse(source, detected.container or "csv", limit)
