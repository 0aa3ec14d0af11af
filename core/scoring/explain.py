"""Explanations: why each person has their score, as rows the UI can show without recomputing.

Score points are shared out in proportion to raw value, so for every person and network the points of
the signal rows add up to score - 1 (the floor): one row per reaction type (reactions, distinct reactors,
their mean influence, the share removed by repetition / selectivity / inauthentic-reactor / age (recency) discounts, raw
value, points), and an `authenticity` row with the (negative) points of the person's own discount when
flagged. Top posts carry the points each post drove; a post's share values each reaction exactly as the score
and topic influence do (signals.unit_values: a pair's repetition cap spread evenly over its reactions, times
selectivity, authenticity and influence of the reactor), so a post's value here is its value in topic evidence.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from core.scoring.params import ScoreParams
from core.scoring.reactions import Features, sort_order, stable_order
from core.scoring.signals import PairValues, Scored, unit_values
from core.vocabulary import INTERACTION_TYPES

TOP_POSTS = 3


def _share_of_points(value: pl.Expr) -> pl.Expr:
    return pl.when(pl.col("raw_before") > 0).then((pl.col("score_before") - 1) * value / pl.col("raw_before"))


def signal_rows(scored: Scored) -> pl.DataFrame:
    """One row per person, network and reaction type received, plus the own-authenticity discount row."""
    scopes = scored.scopes.lazy()
    parts = [
        scopes.filter(pl.col(f"reactions_{t}") > 0).select(
            "person_id",
            "network",
            signal=pl.lit(t),
            reactions=pl.col(f"reactions_{t}").cast(pl.Int64),
            distinct_reactors=pl.col(f"reactors_{t}").cast(pl.Int64),
            mean_reactor_influence=pl.col(f"infl_{t}") / pl.col(f"reactors_{t}"),
            nominal=pl.col(f"nominal_{t}"),
            discount=pl.when(pl.col(f"nominal_{t}") > 0).then(1 - pl.col(f"kept_{t}") / pl.col(f"nominal_{t}")),
            value=pl.col(f"value_{t}"),
            points=_share_of_points(pl.col(f"value_{t}")).fill_null(0.0),
        )
        for t in INTERACTION_TYPES
    ]
    own = scopes.filter((pl.col("own_factor") < 1) & (pl.col("raw_before") > 0)).select(
        "person_id",
        "network",
        signal=pl.lit("authenticity"),
        reactions=pl.lit(None, dtype=pl.Int64),
        distinct_reactors=pl.lit(None, dtype=pl.Int64),
        mean_reactor_influence=pl.lit(None, dtype=pl.Float64),
        nominal=pl.lit(None, dtype=pl.Float64),
        discount=1 - pl.col("own_factor"),
        value=pl.col("raw") - pl.col("raw_before"),
        points=pl.col("score_exact") - pl.col("score_before"),
    )
    return pl.concat([*parts, own]).collect()  # blocks in person order: per-person reads still prune row groups


def _best(group: np.ndarray, order_key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first TOP_POSTS items of each group by order_key (unique, smaller first): (their indices, ranks)."""
    order = sort_order((group.astype(np.int64) << 32) | order_key)
    grouped = group[order]
    first = np.empty(len(order), dtype=bool)
    first[:1] = True
    np.not_equal(grouped[1:], grouped[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    position = np.arange(len(order)) - starts[np.cumsum(first) - 1]
    keep = position < TOP_POSTS
    return order[keep], (position[keep] + 1).astype(np.int8)


def top_posts(f: Features, pv: PairValues, weight: np.ndarray, scored: Scored, params: ScoreParams) -> pl.DataFrame:
    """The posts that drove each score most: rank, post, reactions, value and points, per person and network."""
    r = f.reactions
    unit = unit_values(f, pv, weight)
    type_weight = np.array([params.type_weights()[t] for t in INTERACTION_TYPES])
    slot = r.post + 1  # slot 0 collects the reactions on no post, dropped below
    n_slots = len(r.post_ids) + 1
    value = np.bincount(slot, weights=type_weight[r.kind] * r.fresh * unit[f.reaction_pair], minlength=n_slots)[1:]
    reactions = np.bincount(slot, minlength=n_slots)[1:]
    owner = np.zeros(n_slots, dtype=np.int32)
    owner[slot] = r.target
    owner = owner[1:]
    # A post's points share out its scope's points by its value, valued exactly as the score values reactions
    # (signals.unit_values), against the value of all the reactions the scope received. The points are the score's
    # own (after a flagged person's own authenticity discount): a post never shows more points than the score has.
    pidx, scope, n_scopes = f.account_pidx, scored.scope_of_account, scored.n_scopes
    nominal = np.bincount(f.target, weights=f.w * unit, minlength=f.accounts.height)
    before = scored.scopes["score_exact"].to_numpy() - 1
    per_value = [
        np.divide(points, total, out=np.zeros(len(total)), where=total > 0)
        for points, total in (
            (before[:n_scopes], np.bincount(scope, weights=nominal, minlength=n_scopes)),
            (before[n_scopes:], np.bincount(pidx, weights=nominal, minlength=f.window.people)),
        )
    ]
    drove = np.flatnonzero(value > 0)
    # Order: more value first, then the newer (larger) post id; the stable sort keeps post-id order on ties.
    rank = np.empty(len(drove), dtype=np.int64)
    rank[stable_order(value[drove])] = np.arange(len(drove))[::-1]
    person_id = f.people["person_id"].to_numpy()
    frames = []
    for group, network, points_per_value in (
        (scope[owner[drove]], None, per_value[0]),
        (pidx[owner[drove]], "all", per_value[1]),
    ):
        picked, ranks = _best(group, rank)
        post = drove[picked]
        frames.append(
            pl.DataFrame(
                {
                    "person_id": person_id[pidx[owner[post]]],
                    "network": f.accounts["network"].gather(owner[post]) if network is None else network,
                    "rank": ranks,
                    "post_id": r.post_ids[post],
                    "reactions": reactions[post].astype(np.int64),
                    "value": value[post],
                    "points": value[post] * points_per_value[group[picked]],
                }
            )
        )
    return pl.concat(frames)
