"""The window's Features from what the shared SQL (sql.py) returns, whichever engine ran it.

The SQL decides which reactions count and groups them into pairs and runs; this computes what each reaction
counts with reactions.py's own functions (credit, run_sums, pair_weights), so both engines share one definition
of the score's math. tests/unit/test_spark_engine.py runs it on DuckDB's answers against reactions.load_features.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa

from core.scoring.params import ScoreParams
from core.scoring.reactions import (
    Features,
    Reactions,
    Window,
    credit,
    dense_index,
    pack,
    pair_weights,
    run_sums,
)

EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True)
class Answers:
    """The shared SQL's answers for one window, as Arrow tables."""

    reactions: pa.Table  # WINDOW_REACTIONS
    runs: pa.Table  # PAIR_RUNS
    pairs: pa.Table  # PAIRS
    activity: pa.Table  # REACTOR_ACTIVITY
    written: pa.Table  # POSTS_WRITTEN
    first_us: int  # FIRST_INTERACTION


def column(table: pa.Table, name: str, dtype: Any) -> np.ndarray:
    """One column of an Arrow table as a numpy array of `dtype`."""
    return table.column(name).to_numpy().astype(dtype, copy=False)


def features(
    answers: Answers,
    *,
    accounts: pl.DataFrame,
    people: pl.DataFrame,
    as_of: datetime,
    start: datetime,
    window_days: int,
    params: ScoreParams,
) -> Features:
    """The Features reactions.load_features computes, from the shared SQL's answers."""
    found, n = answers.reactions, accounts.height
    actor, target, kind = (
        column(found, "actor", np.int32),
        column(found, "target", np.int32),
        column(found, "kind", np.int8),
    )
    t = column(found, "t", np.int32)
    fresh = credit(
        t, column(found, "on_reply", bool) | column(found, "in_reply", bool), (as_of - start).total_seconds(), params
    )
    post_id = column(found, "post_id", np.int64)
    on_post = post_id >= 0
    post = np.full(len(post_id), -1, dtype=np.int32)
    post[on_post], post_ids = dense_index(post_id[on_post])

    run_kind, run_count = column(answers.runs, "kind", np.int8), column(answers.runs, "n", np.int32)
    run_key = pack(column(answers.runs, "actor", np.int32), column(answers.runs, "target", np.int32), run_kind, n)
    pair_key = run_key >> 3
    new_pair = np.empty(len(run_key), dtype=bool)
    new_pair[:1] = True
    np.not_equal(pair_key[1:], pair_key[:-1], out=new_pair[1:])
    run_pair = (np.cumsum(new_pair) - 1).astype(np.int32)
    run_fresh = run_sums(run_key, run_count, pack(actor, target, kind, n), fresh)

    per_account = {
        name: np.zeros(n, dtype=np.int32)
        for name in ("all_targets", "distinct_targets", "once_targets", "reactions_given")
    }
    reactor = column(answers.activity, "aidx", np.int64)
    for name, values in per_account.items():
        values[reactor] = column(answers.activity, name, np.int32)
    posts_written = np.zeros(n, dtype=np.int32)
    posts_written[column(answers.written, "aidx", np.int64)] = column(answers.written, "n", np.int32)
    pair_actor = column(answers.pairs, "actor", np.int32)
    return Features(
        window=Window.covering(
            as_of=as_of,
            days=window_days,
            start=start,
            first_event=EPOCH + timedelta(microseconds=int(answers.first_us)),
            people=people.height,
            reactions=len(actor),
            pairs=len(pair_actor),
        ),
        accounts=accounts,
        people=people,
        reactions=Reactions(actor=actor, target=target, kind=kind, post=post, post_ids=post_ids, t=t, fresh=fresh),
        actor=pair_actor,
        target=column(answers.pairs, "target", np.int32),
        run_pair=run_pair,
        run_kind=run_kind,
        run_count=run_count,
        run_fresh=run_fresh,
        given=column(answers.pairs, "given", np.int32),
        w=pair_weights(run_pair, run_kind, run_fresh, len(pair_actor), params),
        posts_written=posts_written,
        **per_account,
    )
