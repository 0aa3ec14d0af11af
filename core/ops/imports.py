"""The import operation: files added all-or-nothing to the people and posts every workspace shares, so only
an instance operator may import; authorized and audited in the load's own transaction, which also marks campaign
members whose tracked mention the files brought as posted."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb

from core.campaigns.tracking import mark_posted_from_mentions
from core.db.warehouse import transaction
from core.ingest import ImportReport
from core.ingest import import_files as load_files
from core.ingest.uploads import import_uploads as load_uploads
from core.ops.lock import exclusive
from core.progress import Progress, silent
from core.workspace import audit
from core.workspace.access import Access
from core.workspace.authorize import authorize_operator


def import_uploads(
    con: duckdb.DuckDBPyConnection,
    access: Access,
    files: Sequence[tuple[str, bytes]],
    *,
    db: Path,
    progress: Progress = silent,
) -> ImportReport:
    """Import uploaded (name, bytes) files as an instance operator (the Data page's uploader)."""
    with exclusive(db, "import", access.user), transaction(con):
        authorize_operator(con, access, "importing data")
        report = load_uploads(con, files, progress=progress)
        names = [n for n, _ in files]
        details = {"files": names, "added": report.added, "marked_posted": mark_posted_from_mentions(con)}
        audit.record(con, access, "import", details, shared=True)
    return report


def import_files(
    con: duckdb.DuckDBPyConnection,
    access: Access,
    paths: Sequence[Path],
    *,
    db: Path,
    progress: Progress = silent,
) -> ImportReport:
    """Import files from disk as an instance operator (the command line's `import`)."""
    with exclusive(db, "import", access.user), transaction(con):
        authorize_operator(con, access, "importing data")
        report = load_files(con, paths, progress=progress)
        names = [Path(p).name for p in paths]
        details = {"files": names, "added": report.added, "marked_posted": mark_posted_from_mentions(con)}
        audit.record(con, access, "import", details, shared=True)
    return report
