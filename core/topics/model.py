"""The topic classifier: one Pipeline (hashed words and char n-grams, TF-IDF, linear SVM, calibrated probabilities)
and per-label thresholds."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfTransformer
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from core.corpus.samples import TOPICS, training_posts
from core.progress import Progress, silent
from core.topics.card import build_card
from core.topics.features import PostVectorizer
from core.topics.tokenize import token_lists

LABELS: tuple[str, ...] = TOPICS
# Written by `python -m bench.topics_eval --save`: the recipe's last evaluation and the thresholds tuned there.
EVALUATION_PATH = Path(__file__).with_name("evaluation.json")
# Used only if evaluation.json is missing: the global threshold of the corpora READMEs' baseline.
FALLBACK_THRESHOLD = 0.15
# Strong regularisation transfers best to tweets (X-Topic, words only: top-1 macro-F1 0.349 at C=0.1, 0.286 at 1);
# with char n-grams there are ~10 times more active features per post, and 0.05 beat 0.1.
SVM_C = 0.05
# What one corrected post weighs in training, against 1 for a shipped text. Measured on shipped texts relabelled
# as corrections (demo posts reuse them): at 1 or 3 a retrained word-only model still gave them their shipped
# topic, at 10 it followed the marketers; the n-gram model at 10 puts the marketers' topic first for 4 of 5 sports
# texts relabelled music, second for the fifth. Corrections are a tiny share of ~84k rows: other posts barely move.
CORRECTION_WEIGHT = 10.0
# Posts per prediction chunk: bounds the sparse matrices in memory (~50 MB each), and chunks run on every core
# at once (the vectorizer, scipy and polars release the GIL), which doubles throughput on two cores.
PREDICT_CHUNK = 16_384
PREDICT_THREADS = max(1, min(4, os.cpu_count() or 1))
# Reddit conventions that name the subreddit's topic ("TIL", "TIFU", "r/stocks") are label leaks that tweets lack.
_REDDIT_META = (
    r"(?i)^\s*(\[[^\]]{1,12}\]\s*)*(til|tifu|eli5|dae|mrw|mfw|lpt|psa|ysk|iwtl|cmv)\b[:\s-]*"
    r"|\(?/?\br/\w+\)?|\[oc\]"
)


# A post needs this many letters in words that carry meaning (not stop words or chat fillers, not @mentions) to
# get a topic: "ok", "lol 😂" or "yes!!" say nothing about one, and the model's best guess for them is noise.
# Letters rather than words, so a Japanese or Chinese post (one long unspaced token) is not mistaken for empty.
MIN_CONTENT_LETTERS = 6
_FILLERS = frozenset(ENGLISH_STOP_WORDS) | {
    "ok", "okay", "lol", "lmao", "haha", "hahaha", "omg", "wow", "yes", "yeah", "yep", "nope", "thanks", "thank",
    "thx", "pls", "please", "cool", "nice", "good", "great", "hey", "hello", "hmm",
}  # fmt: skip


def has_content(texts: Sequence[str]) -> np.ndarray:
    """Boolean per text: enough meaningful letters (MIN_CONTENT_LETTERS) for a topic to be more than a guess."""
    letters = (
        token_lists(texts)
        .list.eval(
            pl.element()
            .filter(~pl.element().str.starts_with("@") & ~pl.element().is_in(list(_FILLERS)))
            .str.count_matches(r"[^\W\d_]")
            .sum()
        )
        .list.first()
        .fill_null(0)
    )
    return letters.to_numpy() >= MIN_CONTENT_LETTERS


def choose(proba: np.ndarray, thresholds: np.ndarray, texts: Sequence[str] | None = None) -> np.ndarray:
    """Boolean (n, 19): the most likely label of each row plus every label at or above its threshold.

    Given the texts, rows without enough content (has_content) get no label at all.
    """
    chosen = proba >= thresholds
    chosen[np.arange(len(proba)), proba.argmax(axis=1)] = True
    if texts is not None:
        chosen[~has_content(texts)] = False
    return chosen


@dataclass
class TopicModel:
    """A fitted pipeline, one threshold per label (in LABELS order), and its model card."""

    pipeline: Pipeline
    thresholds: np.ndarray
    card: dict[str, Any] = field(default_factory=dict)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities (n, 19) in LABELS order; each row sums to 1."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, len(LABELS)))
        chunks = [texts[start : start + PREDICT_CHUNK] for start in range(0, len(texts), PREDICT_CHUNK)]
        if len(chunks) == 1:
            return self.pipeline.predict_proba(chunks[0])
        with ThreadPoolExecutor(max_workers=PREDICT_THREADS, thread_name_prefix="topics") as pool:
            return np.vstack(list(pool.map(self.pipeline.predict_proba, chunks)))

    def predict(self, texts: Sequence[str]) -> list[list[str]]:
        """Topics of each text: the most likely label plus every label whose probability reaches its threshold."""
        texts = list(texts)
        return self.topics_from_proba(self.predict_proba(texts), texts)

    def topics_from_proba(self, proba: np.ndarray, texts: Sequence[str] | None = None) -> list[list[str]]:
        """Apply the decision rule to probabilities already computed; labels come most likely first."""
        chosen = choose(proba, self.thresholds, texts)
        order = np.argsort(-proba, axis=1, kind="stable")
        picked = np.take_along_axis(chosen, order, axis=1)
        names = iter(np.asarray(LABELS, dtype=object)[order[picked]].tolist())
        # order[picked] is row-major, so each row's labels are consecutive: slice them off by count.
        return [list(islice(names, count)) for count in picked.sum(axis=1).tolist()]


def build_pipeline() -> Pipeline:
    """The untrained pipeline; temperature scaling turns SVM margins into probabilities that sum to 1."""
    return Pipeline(
        [
            ("features", PostVectorizer()),
            ("tfidf", TfidfTransformer(sublinear_tf=True)),
            (
                "clf",
                # Two folds are enough to fit one temperature, and train in 2/3 of the time of three. The folds
                # fit side by side in two processes (joblib's default), each seeding its own liblinear generator:
                # on threads they would share it and give a slightly different model every time.
                CalibratedClassifierCV(
                    LinearSVC(C=SVM_C, random_state=0), method="temperature", cv=2, ensemble=False, n_jobs=2
                ),
            ),
        ]
    )


def training_rows(posts: pl.DataFrame, extra: pl.DataFrame | None = None) -> pl.DataFrame:
    """Rows (text, topic, source, weight): labelled posts plus marketers' corrections (text, topics list)."""
    base = posts.select(
        text=pl.col("text").str.replace_all(_REDDIT_META, " ").str.strip_chars(),
        topic="topic",
        source="source",
        weight=pl.lit(1.0),
    )
    if extra is None or extra.is_empty():
        return base
    corrections = extra.select("text", "topics").filter(
        pl.col("text").str.strip_chars().str.len_chars() > 0, pl.col("topics").list.len() > 0
    )
    unknown = set(corrections["topics"].explode().to_list()) - set(LABELS)
    if unknown:
        raise ValueError(f"Corrections use unknown topics {sorted(unknown)}; allowed: {', '.join(LABELS)}.")
    # A post with k topics becomes k rows of weight CORRECTION_WEIGHT / k, so every corrected post weighs the same.
    expanded = corrections.with_columns(weight=CORRECTION_WEIGHT / pl.col("topics").list.len()).explode("topics")
    return pl.concat([base, expanded.select("text", topic="topics", source=pl.lit("correction"), weight="weight")])


def shipped_evaluation() -> dict[str, Any]:
    """The recipe's last evaluation (thresholds and metrics) shipped beside this module, or {} if absent."""
    if not EVALUATION_PATH.exists():
        return {}
    return json.loads(EVALUATION_PATH.read_text(encoding="utf-8"))


def fit(rows: pl.DataFrame, progress: Progress = silent) -> TopicModel:
    """Fit the pipeline on training_rows() output; deterministic for the same rows in the same order."""
    missing = set(LABELS) - set(rows["topic"].unique().to_list())
    if missing:
        raise ValueError(f"Training data has no rows for {sorted(missing)}; every label needs examples.")
    evaluation = shipped_evaluation()
    tuned = evaluation.get("thresholds", {})
    thresholds = np.array([tuned.get(label, FALLBACK_THRESHOLD) for label in LABELS], dtype=float)
    progress(0.1, f"Learning the topics from {rows.height:,} labelled texts (the longest step: about a minute)")
    started = time.perf_counter()
    pipeline = build_pipeline()
    pipeline.fit(rows["text"].to_list(), rows["topic"].to_list(), clf__sample_weight=rows["weight"].to_numpy())
    seconds = time.perf_counter() - started
    if tuple(pipeline.classes_) != LABELS:  # classes_ are sorted; probability columns must follow LABELS
        raise RuntimeError(f"Fitted classes {list(pipeline.classes_)} differ from the label order {list(LABELS)}.")
    card = build_card(rows, dict(zip(LABELS, thresholds.tolist(), strict=True)), evaluation, seconds)
    progress(1.0, f"Fitted the topic classifier in {seconds:.0f} s")
    return TopicModel(pipeline, thresholds, card)


def train(extra: pl.DataFrame | None = None, progress: Progress = silent) -> TopicModel:
    """Train on the shipped training texts plus optional corrections (columns text, topics: list of labels)."""
    progress(0.0, "Reading the shipped labelled posts")
    return fit(training_rows(training_posts(), extra), progress)
