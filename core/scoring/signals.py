"""Reaction value: each reactor-account pair's discounted value, summed per person, network and reaction type.

A pair (reactor account -> reacted-to account) with w repost-equivalents of reactions in the window is worth

    cap * (1 - exp(-w / cap))            repetition: one reactor adds at most `reactor_cap`
  x min(1, pivot / accounts reacted to)  selectivity: reacting to everything spreads the reactions thin
  x (rating / 100) ** power              authenticity of the reactor (1 when unflagged)
  x influence weight of the reactor      see propagation.py

split over the pair's reaction types in proportion to their weights. A person's raw value on a network is
the sum over the pairs of their accounts there; the combined raw value sums all networks. Raw values
are scaled by window / covered days when the warehouse holds less history than the window (a young
warehouse or the early days of a history backfill), so a score measures a rate, not data age, and are
then multiplied by the person's own authenticity factor and mapped to 1-100 (mapping.py), with an interval
and a "too little data" mark from a bootstrap over the reactors (uncertainty.py).
Per-account sums are numpy.bincount group-bys over the dense account index.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from core.scoring import uncertainty
from core.scoring.authenticity import Authenticity
from core.scoring.mapping import score_exact
from core.scoring.params import ScoreParams
from core.scoring.reactions import N_TYPES, Features, dense_index
from core.vocabulary import INTERACTION_TYPES

SIGNAL_COLUMNS = ("reactions", "reactors", "infl", "nominal", "kept", "value")


@dataclass
class PairValues:
    """Per pair: saturated weight, selectivity x authenticity of the reactor, and value per repost-equivalent."""

    sat: np.ndarray
    base: np.ndarray  # sat x selectivity x authenticity
    unit: np.ndarray  # base / w: the discounted value of one repost-equivalent of this pair
    reactor: np.ndarray  # per account: selectivity x authenticity as a reactor


@dataclass
class Scored:
    """Scores of every scope (each person's networks and 'all') with their per-type signals."""

    scopes: pl.DataFrame  # person_id, pidx, network, per-type signal columns, totals, raw, score ...
    scope_of_account: np.ndarray  # per account: its row among the first n_scopes (person x network) rows
    n_scopes: int  # rows before the people's combined rows, which follow in pidx order


def pair_values(f: Features, factor: np.ndarray, params: ScoreParams) -> PairValues:
    """Saturation, selectivity and reactor authenticity (`factor`, per account) of every pair."""
    sat = params.reactor_cap * -np.expm1(-f.w / params.reactor_cap)
    selectivity = np.minimum(1.0, params.selectivity_pivot / np.maximum(f.all_targets, 1))
    reactor = selectivity * factor
    base = sat * reactor[f.actor]
    unit = np.divide(base, f.w, out=np.zeros_like(base), where=f.w > 0)
    return PairValues(sat=sat, base=base, unit=unit, reactor=reactor)


def unit_values(f: Features, pv: PairValues, weight: np.ndarray) -> np.ndarray:
    """Per pair: what one repost-equivalent of its reactions adds to the reacted-to person's raw value.

    The one definition of a reaction's value: the score sums it per account and type, topic influence per post.
    """
    return pv.unit * (weight[f.account_pidx] * f.window.scale)[f.actor]


def _significant(x: np.ndarray, digits: int = 10) -> np.ndarray:
    """Round to significant digits: sums in a different order (parallel group-bys) then store identically."""
    magnitude = np.floor(np.log10(np.abs(x), out=np.zeros_like(x), where=x != 0))
    scale = 10.0 ** (digits - 1 - magnitude)
    return np.round(x * scale) / scale


def _per_account(f: Features, pv: PairValues, influence: np.ndarray, weight: np.ndarray) -> dict[str, np.ndarray]:
    """Signal columns per account and reaction type: one bincount per measure over the (pair, type) runs."""
    n = f.accounts.height
    src = f.account_pidx[f.actor]
    pair = f.run_pair
    slot = f.target[pair].astype(np.int64) * N_TYPES + f.run_kind
    size = n * N_TYPES
    count, fresh = f.run_count.astype(np.float64), f.run_fresh
    measures = {
        "reactions": np.bincount(slot, weights=count, minlength=size),
        "reactors": np.bincount(slot, minlength=size).astype(np.float64),
        "infl": np.bincount(slot, weights=influence[src][pair], minlength=size),
        "kept": np.bincount(slot, weights=fresh * pv.unit[pair], minlength=size),
        "value": np.bincount(slot, weights=fresh * unit_values(f, pv, weight)[pair], minlength=size),
    }
    columns = {
        f"{measure}_{t}": np.ascontiguousarray(values.reshape(n, N_TYPES)[:, i])
        for measure, values in measures.items()
        for i, t in enumerate(INTERACTION_TYPES)
    }
    columns["reactors"] = np.bincount(f.target, minlength=n).astype(np.float64)
    columns["infl"] = np.bincount(f.target, weights=influence[src], minlength=n)
    return columns


def _roll_up(columns: dict[str, np.ndarray], group: np.ndarray, size: int) -> dict[str, np.ndarray]:
    return {name: np.bincount(group, weights=values, minlength=size) for name, values in columns.items()}


def _lowest(values: np.ndarray, group: np.ndarray, size: int, start: float) -> np.ndarray:
    out = np.full(size, start, dtype=np.float64)
    np.minimum.at(out, group, values)
    return out


def own_factor(f: Features, factor: np.ndarray) -> np.ndarray:
    """Per person: the authenticity factor their combined raw value is multiplied by (their least authentic account)."""
    return _lowest(factor, f.account_pidx, f.window.people, 1.0)


def score(
    f: Features,
    pv: PairValues,
    influence: np.ndarray,
    weight: np.ndarray,
    auth: Authenticity,
    params: ScoreParams,
) -> Scored:
    """Sum the pairs per account and reaction type, roll up to person x network and person, and map to 1-100."""
    columns = _per_account(f, pv, influence, weight)
    for t, type_weight in params.type_weights().items():
        columns[f"nominal_{t}"] = columns[f"reactions_{t}"] * type_weight
        columns[f"kept_{t}"] *= type_weight
        columns[f"value_{t}"] *= type_weight
    pidx = f.account_pidx
    networks = f.accounts["network"]
    # Scopes: one per person and network (accounts of one person on one network add up) and one per person.
    network_code = networks.cast(pl.Categorical).to_physical().to_numpy().astype(np.int64)
    scope, _ = dense_index(pidx.astype(np.int64) * 1024 + network_code)
    n_scopes, n_people = int(scope.max()) + 1 if len(scope) else 0, f.window.people
    account_of_scope = np.zeros(n_scopes, dtype=np.int64)
    account_of_scope[scope] = np.arange(len(scope))
    if n_scopes == len(scope):  # one account per person and network: the accounts are the scopes
        per_network = {name: values[account_of_scope] for name, values in columns.items()}
    else:
        per_network = _roll_up(columns, scope, n_scopes)
    frames = [
        pl.DataFrame(per_network).with_columns(
            pidx=pl.Series(pidx[account_of_scope]),
            network=networks.gather(account_of_scope),
            own_factor=pl.Series(_lowest(auth.factor, scope, n_scopes, 1.0)),
            authenticity=pl.Series(_lowest(auth.rating, scope, n_scopes, 100.0)),
        ),
        pl.DataFrame(_roll_up(columns, pidx, n_people)).with_columns(
            pidx=pl.Series(np.arange(n_people, dtype=np.int32)),
            network=pl.lit("all"),
            own_factor=pl.Series(own_factor(f, auth.factor)),
            authenticity=pl.Series(_lowest(auth.rating, pidx, n_people, 100.0)),
        ),
    ]
    # Network rows, then combined rows, each block in person order (what per-person reads prune on).
    scopes = pl.concat(frames)
    order = scopes["pidx"].to_numpy()
    raw_before = _significant(sum(scopes[f"value_{t}"].to_numpy() for t in INTERACTION_TYPES))
    own = scopes["own_factor"].to_numpy()
    raw = _significant(raw_before * own)
    exact = score_exact(raw)
    # Uncertainty: a Poisson bootstrap over reactor accounts, each pair's value as the score sums it.
    pair_value = f.w * unit_values(f, pv, weight)
    variance = np.concatenate(
        [
            uncertainty.reactor_variance(pair_value, scope[f.target], n_scopes),
            uncertainty.reactor_variance(pair_value, pidx[f.target], n_people),
        ]
    ) * (own * own)
    low, high = uncertainty.interval(raw, variance, params.interval_z)
    reactors = scopes["reactors"].to_numpy()
    combined = (scopes["network"] == "all").to_numpy()
    scopes = scopes.with_columns(
        person_id=pl.Series(f.people["person_id"].to_numpy()[order]),
        authenticity=pl.col("authenticity").cast(pl.Int16),
        reactions=pl.sum_horizontal(f"reactions_{t}" for t in INTERACTION_TYPES).cast(pl.Int64),
        distinct_reactors=pl.col("reactors").cast(pl.Int64),
        mean_reactor_influence=pl.Series(
            np.divide(scopes["infl"].to_numpy(), reactors, out=np.full(len(reactors), np.nan), where=reactors > 0)
        ).fill_nan(None),
        raw_before=pl.Series(raw_before),
        raw=pl.Series(raw),
        score_before=pl.Series(score_exact(raw_before)),
        score_exact=pl.Series(exact),
        score=pl.Series(np.round(exact).astype(np.int16)),
        score_low=pl.Series(low),
        score_high=pl.Series(high),
        too_little_data=pl.Series(uncertainty.too_little_data(np.round(exact), reactors, low, high, params)),
        influence=pl.Series(np.where(combined, influence[order], np.nan)).fill_nan(None),
        reactor_weight=pl.Series(np.where(combined, weight[order], np.nan)).fill_nan(None),
    )
    return Scored(scopes=scopes, scope_of_account=scope, n_scopes=n_scopes)
