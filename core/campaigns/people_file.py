"""The people of a file a marketer hands the command line: the "Sway person id" column of a Discover export or of a
campaign's list (CSV or XLSX), trimmed in a spreadsheet or not.

The file is read as data only: cells are values (an XLSX formula is never evaluated; its cached value is read, as
any other cell's), and every row that is not a person id is refused by file, line and column, before anything is
stored.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from core.campaigns.model import MAX_PERKS
from core.ingest.errors import InputError

COLUMN = "Sway person id"  # the header both exports write (core/discover/export.py, core/campaigns/export.py)
KINDS = ("csv", "xlsx")
_MAX_BYTES = 50_000_000  # 100,000 exported rows are ~20 MB of CSV; more is not a list of people
_FIX_COLUMN = (
    f"Export the people from Discover (its Export button, or python -m core discover ... --file FILE) or a campaign's "
    f"list, and keep its '{COLUMN}' column."
)


def person_ids(path: Path) -> list[int]:
    """The distinct person ids of the file's COLUMN, in the file's order; InputError names what is wrong and where."""
    name = str(path)
    kind = path.suffix.lower().lstrip(".")
    if kind not in KINDS:
        raise InputError(name, "is not a .csv or .xlsx file", _FIX_COLUMN)
    if not path.is_file():
        raise InputError(name, "does not exist", "Check the file name and the folder it is in.")
    if path.stat().st_size > _MAX_BYTES:
        raise InputError(name, f"is larger than {_MAX_BYTES // 1_000_000} MB", "Give a file with only the people.")
    rows = _xlsx_rows(path) if kind == "xlsx" else _csv_rows(path)
    header = next(rows, None)
    cells = [str(c).strip() if c is not None else "" for c in header or ()]
    if COLUMN not in cells:
        shown = ", ".join(f"'{c}'" for c in cells if c)[:200] or "none"
        raise InputError(name, f"has no '{COLUMN}' column (its columns: {shown})", _FIX_COLUMN, line=1)
    at = cells.index(COLUMN)
    found: dict[int, None] = {}
    for line, row in enumerate(rows, start=2):
        value = row[at] if at < len(row) else None
        if value is None or (isinstance(value, str) and not value.strip()):
            if any(c not in (None, "") for c in row):
                raise InputError(
                    name,
                    "the person id is empty (or a formula saved without its value)",
                    "Fill it in from the export, or delete the row.",
                    line=line,
                    field=COLUMN,
                )
            continue  # a blank row, as spreadsheets leave at the end
        found[_person_id(value, name, line)] = None
        if len(found) > MAX_PERKS:
            raise InputError(
                name,
                f"holds more than {MAX_PERKS:,} people",
                "A campaign's list holds one person per perk: give the people you mean to offer perks to.",
            )
    if not found:
        raise InputError(name, "has no person ids", _FIX_COLUMN)
    return list(found)


def _person_id(value: object, name: str, line: int) -> int:
    """A cell as a person id: a whole number above 0 (a spreadsheet may keep it as 123.0 or as text)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isascii() and value.strip().removesuffix(".0").isdigit():
        value = int(value.strip().removesuffix(".0"))  # 13907.0: an id a spreadsheet saved as a decimal
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        shown = str(value)[:40]
        raise InputError(
            name,
            f"'{shown}' is not a Sway person id (a whole number)",
            "Use the ids of an export as they are, or delete the row.",
            line=line,
            field=COLUMN,
        )
    return value


def _csv_rows(path: Path) -> Iterator[list[str]]:
    """The CSV's rows; commas, semicolons or tabs between cells (spreadsheets save with either)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(str(path), "is not UTF-8 text", "Save it as 'CSV UTF-8' in the spreadsheet.") from exc
    try:
        dialect = csv.Sniffer().sniff(text[:10_000], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # one column, or too little to tell: commas
    yield from csv.reader(io.StringIO(text), dialect)


def _xlsx_rows(path: Path) -> Iterator[tuple]:
    """The first sheet's rows as cell values (formulas are not evaluated)."""
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:  # not a workbook
        raise InputError(str(path), "cannot be read as an XLSX workbook", "Save it again as .xlsx or .csv.") from exc
    try:
        yield from book.worksheets[0].iter_rows(values_only=True)
    finally:
        book.close()
