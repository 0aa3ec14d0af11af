"""Reaction value per post and reacting person, exactly as the score sums it, for topic influence.

Each reaction to a post is worth its type weight times its pair's unit value (signals.unit_values: repetition
cap, selectivity, reactor authenticity, reactor weight, window scale) times the author's own authenticity
factor, so a person's post values add up to their combined raw score less what follows and reactions to no post
earned. For a stored run the window is loaded again (load_features: the same reactions, follow-backs dropped,
unknown accounts refused) and the ratings and reactor weights are the ones the run stored, not re-detected.
"""

from __future__ import annotations

import duckdb
import numpy as np
import polars as pl

from core.scoring.authenticity import rating_factor
from core.scoring.engine import LOCAL, Engine
from core.scoring.params import ScoreParams
from core.scoring.reactions import FOLLOW, Features, dense_index, index_of
from core.scoring.runs import RunRecord
from core.scoring.signals import PairValues, own_factor, pair_values, unit_values
from core.vocabulary import INTERACTION_TYPES


def post_values(f: Features, pv: PairValues, weight: np.ndarray, own: np.ndarray, params: ScoreParams) -> pl.DataFrame:
    """Per post and reacting person: post_id, person_id (author), reactor, value, reactions.

    `weight` is each person's reactor weight and `own` their own authenticity factor (signals.own_factor).
    Follows are left out: they react to a person, not to a post.
    """
    r = f.reactions
    on_post = np.flatnonzero((r.post >= 0) & (r.kind != FOLLOW))
    actor, target = r.actor[on_post].astype(np.int64), r.target[on_post]
    pair = f.reaction_pair[on_post]
    type_weight = np.array([params.type_weights()[t] for t in INTERACTION_TYPES])
    pidx = f.account_pidx
    reactor, author = pidx[actor].astype(np.int64), pidx[target]
    value = type_weight[r.kind[on_post]] * r.fresh[on_post] * unit_values(f, pv, weight)[pair] * own[author]
    n_people = f.window.people
    group, keys = dense_index(r.post[on_post].astype(np.int64) * n_people + reactor)
    group_author = np.zeros(len(keys), dtype=np.int64)
    group_author[group] = author  # a post has one author: the account reacted to
    person_id = f.people["person_id"].to_numpy()
    return pl.DataFrame(
        {
            "post_id": r.post_ids[keys // n_people],
            "person_id": person_id[group_author],
            "reactor": person_id[keys % n_people],
            "value": np.bincount(group, weights=value, minlength=len(keys)),
            "reactions": np.bincount(group, minlength=len(keys)).astype(np.int64),
        }
    )


def _stored_factor(con: duckdb.DuckDBPyConnection, f: Features, run: RunRecord) -> np.ndarray:
    """Per account: the authenticity factor of the rating the run stored (accounts it did not rate keep 1)."""
    found = con.sql("SELECT account_id, rating FROM authenticity WHERE run_id = ?", params=[run.run_id]).fetchnumpy()
    rating = np.full(f.accounts.height, 100, dtype=np.int16)
    at = index_of(np.asarray(found["account_id"]), f.accounts["account_id"].to_numpy())
    rating[at[at >= 0]] = np.asarray(found["rating"])[at >= 0]
    return rating_factor(rating, run.params)


def _stored_weights(con: duckdb.DuckDBPyConnection, f: Features, run: RunRecord) -> tuple[np.ndarray, np.ndarray]:
    """Per person: the reactor weight the run stored, and the ids of the people it stored one for."""
    found = con.sql(
        "SELECT person_id, reactor_weight FROM scores "
        "WHERE run_id = ? AND network = 'all' AND reactor_weight IS NOT NULL",
        params=[run.run_id],
    ).fetchnumpy()
    scored = np.asarray(found["person_id"])
    weight = np.zeros(f.window.people)
    at = index_of(scored, f.people["person_id"].to_numpy())
    weight[at[at >= 0]] = np.asarray(found["reactor_weight"], dtype=np.float64)[at >= 0]
    return weight, scored


def run_post_values(con: duckdb.DuckDBPyConnection, run: RunRecord, engine: Engine = LOCAL) -> pl.DataFrame:
    """post_values for a stored score run: its window and parameters, its ratings and reactor weights.

    `engine` loads the window's features (the one that scored the run, so both see the same reactions).

    Reactions by people the run gave no reactor weight (added since) are left out. Raises ScoringError where
    the score would (e.g. an interaction naming an unknown account).
    """
    assert run.as_of is not None
    f = engine.features(con, as_of=run.as_of, window_days=run.window_days, params=run.params)
    factor = _stored_factor(con, f, run)
    weight, scored = _stored_weights(con, f, run)
    values = post_values(f, pair_values(f, factor, run.params), weight, own_factor(f, factor), run.params)
    return values.join(pl.DataFrame({"reactor": scored}), on="reactor", how="semi", maintain_order="left")
