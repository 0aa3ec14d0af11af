"""Value parsing shared by the formats, and a checker that reports the earliest bad row of a file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import polars as pl

from core.ingest.errors import FileRef

ISO_EXAMPLE = "2024-05-01T14:30:00Z or 2024-05-01"
COUNT_FIX = "Write it with digits only, like 1200 (no commas, words or decimals)."
NESTED_PROBLEM = "this column holds lists or records"
NESTED_FIX = "Put one plain value (text, number or date) in each."
FIRST_YEAR, LAST_YEAR = 1900, 2999  # years a readable date may have


def cutoff(now: datetime | None) -> datetime:
    """`now` as naive UTC (the warehouse's convention), defaulting to the current time."""
    moment = now or datetime.now(UTC)
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def cleaned(expr: pl.Expr) -> pl.Expr:
    """Text with surrounding whitespace removed; blank becomes null (a missing value)."""
    text = expr.str.strip_chars()
    return pl.when(text.str.len_chars() > 0).then(text)


def iso_timestamp(expr: pl.Expr) -> pl.Expr:
    """ISO 8601 text as naive UTC: dates, date-times with or without seconds, fractions and offsets."""
    text = expr.str.replace(r"^(\d{4}-\d{2}-\d{2})[ T]", "${1}T").str.replace(r"[Zz]$", "+00:00")
    with_offset = [
        text.str.to_datetime(fmt, strict=False, time_unit="us").dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        for fmt in ("%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M%z")
    ]
    naive = [
        text.str.to_datetime(fmt, strict=False, time_unit="us") for fmt in ("%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M")
    ]
    date = text.str.to_date("%Y-%m-%d", strict=False).cast(pl.Datetime("us"))
    parsed = pl.coalesce(*with_offset, *naive, date)
    # Outside these years a time is a typo (and past 9999 no longer a date Python or a report can show).
    return pl.when(parsed.dt.year().is_between(FIRST_YEAR, LAST_YEAR)).then(parsed)


def twitter_timestamp(expr: pl.Expr) -> pl.Expr:
    """Twitter v1.1's "Wed Jan 07 11:06:08 +0000 2015" as naive UTC."""
    parsed = expr.str.to_datetime("%a %b %d %H:%M:%S %z %Y", strict=False, time_unit="us")
    return parsed.dt.convert_time_zone("UTC").dt.replace_time_zone(None)


def count(expr: pl.Expr) -> pl.Expr:
    """A whole number from text (null when it is not one)."""
    return expr.cast(pl.Int64, strict=False)


@dataclass(frozen=True)
class _Finding:
    line: int
    field: str | None
    problem: str
    fix: str


class Problems:
    """Runs checks over one file and raises the earliest bad row, so files get fixed top to bottom.

    Checks may look at the file's rows at different stages (as read, typed): every stage's rows keep their
    `line`, and the problem raised is the earliest line's, whichever check found it.
    """

    def __init__(self, ref: FileRef, frame: pl.DataFrame) -> None:
        self.ref = ref
        self.frame = frame
        self.first: _Finding | None = None

    def check(
        self,
        bad: pl.Expr,
        field: str | None,
        problem: str,
        fix: str,
        *,
        value: str | None = None,
        frame: pl.DataFrame | None = None,
    ) -> None:
        """Note rows where `bad` holds, in `frame` (the rows as read unless given); `problem` may quote the
        offending `value` column as {value} and any column of the row as {row[name]}."""
        hits = (self.frame if frame is None else frame).filter(bad.fill_null(False))
        if hits.height == 0:
            return
        row = hits.sort("line").row(0, named=True)
        text = problem.format(value=_shown(row[value]) if value else "", row=row)
        if hits.height > 1:
            text += f" (and {hits.height - 1:,} more {'row' if hits.height == 2 else 'rows'} like this)"
        if self.first is None or row["line"] < self.first.line:
            self.first = _Finding(row["line"], field, text, fix)

    def check_future(self, column: str, field: str, cutoff: datetime, *, frame: pl.DataFrame) -> None:
        """Times of `frame` (typed rows) later than `cutoff` (a mistyped year or a clock that was wrong)."""
        self.check(
            pl.col(column) > cutoff,
            field,
            f"{{value}} is in the future (it is now {cutoff:%Y-%m-%d %H:%M} UTC)",
            "Check the date and time; times without an offset such as +02:00 are read as UTC.",
            value=column,
            frame=frame,
        )

    def raise_first(self) -> None:
        """Raise the earliest problem found, if any."""
        if self.first is not None:
            found = self.first
            raise self.ref.error(found.problem, found.fix, line=found.line, field=found.field)


def _shown(value: object) -> str:
    """A value quoted for a message, shortened so a long text doesn't swamp it."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    text = str(value)
    return repr(text if len(text) <= 60 else text[:57] + "...")
