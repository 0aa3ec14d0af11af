"""JSON Lines into a polars frame, keeping each record's file line and naming the line that is broken.

Every line is first read strictly, with Python's json: it must be one object, with no key twice in any
object (readers disagree on which value wins: polars keeps the first, Python the last, so the file means
different things to different tools) and no NaN or Infinity, which are not JSON. Polars then reads the
checked lines.
"""

from __future__ import annotations

import json

import polars as pl

from core.ingest.source import SourceFile

JSONL_FIX = 'Each line must be one complete JSON object, like {"a": 1}. Fix or remove that line.'
_TWICE_FIX = "Keep one of them and delete the other: Sway can't tell which value is meant."
_NUMBER_FIX = "Write the number with digits, or null when it is not known."


_FLAT_FIX = "Put one plain value (text, number or date) in each field; this format has no nested values."
_KIND_FIX = "Give this field the same kind of value as the format (and the file's other lines) expects."


def read_json_lines(
    source: SourceFile, schema: dict[str, pl.DataType] | None = None, *, flat: bool = False
) -> pl.DataFrame:
    """Parse every non-blank line (all keys inferred when `schema` is None) and add its 1-based `line`.

    `flat`: every field must hold one plain value (the interchange format), so a line with an object or a list
    is refused by its line and key, even among lines that hold text there.
    """
    _check_lines(source, flat=flat)
    try:
        frame = pl.read_ndjson(source.data, schema=schema, infer_schema_length=None)
    except pl.exceptions.PolarsError as exc:  # every line is a JSON object, so the values don't fit together
        found = _first_misfit(source, schema) if schema is not None else None
        if found is not None:
            number, key, problem = found
            raise source.ref.error(problem, _KIND_FIX, line=number, field=key) from None
        raise source.ref.error(
            f"Sway could not read this JSON Lines file ({str(exc).splitlines()[0]})",
            "Check that each field holds the same kind of value on every line (text, number, or list).",
        ) from None
    return frame.with_columns(line=pl.Series("line", _record_lines(source.data), dtype=pl.Int64))


def _kind_of(value: object) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true or false"}.get(type(value), "a number")


def _misfit(value: object, dtype: pl.DataType, path: str) -> tuple[str, str] | None:
    """(field path, problem) for the first part of `value` that `dtype` cannot hold; None when it fits."""
    if value is None:
        return None
    if isinstance(dtype, pl.Struct):
        if not isinstance(value, dict):
            return path, f"this field holds {_kind_of(value)} where an object is expected"
        fields = {f.name: f.dtype for f in dtype.fields}
        return next(
            (m for k, v in value.items() if k in fields and (m := _misfit(v, fields[k], f"{path}.{k}")) is not None),
            None,
        )
    if isinstance(dtype, pl.List):
        if not isinstance(value, list):
            return path, f"this field holds {_kind_of(value)} where a list is expected"
        return next(
            (m for i, v in enumerate(value) if (m := _misfit(v, dtype.inner, f"{path}[{i}]")) is not None), None
        )
    if dtype == pl.String:
        wanted = not isinstance(value, dict | list)  # polars reads a number or true/false there as its text
    elif dtype == pl.Boolean:
        wanted = isinstance(value, bool)
    elif dtype.is_numeric():
        wanted = isinstance(value, int | float) and not isinstance(value, bool)
    else:
        wanted = not isinstance(value, dict | list)
    return None if wanted else (path, f"this field holds {_kind_of(value)} where {dtype} is expected")


def _first_misfit(source: SourceFile, schema: dict[str, pl.DataType]) -> tuple[int, str, str] | None:
    """(line, field, problem) of the first value the schema cannot hold: what polars refused, said precisely.

    Only read when polars refused the file: the lines are parsed again rather than all kept from the check.
    """
    for number, text in enumerate(source.data.split(b"\n"), 1):
        if not text.strip():
            continue
        value = json.loads(text)
        for key, dtype in schema.items():
            found = _misfit(value.get(key), dtype, key)
            if found is not None:
                return number, found[0], found[1]
    return None


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


class _NotANumber(str):
    """NaN, Infinity or -Infinity where a value was expected: kept as its name until its key is known."""


class _Refused(Exception):
    """A line is well-formed JSON but not acceptable; `key` is the field it concerns."""

    def __init__(self, problem: str, fix: str, key: str) -> None:
        super().__init__(problem)
        self.problem, self.fix, self.key = problem, fix, key


def _strict_object(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """An object's key-value pairs as a dict, refusing a key given twice or a value that is not a number."""
    seen: set[str] = set()
    for key, value in pairs:
        if key in seen:
            raise _Refused(f"the key '{key}' appears twice in one object", _TWICE_FIX, key)
        constant = _not_a_number(value)
        if constant is not None:
            raise _Refused(f"{constant} is not a number JSON allows", _NUMBER_FIX, key)
        seen.add(key)
    return dict(pairs)


def _not_a_number(value: object) -> _NotANumber | None:
    """The first NaN or Infinity in a value or its lists (objects inside have been checked already)."""
    if isinstance(value, _NotANumber):
        return value
    if isinstance(value, list):
        return next((found for item in value if (found := _not_a_number(item)) is not None), None)
    return None


_STRICT = json.JSONDecoder(object_pairs_hook=_strict_object, parse_constant=_NotANumber)


def _check_lines(source: SourceFile, *, flat: bool = False) -> None:
    """Raise for the first line that is not one strictly valid JSON object (with `flat`, holding plain values
    only), naming its line (and key)."""
    for number, text in enumerate(source.data.split(b"\n"), 1):
        if not text.strip():
            continue
        try:
            value = _STRICT.decode(text.decode("utf-8"))
        except _Refused as refused:
            raise source.ref.error(refused.problem, refused.fix, line=number, field=refused.key) from None
        except ValueError as bad:
            detail = (
                f"near character {bad.colno}: {bad.msg.removesuffix(' at').lower()}"
                if isinstance(bad, json.JSONDecodeError)
                else str(bad)  # e.g. a number too long for Python's parser
            )
            raise source.ref.error(f"this line is not valid JSON ({detail})", JSONL_FIX, line=number) from None
        if not isinstance(value, dict):
            raise source.ref.error("this line holds a JSON value that is not an object", JSONL_FIX, line=number)
        nested = next((key for key, item in value.items() if isinstance(item, dict | list)), None) if flat else None
        if nested is not None:
            problem = f"this field holds {_kind_of(value[nested])}"
            raise source.ref.error(problem, _FLAT_FIX, line=number, field=nested)
