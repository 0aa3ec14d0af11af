"""CSV and XLSX exports of search results, with spreadsheet formula injection neutralised.

A text cell starting with =, +, -, @, tab or carriage return would run as a formula (or be read as one) when
the file is opened in a spreadsheet; such cells get a leading apostrophe, which spreadsheets show as plain text.
Numbers stay numbers. List cells (topics) become comma-separated text first. XLSX cells lose the control
characters that openpyxl refuses: imports remove them, but names stored before they did may still hold some.
Names and handles lose text-direction overrides and isolates, which make them read as something else (and
could hide a formula's first character from the check); free text such as bios keeps them for right-to-left
writing.
Headers, topics and networks read as on the screen; percentages are shown as percentages with two significant
digits, as on the screen (CSV text like '2.3%' or '0.00089%', XLSX numbers with a percent format, so a
spreadsheet still sorts them), so a real rate is never shown as 0.
"""

from __future__ import annotations

import io
import math

import polars as pl
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from core.discover.columns import NETWORK_LABELS
from core.numbers import rate_decimals, rate_texts
from core.vocabulary import NETWORKS, topic_labels

EXPORT_LIMIT = 100_000  # rows in a result export; XLSX holds about a million, but nobody reads that many
_FORMULA_PATTERN = r"^[=+\-@\t\r]"
_NOT_IN_XLSX = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"  # openpyxl's ILLEGAL_CHARACTERS_RE: all controls but \t \n \r
_DIRECTION = r"[\x{202A}-\x{202E}\x{2066}-\x{2069}]"
_NAME_COLUMNS = ("Name", "Handles")  # the export headers of names and handles (see `readable`)
_PERCENT_COLUMNS = ("Engagement",)  # export headers of fractions shown as percentages (see `readable`)


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
    percent = [rate_texts(pl.col(c)) for c in _PERCENT_COLUMNS if c in frame.columns]
    flat = _flat(frame.with_columns(percent))
    return b"\xef\xbb\xbf" + flat.write_csv(datetime_format="%Y-%m-%d %H:%M").encode("utf-8")


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
        percent = {i for i, c in enumerate(flat.columns) if c in _PERCENT_COLUMNS}
        for row in flat.iter_rows():
            ws.append([_percent_cell(ws, v) if i in percent else v for i, v in enumerate(row)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _percent_cell(ws: object, value: object) -> object:
    """A fraction as an XLSX number shown as a percentage with two significant digits, like the screen's."""
    if value is None:
        return None
    cell = WriteOnlyCell(ws, value=value)
    decimals = rate_decimals(value) if math.isfinite(value) else 0
    cell.number_format = f"0.{'0' * decimals}%" if decimals else "0%"
    return cell


def readable(frame: pl.DataFrame) -> pl.DataFrame:
    """Result rows with the screen's headers, topic names and yes/no, followers per network, the id last."""
    labels = {
        "name": "Name", "handles": "Handles", "score": "Score",
        **{f"score_{n}": f"{NETWORK_LABELS[n]} score" for n in NETWORKS},
        **{f"followers_{n}": f"{NETWORK_LABELS[n]} followers" for n in NETWORKS},
        "audience": "Audience (all networks)", "engagement_rate": "Engagement", "authenticity": "Authenticity",
        "flagged": "Flagged", "location": "Location", "language": "Language", "topics": "Topics",
        "topic_influence": "Topic influence", "score_low": "Score range from", "score_high": "Score range to",
        "too_little_data": "Too little data", "matching_post": "Matching post", "person_id": "Sway person id",
    }  # fmt: skip
    shown = []
    if "topics" in frame.columns:
        shown.append(topic_labels(pl.col("topics")))
    for flag in ("flagged", "too_little_data"):
        if flag in frame.columns:
            shown.append(pl.col(flag).replace_strict({True: "Yes", False: "No"}, return_dtype=pl.String))
    if {"score_low", "score_high", "too_little_data"} <= set(frame.columns):
        # Too little data to bound the score (no reactor to resample: its range is the floor alone): a range of
        # "1 to 1" beside "too little data" would read as certain, so it is left empty.
        unbounded = pl.col("too_little_data") & (pl.col("score_low") == pl.col("score_high"))
        shown += [pl.when(~unbounded).then(pl.col(c)).alias(c) for c in ("score_low", "score_high")]
    if "matching_post" in frame.columns and frame["matching_post"].null_count() == frame.height:
        frame = frame.drop("matching_post")  # not a word search
    return frame.with_columns(shown).select(
        [pl.col(c).alias(label) for c, label in labels.items() if c in frame.columns]
    )
