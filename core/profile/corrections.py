"""A marketer's "this topic is wrong for this person": correction rows the topic classifier learns from."""

from __future__ import annotations

import duckdb

from core.db.warehouse import rows, transaction
from core.topics.corrections import record_corrections
from core.workspace.access import Access
from core.workspace.authorize import authorize


def mark_topic_wrong(con: duckdb.DuckDBPyConnection, access: Access, person_id: int, topic: str) -> int:
    """Record for the workspace that the person's evidence posts for `topic` are not about it; returns rows added.

    The evidence posts are the ones the profile shows for the topic, so the correction covers what the
    marketer judged. Posts whose latest correction in this workspace already says 'remove' are skipped, so a
    repeated click adds nothing. Needs the editor role.
    """
    with transaction(con):
        authorize(con, access, "editor", "marking a topic as wrong")
        posts = rows(
            con,
            "SELECT DISTINCT post_id FROM topic_evidence WHERE person_id = ? AND topic = ? ORDER BY post_id",
            [person_id, topic],
        )
        return record_corrections(con, access, [(post_id, topic, "remove") for (post_id,) in posts])
