"""Every reaction finds its own reactor-account pair, whatever order the reactions come in."""

from types import SimpleNamespace

import numpy as np
import polars as pl

from core.scoring.reactions import pair_index


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
