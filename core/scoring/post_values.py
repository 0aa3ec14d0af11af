"""Reaction value per post, exactly as the score sums it, and who reacted, for topic influence.

Each reaction to a post is worth its type weight times its pair's unit value (signals.unit_values: repetition
cap, selectivity, reactor authenticity, reactor weight, window scale) times the author's own authenticity
factor, so a person's post values add up to their combined raw score less what follows and reactions to no post
earned. For a stored run the window is loaded again (load_features: the same reactions, follow-backs dropped,
unknown accounts refused) and the ratings and reactor weights are the ones the run stored, not re-detected.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import polars as pl

from core.scoring.authenticity import rating_factor
from core.scoring.engine import LOCAL, Engine
from core.scoring.params import ScoreParams
from core.scoring.reactions import FOLLOW, Features, index_of, run_starts
from core.scoring.runs import RunRecord
from core.scoring.signals import PairValues, own_factor, pair_values, unit_values
from core.vocabulary import INTERACTION_TYPES


@dataclass(frozen=True)
class PostValues:
    """The reactions to posts as the score values them, per post and, for counting distinct people, who reacted."""

    posts: pl.DataFrame  # post_id, person_id (author), value, reactions, reactors (distinct reacting people)
    reactors: pl.DataFrame  # post_id, reactor: one row per post and person who reacted to it


def post_values(
    f: Features,
    pv: PairValues,
    weight: np.ndarray,
    own: np.ndarray,
    params: ScoreParams,
    counted: np.ndarray,
) -> PostValues:
    """Per post its value, reactions and reacting people, and who those people are.

    `weight` is each person's reactor weight, `own` their own authenticity factor (signals.own_factor) and
    `counted` whether their reactions count at all (people the score run did not weigh do not). Follows are left
    out: they react to a person, not to a post.
    """
    r = f.reactions
    pidx = f.account_pidx
    reactor_of = pidx[r.actor]
    on_post = np.flatnonzero((r.post >= 0) & (r.kind != FOLLOW) & counted[reactor_of])
    reactor, author = reactor_of[on_post].astype(np.int64), pidx[r.target[on_post]]
    type_weight = np.array([params.type_weights()[t] for t in INTERACTION_TYPES])
    unit = unit_values(f, pv, weight)[f.reaction_pair[on_post]]
    value = type_weight[r.kind[on_post]] * r.fresh[on_post] * unit * own[author]
    n_people, n_posts = f.window.people, len(r.post_ids)
    post = r.post[on_post]
    author_of = np.zeros(n_posts, dtype=np.int64)
    author_of[post] = author  # a post has one author: the person whose account was reacted to
    reactions = np.bincount(post, minlength=n_posts)
    reacted = np.flatnonzero(reactions)
    # Who reacted to what: the distinct (post, person) keys, from a sort of the keys alone. Grouping the values
    # by those keys as well took 12-18 s at a million people; per post by bincount and this sort, 7.5-9.5 s.
    # Polars sorts the 38 million keys on every core: 0.8 s, where numpy's single-threaded sort took 3.7 s.
    keys = pl.Series(post.astype(np.int64) * n_people + reactor).sort().to_numpy()
    distinct = keys[run_starts(keys)]
    by_post, by_person = distinct // n_people, distinct % n_people
    person_id = f.people["person_id"].to_numpy()
    return PostValues(
        posts=pl.DataFrame(
            {
                "post_id": r.post_ids[reacted],
                "person_id": person_id[author_of[reacted]],
                "value": np.bincount(post, weights=value, minlength=n_posts)[reacted],
                "reactions": reactions[reacted].astype(np.int64),
                "reactors": np.bincount(by_post, minlength=n_posts)[reacted].astype(np.int64),
            }
        ),
        reactors=pl.DataFrame({"post_id": r.post_ids[by_post], "reactor": person_id[by_person]}),
    )


def _stored_factor(con: duckdb.DuckDBPyConnection, f: Features, run: RunRecord) -> np.ndarray:
    """Per account: the authenticity factor of the rating the run stored (accounts it did not rate keep 1)."""
    found = con.sql("SELECT account_id, rating FROM authenticity WHERE run_id = ?", params=[run.run_id]).fetchnumpy()
    rating = np.full(f.accounts.height, 100, dtype=np.int16)
    at = index_of(np.asarray(found["account_id"]), f.accounts["account_id"].to_numpy())
    rating[at[at >= 0]] = np.asarray(found["rating"])[at >= 0]
    return rating_factor(rating, run.params)


def _stored_weights(con: duckdb.DuckDBPyConnection, f: Features, run: RunRecord) -> tuple[np.ndarray, np.ndarray]:
    """Per person: the reactor weight the run stored, and whether it stored one (people added since have none)."""
    found = con.sql(
        "SELECT person_id, reactor_weight FROM scores "
        "WHERE run_id = ? AND network = 'all' AND reactor_weight IS NOT NULL",
        params=[run.run_id],
    ).fetchnumpy()
    at = index_of(np.asarray(found["person_id"]), f.people["person_id"].to_numpy())
    weight, stored = np.zeros(f.window.people), np.zeros(f.window.people, dtype=bool)
    weight[at[at >= 0]] = np.asarray(found["reactor_weight"], dtype=np.float64)[at >= 0]
    stored[at[at >= 0]] = True
    return weight, stored


@dataclass(frozen=True)
class RunInputs:
    """What post_values needs of a stored score run, read from the warehouse: its window's features, the
    authenticity factors of its ratings, its reactor weights and whom it weighed."""

    features: Features
    factor: np.ndarray
    weight: np.ndarray
    stored: np.ndarray
    params: ScoreParams

    def post_values(self) -> PostValues:
        """post_values with the run's ratings and weights; numpy and polars only, so it may run on another thread
        while the connection does other work."""
        f, factor, params = self.features, self.factor, self.params
        return post_values(f, pair_values(f, factor, params), self.weight, own_factor(f, factor), params, self.stored)


def read_run_inputs(con: duckdb.DuckDBPyConnection, run: RunRecord, engine: Engine = LOCAL) -> RunInputs:
    """Read what post_values needs of a stored run: its window (loaded by `engine`, the one that scored the run,
    so both see the same reactions), ratings and reactor weights.

    Reactions by people the run gave no reactor weight (added since) are left out. Raises ScoringError where
    the score would (e.g. an interaction naming an unknown account).
    """
    assert run.as_of is not None
    f = engine.features(con, as_of=run.as_of, window_days=run.window_days, params=run.params)
    weight, stored = _stored_weights(con, f, run)
    return RunInputs(f, _stored_factor(con, f, run), weight, stored, run.params)
