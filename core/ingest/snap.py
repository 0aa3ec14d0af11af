"""SNAP activity edge lists ('userA userB unix_time RT|MT|RE'): anonymous Twitter users and how they reacted."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from core.ingest.frames import Batch, Parsed
from core.ingest.source import SourceFile
from core.ingest.values import Problems, count

FORMAT = "SNAP activity edge list"
# SNAP ids are anonymous numbers, not Twitter ids: a namespace keeps them apart from real Twitter accounts.
ID_PREFIX = "snap:"
TYPES = {"RT": "repost", "MT": "mention", "RE": "reply"}
LAST_UNIX_SECOND = 4_102_444_800  # 2100-01-01: anything later is a time in other units, not a real activity

_LINE_FIX = "Each line needs 'userA userB unix_time TYPE' separated by single spaces, with TYPE RT, MT or RE."


def parse(source: SourceFile, now: datetime) -> Parsed:
    """Stub accounts and their interactions (userA acts on userB); self-loops are dropped and counted."""
    data = source.data.replace(b"\t", b" ")
    comments = _leading_comments(data)
    body = data.split(b"\n", comments)[-1] if comments else data
    if not body.strip():
        raise source.ref.error("the file has no edges, only comments", _LINE_FIX)
    try:
        frame = pl.read_csv(
            body,
            separator=" ",
            has_header=False,
            quote_char=None,  # an edge list has no quoting: a stray " is a bad value on its line, not a quote
            schema=dict.fromkeys(("actor", "target", "time", "code"), pl.String),
        )
    except pl.exceptions.PolarsError:  # polars doesn't say which line has too many values
        raise _too_many_values(source, data) from None
    frame = frame.with_columns(line=comments + pl.int_range(1, pl.len() + 1, dtype=pl.Int64)).filter(
        pl.any_horizontal(pl.col(c).is_not_null() for c in ("actor", "target", "time", "code"))  # blank lines
    )
    rows = _checked(source, frame, now)
    loops = pl.col("actor") == pl.col("target")
    kept = rows.filter(~loops)
    ids = pl.concat([kept.select("line", id="actor"), kept.select("line", id="target")])
    accounts = (
        ids.group_by("id")
        .agg(pl.col("line").min())
        .select(
            "line",
            network=pl.lit("twitter"),
            external_id=ID_PREFIX + pl.col("id"),
            handle="user" + pl.col("id"),
            stub=pl.lit(True),
            file=pl.lit(source.index),
        )
    )
    interactions = kept.select(
        "line",
        network=pl.lit("twitter"),
        actor_key=ID_PREFIX + pl.col("actor"),
        target_key=ID_PREFIX + pl.col("target"),
        type=pl.col("code").replace_strict(TYPES),
        occurred_at="time",
        post_required=pl.lit(False),
        file=pl.lit(source.index),
    )
    return Parsed(
        Batch.of(accounts=accounts, interactions=interactions),
        FORMAT,
        frame.height,
        self_loops=rows.height - kept.height,
    )


def _checked(source: SourceFile, frame: pl.DataFrame, now: datetime) -> pl.DataFrame:
    """Edges with `time` as a timestamp, after checking every line; raises the earliest line's problem."""
    problems = Problems(source.ref, frame)
    problems.check(pl.col("code").is_null(), None, "this line has fewer than 4 values", _LINE_FIX)
    for column, field in (("actor", "userA"), ("target", "userB")):
        # SNAP ids are anonymous numbers; anything else is a shifted or damaged line, not an account.
        problems.check(
            pl.col(column).is_not_null() & ~pl.col(column).str.contains(r"^\d+$"),
            field,
            "{value} is not a SNAP user id (those are whole numbers)",
            _LINE_FIX,
            value=column,
        )
    seconds = count(pl.col("time"))
    problems.check(
        pl.col("time").is_not_null() & (seconds.is_null() | (seconds < 0)),
        "timestamp",
        "{value} is not a Unix time (whole seconds since 1970)",
        _LINE_FIX,
        value="time",
    )
    problems.check(
        seconds > LAST_UNIX_SECOND,
        "timestamp",
        "{value} is too large for a Unix time in seconds (it would be after the year 2100)",
        "A 13-digit time is in milliseconds and a 16-digit one in microseconds: divide by 1,000 or 1,000,000.",
        value="time",
    )
    problems.check(
        pl.col("code").is_not_null() & ~pl.col("code").is_in(list(TYPES)),
        "type",
        "{value} is not an interaction type Sway knows",
        "Use RT (retweet), MT (mention) or RE (reply).",
        value="code",
    )
    readable = pl.when((seconds >= 0) & (seconds <= LAST_UNIX_SECOND)).then(seconds)  # others are reported above
    rows = frame.with_columns(time=pl.from_epoch(readable, time_unit="s").cast(pl.Datetime("us")))
    problems.check_future("time", "timestamp", now, frame=rows)
    problems.raise_first()
    return rows


def _leading_comments(data: bytes) -> int:
    """How many '#' comment lines (SNAP's usual preamble) the file starts with."""
    lines = 0
    start = 0
    while data.startswith(b"#", start):
        end = data.find(b"\n", start)
        if end < 0:
            return lines + 1
        lines, start = lines + 1, end + 1
    return lines


def _too_many_values(source: SourceFile, data: bytes) -> Exception:
    """The error for the first line polars refused: one with more than four space-separated values."""
    for number, text in enumerate(data.split(b"\n"), 1):
        if not text.startswith(b"#") and len(text.rstrip(b"\r").split(b" ")) > 4:
            return source.ref.error("this line has more than 4 values (or extra spaces)", _LINE_FIX, line=number)
    return source.ref.error("Sway could not read this edge list", _LINE_FIX)
