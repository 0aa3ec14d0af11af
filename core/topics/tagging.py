"""Tagging the warehouse's posts with topics, once per post and model: new posts through the classifier in batches.

post_tagging remembers which model tagged each post and in which language it is, so a refresh tags only posts
it has not seen (and all again only after a retrain), and a post in a language the model does not cover is
marked, never guessed (core/topics/language.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import duckdb
import numpy as np
import polars as pl

from core.db.warehouse import registered, scalar
from core.progress import Progress, silent
from core.topics.corrections import forget_removed_posts, latest_actions
from core.topics.language import languages
from core.topics.model import LABELS, TopicModel, choose

# Posts read, classified and written per step: bounds memory (texts, a sparse matrix, 19 probabilities each)
# while keeping each step long enough that per-batch overheads vanish next to ~1 s of classifying.
BATCH = 65_536


def topic_rows(
    post_ids: np.ndarray,
    proba: np.ndarray,
    thresholds: np.ndarray,
    corrections: pl.DataFrame | None = None,
    *,
    covered: np.ndarray | None = None,
    texts: list[str] | None = None,
) -> pl.DataFrame:
    """Rows (post_id, topic, probability, rank, corrected) of the model's choice with corrections applied.

    The model's choice is the top label plus every one over its threshold; posts not `covered` (their language
    is not the model's) get none, and given the `texts`, neither do posts with too little text (see
    has_content). `corrections` (post_id, topic, action) then removes or adds topics of the posts they name,
    covered or not. `post_ids` must be sorted.
    """
    order = np.argsort(-proba, axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(1, proba.shape[1] + 1), axis=1)
    chosen = choose(proba, thresholds, texts)
    if covered is not None:
        chosen[~covered] = False
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

    tagged: int  # posts tagged now (run through the model, or marked as in a language it does not cover)
    kept: int  # posts whose tagging by the same model was kept
    rows: int  # post_topics rows written now
    not_covered: int  # of the posts tagged now, those in a language the model does not cover
    without_topics: int  # of the posts tagged now and covered, those left without a topic (too little text)


def model_key(model: TopicModel) -> str:
    """Identifies what a model would tag: when and on how many rows it was trained, and its thresholds."""
    thresholds = hashlib.sha256(np.asarray(model.thresholds, dtype=np.float64).tobytes()).hexdigest()[:16]
    return f"{model.card.get('trained_at', 'unknown')}|{model.card.get('training_rows', 0)}|{thresholds}"


def _drop_outdated_and_list_untagged(con: duckdb.DuckDBPyConnection, key: str) -> None:
    """Drop the tagging and topics of posts another model tagged, of corrected posts and of posts gone, and list in
    _untagged the posts to tag: those never tagged and the stored ones among the dropped.

    One full join of the posts with their tagging finds both sides (an anti join each way read both tables twice:
    ~1 s more at a million people).
    """
    if not scalar(con, "SELECT count(*) FROM post_tagging WHERE model_key = ?", [key]):
        # A new model (or a warehouse tagged before migration 013): everything again, without a join.
        con.execute("DELETE FROM post_tagging")
        con.execute("DELETE FROM post_topics")
        con.execute("CREATE OR REPLACE TEMP TABLE _untagged AS SELECT post_id FROM posts ORDER BY post_id")
        return
    # Corrections may have changed since: those few posts are tagged again with the latest word.
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _tag_plan AS
        SELECT p.post_id AS stored, t.post_id AS held
        FROM posts p FULL JOIN post_tagging t ON t.post_id = p.post_id
        WHERE p.post_id IS NULL OR t.post_id IS NULL OR t.model_key <> $key
           OR t.post_id IN (SELECT post_id FROM topic_corrections)
        """,
        {"key": key},
    )
    con.execute("DELETE FROM post_tagging WHERE post_id IN (SELECT held FROM _tag_plan)")
    con.execute("DELETE FROM post_topics WHERE post_id IN (SELECT held FROM _tag_plan)")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _untagged AS "
        "SELECT stored AS post_id FROM _tag_plan WHERE stored IS NOT NULL ORDER BY post_id"
    )
    con.execute("DROP TABLE _tag_plan")


def _write(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    """Append a batch's rows to post_topics or post_tagging (columns in table order)."""
    with registered(con, {"_tagged": frame}):
        con.execute(f"INSERT INTO {table} SELECT * FROM _tagged")  # noqa: S608 - one of two fixed table names


def tag_posts(con: duckdb.DuckDBPyConnection, model: TopicModel, *, progress: Progress = silent) -> Tagging:
    """Tag every post not yet tagged by this model (caller's transaction): its language, and if the model covers
    it, its topics in post_topics; shared corrections (an instance operator's) override the model, and corrections
    of posts since removed are forgotten.

    A post is tagged once per model: a refresh tags only new posts (and corrected ones, whose corrections may
    have changed); a new model tags everything again; posts no longer in the warehouse lose their rows. Posts
    are read in post_id order one batch at a time, so memory stays flat at millions of posts.
    """
    key = model_key(model)
    forget_removed_posts(con)
    _drop_outdated_and_list_untagged(con, key)
    kept = scalar(con, "SELECT count(*) FROM post_tagging")
    total = scalar(con, "SELECT count(*) FROM _untagged")
    corrections = latest_actions(con)
    done = written = not_covered = without = 0
    after = -(2**63)
    progress(0.0, f"Tagging {total:,} posts with topics" + (f" ({kept:,} keep theirs)" if kept else ""))
    while done < total:
        ids = con.sql(
            "SELECT post_id FROM _untagged WHERE post_id > $after ORDER BY post_id LIMIT $batch",
            params={"after": after, "batch": BATCH},
        ).fetchnumpy()["post_id"]
        if not len(ids):
            break
        # The id range lets the scan skip the posts table's blocks outside this batch.
        batch = con.sql(
            "SELECT post_id, text, language FROM posts WHERE post_id BETWEEN $low AND $high "
            "AND post_id IN (SELECT post_id FROM _untagged WHERE post_id BETWEEN $low AND $high) ORDER BY post_id",
            params={"low": int(ids[0]), "high": int(ids[-1])},
        ).pl()
        post_ids = batch["post_id"].to_numpy()
        found = languages(batch["language"], batch["text"])
        covered = found["covered"].to_numpy()
        proba = np.zeros((batch.height, len(LABELS)))
        if covered.any():
            proba[covered] = model.predict_proba(batch["text"].filter(found["covered"]).to_list())
        texts = batch["text"].to_list()
        rows = topic_rows(post_ids, proba, model.thresholds, corrections, covered=covered, texts=texts)
        _write(con, "post_topics", rows)
        _write(
            con,
            "post_tagging",
            pl.DataFrame({"post_id": post_ids}).with_columns(
                model_key=pl.lit(key), language=found["language"], covered=found["covered"]
            ),
        )
        done += batch.height
        written += rows.height
        not_covered += int((~covered).sum())
        without += int(covered.sum()) - rows.filter(pl.col("post_id").is_in(post_ids[covered])).n_unique("post_id")
        after = int(ids[-1])
        progress(done / max(total, 1), f"Tagged {done:,} of {total:,} posts")
    con.execute("DROP TABLE _untagged")
    return Tagging(tagged=done, kept=kept, rows=written, not_covered=not_covered, without_topics=without)


def language_counts(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Posts per language as last tagged: language, covered, posts; most posts first."""
    return con.sql(
        "SELECT language, bool_or(covered) AS covered, count(*) AS posts FROM post_tagging "
        "GROUP BY language ORDER BY posts DESC, language"
    ).pl()
