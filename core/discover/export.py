"""CSV and XLSX exports of search results, with spreadsheet formula injection neutralised.

A text cell starting with =, +, -, @, tab or carriage return would run as a formula (or be read as one) when
the file is opened in a spreadsheet; such cells get a leading apostrophe, which spreadsheets show as plain text.
Numbers stay numbers. List cells (topics) become comma-separated text first. XLSX cells lose the control
characters that openpyxl refuses: imports remove them, but names stored before they did may still hold some.
Names and handles lose text-direction overrides and isolates, which make them read as something else (and
could hide a formula's first character from the check); free text such as bios keeps them for right-to-left
writing.
"""

from __future__ import annotations

import io

import polars as pl
from openpyxl import Workbook

from core.vocabulary import NETWORKS

_FORMULA_PATTERN = r"^[=+\-@\t\r]"
_NOT_IN_XLSX = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"  # openpyxl's ILLEGAL_CHARACTERS_RE: all controls but \t \n \r
_DIRECTION = r"[\x{202A}-\x{202E}\x{2066}-\x{2069}]"
_NAME_COLUMNS = ("Name", "Handles")  # the export headers of names and handles (see `readable`)


def _flat(frame: pl.DataFrame, *, remove: str | None = None) -> pl.DataFrame:
    """Lists joined into text, direction (in names) and `remove` characters deleted, then text neutralised.

    Deleting comes first, so a formula hidden behind a deleted character is still caught.
    """
    frame = frame.with_columns(pl.col(pl.List(pl.String)).list.join(", "))
    text = pl.col(pl.String)
    frame = frame.with_columns(pl.col(c).str.replace_all(_DIRECTION, "") for c in _NAME_COLUMNS if c in frame.columns)
    if remove is not None:
        frame = frame.with_columns(text.str.replace_all(remove, ""))
    return frame.with_columns(pl.when(text.str.contains(_FORMULA_PATTERN)).then("'" + text).otherwise(text).name.keep())


def export_csv(frame: pl.DataFrame) -> bytes:
    """The rows as UTF-8 CSV (with a byte-order mark, so spreadsheets detect the encoding)."""
    return b"\xef\xbb\xbf" + _flat(frame).write_csv().encode("utf-8")


def export_xlsx(frame: pl.DataFrame, *, sheet: str = "Sway") -> bytes:
    """The rows as one XLSX sheet with a header row; text cells are written as strings, never formulas."""
    return export_xlsx_sheets({sheet: frame})


def export_xlsx_sheets(sheets: dict[str, pl.DataFrame]) -> bytes:
    """One XLSX workbook with a sheet per frame (in order), each neutralised like export_xlsx."""
    book = Workbook(write_only=True)
    for name, frame in sheets.items():
        ws = book.create_sheet(name)
        flat = _flat(frame, remove=_NOT_IN_XLSX)
        ws.append(flat.columns)
        for row in flat.iter_rows():
            ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def readable(frame: pl.DataFrame) -> pl.DataFrame:
    """Result rows with spreadsheet-friendly headers, engagement in percent and the internal id last."""
    labels = {
        "name": "Name", "handles": "Handles", "score": "Score",
        **{f"score_{n}": f"Score {n}" for n in NETWORKS},
        "audience": "Audience", "engagement_rate": "Engagement rate (%)", "authenticity": "Authenticity",
        "flagged": "Flagged", "location": "Location", "language": "Language", "topics": "Topics",
        "topic_influence": "Topic influence", "score_low": "Score range from", "score_high": "Score range to",
        "too_little_data": "Too little data", "person_id": "Sway person id",
    }  # fmt: skip
    return frame.with_columns((pl.col("engagement_rate") * 100).round(4)).select(
        [pl.col(c).alias(label) for c, label in labels.items() if c in frame.columns]
    )
