"""Windowed reaction features: who reacted to whom, on which post, how and when, inside the scoring window.

One columnar scan pulls the window's interactions; account and person ids become dense indices (aidx,
pidx) so that every later group-by is a sort or a numpy.bincount over small integer keys. Two kinds of
interaction are not reactions and are dropped here: reacting to one's own other account, and following back
an account that followed first in the window (the currency of follow-for-follow farms, not a response to
anything posted). Reactions are
then aggregated to reactor-account pairs (reacting account -> reacted-to account) with a count per type
by sorting one packed integer key (pair, type) and counting its runs: the same GROUP BY as SQL, but a
single radix-friendly sort, and the sorted order makes every later float sum bit-for-bit repeatable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import duckdb
import numpy as np
import polars as pl

from core.db.warehouse import rows, scalar
from core.scoring.params import ScoreParams, ScoringError
from core.vocabulary import INTERACTION_TYPES

N_TYPES = len(INTERACTION_TYPES)
FOLLOW = INTERACTION_TYPES.index("follow")
REPLY = INTERACTION_TYPES.index("reply")
MENTION = INTERACTION_TYPES.index("mention")


@dataclass(frozen=True)
class Window:
    """The scoring window and how much it holds."""

    as_of: datetime
    days: int
    start: datetime  # exclusive; the window is (start, as_of]
    coverage_days: float  # days of the window the warehouse actually has data for
    people: int
    reactions: int
    pairs: int

    @classmethod
    def covering(
        cls,
        *,
        as_of: datetime,
        days: int,
        start: datetime,
        first_event: datetime,
        people: int,
        reactions: int,
        pairs: int,
    ) -> Window:
        """The window, with the days of it the data covers: from the first stored event (or the start) to as_of."""
        coverage = max((as_of - max(first_event, start)).total_seconds() / 86400.0, 0.0)
        return cls(as_of, days, start, min(coverage, float(days)), people, reactions, pairs)

    @property
    def scale(self) -> float:
        """Raw values are scaled by this so a short history scores as a rate over the whole window."""
        return self.days / max(self.coverage_days, 1.0)


@dataclass
class Reactions:
    """Every reaction in the window (self-reactions dropped), as parallel arrays."""

    actor: np.ndarray  # aidx of the reacting account
    target: np.ndarray  # aidx of the reacted-to account
    kind: np.ndarray  # index into INTERACTION_TYPES
    post: np.ndarray  # index of the post reacted to in `post_ids`, -1 for none (follows, some mentions)
    post_ids: np.ndarray  # the distinct posts reacted to, sorted
    t: np.ndarray  # seconds after the window start
    fresh: np.ndarray  # credit: recency weight (1 at the window's end, halving every half-life before it) times
    # thread_weight for reactions collected in others' threads; 1 when both are off


@dataclass
class Features:
    """The window's reactions, their reactor-account pairs and per-account activity, on dense indices.

    Accounts are indexed 0..A-1 (aidx) in account_id order and people 0..P-1 (pidx) in person_id order;
    pairs are sorted by (actor, target).
    """

    window: Window
    accounts: pl.DataFrame  # aidx, account_id, person_id, pidx, network: one row per account, in aidx order
    people: pl.DataFrame  # pidx, person_id: one row per person, in pidx order
    reactions: Reactions
    actor: np.ndarray  # per pair: reacting account (aidx)
    target: np.ndarray  # per pair: reacted-to account (aidx)
    run_pair: np.ndarray  # per (pair, type) run: the pair
    run_kind: np.ndarray  # ... the reaction type (index into INTERACTION_TYPES)
    run_count: np.ndarray  # ... how many reactions of that type the pair has
    run_fresh: np.ndarray  # ... the same reactions summed by their recency weight (run_count when recency is off)
    given: np.ndarray  # per pair: reactions other than follows
    w: np.ndarray  # per pair: repost-equivalents (type-weighted reactions, each by its recency weight)
    all_targets: np.ndarray  # per account: distinct accounts reacted to or followed
    distinct_targets: np.ndarray  # per account: distinct accounts reacted to (follows aside)
    once_targets: np.ndarray  # per account: ... of which reacted to only once
    reactions_given: np.ndarray  # per account: reactions given (follows aside)
    posts_written: np.ndarray  # per account: posts and replies written in the window (not reposts)
    _reaction_pair: np.ndarray | None = field(default=None, repr=False)

    @property
    def account_pidx(self) -> np.ndarray:
        """Person index of each account."""
        return self.accounts["pidx"].to_numpy()

    @property
    def reaction_pair(self) -> np.ndarray:
        """Per reaction: the position of its (actor, target) pair, found once per window and kept.

        The score's top posts and topic influence's post values both need it for every reaction; a refresh shares
        one Features between them (engine.reusing_features). load_features gets it from its own sort; features
        built another way (the lake and Spark engines) look it up here once (~10 s at a million people).
        """
        if self._reaction_pair is None:
            self._reaction_pair = pair_index(self, self.reactions.actor, self.reactions.target)
        return self._reaction_pair


def latest_activity(con: duckdb.DuckDBPyConnection) -> datetime:
    """The latest interaction time in the warehouse: the default as-of, so the same data gives the same scores."""
    latest = scalar(con, "SELECT max(occurred_at) FROM interactions")
    if latest is None:
        raise ScoringError(
            "The warehouse holds no interactions to score. Build the demo world (python -m core demo) "
            "or import data (python -m core import FILE...), then refresh."
        )
    return latest


def index_of(ids: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Position of each id in `known` (sorted, unique), or -1 where it is not there."""
    if not len(known):
        return np.full(len(ids), -1, dtype=np.int32)
    if known[0] >= 0 and known[-1] < 4 * len(known) + 1_000_000:
        lookup = np.full(int(known[-1]) + 1, -1, dtype=np.int32)  # dense ids: one array read per id
        lookup[known] = np.arange(len(known), dtype=np.int32)
        if not len(ids) or (ids.min() >= 0 and ids.max() <= known[-1]):
            return lookup[ids]
        inside = (ids >= 0) & (ids <= known[-1])
        return np.where(inside, lookup[np.where(inside, ids, 0)], -1).astype(np.int32)
    pos = np.minimum(np.searchsorted(known, ids), len(known) - 1)
    return np.where(known[pos] == ids, pos, -1).astype(np.int32)


def sort_order(keys: np.ndarray) -> np.ndarray:
    """Positions that put `keys` in ascending order (equal keys in any order).

    Polars sorts on every core: twice numpy's argsort on two cores (2.5 s against 5.4 s for 40 million keys).
    """
    return pl.Series(keys).arg_sort().to_numpy()


def stable_order(values: np.ndarray) -> np.ndarray:
    """Positions that put `values` in ascending order, equal values in their original order (polars, every core:
    1.7 s with numpy's stable arg-sort for the 8.9 million posts that drew reactions at a million people)."""
    return pl.DataFrame({"value": values}).with_row_index("at").sort("value", maintain_order=True)["at"].to_numpy()


def dense_index(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(position of each id among the sorted distinct ids, the sorted distinct ids) of non-negative ids."""
    if len(ids) and ids.max() < 4 * len(ids) + 1_000_000:
        present = np.zeros(int(ids.max()) + 1, dtype=bool)
        present[ids] = True
        distinct = np.flatnonzero(present)
        # Only the present ids' slots are written: a cumulative sum over every slot took 3x longer.
        lookup = np.empty(len(present), dtype=np.int32)
        lookup[distinct] = np.arange(len(distinct), dtype=np.int32)
        return lookup[ids], distinct
    order = sort_order(ids)
    ordered = ids[order]
    first = np.empty(len(ids), dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    inverse = np.empty(len(ids), dtype=np.int32)
    inverse[order] = np.cumsum(first) - 1
    return inverse, ordered[first]


def indices(con: duckdb.DuckDBPyConnection) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(people: pidx, person_id; accounts: aidx, account_id, person_id, pidx, network), the dense indices."""
    people = con.sql("SELECT person_id FROM people ORDER BY person_id").pl()
    if not people.height:
        raise ScoringError(
            "The warehouse holds no people to score. Build the demo world (python -m core demo) "
            "or import data (python -m core import FILE...), then refresh."
        )
    people = people.with_row_index("pidx").with_columns(pl.col("pidx").cast(pl.Int32))
    accounts = con.sql(
        "SELECT account_id, person_id, network::VARCHAR AS network FROM accounts ORDER BY account_id"
    ).pl()
    pidx = index_of(accounts["person_id"].to_numpy(), people["person_id"].to_numpy())
    if (pidx < 0).any():
        example = accounts["account_id"][int(np.argmax(pidx < 0))]
        raise ScoringError(
            f"{int((pidx < 0).sum()):,} accounts belong to no known person (e.g. account {example}). "
            "Re-import the data with its people file, then refresh."
        )
    accounts = accounts.with_row_index("aidx").with_columns(pl.col("aidx").cast(pl.Int32), pidx=pl.Series(pidx))
    return people, accounts.select("aidx", "account_id", "person_id", "pidx", "network")


def follow_backs(actor: np.ndarray, target: np.ndarray, kind: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Which interactions are follows returning an earlier follow in the window (B follows A after A followed B).

    Following back is the etiquette follow-for-follow farms trade on, not a response to what someone posts.
    """
    back = np.zeros(len(kind), dtype=bool)
    follow = np.flatnonzero(kind == FOLLOW)
    if not len(follow):
        return back
    a, b, when = actor[follow].astype(np.int64), target[follow].astype(np.int64), t[follow]
    bits = max(int(max(a.max(), b.max())).bit_length(), 1)
    key = (a << bits) | b
    order = sort_order(key)  # ties in any order: only each pair's earliest time is kept
    sorted_key = key[order]
    starts = run_starts(sorted_key)
    pair, earliest = sorted_key[starts], np.minimum.reduceat(when[order], starts)  # each follow pair's first
    reverse = (b << bits) | a
    # Looking up sorted keys walks the pair array once instead of jumping around it (3x faster at 2M follows).
    by_reverse = sort_order(reverse)
    pos = np.empty(len(reverse), dtype=np.int64)
    pos[by_reverse] = np.searchsorted(pair, reverse[by_reverse])
    pos = np.minimum(pos, len(pair) - 1)
    back[follow] = (pair[pos] == reverse) & (earliest[pos] < when)
    return back


def reply_mentions(
    actor: np.ndarray, target: np.ndarray, kind: np.ndarray, t: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(mentions made inside a reply, those of them naming the account the reply answers) among the interactions.

    A mention is inside a reply when its actor replied at the same second; an importer of tweets records a reply's
    leading @ as a mention of the account it answers, besides the reply itself.
    """
    mention = kind == MENTION
    if not mention.any() or not (kind == REPLY).any():
        return mention & False, mention & False
    rows = np.flatnonzero(mention | (kind == REPLY))  # a few of the window's reactions: the rest cannot match
    frame = pl.DataFrame({"actor": actor[rows], "target": target[rows], "t": t[rows], "kind": kind[rows], "row": rows})
    replies = frame.filter(pl.col("kind") == REPLY)
    mentions = frame.filter(pl.col("kind") == MENTION)
    # A semi join keeps each mention once however many replies match it: no need to make the replies unique first.
    inside = mentions.join(replies, on=["actor", "t"], how="semi")["row"].to_numpy()
    echoes = mentions.join(replies, on=["actor", "target", "t"], how="semi")
    in_reply, echo = np.zeros(len(kind), dtype=bool), np.zeros(len(kind), dtype=bool)
    in_reply[inside] = True
    echo[echoes["row"].to_numpy()] = True
    return in_reply, echo


def freshness(t: np.ndarray, window_seconds: float, half_life_share: float) -> np.ndarray:
    """Recency weight of reactions `t` seconds after the window start: 1 at its end, halving every half-life.

    The half-life is a share of the window, so the same setting means the same for a 3-day and a 90-day window:
    a reaction last week says more about next week than one two months ago. A share of 0 weighs all alike.
    """
    if half_life_share <= 0:
        return np.ones(len(t))
    # In place: each temporary of 40 million floats costs a fresh 320 MB.
    weight = np.subtract(t, window_seconds, dtype=np.float64)
    weight /= half_life_share * window_seconds
    return np.exp2(weight, out=weight)


def credit(t: np.ndarray, collected: np.ndarray, window_seconds: float, params: ScoreParams) -> np.ndarray:
    """What each reaction counts: its recency weight, times thread_weight if collected in someone else's thread.

    Reactions to a reply the person wrote in someone else's thread, and mentions inside replies (a reply names
    everyone up its chain), were collected in others' threads: they count thread_weight of a reaction to a
    conversation the person started.
    """
    fresh = freshness(t, window_seconds, params.recency_half_life_share)
    fresh[collected] *= params.thread_weight
    return fresh


def pair_index(f: Features, actor: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Position of each (actor, target) among the window's pairs (sorted by actor, then target); each must be one.

    The keys are looked up in sorted order: probing 40 million keys at random into 37 million pairs misses the
    cache at every step (78 s at a million people), while sorted probes walk the pairs once (~10 s, sort included).
    """
    n_accounts = f.accounts.height
    keys = actor.astype(np.int64) * n_accounts + target
    order = sort_order(keys)
    found = np.empty(len(keys), dtype=np.int64)
    found[order] = np.searchsorted(f.actor.astype(np.int64) * n_accounts + f.target, keys[order])
    return found


def pack(actor: np.ndarray, target: np.ndarray, kind: np.ndarray, n_accounts: int) -> np.ndarray:
    """(actor, target, type) in one sortable integer: sorted keys are in (actor, target, type) order."""
    bits = max(int(n_accounts - 1).bit_length(), 1)
    key = actor.astype(np.int64) << (bits + 3)
    key |= target.astype(np.int64) << 3
    key |= kind
    return key


def run_sums(run_key: np.ndarray, run_count: np.ndarray, key: np.ndarray, fresh: np.ndarray) -> np.ndarray:
    """Per (pair, type) run (`run_key`, the sorted distinct packed keys, `run_count` reactions each): its reactions
    (packed `key`) summed by their credit."""
    if (fresh == 1).all() or not len(run_key):
        return run_count.astype(np.float64)
    # Credits are summed in key order, one sort and a gather: a binary search per reaction into the run keys
    # (random reads over hundreds of MB) took 79 s for 40 million reactions, the sort about 3 s.
    return sums_by_run(run_count, fresh[sort_order(key)])


def run_starts(ordered: np.ndarray) -> np.ndarray:
    """Where each run of equal values begins in `ordered` (sorted)."""
    first = np.empty(len(ordered), dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return np.flatnonzero(first)


def sums_by_run(run_count: np.ndarray, ordered: np.ndarray) -> np.ndarray:
    """Per run of `run_count` consecutive values of `ordered` (credits in packed-key order): their sum."""
    if not len(run_count):
        return np.zeros(0)
    starts = np.zeros(len(run_count), dtype=np.int64)
    np.cumsum(run_count[:-1], out=starts[1:])
    return np.add.reduceat(ordered, starts)


def pair_weights(
    run_pair: np.ndarray, run_kind: np.ndarray, run_fresh: np.ndarray, n_pairs: int, params: ScoreParams
) -> np.ndarray:
    """Per pair: repost-equivalents, each reaction weighted by its type's weight and its credit."""
    weights = np.array([params.type_weights()[t] for t in INTERACTION_TYPES])
    return np.bincount(run_pair, weights=run_fresh * weights[run_kind], minlength=n_pairs)


def _reactions(
    con: duckdb.DuckDBPyConnection, accounts: pl.DataFrame, start: datetime, as_of: datetime, params: ScoreParams
) -> Reactions:
    """All interactions of the window on dense indices; fails if one names an unknown account."""
    labels = rows(con, "SELECT unnest(enum_range(NULL::interaction_type))")
    code_to_kind = np.array([INTERACTION_TYPES.index(label) for (label,) in labels], dtype=np.int8)
    raw = con.sql(
        """
        SELECT i.actor_account_id AS actor, i.target_account_id AS target, enum_code(i.type) AS code,
               coalesce(i.post_id, -1) AS post_id, (epoch(i.occurred_at) - epoch($start::TIMESTAMP))::INTEGER AS t
        FROM interactions i WHERE i.occurred_at > $start AND i.occurred_at <= $as_of
        """,
        params={"start": start, "as_of": as_of},
    ).pl()
    # Which posts are replies, looked up after the scan: joining every reaction to the posts took 2-3 s more.
    replies = con.sql("SELECT post_id FROM posts WHERE kind = 'reply' ORDER BY post_id").fetchnumpy()["post_id"]
    raw = {name: raw[name].to_numpy() for name in raw.columns}
    known = accounts["account_id"].to_numpy()
    actor, target = index_of(raw["actor"], known), index_of(raw["target"], known)
    unknown = (actor < 0) | (target < 0)
    if unknown.any():
        i = int(np.argmax(unknown))
        raise ScoringError(
            f"{int(unknown.sum()):,} interactions in the scoring window refer to accounts the warehouse does not "
            f"hold (e.g. {raw['actor'][i]} -> {raw['target'][i]}). Re-import the data with its accounts file so "
            "every actor and target is a known account, then refresh."
        )
    pidx = accounts["pidx"].to_numpy()
    kind, post_id, t = code_to_kind[raw["code"]], raw["post_id"], raw["t"]
    in_reply, echo = reply_mentions(actor, target, kind, t)
    # Reacting to one's own other account is not influence, following back is courtesy, not influence, and the
    # @ a reply carries of the account it answers is that reply, not a second reaction.
    own = (pidx[actor] == pidx[target]) | follow_backs(actor, target, kind, t) | echo
    if own.any():
        keep = ~own
        actor, target, kind, post_id, t = actor[keep], target[keep], kind[keep], post_id[keep], t[keep]
        in_reply = in_reply[keep]
    on_post = post_id >= 0
    post = np.full(len(post_id), -1, dtype=np.int32)
    post[on_post], post_ids = dense_index(post_id[on_post])
    on_reply = np.zeros(len(post), dtype=bool)
    on_reply[on_post] = (index_of(post_ids, np.asarray(replies)) >= 0)[post[on_post]]
    fresh = credit(t, on_reply | in_reply, (as_of - start).total_seconds(), params)
    return Reactions(actor=actor, target=target, kind=kind, post=post, post_ids=post_ids, t=t, fresh=fresh)


def _pairs(r: Reactions, n_accounts: int) -> tuple[np.ndarray, ...]:
    """Unique (actor, target) pairs in sorted order, the (pair, type) runs with their counts and credit sums, and
    each reaction's pair: all from one sort of the packed keys (a second sort and a lookup of every reaction's pair
    took 13 s more at a million people)."""
    bits = max(int(n_accounts - 1).bit_length(), 1)
    recency = not (r.fresh == 1).all()
    # One stable sort carrying the credits along: polars gathers the carried column on both cores, where an
    # arg-sort followed by numpy gathers of the keys and the credits took 1-2 s more at a million people.
    columns = {"key": pack(r.actor, r.target, r.kind, n_accounts)} | ({"fresh": r.fresh} if recency else {})
    frame = pl.DataFrame(columns).with_row_index("at").sort("key", maintain_order=True)
    order, packed = frame["at"].to_numpy(), frame["key"].to_numpy()
    run_start = run_starts(packed)
    run_key = packed[run_start]
    # In place and in 32 bits: each temporary of 38 million int64 costs a fresh 300 MB to fill.
    run_count = np.empty(len(run_start), dtype=np.int32)
    np.subtract(run_start[1:], run_start[:-1], out=run_count[:-1], casting="unsafe")
    run_count[-1:] = len(packed) - run_start[-1:]
    pair_key = run_key >> 3
    new_pair = np.empty(len(run_key), dtype=bool)
    new_pair[:1] = True
    np.not_equal(pair_key[1:], pair_key[:-1], out=new_pair[1:])
    run_pair = np.cumsum(new_pair, dtype=np.int32)
    run_pair -= 1
    pair = pair_key[new_pair]
    actor = (pair >> bits).astype(np.int32)
    target = (pair & ((1 << bits) - 1)).astype(np.int32)
    reaction_pair = np.empty(len(packed), dtype=np.int32)
    reaction_pair[order] = np.repeat(run_pair, run_count)
    fresh = sums_by_run(run_count, frame["fresh"].to_numpy()) if recency else run_count.astype(np.float64)
    return actor, target, run_pair, (run_key & 7).astype(np.int8), run_count, fresh, reaction_pair


def window_start(as_of: datetime, window_days: int) -> datetime:
    """Where the window (start, as_of] starts; fails on a window shorter than a day."""
    if window_days < 1:
        raise ScoringError(f"The scoring window must be at least 1 day (got {window_days}).")
    return as_of - timedelta(days=window_days)


def no_reactions(start: datetime, as_of: datetime, window_days: int) -> ScoringError:
    """The error for a window without reactions, saying what to do."""
    return ScoringError(
        f"No reactions (reposts, replies, mentions, likes, clicks, follows) between {start:%Y-%m-%d %H:%M} and "
        f"{as_of:%Y-%m-%d %H:%M} ({window_days}-day window). Widen the window (--window-days) or import "
        "interactions for this period, then refresh."
    )


def load_features(
    con: duckdb.DuckDBPyConnection, *, as_of: datetime, window_days: int, params: ScoreParams
) -> Features:
    """Collect the window's reactions, their reactor-account pairs and per-account activity; fail on bad data."""
    start = window_start(as_of, window_days)
    people, accounts = indices(con)
    r = _reactions(con, accounts, start, as_of, params)
    if not len(r.actor):
        raise no_reactions(start, as_of, window_days)
    n = accounts.height
    actor, target, run_pair, run_kind, run_count, run_fresh, reaction_pair = _pairs(r, n)
    n_pairs = len(actor)
    given = np.bincount(run_pair, weights=run_count * (run_kind != FOLLOW), minlength=n_pairs).astype(np.int32)
    written = con.sql(
        """
        SELECT account_id, count(*) AS n FROM posts
        WHERE posted_at > $start AND posted_at <= $as_of AND kind <> 'repost' GROUP BY account_id
        """,
        params={"start": start, "as_of": as_of},
    ).fetchnumpy()
    posts_written = np.zeros(n, dtype=np.int32)
    writer = index_of(written["account_id"], accounts["account_id"].to_numpy())
    posts_written[writer[writer >= 0]] = written["n"][writer >= 0]
    return Features(
        window=Window.covering(
            as_of=as_of,
            days=window_days,
            start=start,
            first_event=scalar(con, "SELECT min(occurred_at) FROM interactions"),
            people=people.height,
            reactions=len(r.actor),
            pairs=len(actor),
        ),
        accounts=accounts,
        people=people,
        reactions=r,
        actor=actor,
        target=target,
        run_pair=run_pair,
        run_kind=run_kind,
        run_count=run_count,
        run_fresh=run_fresh,
        given=given,
        w=pair_weights(run_pair, run_kind, run_fresh, n_pairs, params),
        all_targets=np.bincount(actor, minlength=n).astype(np.int32),
        distinct_targets=np.bincount(actor[given > 0], minlength=n).astype(np.int32),
        once_targets=np.bincount(actor[given == 1], minlength=n).astype(np.int32),
        reactions_given=np.bincount(actor, weights=given, minlength=n).astype(np.int32),
        posts_written=posts_written,
        _reaction_pair=reaction_pair,
    )
