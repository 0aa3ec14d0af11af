"""Topic influence: who moves people in which topic, from the reactions their posts on it drew, with evidence.

A person's influence in a topic is the score's reaction value, per post from scoring itself
(core/scoring/post_values.py), counted only over their posts on that topic and mapped to 1..100 with the
score's own mapping, so "Fitness 60" and "Score 60" mean the same amount of weighted reactions. A topic is
attributed only with evidence: enough distinct posts on it that drew reactions from enough distinct people, and
a real share of the person's reaction value. Mentioning a topic without drawing reactions gives nothing; one
post, however viral, is never enough.
"""

from __future__ import annotations

import dataclasses
import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from core.db.warehouse import registered, rows, scalar, set_meta, transaction
from core.progress import Progress, scaled, silent
from core.scoring.engine import LOCAL, Engine
from core.scoring.mapping import SCORE_SQL, mapping_params
from core.scoring.params import ScoringError
from core.scoring.post_values import PostValues, RunInputs, read_run_inputs
from core.scoring.runs import RunRecord, latest_ok_run
from core.topics.model import TopicModel
from core.topics.model_file import load_or_train
from core.topics.tagging import tag_posts


class TopicRefreshError(ScoringError):
    """The topic step cannot run on this warehouse or with these settings; the message says what to do."""


@dataclass(frozen=True)
class TopicParams:
    """The evidence rule and which of a post's topics count; tuned on the demo world (bench.topics_eval).

    Measured on the 20,000-person demo against planted interests (precision / recall among the interests the
    world shows evidence for), with the word + character n-gram model: these defaults 0.984 / 0.57;
    min_probability 0.25: 0.977 / 0.61; 0.2: 0.961 / 0.66; 0.15: 0.928 / 0.73. The floor stays at 0.3 because a
    wrong topic costs a marketer more than a missed one. Demo posts reuse the training texts, so real posts are
    classified worse (X-Topic tweets: macro-F1 0.47): the probability and share floors keep that noise out of
    attributed topics, at the cost of some recall.
    """

    # Distinct posts on the topic that each drew reactions from at least `min_post_reactors` people.
    min_posts: int = 3
    min_post_reactors: int = 1
    # Distinct people who reacted to those posts, all together.
    min_reactors: int = 5
    # A post counts for its `topics_per_post` most likely topics, each only if at least this probable (and for
    # topics a marketer added). The classifier adds low-threshold labels (diaries_&_daily_life from p >= 0.03)
    # to most posts: right for tagging, far too weak to credit someone's reactions to that topic.
    topics_per_post: int = 2
    min_probability: float = 0.3
    # The topic's part of the person's weighted post reactions: a few stray posts of a prolific poster
    # should not make a topic.
    min_share: float = 0.1
    # Posts kept as evidence per attributed topic, best first.
    evidence_posts: int = 5

    def __post_init__(self) -> None:
        if self.min_posts < 2:
            raise TopicRefreshError(
                f"min_posts must be at least 2 (got {self.min_posts}): one post is never evidence of a topic."
            )
        for name in ("min_post_reactors", "min_reactors", "topics_per_post", "evidence_posts"):
            if getattr(self, name) < 1:
                raise TopicRefreshError(f"Topic parameter {name} must be at least 1 (got {getattr(self, name)}).")
        for name in ("min_probability", "min_share"):
            if not 0 <= getattr(self, name) <= 1:
                raise TopicRefreshError(f"Topic parameter {name} must be between 0 and 1 (got {getattr(self, name)}).")

    def to_json(self) -> str:
        """The parameters as JSON, stored with the refresh so its result can be reproduced."""
        return json.dumps(dataclasses.asdict(self), sort_keys=True)


@dataclass(frozen=True)
class TopicRefreshReport:
    """What a topic refresh did."""

    run_id: int  # score run whose reactor weights were used
    posts: int  # posts tagged now
    kept: int  # posts whose topics from the same model were kept
    not_covered: int  # of the posts tagged now, those in a language the model does not cover (no topics)
    without_topics: int  # of the posts tagged now, covered ones with too little text for a topic
    post_topics: int  # post_topics rows
    people: int  # people with at least one attributed topic
    attributions: int  # topic_influence rows
    evidence: int  # topic_evidence rows
    params: TopicParams
    seconds: float
    step_seconds: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        """A few lines for the command line and the pages."""
        p = self.params
        steps = ", ".join(f"{k} {v:.1f} s" for k, v in self.step_seconds.items())
        none = [
            *([f"{self.not_covered:,} in languages the model does not read"] if self.not_covered else []),
            *([f"{self.without_topics:,} with too little text to go on"] if self.without_topics else []),
        ]
        uncovered = f"; {' and '.join(none)} got none" if none else ""
        found = self.posts - self.not_covered - self.without_topics
        kept = f"; {self.kept:,} posts the same model tagged before keep their topics" if self.kept else ""
        return (
            f"Read {self.posts:,} posts for topics: {found:,} got one or more{uncovered}{kept}.\n"
            f"{self.people:,} people are influential in at least one topic ({self.attributions:,} person and topic "
            f"pairs), each with evidence: at least {p.min_posts} of their posts on it drew reactions from "
            f"{p.min_reactors} or more people.\n"
            f"Took {self.seconds:.1f} s ({steps})."
        )


def require_scores(con: duckdb.DuckDBPyConnection) -> RunRecord:
    """The latest successful score refresh, whose reactor weights topic influence uses; a clear error if none."""
    run = latest_ok_run(con)
    if (
        run is None
        or run.as_of is None
        or not scalar(con, "SELECT count(*) FROM scores WHERE run_id = ? AND network = 'all'", [run.run_id])
    ):
        raise TopicRefreshError(
            "Topic influence weighs reactions by the influence scores, and there are none yet. Refresh the scores "
            "first (python -m core refresh, or Refresh on the Data page); topics are found right after."
        )
    return run


def _run_inputs(con: duckdb.DuckDBPyConnection, run: RunRecord, engine: Engine) -> RunInputs:
    """What the post values need of the score run, read from the warehouse, with the score's own reasons for
    refusing (e.g. unknown accounts) as the error the pages show."""
    try:
        return read_run_inputs(con, run, engine)
    except ScoringError as exc:
        raise TopicRefreshError(str(exc)) from exc


def _post_reactions(con: duckdb.DuckDBPyConnection, values: PostValues) -> None:
    """Temp tables _topic_post_values (per post: author, value as the score run summed it, reactions, reacting
    people) and _topic_reactions (per post: who reacted)."""
    with registered(con, {"_post_values_frame": values.posts, "_reactors_frame": values.reactors}):
        con.execute("CREATE OR REPLACE TEMP TABLE _topic_post_values AS SELECT * FROM _post_values_frame")
        con.execute("CREATE OR REPLACE TEMP TABLE _topic_reactions AS SELECT * FROM _reactors_frame")


def _topic_posts(con: duckdb.DuckDBPyConnection, params: TopicParams) -> None:
    """Temp table _topic_posts: each post's counted topics with the post's value, reactions and reacting people."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _topic_posts AS
        SELECT post.person_id, t.topic, post.post_id, post.value, post.reactions, post.reactors
        FROM _topic_post_values post JOIN post_topics t USING (post_id)
        WHERE (t.corrected OR (t.rank <= $topics_per_post AND t.probability >= $min_probability))
          AND post.reactors >= $min_post_reactors
        """,
        {
            "topics_per_post": params.topics_per_post,
            "min_probability": params.min_probability,
            "min_post_reactors": params.min_post_reactors,
        },
    )


def _write_influence(con: duckdb.DuckDBPyConnection, run_id: int, params: TopicParams) -> None:
    """Replace topic_influence and topic_evidence: the person-topics that pass the evidence rule, and their posts."""
    con.execute("DELETE FROM topic_influence")
    con.execute("DELETE FROM topic_evidence")
    con.execute(
        f"""
        INSERT INTO topic_influence
        WITH totals AS (
            SELECT person_id, sum(value) AS total FROM _topic_post_values GROUP BY person_id
        ), candidates AS (
            SELECT person_id, topic, count(*) AS posts, sum(reactions) AS reactions, sum(value) AS raw
            FROM _topic_posts GROUP BY ALL HAVING count(*) >= $min_posts
        ), reactors AS (
            SELECT tp.person_id, tp.topic, count(DISTINCT r.reactor) AS distinct_reactors
            FROM _topic_posts tp SEMI JOIN candidates c USING (person_id, topic)
            JOIN _topic_reactions r USING (post_id)
            GROUP BY ALL
        )
        SELECT $run_id, c.person_id, c.topic, round({SCORE_SQL.format(raw="c.raw")})::SMALLINT, c.raw, c.posts,
               c.reactions, r.distinct_reactors, c.raw / t.total
        FROM candidates c JOIN reactors r USING (person_id, topic) JOIN totals t USING (person_id)
        WHERE r.distinct_reactors >= $min_reactors AND c.raw > 0 AND c.raw >= $min_share * t.total
        ORDER BY c.person_id, c.topic
        """,  # noqa: S608 - the mapping's fixed expression is formatted in; values are bound
        {
            "run_id": run_id,
            "min_posts": params.min_posts,
            "min_reactors": params.min_reactors,
            "min_share": params.min_share,
            **mapping_params(),
        },
    )
    con.execute(
        """
        INSERT INTO topic_evidence
        SELECT $run_id, person_id, topic,
               row_number() OVER (PARTITION BY person_id, topic ORDER BY value DESC, post_id DESC) AS rank,
               post_id, reactions, reactors, value
        FROM _topic_posts SEMI JOIN topic_influence USING (person_id, topic)
        QUALIFY rank <= $evidence_posts
        ORDER BY person_id, topic, rank
        """,
        {"run_id": run_id, "evidence_posts": params.evidence_posts},
    )


def _attribute(con: duckdb.DuckDBPyConnection, run_id: int, values: PostValues, params: TopicParams) -> None:
    """Write topic_influence and topic_evidence from the run's post values and the stored post_topics."""
    _post_reactions(con, values)
    _topic_posts(con, params)
    _write_influence(con, run_id, params)
    # On failure the caller's rollback removes the temp tables with everything else.
    con.execute("DROP TABLE _topic_posts")
    con.execute("DROP TABLE _topic_reactions")
    con.execute("DROP TABLE _topic_post_values")


def attribute(con: duckdb.DuckDBPyConnection, *, params: TopicParams | None = None, engine: Engine = LOCAL) -> int:
    """Recompute topic_influence and topic_evidence from the stored post_topics (no re-tagging); caller's transaction.

    Returns the score run used. Split from refresh_topics so the evidence rule can be tuned without classifying.
    """
    run = require_scores(con)
    _attribute(con, run.run_id, _run_inputs(con, run, engine).post_values(), params or TopicParams())
    return run.run_id


def refresh_topics(
    con: duckdb.DuckDBPyConnection,
    *,
    model: TopicModel | None = None,
    params: TopicParams | None = None,
    progress: Progress = silent,
    engine: Engine = LOCAL,
) -> TopicRefreshReport:
    """Tag every post with topics and recompute topic influence and its evidence, all in one transaction.

    Uses the saved topic model (trained from the shipped sample on first use) unless `model` is given, and
    the reactor weights of the latest score refresh: run it after the score refresh. On failure the stored
    topics stay as they were and TopicRefreshError says what to do.
    """
    params = params or TopicParams()
    start = time.perf_counter()
    seconds: dict[str, float] = {}
    require_scores(con)  # fail before the slow steps when there are no scores to weigh reactions by
    if model is None:
        progress(0.0, "Loading the topic model")
        model = load_or_train(progress=scaled(progress, 0.0, 0.1))
    try:
        with transaction(con):
            run = require_scores(con)
            inputs = _run_inputs(con, run, engine)
            # The post values (numpy) are worked out on a second thread while this one tags the new posts: the
            # two need nothing of each other, and the connection stays on this thread.
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="post-values") as pool:
                values = pool.submit(inputs.post_values)
                step = time.perf_counter()
                tagging = tag_posts(con, model, progress=scaled(progress, 0.1, 0.85))
                seconds["tagging"] = time.perf_counter() - step
                progress(0.85, "Weighing the reactions to each topic's posts")
                step = time.perf_counter()
                _attribute(con, run.run_id, values.result(), params)
            set_meta(
                con,
                {
                    "topics_refreshed_at": datetime.now().isoformat(timespec="seconds"),
                    "topics_model_trained_at": str(model.card.get("trained_at", "unknown")),
                    "topics_params": params.to_json(),
                },
            )
            seconds["influence"] = time.perf_counter() - step
            people, attributions = rows(con, "SELECT count(DISTINCT person_id), count(*) FROM topic_influence")[0]
            evidence = scalar(con, "SELECT count(*) FROM topic_evidence")
            tag_rows = scalar(con, "SELECT count(*) FROM post_topics")
    except duckdb.Error as exc:
        raise TopicRefreshError(
            f"The topic refresh failed in the warehouse ({exc}). Stored topics are unchanged; free memory or disk "
            "space, then refresh again."
        ) from exc
    progress(1.0, "Topics refreshed")
    return TopicRefreshReport(
        run_id=run.run_id,
        posts=tagging.tagged,
        kept=tagging.kept,
        not_covered=tagging.not_covered,
        without_topics=tagging.without_topics,
        post_topics=tag_rows,
        people=people,
        attributions=attributions,
        evidence=evidence,
        params=params,
        seconds=time.perf_counter() - start,
        step_seconds=seconds,
    )
