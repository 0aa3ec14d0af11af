"""Where a refresh's data-sized steps run: the window's reaction features and the reactor-influence PageRank.

Everything else of the score (pair values, authenticity rules, the 1-100 mapping, explanations) is one set of
functions over the features both engines produce, so an engine swaps only these two steps. The local engine is
today's DuckDB + numpy/scipy path; core/engines/spark.py runs the same two steps on Apache Spark.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime

import duckdb
import numpy as np

from core.scoring.params import ScoreParams
from core.scoring.propagation import pagerank
from core.scoring.reactions import Features, load_features

# (con, *, as_of, window_days, params) -> the window's features, as reactions.load_features.
FeatureLoader = Callable[..., Features]
# (owner, actor, target, full, kept, teleport, damping) -> (mean-1 influence, steps), as propagation.pagerank.
Ranker = Callable[..., tuple[np.ndarray, int]]


@dataclass(frozen=True)
class Engine:
    """The two steps an engine provides, and its name for reports."""

    name: str
    features: FeatureLoader
    rank: Ranker


def _local_features(
    con: duckdb.DuckDBPyConnection, *, as_of: datetime, window_days: int, params: ScoreParams
) -> Features:
    return load_features(con, as_of=as_of, window_days=window_days, params=params)


LOCAL = Engine(name="local", features=_local_features, rank=pagerank)


@contextmanager
def reusing_features(engine: Engine) -> Iterator[Engine]:
    """The engine, loading each window's features once while the block runs, and forgetting them after.

    For steps that read the same window with nothing written to the reactions in between: a refresh's scores,
    then its topic influence (which loaded the window a second time: 22 s at a million people). The features
    are only read by the steps, never changed.
    """
    loaded: dict[tuple[datetime, int, ScoreParams], Features] = {}

    def features(con: duckdb.DuckDBPyConnection, *, as_of: datetime, window_days: int, params: ScoreParams) -> Features:
        key = (as_of, window_days, params)
        if key not in loaded:
            loaded[key] = engine.features(con, as_of=as_of, window_days=window_days, params=params)
        return loaded[key]

    try:
        yield replace(engine, features=features)
    finally:
        loaded.clear()
