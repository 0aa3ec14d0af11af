"""The refresh operation: scores, topics and the Discover tables recomputed as one audited transaction."""

from __future__ import annotations

import contextlib
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from core.campaigns.tracking import mark_posted_from_mentions
from core.db.warehouse import transaction
from core.engines import open_engine
from core.ops.lock import exclusive
from core.ops.pipeline import refresh_all
from core.progress import Progress, silent
from core.scoring.params import ScoreParams, describe_changes
from core.scoring.preview import ScorePreview, preview, settings_table
from core.scoring.runs import current_params
from core.workspace import audit
from core.workspace.access import Access, PermissionDenied
from core.workspace.authorize import authorize_operator


def refresh(
    con: duckdb.DuckDBPyConnection,
    access: Access,
    *,
    db: Path,
    progress: Progress = silent,
    settings: dict[str, str] | None = None,
    engine: str = "local",
    master: str | None = None,
    **params: Any,
) -> list[str]:
    """Refresh scores, topics and the Discover tables as one transaction; instance operators only
    (the scores are shared by every workspace). Returns the report lines.

    `settings` changes scoring parameters (name -> value, as previewed with `scores preview --set`) from the
    current run's; the run stores the parameters it used and the audit entry names what changed.
    `engine` is 'local' or 'spark' (`master`: the Spark cluster's URL; none runs Spark in local mode).

    Readers keep the previous results until the commit; a failure or a killed process leaves them in place,
    and a failure is noted in the audit log.
    """
    if isinstance(params.get("as_of"), str):  # handed over from the command line as ISO text
        params["as_of"] = datetime.fromisoformat(params["as_of"])
    with exclusive(db, "refresh", access.user):
        try:
            with transaction(con):
                authorize_operator(con, access, "refreshing scores and topics")
                current = current_params(con)
                chosen = current.with_overrides(settings or {})
                with open_engine(engine, db=db, master=master, progress=progress) as running:
                    report = refresh_all(con, progress=progress, params=chosen, engine=running, **params)
                posted = mark_posted_from_mentions(con)
                details: dict[str, Any] = {"seconds": round(report.seconds, 1), "marked_posted": posted}
                changed = chosen.changes_from(current)
                if changed:
                    details["changed"] = changed
                audit.record(con, access, "refresh", details, shared=True)
        except PermissionDenied:
            raise  # a refused caller leaves no trace, not even a failure entry
        except Exception as exc:
            record_failure(con, access, "refresh.failed", exc)
            raise
    lines = report.summary().splitlines()
    return [f"Scoring settings changed: {describe_changes(changed)}.", *lines] if changed else lines


def preview_settings(
    con: duckdb.DuckDBPyConnection, access: Access, settings: dict[str, str], *, limit: int = 30
) -> ScorePreview:
    """Who would move most if the scoring parameters changed (writes nothing); instance operators only, as the
    change it previews would be (its settings are then applied with refresh(..., settings=...))."""
    authorize_operator(con, access, "previewing a change of the scoring parameters")
    return preview(con, current_params(con).with_overrides(settings), limit=limit)


def settings_back_to_defaults(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The settings that would put every scoring parameter the current scores use back to its default."""
    return current_params(con).back_to_defaults()


def settings_changed_text(con: duckdb.DuckDBPyConnection) -> str | None:
    """Which scoring settings the current scores use that differ from their defaults, default → now, in words
    (None when none does), so the scores are read knowing someone changed how they are made."""
    changes = current_params(con).changes_from(ScoreParams())  # name -> [default, now]
    if not changes:
        return None
    which = (
        "1 setting changed from its default"
        if len(changes) == 1
        else f"{len(changes)} settings changed from their defaults"
    )
    return f"These scores use {which} (default → now): {describe_changes(changes)}."


def current_settings(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The scoring settings the current scores used, beside their defaults and what each does."""
    return settings_table(current_params(con))


def record_failure(con: duckdb.DuckDBPyConnection, access: Access, action: str, exc: Exception) -> None:
    """Note a failed job in the audit log (best effort: never hides the original error)."""
    with contextlib.suppress(duckdb.Error), transaction(con):
        audit.record(con, access, action, {"reason": str(exc)[:500]}, shared=True)
