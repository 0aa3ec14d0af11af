"""Import files handed over as (name, bytes), as the app's uploader gives them, with the user's names in errors."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

import duckdb

from core.ingest import ImportReport, import_files
from core.progress import Progress, silent


def import_uploads(
    con: duckdb.DuckDBPyConnection, files: Sequence[tuple[str, bytes]], *, progress: Progress = silent
) -> ImportReport:
    """Write the uploads to a private temp folder under their own base names and import them all-or-nothing."""
    with tempfile.TemporaryDirectory(prefix="sway-upload-") as folder:
        paths = []
        for index, (name, content) in enumerate(files):
            # Keep the user's base name (format detection reads it) but never a path they chose.
            path = Path(folder) / f"{index:03d}" / Path(name).name
            path.parent.mkdir()
            path.write_bytes(content)
            paths.append(path)
        return import_files(con, paths, progress=progress, display_names=[Path(n).name for n, _ in files])
