"""Reading one input file into memory: decompress it and refuse empty, binary or non-UTF-8 files early."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path

from core.ingest.errors import FileRef
from core.ingest.limits import SPLIT_FIX, Expansion, refuse_many_rows

GZIP_MAGIC = b"\x1f\x8b"
PARQUET_MAGIC = b"PAR1"
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

MAX_FILE_BYTES = 1 << 30  # 1 GiB as stored (the app's upload limit is lower still); limits.py has the rest
_CHUNK = 1 << 20

ACCEPTED = (
    "Sway imports: Sway interchange files named accounts…, posts… or interactions… "
    "(.csv, .parquet or .jsonl, optionally .gz; their columns are on the Data page under 'Columns Sway reads', "
    "and in core/ingest/INTERCHANGE.md), "
    "Twitter API v1.1 tweets saved one JSON object per line (.jsonl), "
    "and SNAP activity edge lists with lines 'userA userB unix_time RT|MT|RE' (.txt)"
)

# Files people pick by mistake, recognised by their first bytes so the message can say what they are.
_NOT_DATA = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "an Excel workbook or a ZIP archive"),
    (b"\xd0\xcf\x11\xe0", "an old-style Excel or Word document"),
)


@dataclass(frozen=True)
class SourceFile:
    """One input file, decompressed; `index` is its position in the import (for a stable order)."""

    ref: FileRef
    index: int
    data: bytes

    @property
    def name(self) -> str:
        """The file name as the user knows it, lower-cased and without .gz (for suffix and prefix checks)."""
        name = self.ref.name.lower()
        return name[:-3] if name.endswith(".gz") else name


def read_source(path: Path, name: str, index: int) -> SourceFile:
    """Load `path` (reported as `name`), gunzipped if compressed, after checking it holds text or Parquet."""
    ref = FileRef(name)
    if not path.is_file():
        raise ref.error("Sway can't find this file", "Check the file name and folder, then try again.")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ref.error(
            f"the file is {size / 2**20:,.0f} MB, more than Sway imports at once ({MAX_FILE_BYTES >> 20:,} MB)",
            SPLIT_FIX,
        )
    data = path.read_bytes()
    if data.startswith(GZIP_MAGIC):
        data = _gunzip(ref, data)
    if not data.strip():
        raise ref.error("the file is empty", "Choose the file that holds the data, or export it again.")
    if data.startswith(PARQUET_MAGIC):
        return SourceFile(FileRef(name, rows_not_lines=True), index, data)
    _refuse_binary(ref, data)
    refuse_many_rows(ref, data.count(b"\n") + (0 if data.endswith(b"\n") else 1), "lines")
    data = data.removeprefix(UTF8_BOM)  # Excel's "CSV UTF-8" starts with one
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ref.error(
            f"this file is not saved as UTF-8 text (byte 0x{data[exc.start]:02X} is not valid UTF-8)",
            "Open it in your spreadsheet or editor and save it as UTF-8 (in Excel: Save As > 'CSV UTF-8').",
            line=data.count(b"\n", 0, exc.start) + 1,
        ) from None
    return SourceFile(ref, index, data)


def _gunzip(ref: FileRef, data: bytes) -> bytes:
    """Decompress gzip data chunk by chunk, refusing it as soon as it grows past the limits."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    parts: list[bytes] = []
    expansion = Expansion(ref, len(data), "the compressed file")
    pending = data
    try:
        while True:
            part = inflater.decompress(pending, _CHUNK)
            pending = inflater.unconsumed_tail
            expansion.add(len(part))
            parts.append(part)
            if inflater.eof:
                if not inflater.unused_data.startswith(GZIP_MAGIC):
                    break
                pending = inflater.unused_data  # another gzip member follows (as `cat a.gz b.gz` makes)
                inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
            elif not pending and not part:
                raise zlib.error("the file ends before the compressed data does")
    except zlib.error as exc:
        raise ref.error(f"the compressed (.gz) file is damaged ({exc})", "Download or export the file again.") from None
    return b"".join(parts)


def _refuse_binary(ref: FileRef, data: bytes) -> None:
    """Raise for images, documents, workbooks and other binary files, saying what they look like."""
    for magic, what in _NOT_DATA:
        if data.startswith(magic):
            raise ref.error(f"this is {what}, not a data file", f"Export the data as CSV UTF-8 instead. {ACCEPTED}.")
    if data.startswith(UTF16_BOMS):
        raise ref.error(
            "this file is saved as UTF-16 text", "Save it as UTF-8 instead (in Excel: Save As > 'CSV UTF-8')."
        )
    # Anywhere, not just near the start: a NUL in text means a damaged or binary file, and one that got
    # through would reach exports that refuse it (openpyxl), taking down the pages that export.
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ref.error(
            "this line holds a NUL byte (character code 0), which text never contains: the file is binary, "
            "damaged or saved as UTF-16",
            f"Export the data again as UTF-8 text, or remove that character in a text editor. {ACCEPTED}.",
            line=data.count(b"\n", 0, nul) + 1,
        )
