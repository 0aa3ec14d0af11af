"""JSON Lines into a polars frame, keeping each record's file line and naming the line that is broken."""

from __future__ import annotations

import json

import polars as pl

from core.ingest.errors import InputError
from core.ingest.source import SourceFile

JSONL_FIX = 'Each line must be one complete JSON object, like {"a": 1}. Fix or remove that line.'


def read_json_lines(source: SourceFile, schema: dict[str, pl.DataType] | None = None) -> pl.DataFrame:
    """Parse every non-blank line (all keys inferred when `schema` is None) and add its 1-based `line`."""
    try:
        frame = pl.read_ndjson(source.data, schema=schema, infer_schema_length=None)
    except pl.exceptions.PolarsError as exc:  # polars doesn't say which line it choked on
        raise _locate(source, exc) from None
    return frame.with_columns(line=pl.Series("line", _record_lines(source.data), dtype=pl.Int64))


def _record_lines(data: bytes) -> list[int]:
    """The 1-based numbers of the non-blank lines, which polars reads as the records."""
    return [number for number, text in enumerate(data.split(b"\n"), 1) if text.strip()]


def first_objects(data: bytes, limit: int = 5) -> list[tuple[int, object]]:
    """(line, parsed value or None when broken) for the first few non-blank lines, for sniffing a file."""
    found: list[tuple[int, object]] = []
    start, number = 0, 1
    while start < len(data) and len(found) < limit:
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        text = data[start:end].strip()
        if text:
            try:
                found.append((number, json.loads(text)))
            except ValueError:
                found.append((number, None))
        start, number = end + 1, number + 1
    return found


def _locate(source: SourceFile, exc: Exception) -> InputError:
    """The error for the first line that is not a JSON object (polars only says that one exists)."""
    for number, text in enumerate(source.data.split(b"\n"), 1):
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except ValueError as bad:
            detail = (
                f"near character {bad.colno}: {bad.msg.removesuffix(' at').lower()}"
                if isinstance(bad, json.JSONDecodeError)
                else str(bad)  # e.g. a number too long for Python's parser
            )
            return source.ref.error(f"this line is not valid JSON ({detail})", JSONL_FIX, line=number)
        if not isinstance(value, dict):
            return source.ref.error("this line holds a JSON value that is not an object", JSONL_FIX, line=number)
    return source.ref.error(
        f"Sway could not read this JSON Lines file ({str(exc).splitlines()[0]})",
        "Check that each field holds the same kind of value on every line (text, number, or list).",
    )
