"""Reading a Parquet file within the import limits, checked before it is decoded rather than after.

The metadata (row count, sizes) is checked before any row is read. Two encodings let a few kilobytes
decode to gigabytes without the metadata showing it: a dictionary repeats one long text on every row,
and DELTA_BYTE_ARRAY repeats a long shared prefix. Dictionary text is measured before it is expanded;
prefix-compressed text is read in batches small enough that one batch stays near _BATCH_BYTES.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from core.ingest.errors import InputError
from core.ingest.limits import Expansion, refuse_many_rows
from core.ingest.source import SourceFile
from core.ingest.values import NESTED_FIX, NESTED_PROBLEM

_WHAT = "the Parquet file"
_BATCH_ROWS = 65_536
_BATCH_BYTES = 64 << 20  # about the most one batch of prefix-compressed text may decode to
_DICTIONARY = frozenset({"PLAIN_DICTIONARY", "RLE_DICTIONARY"})
_DELTA = frozenset({"DELTA_BYTE_ARRAY", "DELTA_LENGTH_BYTE_ARRAY"})  # pyarrow can't read these as dictionaries
_PREFIXED = "DELTA_BYTE_ARRAY"
_TEXT_TYPES = (pa.types.is_string, pa.types.is_large_string, pa.types.is_binary, pa.types.is_large_binary)


@dataclass(frozen=True)
class _Column:
    """What the metadata says about one column, summed over the row groups."""

    name: str
    type: pa.DataType
    stored: int  # bytes once decompressed (but before a dictionary or prefixes are expanded)
    widest: int  # the largest row group's share of `stored`; no single value is longer
    encodings: frozenset[str]

    @property
    def text(self) -> bool:
        """Whether it holds text (or bytes), the values that encodings can multiply."""
        return _is_text(self.type)


def read_parquet(source: SourceFile) -> pl.DataFrame:
    """The file's columns (names and values only), refused as soon as it holds more than an import may."""
    # Through pyarrow with full validation: on a damaged file, bad UTF-8 or odd metadata, polars' own
    # reader panics instead of raising an error we can report.
    try:
        file = pq.ParquetFile(pa.BufferReader(source.data))
        _refuse_nested(source, file.schema_arrow)
        rows = file.metadata.num_rows
        refuse_many_rows(source.ref, rows, "rows")
        columns = _columns(file)
        Expansion(source.ref, len(source.data), _WHAT).add(sum(max(c.stored, rows * _width(c.type)) for c in columns))
        dictionaries = [c.name for c in columns if c.text and c.encodings & _DICTIONARY and not c.encodings & _DELTA]
        prefixed = sum(c.widest for c in columns if c.text and _PREFIXED in c.encodings)
        batch_rows = max(1, min(_BATCH_ROWS, _BATCH_BYTES // prefixed)) if prefixed else _BATCH_ROWS
        file = pq.ParquetFile(pa.BufferReader(source.data), read_dictionary=dictionaries)
        schema = pa.schema(pa.field(f.name, _plain(f.type)) for f in file.schema_arrow)
        decoded = Expansion(source.ref, len(source.data), _WHAT)
        batches = [
            pa.RecordBatch.from_arrays([_decode(column, decoded) for column in batch.columns], schema=schema)
            for batch in file.iter_batches(batch_size=batch_rows)
        ]
        table = pa.Table.from_batches(batches, schema=schema)
        table.validate(full=True)
        return pl.from_arrow(table)
    except InputError:
        raise
    except (pa.ArrowException, pl.exceptions.PolarsError, OSError, ValueError) as exc:
        raise source.ref.error(
            f"this Parquet file can't be read ({str(exc).splitlines()[0]})", "Export it again, or save it as CSV."
        ) from None


def _refuse_nested(source: SourceFile, schema: pa.Schema) -> None:
    """Lists and records are refused before reading: Sway's columns hold one plain value each."""
    for field in schema:
        if pa.types.is_nested(field.type):
            raise source.ref.error(NESTED_PROBLEM, NESTED_FIX, field=field.name)


def _columns(file: pq.ParquetFile) -> list[_Column]:
    """The metadata of every column; with no nested columns, field i of the schema is leaf column i."""
    meta = file.metadata
    groups = [meta.row_group(group) for group in range(meta.num_row_groups)]
    columns = []
    for index, field in enumerate(file.schema_arrow):
        chunks = [group.column(index) for group in groups]
        sizes = [chunk.total_uncompressed_size for chunk in chunks]
        encodings = frozenset(e for chunk in chunks for e in chunk.encodings)
        columns.append(_Column(field.name, field.type, sum(sizes), max(sizes, default=0), encodings))
    return columns


def _decode(column: pa.Array, decoded: Expansion) -> pa.Array:
    """The column with its dictionary expanded; text is measured from the dictionary before it is expanded."""
    if pa.types.is_dictionary(column.type) and _is_text(column.type):
        lengths = pc.take(pc.binary_length(column.dictionary), column.indices)
        decoded.add((pc.sum(lengths).as_py() or 0) + 4 * len(column))  # characters, and an offset per row
        return column.dictionary_decode()
    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode()
    decoded.add(column.nbytes)
    return column


def _plain(dtype: pa.DataType) -> pa.DataType:
    """The type a column has once its dictionary is expanded."""
    return dtype.value_type if pa.types.is_dictionary(dtype) else dtype


def _is_text(dtype: pa.DataType) -> bool:
    """Variable-length text or bytes, directly or as a dictionary's values."""
    return any(check(_plain(dtype)) for check in _TEXT_TYPES)


def _width(dtype: pa.DataType) -> int:
    """Bytes per value of a fixed-width type; 0 for text, which is measured while reading."""
    try:
        return max(1, _plain(dtype).bit_width // 8)
    except ValueError:  # variable width (text, bytes) or null
        return 0
