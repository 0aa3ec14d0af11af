"""Files that survive a crash or a power loss: written under a temporary name, flushed to disk, then renamed.

A reader sees the whole new file or the whole previous one, never a part: the lake's segments and the copy of
the erasure list beside the warehouse are written this way.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

PARTIAL = ".partial"  # the temporary name's suffix: a file still named so was never finished (core/collect/lake.py)


def replace_durably(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Make `path` hold what `write` puts in a file handle: written to `<path>.partial`, fsynced, renamed over
    `path`, and the rename itself made durable."""
    partial = path.with_name(path.name + PARTIAL)
    with partial.open("wb") as handle:
        write(handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (the directory entry), not only the file's bytes."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
