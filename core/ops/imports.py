"""The import operation: files added all-or-nothing to the people and posts every workspace shares, so only
an instance operator may import; authorized and audited in the load's own transaction, which also marks campaign
members whose tracked mention the files brought as posted. A refused import is audited too, by where its problem
is (file, line, field), never by the values the problem quotes: those may name people."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path

import duckdb

from core.campaigns.tracking import mark_posted_from_mentions
from core.db.warehouse import transaction
from core.ingest import ImportReport
from core.ingest import import_files as load_files
from core.ingest.errors import InputError
from core.ingest.uploads import import_uploads as load_uploads
from core.ops.lock import exclusive
from core.progress import Progress, silent
from core.workspace import audit
from core.workspace.access import Access, PermissionDenied
from core.workspace.authorize import authorize_operator


@contextlib.contextmanager
def _audited_failure(con: duckdb.DuckDBPyConnection, access: Access, names: list[str]) -> Iterator[None]:
    """Note an import that fails after its caller was authorized (the load's transaction is rolled back by then)."""
    try:
        yield
    except PermissionDenied:
        raise  # a refused caller leaves no trace
    except Exception as exc:
        where = (
            {"file": exc.file, "line": exc.line, "field": exc.field}
            if isinstance(exc, InputError)
            else {"error": type(exc).__name__}
        )
        with contextlib.suppress(duckdb.Error), transaction(con):
            audit.record(con, access, "import.failed", {"files": names, **where}, shared=True)
        raise


def import_uploads(
    con: duckdb.DuckDBPyConnection,
    access: Access,
    files: Sequence[tuple[str, bytes]],
    *,
    db: Path,
    progress: Progress = silent,
) -> ImportReport:
    """Import uploaded (name, bytes) files as an instance operator (the Data page's uploader)."""
    names = [n for n, _ in files]
    with exclusive(db, "import", access.user), _audited_failure(con, access, names), transaction(con):
        authorize_operator(con, access, "importing data")
        report = load_uploads(con, files, progress=progress)
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
    names = [Path(p).name for p in paths]
    with exclusive(db, "import", access.user), _audited_failure(con, access, names), transaction(con):
        authorize_operator(con, access, "importing data")
        report = load_files(con, paths, progress=progress)
        details = {"files": names, "added": report.added, "marked_posted": mark_posted_from_mentions(con)}
        audit.record(con, access, "import", details, shared=True)
    return report
