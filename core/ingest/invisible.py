"""Invisible characters taken out of imported text, and counted so the import report can say so.

Control characters (U+0000-U+001F) have no place in names, ids or posts, and the XLSX exports refuse them,
which would take down every page that exports such a person. Tabs and line breaks are kept where they
are real text, posts and bios; elsewhere they become a space, so words don't run together. Text-direction
overrides and isolates (U+202A-U+202E, U+2066-U+2069) make a name or handle display as something else, so
they are removed there; bios and posts keep them, as right-to-left writing uses them.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import polars as pl

_CONTROLS = r"[\x00-\x1f]"
_SPACING = r"[\t\n\x0b\x0c\r]"  # tab, line breaks, vertical tab, form feed
_CONTROLS_BUT_LINES = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"  # all but tab and line breaks (\n, \r)
_DIRECTION = r"[\x{202A}-\x{202E}\x{2066}-\x{2069}]"


@dataclass(frozen=True)
class Removed:
    """How many characters of each kind were taken out of one file's text."""

    controls: int = 0
    direction: int = 0


@dataclass(frozen=True)
class _Rules:
    """Which fields keep tabs and line breaks, and which also lose text-direction characters."""

    free_text: Collection[str]
    names: Collection[str]


@dataclass(frozen=True)
class _Scrubbed:
    """One value's expression with the characters removed, and per-row counts of what was removed."""

    value: pl.Expr
    controls: pl.Expr
    direction: pl.Expr


def scrub(frame: pl.DataFrame, *, free_text: Collection[str], names: Collection[str]) -> tuple[pl.DataFrame, Removed]:
    """`frame` without invisible characters in any text, nested fields included, and how many went.

    Fields are matched by their own name at any depth (`text`, or `name` inside `user`): those in
    `free_text` keep tabs and line breaks, those in `names` also lose text-direction characters.
    """
    rules = _Rules(free_text, names)
    scrubbed = {name: _scrubbed(pl.col(name), dtype, name, rules) for name, dtype in frame.schema.items()}
    if not scrubbed:
        return frame, Removed()
    counts = frame.select(
        controls=pl.sum_horizontal(s.controls for s in scrubbed.values()).sum(),
        direction=pl.sum_horizontal(s.direction for s in scrubbed.values()).sum(),
    ).row(0, named=True)
    removed = Removed(counts["controls"], counts["direction"])
    if removed == Removed():  # the usual case: leave the frame as it is
        return frame, removed
    return frame.with_columns(s.value.alias(name) for name, s in scrubbed.items()), removed


def _scrubbed(value: pl.Expr, dtype: pl.DataType, field: str, rules: _Rules) -> _Scrubbed:
    """Remove and count the characters in one value of type `dtype`, descending into records and lists."""
    none = pl.lit(0, pl.Int64)
    if dtype == pl.String:
        if field in rules.free_text:
            found = value.str.count_matches(_CONTROLS_BUT_LINES).fill_null(0)
            cleaned = value.str.replace_all(_CONTROLS_BUT_LINES, "")
        else:
            found = value.str.count_matches(_CONTROLS).fill_null(0)
            cleaned = value.str.replace_all(_SPACING, " ").str.replace_all(_CONTROLS, "")
        if field not in rules.names:
            return _Scrubbed(cleaned, found, none)
        direction = value.str.count_matches(_DIRECTION).fill_null(0)
        return _Scrubbed(cleaned.str.replace_all(_DIRECTION, ""), found, direction)
    if isinstance(dtype, pl.Struct):
        fields = [_scrubbed(value.struct.field(f.name), f.dtype, f.name, rules) for f in dtype.fields]
        rebuilt = pl.struct(s.value.alias(f.name) for s, f in zip(fields, dtype.fields, strict=True))
        return _Scrubbed(
            pl.when(value.is_not_null()).then(rebuilt),
            pl.sum_horizontal(none, *(s.controls for s in fields)),
            pl.sum_horizontal(none, *(s.direction for s in fields)),
        )
    if isinstance(dtype, pl.List):
        inner = _scrubbed(pl.element(), dtype.inner, field, rules)
        return _Scrubbed(
            value.list.eval(inner.value),
            value.list.eval(inner.controls).list.sum().fill_null(0),
            value.list.eval(inner.direction).list.sum().fill_null(0),
        )
    return _Scrubbed(value, none, none)
