"""Telling the accepted file formats apart by their content, with the file name as a tie-breaker."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from core.ingest.jsonl import JSONL_FIX, first_objects
from core.ingest.source import ACCEPTED, PARQUET_MAGIC, SourceFile

SNAP_LINE = re.compile(rb"^\S+[ \t]\S+[ \t]\d+[ \t](RT|MT|RE)\s*$")
_WEIGHTED_EDGE = re.compile(rb"^\d+[ \t]\d+[ \t]\d+\s*$")


@dataclass(frozen=True)
class Detected:
    """Which parser reads the file; `container` only matters for interchange files."""

    format: Literal["interchange", "twitter_v1", "snap"]
    container: Literal["csv", "jsonl", "parquet"] | None = None


def detect(source: SourceFile) -> Detected:
    """The file's format, or an InputError listing the formats Sway accepts."""
    if source.data.startswith(PARQUET_MAGIC):
        return Detected("interchange", "parquet")
    first = _first_line(source.data)
    if first.startswith(b"{"):
        return _detect_json(source)
    if first.startswith(b"["):
        raise source.ref.error(
            "this file holds one big JSON list, but Sway reads JSON Lines (one object per line)",
            "Export the data as JSON Lines (.jsonl), or convert it to CSV.",
        )
    if SNAP_LINE.match(_first_line(source.data, skip_comments=True)):
        return Detected("snap")
    if _WEIGHTED_EDGE.match(first):
        raise source.ref.error(
            "this looks like a weighted edge list ('userA userB weight'), which has no times or interaction types",
            "Use the activity file instead, with lines 'userA userB unix_time RT|MT|RE'.",
            line=1,
        )
    if source.name.endswith(".csv") or b"," in first:
        return Detected("interchange", "csv")
    raise source.ref.error("Sway doesn't recognise the format of this file", f"{ACCEPTED}.")


def _detect_json(source: SourceFile) -> Detected:
    """Tweets have 'id_str' and 'user'; other JSON objects are read as interchange rows."""
    sniffed = first_objects(source.data)
    parsed = [value for _, value in sniffed if value is not None]
    if not parsed:
        raise source.ref.error("this line is not valid JSON", JSONL_FIX, line=sniffed[0][0])
    first = parsed[0]
    if isinstance(first, dict) and "id_str" in first and "user" in first:
        return Detected("twitter_v1")
    return Detected("interchange", "jsonl")


def _first_line(data: bytes, *, skip_comments: bool = False) -> bytes:
    """The first non-blank line (and not a '#' comment, if asked), stripped."""
    start = 0
    while start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        line = data[start:end].strip()
        if line and not (skip_comments and line.startswith(b"#")):
            return line
        start = end + 1
    return b""
