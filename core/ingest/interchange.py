"""Sway interchange files: accounts, posts and interactions as CSV, Parquet or JSON Lines, checked row by row.

The column spec below is the contract; INTERCHANGE.md beside this module documents it for users
(a test keeps the two in step).
"""

from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath

import polars as pl

from core.ingest.errors import FileRef
from core.ingest.frames import Batch, Parsed
from core.ingest.invisible import scrub
from core.ingest.jsonl import read_json_lines
from core.ingest.parquet import read_parquet
from core.ingest.source import ACCEPTED, SourceFile
from core.ingest.values import (
    COUNT_FIX,
    ISO_EXAMPLE,
    NESTED_FIX,
    NESTED_PROBLEM,
    Problems,
    cleaned,
    count,
    iso_timestamp,
)
from core.vocabulary import INTERACTION_TYPES, NETWORKS, POST_KINDS


@dataclass(frozen=True)
class Column:
    """One column of an interchange file; `type` decides how its values are checked."""

    name: str
    type: str  # id | text | choice | count | timestamp
    required: bool
    meaning: str
    choices: tuple[str, ...] = ()
    default: str | None = None


COLUMNS: dict[str, tuple[Column, ...]] = {
    "accounts": (
        Column("network", "choice", True, "Where the account lives.", NETWORKS),
        Column("account_id", "id", True, "The network's own id for the account, kept as text."),
        Column("handle", "text", True, "The account's @name; a leading @ is dropped."),
        Column(
            "person_id",
            "id",
            False,
            "Your id for the person behind the account: accounts sharing it, on any network, are one person.",
        ),
        Column("display_name", "text", False, "The name shown on the profile."),
        Column("bio", "text", False, "The profile description."),
        Column("followers", "count", False, "Number of followers: a whole number, 0 or more."),
        Column("following", "count", False, "Number of accounts it follows: a whole number, 0 or more."),
        Column("location", "text", False, "Where the account says it is."),
        Column("language", "text", False, "Main language, such as en or fr."),
        Column("created_at", "timestamp", False, "When the account was created."),
    ),
    "posts": (
        Column("network", "choice", True, "Where the post was published.", NETWORKS),
        Column("post_id", "id", True, "The network's own id for the post, kept as text."),
        Column(
            "account_id", "id", True, "The author's account_id: in an accounts file of this import, or already in Sway."
        ),
        Column("posted_at", "timestamp", True, "When it was posted."),
        Column("text", "text", True, "The text of the post; must not be empty."),
        Column("url", "text", False, "Link to the post."),
        Column("kind", "choice", False, "What sort of post it is; empty means post.", POST_KINDS, "post"),
        Column(
            "parent_post_id",
            "id",
            False,
            "For a reply or repost: the post_id it answers or shares (left empty in Sway when Sway doesn't have it).",
        ),
    ),
    "interactions": (
        Column("network", "choice", True, "Where it happened.", NETWORKS),
        Column("actor_account_id", "id", True, "The account_id of who acted: in this import or already in Sway."),
        Column("target_account_id", "id", True, "The account_id of who was acted on: in this import or in Sway."),
        Column("type", "choice", True, "What happened.", INTERACTION_TYPES),
        Column("occurred_at", "timestamp", True, "When it happened."),
        Column(
            "post_id", "id", False, "The post_id acted on, if any: in a posts file of this import or already in Sway."
        ),
    ),
}

_FORMAT_NAMES = {"csv": "CSV", "jsonl": "JSON Lines", "parquet": "Parquet"}
_FREE_TEXT = ("text", "bio")  # keep their tabs and line breaks
_NAMES = ("handle", "display_name")  # lose text-direction overrides too
_UNNAMED = "column "  # header cells left blank are called "column N", as users count them


def parse(source: SourceFile, container: str, now: datetime) -> Parsed:
    """Read and check one interchange file; every problem names its line (or row) and column."""
    raw, removed = scrub(_read(source, container), free_text=_FREE_TEXT, names=_NAMES)
    raw = _without_unnamed(source.ref, raw.with_columns(cleaned(pl.col(c)) for c in raw.columns if c != "line"))
    names = [c for c in raw.columns if c != "line"]
    kind = _kind(source, names, container)
    spec = COLUMNS[kind]
    _check_columns(source.ref, kind, names, container)
    raw = raw.filter(pl.any_horizontal(pl.col(n).is_not_null() for n in names))  # blank lines
    if raw.height == 0:
        raise source.ref.error(
            "the file has column names but no rows of data",
            "Add rows below the header, or pick the file with the data.",
        )
    raw = raw.with_columns(pl.lit(None, pl.String).alias(c.name) for c in spec if c.name not in names)
    rows, problems = _checked(source.ref, spec, raw, now)
    id_column = {"accounts": "account_id", "posts": "post_id"}.get(kind)
    if id_column:
        _check_duplicates(problems, rows, id_column)
    problems.raise_first()
    label = f"Sway {kind} ({_FORMAT_NAMES[container]})"
    if kind == "accounts":
        return Parsed(Batch.of(accounts=_accounts(rows, source.index)), label, raw.height, removed=removed)
    if kind == "posts":
        return Parsed(Batch.of(posts=_posts(rows, source.index)), label, raw.height, removed=removed)
    loops = pl.col("actor_account_id") == pl.col("target_account_id")
    interactions = _interactions(rows.filter(~loops), source.index)
    loop_count = raw.height - interactions.height
    return Parsed(Batch.of(interactions=interactions), label, raw.height, self_loops=loop_count, removed=removed)


def _read(source: SourceFile, container: str) -> pl.DataFrame:
    """The file as text columns with normalised names, plus `line`."""
    if container == "csv":
        return _read_csv(source)
    frame = read_parquet(source) if container == "parquet" else read_json_lines(source, flat=True)
    names = _normalised(source.ref, frame.columns, None)
    frame = _as_text(source.ref, frame.rename(dict(zip(frame.columns, names, strict=True))))
    if "line" not in frame.columns:  # Parquet: rows count from 1, like lines
        frame = frame.with_columns(line=pl.int_range(1, pl.len() + 1, dtype=pl.Int64))
    return frame


def _read_csv(source: SourceFile) -> pl.DataFrame:
    """CSV with a header line; `line` is where each record starts, counting line breaks inside quotes."""
    end = source.data.find(b"\n")
    header_text = source.data[: end if end >= 0 else len(source.data)].decode("utf-8").rstrip("\r")
    try:
        header = next(csv.reader([header_text]))
    except csv.Error as exc:  # e.g. a stray carriage return inside the header
        raise source.ref.error(
            f"the header line can't be read as CSV ({exc})", "Save the file again as CSV UTF-8.", line=1
        ) from None
    if len(header) == 1 and (";" in header_text or "\t" in header_text):
        raise source.ref.error(
            "the columns are separated by semicolons or tabs, not commas",
            "Save the file as comma-separated CSV (in Excel: Save As > 'CSV UTF-8').",
            line=1,
        )
    names = _normalised(source.ref, header, 1)
    try:
        frame = pl.read_csv(source.data, infer_schema=False, has_header=True, new_columns=names)
    except pl.exceptions.PolarsError as exc:  # polars doesn't say which line is wrong
        raise _locate_csv_problem(source, len(header), exc) from None
    breaks = pl.sum_horizontal(pl.col(n).str.count_matches("\n").fill_null(0) for n in frame.columns)
    return frame.with_columns(line=(2 + pl.int_range(pl.len(), dtype=pl.Int64) + breaks.cum_sum() - breaks))


def _locate_csv_problem(source: SourceFile, width: int, exc: Exception) -> Exception:
    """The error for the first record with more values than the header has columns."""
    reader = csv.reader(io.StringIO(source.data.decode("utf-8"), newline=""))
    start = 1
    try:
        for record in reader:
            if len(record) > width:
                return source.ref.error(
                    f"this line has {len(record)} values but the header names {width} columns",
                    "Remove the extra values, or put double quotes around values that contain commas.",
                    line=start,
                )
            start = reader.line_num + 1
    except csv.Error as bad:
        return source.ref.error(
            f"this line can't be read as CSV ({bad})", "Save the file again as CSV UTF-8.", line=start
        )
    return source.ref.error(
        f"Sway could not read this CSV file ({str(exc).splitlines()[0]})",
        'Check for a double quote (") that is opened but never closed, then save the file again as CSV UTF-8.',
    )


def _normalised(ref: FileRef, columns: list[str], line: int | None) -> list[str]:
    """Column names trimmed and lower-cased, blank ones called 'column N'; repeated names are refused."""
    names = [column.strip().lower() or f"{_UNNAMED}{position}" for position, column in enumerate(columns, 1)]
    for position, name in enumerate(names, 1):
        if name in names[: position - 1]:
            raise ref.error(f"the column '{name}' appears twice", "Keep one of them and delete the other.", line=line)
    return names


def _without_unnamed(ref: FileRef, raw: pl.DataFrame) -> pl.DataFrame:
    """Drop columns without a name that hold nothing (spreadsheets add them); refuse ones that hold values."""
    unnamed = [c for c in raw.columns if c.startswith(_UNNAMED)]
    for name in unnamed:
        filled = raw.filter(pl.col(name).is_not_null())
        if filled.height:
            raise ref.error(
                f"{name} has no name but holds values",
                "Give it a name from the list of columns, or delete the column.",
                line=filled["line"].min(),
            )
    return raw.drop(unnamed)


def _refuse_rounded(ref: FileRef, frame: pl.DataFrame, name: str) -> None:
    """Refuse numbers between 2**53 and 2**63 in a column stored as decimals: such a number has already lost its
    last digits (an id 1234567890123456789 reads as ...768), so converting it would store another id. (Past 2**63
    it is kept as text, and the checks refuse it as no whole number.)"""
    rounded = frame.filter(pl.col(name).abs().is_between(2.0**53, 2.0**63, closed="none"))
    if rounded.height:
        first = rounded.sort("line").row(0, named=True)
        raise ref.error(
            f"{int(first[name])} is stored as a decimal number, which cannot hold every digit of a number this "
            "long (ids especially)",
            "Write the column as text (ids in quotes in JSON, a string column in Parquet), then import again.",
            line=first["line"],
            field=name,
        )


def _as_text(ref: FileRef, frame: pl.DataFrame) -> pl.DataFrame:
    """Every column as text so all containers are checked alike; typed Parquet/JSON values convert cleanly."""
    converted = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if name == "line":
            converted.append(column)
            continue
        if dtype.is_nested():
            raise ref.error(NESTED_PROBLEM, NESTED_FIX, field=name)
        if isinstance(dtype, pl.Datetime) and dtype.time_zone:
            column = column.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        elif dtype.is_float():
            _refuse_rounded(ref, frame, name)
            # 1200.0 from a pandas/JSON export is still a whole number. Anything else (1.5, NaN, inf, or 1e20,
            # past a 64-bit integer) keeps its own text, so the checks refuse it as they refuse it in a CSV.
            whole = column.is_finite() & (column == column.floor()) & (column.abs() < 2.0**63)
            as_integer = column.cast(pl.Int64, strict=False).cast(pl.String)
            column = pl.when(whole).then(as_integer).otherwise(column.cast(pl.String))
        converted.append(column.cast(pl.String).alias(name))
    return frame.select(converted)


def _kind(source: SourceFile, names: list[str], container: str) -> str:
    """accounts, posts or interactions: from the file name's start, else from the columns present."""
    stem = PurePath(source.name).name
    for kind in COLUMNS:
        if stem.startswith(kind.rstrip("s")):
            return kind
    fits = [kind for kind, spec in COLUMNS.items() if {c.name for c in spec if c.required} <= set(names)]
    if len(fits) == 1:
        return fits[0]
    raise source.ref.error(
        f"Sway can't tell whether this {_FORMAT_NAMES[container]} file holds accounts, posts or interactions",
        f"Start the file name with accounts, posts or interactions (like accounts.csv). {ACCEPTED}.",
    )


def _check_columns(ref: FileRef, kind: str, names: list[str], container: str) -> None:
    """Refuse unknown columns (often typos) and missing required ones, listing what is expected."""
    spec = COLUMNS[kind]
    known = [c.name for c in spec]
    article = "An" if kind[0] in "aeiou" else "A"
    expected = (
        f"{article} {kind} file has the columns {', '.join(c.name for c in spec if c.required)} (required) "
        f"and {', '.join(c.name for c in spec if not c.required)} (optional)."
    )
    header_line = 1 if container == "csv" else None
    # Every wrong and missing column at once: a file from another tool gets them all fixed in one go.
    unknown = [name for name in names if name not in known]
    missing = [c.name for c in spec if c.required and c.name not in names]
    several = len(missing) > 1
    lacking = f"the column{'s' if several else ''} {_listed(missing)} {'are' if several else 'is'} missing"
    if unknown:
        close = {name: found[0] for name in unknown if (found := difflib.get_close_matches(name, known, n=1))}
        one = len(unknown) == 1
        if one:
            hint = f" Did you mean '{close[unknown[0]]}'?" if close else ""
        else:
            pairs = ", ".join(f"{right!r} for {name!r}" for name, right in close.items())
            hint = f" Did you mean {pairs}?" if close else ""
        raise ref.error(
            f"{_listed(unknown)} {'is not a column' if one else 'are not columns'} of {kind} files"
            + (f", and {lacking}" if missing else ""),
            f"Rename or delete {'it' if one else 'them'}{', and add the missing ones' if missing else ''}.{hint} "
            f"{expected}",
            line=header_line,
            field=unknown[0],
        )
    if missing:
        raise ref.error(lacking, f"Add {'them' if several else 'it'}. {expected}", line=header_line)


def _listed(names: list[str]) -> str:
    """'a', 'b' and 'c' ('' for none)."""
    quoted = [repr(name) for name in names]
    if len(quoted) < 2:
        return "".join(quoted)
    return f"{', '.join(quoted[:-1])} and {quoted[-1]}"


def _checked(ref: FileRef, spec: tuple[Column, ...], raw: pl.DataFrame, now: datetime) -> tuple[pl.DataFrame, Problems]:
    """Typed values (columns named as in the spec; null where a value is bad) and every row's problems."""
    problems = Problems(ref, raw)
    typed = []
    for column in spec:
        value = pl.col(column.name)
        if column.name == "handle":
            value = cleaned(value.str.strip_prefix("@"))
        if column.type == "choice":
            value = value.str.to_lowercase()
            problems.check(
                value.is_not_null() & ~value.is_in(column.choices),
                column.name,
                f"{{value}} is not a known {column.name}",
                f"Use one of: {', '.join(column.choices)}.",
                value=column.name,
            )
            if column.default is not None:
                value = value.fill_null(column.default)
        elif column.type == "count":
            value = count(value)
            problems.check(
                pl.col(column.name).is_not_null() & (value.is_null() | (value < 0)),
                column.name,
                "{value} is not a whole number of 0 or more",
                COUNT_FIX,
                value=column.name,
            )
        elif column.type == "timestamp":
            value = iso_timestamp(value)
            problems.check(
                pl.col(column.name).is_not_null() & value.is_null(),
                column.name,
                "{value} is not a date and time Sway can read",
                f"Write it in ISO 8601 form, like {ISO_EXAMPLE}.",
                value=column.name,
            )
        if column.required:
            problems.check(
                value.is_null(), column.name, f"this row has no {column.name}", "Fill it in, or remove the row."
            )
        typed.append(value.alias(column.name))
    rows = raw.select(*typed, "line")
    for column in spec:
        if column.type == "timestamp":
            problems.check_future(column.name, column.name, now, frame=rows)
    return rows, problems


def _check_duplicates(problems: Problems, rows: pl.DataFrame, id_column: str) -> None:
    """One row per id and network in a file: a repeat usually means two rows claim the same thing."""
    place = "row" if problems.ref.rows_not_lines else "line"
    problems.check(
        pl.col(id_column).is_not_null() & (pl.col("line") != pl.col("first")),
        id_column,
        f"the {{row[network]}} {id_column} {{value}} was already given on {place} {{row[first]}}",
        "Keep one row per id: delete or merge the repeated row.",
        value=id_column,
        frame=rows.with_columns(first=pl.col("line").min().over("network", id_column)),
    )


def _accounts(rows: pl.DataFrame, index: int) -> pl.DataFrame:
    return rows.select(
        "network",
        "handle",
        "display_name",
        "bio",
        "followers",
        "following",
        "location",
        "language",
        "created_at",
        "line",
        external_id="account_id",
        person_key="person_id",
        stub=pl.lit(False),
        file=pl.lit(index),
    )


def _posts(rows: pl.DataFrame, index: int) -> pl.DataFrame:
    return rows.select(
        "network",
        "posted_at",
        "text",
        "url",
        "kind",
        "line",
        external_id="post_id",
        account_key="account_id",
        parent_key="parent_post_id",
        file=pl.lit(index),
    )


def _interactions(rows: pl.DataFrame, index: int) -> pl.DataFrame:
    return rows.select(
        "network",
        "type",
        "occurred_at",
        "line",
        actor_key="actor_account_id",
        target_key="target_account_id",
        post_key="post_id",
        post_required=pl.lit(True),
        file=pl.lit(index),
    )
