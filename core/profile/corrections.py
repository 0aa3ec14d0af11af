"""A marketer's "this topic is wrong for this person": correction rows the topic classifier learns from."""

from __future__ import annotations

from datetime import datetime

import duckdb

from core.warehouse import scalar, transaction


def mark_topic_wrong(con: duckdb.DuckDBPyConnection, person_id: int, topic: str, corrected_by: str) -> int:
    """Record that the person's evidence posts for `topic` are not about it (action 'remove'); returns rows added.

    The evidence posts are the ones the profile shows for the topic, so the correction covers what the
    marketer judged. Posts whose latest correction for the topic already says 'remove' are skipped, so a
    repeated click adds nothing.
    """
    with transaction(con):
        start = scalar(con, "SELECT coalesce(max(correction_id), 0) FROM topic_corrections")
        con.execute(
            """
            INSERT INTO topic_corrections
            SELECT ? + row_number() OVER (ORDER BY e.post_id), e.post_id, e.topic, 'remove', p.text, ?, ?
            FROM (SELECT DISTINCT post_id, topic FROM topic_evidence WHERE person_id = ? AND topic = ?) e
            JOIN posts p USING (post_id)
            WHERE coalesce((SELECT arg_max(c.action, c.correction_id) FROM topic_corrections c
                            WHERE c.post_id = e.post_id AND c.topic = e.topic), 'add') <> 'remove'
            """,
            [start, corrected_by, datetime.now(), person_id, topic],
        )
        return scalar(con, "SELECT coalesce(max(correction_id), 0) FROM topic_corrections") - start
