"""Every reaction finds its own reactor-account pair, whatever order the reactions come in."""

from datetime import timedelta
from types import SimpleNamespace

import numpy as np
import polars as pl

from core.scoring.params import ScoreParams
from core.scoring.reactions import dense_index, load_features, pack, pair_index, run_sums, stable_order
from tests.unit.scoring_world import START, World, warehouse_with


def test_each_reaction_finds_its_pair_in_any_order():
    rng = np.random.default_rng(3)
    n_accounts = 50
    drawn = {(int(a), int(t)) for a, t in rng.integers(0, n_accounts, (400, 2))}
    pairs = sorted(drawn)  # the window's pairs, sorted by actor then target
    f = SimpleNamespace(
        accounts=pl.DataFrame({"aidx": range(n_accounts)}),
        actor=np.array([a for a, _ in pairs], dtype=np.int32),
        target=np.array([t for _, t in pairs], dtype=np.int32),
    )
    reactions = [pairs[i] for i in rng.integers(0, len(pairs), 2_000)]  # repeats, in no order
    found = pair_index(f, np.array([a for a, _ in reactions]), np.array([t for _, t in reactions]))
    position = {pair: i for i, pair in enumerate(pairs)}
    assert found.tolist() == [position[pair] for pair in reactions]


def test_a_window_looks_its_reactions_pairs_up_once_and_each_is_its_own_pair():
    w = World()
    a, b, c = w.person("a"), w.person("b"), w.person("c")
    for day, (actor, target) in enumerate([(a, b), (c, b), (a, b), (b, c), (a, c), (c, b)]):
        w.react(actor, target, kind=("repost", "like", "reply")[day % 3], day=2 + day)
    con = warehouse_with(w)
    f = load_features(con, as_of=START + timedelta(days=30), window_days=90, params=ScoreParams())
    first = f.reaction_pair
    assert f.reaction_pair is first  # kept: top posts and post values share one lookup
    r = f.reactions
    assert len(first) == len(r.actor) == 6
    assert (f.actor[first] == r.actor).all() and (f.target[first] == r.target).all()
    assert len(f.actor) == 4  # a>b, a>c, b>c, c>b


def test_sparse_ids_get_dense_positions_in_id_order():
    rng = np.random.default_rng(5)
    drawn = rng.integers(0, 2**40, 500)  # far too sparse for a lookup array: the sorting path
    ids = np.concatenate([drawn, drawn[::3], [0, 2**40]])
    position, distinct = dense_index(ids)
    assert distinct.tolist() == sorted(set(ids.tolist()))
    assert (distinct[position] == ids).all()
    assert dense_index(np.zeros(0, dtype=np.int64))[0].size == 0


def test_dense_ids_get_the_same_positions_through_the_lookup_array():
    rng = np.random.default_rng(6)
    ids = rng.integers(0, 3_000, 2_000)  # dense enough for the lookup-array path
    position, distinct = dense_index(ids)
    assert distinct.tolist() == sorted(set(ids.tolist()))
    assert (distinct[position] == ids).all()
    assert position.max() == len(distinct) - 1


def test_stable_order_keeps_equal_values_in_their_original_order():
    # Top posts rank equal values by this order (the newer post first), so ties must not move between refreshes.
    values = np.random.default_rng(8).integers(0, 20, 5_000).astype(np.float64) / 4
    assert stable_order(values).tolist() == np.argsort(values, kind="stable").tolist()
    assert stable_order(np.array([2.0, 1.0, 2.0, 1.0])).tolist() == [1, 3, 0, 2]


def test_run_sums_add_each_runs_credits_whatever_order_the_reactions_come_in():
    key = np.array([30, 10, 30, 20, 10, 30])
    fresh = np.array([0.5, 1.0, 0.25, 0.125, 0.5, 1.0])
    run_key, run_count = np.array([10, 20, 30]), np.array([2, 1, 3])
    assert run_sums(run_key, run_count, key, fresh).tolist() == [1.5, 0.125, 1.75]
    assert run_sums(run_key, run_count, key, np.ones(6)).tolist() == [2.0, 1.0, 3.0]
    assert run_sums(np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(0)).size == 0


def test_one_sort_gives_each_reaction_its_pair_and_each_run_its_credit_as_a_lookup_would():
    rng = np.random.default_rng(11)
    w = World()
    people = [w.person(f"p{i}") for i in range(12)]
    kinds = ("repost", "like", "reply", "mention")
    for _ in range(300):
        actor, target = rng.choice(people, 2, replace=False)
        w.react(int(actor), int(target), kind=kinds[rng.integers(4)], day=float(rng.uniform(1, 80)))
    con = warehouse_with(w)
    f = load_features(con, as_of=START + timedelta(days=85), window_days=90, params=ScoreParams())
    r = f.reactions
    assert f.reaction_pair.tolist() == pair_index(f, r.actor, r.target).tolist()
    key = pack(r.actor, r.target, r.kind, f.accounts.height)
    run_key = pack(f.actor[f.run_pair], f.target[f.run_pair], f.run_kind, f.accounts.height)
    assert np.allclose(f.run_fresh, run_sums(run_key, f.run_count, key, r.fresh), rtol=1e-12)
    assert f.run_count.sum() == len(r.actor) == 300
    assert not np.allclose(f.run_fresh, f.run_count)  # recency is on: the sums are not mere counts
