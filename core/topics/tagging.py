"""Tagging the warehouse's posts with topics: every post through the classifier, in batches, into post_topics."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import duckdb
import numpy as np
import polars as pl

from core.db.warehouse import get_meta, scalar, set_meta
from core.progress import Progress, silent
from core.topics.corrections import latest_actions
from core.topics.model import LABELS, TopicModel, choose

# Posts read, classified and written per step: bounds memory (texts, a sparse matrix, 19 probabilities each)
# while keeping each step long enough that per-batch overheads vanish next to ~1 s of classifying.
BATCH = 65_536
MODEL_KEY = "topics_model_key"  # warehouse_meta: model_key() of the model that tagged the stored posts


def topic_rows(
    post_ids: np.ndarray,
    proba: np.ndarray,
    thresholds: np.ndarray,
    corrections: pl.DataFrame | None = None,
    texts: list[str] | None = None,
) -> pl.DataFrame:
    """Rows (post_id, topic, probability, rank, corrected) of the model's choice with corrections applied.

    The model's choice is the top label plus every one over its threshold; `corrections` (post_id, topic,
    action) then removes or adds topics of the posts they name. Given the `texts`, posts with too little text
    get no topic from the model (see has_content). `post_ids` must be sorted.
    """
    order = np.argsort(-proba, axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(1, proba.shape[1] + 1), axis=1)
    chosen = choose(proba, thresholds, texts)
    corrected = np.zeros_like(chosen)
    if corrections is not None and corrections.height:
        wanted = corrections["post_id"].to_numpy()
        at = np.minimum(np.searchsorted(post_ids, wanted), len(post_ids) - 1)
        here = post_ids[at] == wanted
        row = at[here]
        label = corrections["topic"].replace_strict(LABELS, range(len(LABELS))).to_numpy()[here]
        add = (corrections["action"] == "add").to_numpy()[here]
        chosen[row, label] = add
        corrected[row[add], label[add]] = True
    row, label = np.nonzero(chosen)
    return pl.DataFrame(
        {
            "post_id": post_ids[row],
            "topic": pl.Series(np.asarray(LABELS, dtype=object)[label], dtype=pl.String),
            "probability": proba[row, label],
            "rank": rank[row, label].astype(np.int8),
            "corrected": corrected[row, label],
        }
    )


@dataclass(frozen=True)
class Tagging:
    """What a tagging pass did."""

    tagged: int  # posts run through the model now
    kept: int  # posts whose topics from the same model were kept
    rows: int  # post_topics rows written now


def model_key(model: TopicModel) -> str:
    """Identifies what a model would tag: when and on how many rows it was trained, and its thresholds."""
    thresholds = hashlib.sha256(np.asarray(model.thresholds, dtype=np.float64).tobytes()).hexdigest()[:16]
    return f"{model.card.get('trained_at', 'unknown')}|{model.card.get('training_rows', 0)}|{thresholds}"


def tag_posts(con: duckdb.DuckDBPyConnection, model: TopicModel, *, progress: Progress = silent) -> Tagging:
    """Give every post its topics in post_topics (caller's transaction): the model's, overridden by corrections.

    Stored posts never change, so when the model is the one that tagged last time, only posts without topics
    (new ones) and corrected posts go through it again; a new model re-tags everything. Posts are read in
    post_id order one batch at a time (keyset pages), so memory stays flat at millions of posts.
    """
    key = model_key(model)
    same_model = get_meta(con).get(MODEL_KEY) == key
    if same_model:
        con.execute("DELETE FROM post_topics WHERE post_id IN (SELECT post_id FROM topic_corrections)")
        source = "posts SEMI JOIN (SELECT post_id FROM posts ANTI JOIN post_topics USING (post_id)) USING (post_id)"
    else:
        con.execute("DELETE FROM post_topics")
        source = "posts"
    kept = scalar(con, "SELECT count(DISTINCT post_id) FROM post_topics")
    total = scalar(con, f"SELECT count(*) FROM {source}")  # noqa: S608 - one of two fixed sources
    corrections = latest_actions(con)
    done = written = 0
    after = -(2**63)
    progress(0.0, f"Tagging {total:,} posts with topics" + (f" ({kept:,} keep theirs)" if kept else ""))
    while done < total:
        batch = con.sql(
            f"SELECT post_id, text FROM {source} WHERE post_id > $after ORDER BY post_id LIMIT $batch",  # noqa: S608
            params={"after": after, "batch": BATCH},
        ).pl()
        if not batch.height:
            break
        post_ids = batch["post_id"].to_numpy()
        texts = batch["text"].to_list()
        rows = topic_rows(post_ids, model.predict_proba(texts), model.thresholds, corrections, texts)
        con.register("_tagged", rows)
        try:
            con.execute("INSERT INTO post_topics SELECT post_id, topic, probability, rank, corrected FROM _tagged")
        finally:
            con.unregister("_tagged")
        done += batch.height
        written += rows.height
        after = int(post_ids[-1])
        progress(done / max(total, 1), f"Tagged {done:,} of {total:,} posts")
    set_meta(con, {MODEL_KEY: key})
    return Tagging(tagged=done, kept=kept, rows=written)
