"""The retrain operation: learn from every correction, re-tag the posts and rebuild Discover, as one audited
transaction under the job lock, so it never overlaps a refresh."""

from __future__ import annotations

from pathlib import Path

import duckdb

from core.db.warehouse import transaction
from core.discover import build_discovery
from core.ops.lock import exclusive
from core.progress import Progress, scaled, silent
from core.topics.influence import TopicParams
from core.topics.model_file import save
from core.topics.retrain import RetrainReport
from core.topics.retrain import retrain as retrain_model
from core.workspace import audit
from core.workspace.access import Access
from core.workspace.authorize import authorize_operator


def retrain(
    con: duckdb.DuckDBPyConnection,
    access: Access,
    *,
    db: Path,
    path: Path | None = None,
    params: TopicParams | None = None,
    progress: Progress = silent,
) -> RetrainReport:
    """Retrain the topic model with all corrections, re-tag every post and rebuild the Discover tables.

    The model is shared by every workspace, so this needs the instance operator. Readers keep the previous topics
    until the commit; if a step fails, the warehouse and the model file stay as they were.
    """
    with exclusive(db, "topic retrain", access.user), transaction(con):
        authorize_operator(con, access, "retraining the topic model")
        report = retrain_model(con, path=path, params=params, progress=scaled(progress, 0.0, 0.9))
        build_discovery(con, progress=scaled(progress, 0.9, 0.97))
        audit.record(
            con,
            access,
            "topics.retrain",
            {"training_rows": report.card["training_rows"], "corrections_used": report.card["corrections_used"]},
            shared=True,
        )
        progress(0.97, "Saving the new model")
        save(report.model, report.path)  # last: a failed step above leaves the model in use unchanged
    progress(1.0, "Retrained")
    return report
