"""A marketer's "this topic is wrong for this person": the topic leaves that person in their workspace until
someone undoes it, and the evidence posts shown become corrections the topic classifier learns from."""

from __future__ import annotations

from datetime import datetime

import duckdb

from core.db.warehouse import rows, scalar, transaction
from core.topics.corrections import record_corrections, withdraw_corrections
from core.topics.model import LABELS
from core.workspace import audit
from core.workspace.access import Access
from core.workspace.authorize import authorize

# The workspace's latest word per person and topic (a fixed query, formatted into the reads below).
_LATEST = """
    SELECT person_id, topic, arg_max(action, removal_id) AS action, arg_max(correction_ids, removal_id) AS ids
    FROM person_topic_removals WHERE workspace_id = $workspace GROUP BY person_id, topic
"""


class TopicCorrectionError(ValueError):
    """An unknown topic, or an undo with nothing to undo; the message says what to do."""


def _latest(con: duckdb.DuckDBPyConnection, workspace_id: int, person_id: int, topic: str) -> tuple[str, list[int]]:
    found = con.execute(
        f"SELECT action, ids FROM ({_LATEST}) WHERE person_id = $person AND topic = $topic",  # noqa: S608
        {"workspace": workspace_id, "person": person_id, "topic": topic},
    ).fetchall()
    return (found[0][0], found[0][1]) if found else ("restore", [])


def _decide(con: duckdb.DuckDBPyConnection, access: Access, person_id: int, topic: str, action: str, ids: list[int]):
    con.execute(
        "INSERT INTO person_topic_removals (workspace_id, person_id, topic, action, correction_ids, decided_by, "
        "decided_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [access.workspace_id, person_id, topic, action, ids, access.user, datetime.now()],
    )
    audit.record(
        con, access, f"topic.person_{action}", {"person_id": person_id, "topic": topic, "post_corrections": len(ids)}
    )


def mark_topic_wrong(con: duckdb.DuckDBPyConnection, access: Access, person_id: int, topic: str) -> int:
    """Remove `topic` from the person in the workspace and send its evidence posts to the corrections.

    Returns the post corrections added. The removal holds across refreshes until undo_topic_wrong; a repeated
    click changes nothing. Needs the editor role.
    """
    if topic not in LABELS:
        raise TopicCorrectionError(f"Unknown topic {topic!r}; use one of: {', '.join(LABELS)}.")
    with transaction(con):
        authorize(con, access, "editor", "marking a topic as wrong")
        if _latest(con, access.workspace_id, person_id, topic)[0] == "remove":
            return 0
        posts = rows(
            con,
            "SELECT DISTINCT post_id FROM topic_evidence WHERE person_id = ? AND topic = ? ORDER BY post_id",
            [person_id, topic],
        )
        before = scalar(con, "SELECT coalesce(max(correction_id), 0) FROM topic_corrections")
        # The workspace's view of this person, not a word on the posts for everyone: they feed training only.
        added = record_corrections(
            con, access, [(post_id, topic, "remove") for (post_id,) in posts], for_everyone=False
        )
        ids = [
            i
            for (i,) in rows(
                con,
                "SELECT correction_id FROM topic_corrections WHERE correction_id > ? AND workspace_id = ? ORDER BY 1",
                [before, access.workspace_id],
            )
        ]
        _decide(con, access, person_id, topic, "remove", ids)
        return added


def undo_topic_wrong(con: duckdb.DuckDBPyConnection, access: Access, person_id: int, topic: str) -> int:
    """Give the person back `topic` in the workspace and withdraw the post corrections its removal added.

    Returns the corrections withdrawn. Needs the editor role; undoing a topic that is not removed is refused.
    """
    with transaction(con):
        authorize(con, access, "editor", "undoing a topic marked as wrong")
        action, ids = _latest(con, access.workspace_id, person_id, topic)
        if action != "remove":
            raise TopicCorrectionError(
                f"The topic {topic!r} is not marked as wrong for this person in this workspace: nothing to undo. "
                "Reload the page to see the current topics."
            )
        withdrawn = withdraw_corrections(con, access, ids)
        _decide(con, access, person_id, topic, "restore", [])
        return withdrawn


def removed_topics(con: duckdb.DuckDBPyConnection, workspace_id: int, person_id: int) -> list[str]:
    """The topics the workspace has marked as wrong for this person (and not undone), sorted."""
    found = con.execute(
        f"SELECT topic FROM ({_LATEST}) WHERE person_id = $person AND action = 'remove' ORDER BY topic",  # noqa: S608
        {"workspace": workspace_id, "person": person_id},
    ).fetchall()
    return [t for (t,) in found]


def removals_version(con: duckdb.DuckDBPyConnection, workspace_id: int) -> int:
    """The workspace's latest removal or undo, for keying cached searches: changes with every decision."""
    return scalar(con, "SELECT coalesce(max(removal_id), 0) FROM person_topic_removals WHERE workspace_id = ?",
                  [workspace_id])  # fmt: skip
