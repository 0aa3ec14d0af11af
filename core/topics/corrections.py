"""Marketers' topic corrections: a post is (add) or is not (remove) about a topic. Workspaces own them; the
next training run learns from all of them, and an instance operator's also correct the post's topics for every
workspace at the next topic refresh (post topics are shared, so a workspace editor's word alone cannot change
them)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import duckdb
import numpy as np
import polars as pl

from core.db.warehouse import registered, rows, scalar, transaction
from core.topics.model import LABELS, TopicModel
from core.workspace import audit
from core.workspace.access import Access, PermissionDenied
from core.workspace.authorize import authorize, is_operator

ACTIONS = ("add", "remove")


class CorrectionError(ValueError):
    """A correction names an unknown post, topic or action; the message says what to do."""


def _check(frame: pl.DataFrame) -> None:
    """Refuse unknown topics or actions, and a post gaining and losing the same topic at once."""
    unknown_topics = sorted(set(frame["topic"]) - set(LABELS))
    if unknown_topics:
        raise CorrectionError(f"Unknown topics {unknown_topics}; use one of: {', '.join(LABELS)}.")
    unknown_actions = sorted(set(frame["action"]) - set(ACTIONS))
    if unknown_actions:
        raise CorrectionError(f"Unknown correction actions {unknown_actions}; use 'add' or 'remove'.")
    both = frame.group_by("post_id", "topic").agg(pl.col("action").n_unique()).filter(pl.col("action") > 1)
    if both.height:
        post_id, topic, _ = both.row(0)
        raise CorrectionError(f"Post {post_id} cannot both gain and lose the topic {topic}; choose one.")


def record_corrections(
    con: duckdb.DuckDBPyConnection,
    access: Access,
    corrections: Iterable[tuple[int, str, str]],
    *,
    for_everyone: bool = True,
) -> int:
    """Store (post_id, topic, action) corrections for the workspace in one transaction; returns rows added.

    A correction repeating the workspace's latest word on that post and topic is skipped, so a second click
    adds nothing (unless an operator now says for everyone what was said for the workspace only). Needs the editor
    role; unknown posts, topics or actions are refused with nothing stored. It is `shared` (applied to the post for
    every workspace) only when an instance operator makes it and `for_everyone` is left on (a person's topic marked
    as wrong is the workspace's view: its evidence corrections feed training only).
    """
    frame = pl.DataFrame(
        list(corrections), schema={"post_id": pl.Int64, "topic": pl.String, "action": pl.String}, orient="row"
    ).unique(maintain_order=True)
    with transaction(con):
        authorize(con, access, "editor", "correcting topics")
        _check(frame)
        if not frame.height:
            return 0
        with registered(con, {"_corrections": frame}):
            missing = rows(con, "SELECT DISTINCT post_id FROM _corrections ANTI JOIN posts USING (post_id) ORDER BY 1")
            if missing:
                raise CorrectionError(
                    f"No post {missing[0][0]} in the warehouse"
                    f"{f' (and {len(missing) - 1} more)' if len(missing) > 1 else ''}; it may have been removed "
                    "since the page was loaded. Reload the page and try again."
                )
            added = rows(
                con,
                """
                INSERT INTO topic_corrections
                    (workspace_id, post_id, topic, action, text, corrected_by, corrected_at, shared)
                SELECT $1, c.post_id, c.topic, c.action, p.text, $2, $3, $4
                FROM _corrections c JOIN posts p USING (post_id)
                WHERE c.action IS DISTINCT FROM (
                    SELECT arg_max(t.action, t.correction_id) FROM topic_corrections t
                    WHERE t.workspace_id = $1 AND t.post_id = c.post_id AND t.topic = c.topic)
                   OR ($4 AND NOT coalesce((
                    SELECT arg_max(t.shared, t.correction_id) FROM topic_corrections t
                    WHERE t.workspace_id = $1 AND t.post_id = c.post_id AND t.topic = c.topic), false))
                ORDER BY c.post_id, c.topic
                RETURNING post_id, topic, action
                """,
                [access.workspace_id, access.user, datetime.now(), for_everyone and is_operator(con, access)],
            )
        if added:
            audit.record(
                con,
                access,
                "topic.correct",
                {
                    "corrections": len(added),
                    "posts": len({r[0] for r in added}),
                    "topics": sorted({r[1] for r in added}),
                },
            )
    return len(added)


def withdraw_corrections(con: duckdb.DuckDBPyConnection, access: Access, correction_ids: Sequence[int]) -> int:
    """Delete the workspace's own corrections with these ids (an undone "topic is wrong"); returns rows deleted."""
    if not correction_ids:
        return 0
    with transaction(con):
        authorize(con, access, "editor", "withdrawing topic corrections")
        shared = scalar(
            con,
            "SELECT count(*) FROM topic_corrections WHERE workspace_id = ? AND list_contains(?, correction_id) "
            "AND shared",
            [access.workspace_id, list(correction_ids)],
        )
        if shared and not is_operator(con, access):
            raise PermissionDenied(
                f"{shared:,} of these corrections came from the instance operator and changed the topics "
                "every workspace sees, so only an instance operator can withdraw them. Ask whoever runs the Sway "
                "server."
            )
        gone = rows(
            con,
            "DELETE FROM topic_corrections WHERE workspace_id = ? AND list_contains(?, correction_id) "
            "RETURNING correction_id",
            [access.workspace_id, list(correction_ids)],
        )
        if gone:
            audit.record(con, access, "topic.withdraw", {"corrections": len(gone)})
    return len(gone)


def correct_post(
    con: duckdb.DuckDBPyConnection,
    access: Access,
    post_id: int,
    *,
    add: Sequence[str] = (),
    remove: Sequence[str] = (),
) -> int:
    """Say which topics one post is (add) and is not (remove) about; returns corrections added (editor role)."""
    if not add and not remove:
        raise CorrectionError("Choose at least one topic to add to or remove from the post.")
    return record_corrections(
        con, access, [(post_id, t, "add") for t in add] + [(post_id, t, "remove") for t in remove]
    )


def post_for_correction(con: duckdb.DuckDBPyConnection, post_id: int) -> tuple[str, list[str]] | None:
    """(text, topics it carries now, most likely first) of a post, or None if there is no such post."""
    found = rows(con, "SELECT coalesce(text, '') FROM posts WHERE post_id = ?", [post_id])
    if not found:
        return None
    topics = rows(con, "SELECT topic FROM post_topics WHERE post_id = ? ORDER BY rank", [post_id])
    return found[0][0], [t for (t,) in topics]


def workspace_corrections(con: duckdb.DuckDBPyConnection, access: Access) -> pl.DataFrame:
    """The workspace's latest word per corrected post and topic, newest first (any role may read them).

    Columns: post_id, text, topic, action, corrected_by, corrected_at.
    """
    return con.sql(
        """
        SELECT post_id, arg_max(text, correction_id) AS text, topic, arg_max(action, correction_id) AS action,
               arg_max(corrected_by, correction_id) AS corrected_by, max(corrected_at) AS corrected_at
        FROM topic_corrections WHERE workspace_id = $workspace
        GROUP BY post_id, topic
        ORDER BY max(correction_id) DESC
        """,
        params={"workspace": access.workspace_id},
    ).pl()


_LATEST = """
    SELECT post_id, topic, arg_max(action, correction_id) AS action, arg_max(text, correction_id) AS text,
           max(correction_id) AS last_id
    FROM topic_corrections GROUP BY post_id, topic
"""


# The schema version (migration 022) from which corrections say whether they are shared.
SHARED_CORRECTIONS_VERSION = 22


def share_operators_corrections(con: duckdb.DuckDBPyConnection) -> None:
    """Mark shared the corrections the local workspace or an instance operator made: migration 022's update, for
    corrections restored from a backup older than it (caller's transaction)."""
    con.execute(
        "UPDATE topic_corrections SET shared = corrected_by = 'local' "
        "OR corrected_by IN (SELECT email FROM instance_operators)"
    )


def latest_actions(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The latest shared word (an instance operator's) per corrected post and topic: post_id, topic, action
    (sorted by post). Only these change the topics every workspace sees."""
    return con.sql(
        "SELECT post_id, topic, arg_max(action, correction_id) AS action FROM topic_corrections WHERE shared "
        "GROUP BY post_id, topic ORDER BY post_id, topic"
    ).pl()


def forget_removed_posts(con: duckdb.DuckDBPyConnection) -> int:
    """Delete the corrections of posts no longer stored; returns rows deleted.

    A correction keeps its post's text for training, but a post deleted on its network, erased, or replaced by
    an edit takes its text with it: a copy must not outlive it. Post ids are never handed out twice, so matching
    ids is enough (an anti join on them: comparing texts would read every post's text at each refresh).
    """
    gone = rows(
        con,
        "DELETE FROM topic_corrections WHERE correction_id IN "
        "(SELECT correction_id FROM topic_corrections ANTI JOIN posts USING (post_id)) RETURNING correction_id",
    )
    return len(gone)


def latest_words(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The latest words grouped per post, for training: post_id, text, added, removed (lists of topics)."""
    return con.sql(
        f"""
        SELECT post_id, arg_max(text, last_id) AS text,
               coalesce(list(topic ORDER BY topic) FILTER (WHERE action = 'add'), []) AS added,
               coalesce(list(topic ORDER BY topic) FILTER (WHERE action = 'remove'), []) AS removed
        FROM ({_LATEST}) GROUP BY post_id ORDER BY post_id
        """  # noqa: S608 - a fixed subquery is formatted in
    ).pl()


def training_labels(words: pl.DataFrame, model: TopicModel) -> pl.DataFrame:
    """Training rows (text, topics) for corrected posts: the topics added, or if none, the model's best remaining one.

    Shipped training rows carry one label each, and the one-vs-rest classifier learns "not about X" from rows
    labelled with something else; so a post only stripped of topics is taught as its most likely other topic.
    """
    if not words.height:
        return pl.DataFrame(schema={"text": pl.String, "topics": pl.List(pl.String)})
    proba = model.predict_proba(words["text"].to_list())
    removed = np.zeros(proba.shape, dtype=bool)
    pairs = words.with_row_index("row").select("row", "removed").explode("removed").drop_nulls()
    removed[pairs["row"].to_numpy(), pairs["removed"].replace_strict(LABELS, range(len(LABELS))).to_numpy()] = True
    best = np.where(removed, -1.0, proba).argmax(axis=1)
    fallback = pl.Series(np.asarray(LABELS, dtype=object)[best], dtype=pl.String)
    return words.select(
        "text",
        topics=pl.when(pl.col("added").list.len() > 0).then(pl.col("added")).otherwise(pl.concat_list(fallback)),
    )
