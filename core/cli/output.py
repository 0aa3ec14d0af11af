"""What the command line puts out: tables on the screen, and files when asked (exports, reports), each a new file
of a kind its name says, never an existing one overwritten."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

# A table printed whole, without polars' shape and types, wide enough that names and dates fit a line.
TABLE = {
    "tbl_rows": -1,
    "tbl_hide_dataframe_shape": True,
    "tbl_hide_column_data_types": True,
    "fmt_str_lengths": 60,
    "tbl_width_chars": 200,
}


class FileRefused(ValueError):
    """The file cannot be written as named; the message says what to do (one line on stderr, exit code 1)."""


def check_new(path: Path, kinds: Iterable[str]) -> None:
    """Refuse, saying what to do, a `path` whose extension is none of `kinds`, that exists, or has no folder."""
    offered = list(kinds)
    if path.suffix.lower().lstrip(".") not in offered:
        raise FileRefused(f"{path}: name a {' or '.join('.' + k for k in offered)} file.")
    if path.exists():
        raise FileRefused(f"{path} already exists: give a new file name (Sway does not overwrite files).")
    if not path.parent.is_dir():
        raise FileRefused(f"{path.parent} is not a folder: create it first or name a file in an existing folder.")


def write_new(path: Path, kinds: dict[str, Callable[[], bytes]]) -> None:
    """Write the bytes of the kind `path`'s extension names (a key of `kinds`) to `path`, which must not exist."""
    check_new(path, kinds)
    path.write_bytes(kinds[path.suffix.lower().lstrip(".")]())
