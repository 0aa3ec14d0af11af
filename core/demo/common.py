"""Constants and vectorised sampling helpers shared by every part of the demo world."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from core.corpus.samples import TOPICS
from core.vocabulary import DEMO_NETWORKS, INTERACTION_TYPES, POST_KINDS

DEMO_END = datetime(2026, 10, 31, 23, 59, 59)
DAY = 86_400

TWITTER, INSTAGRAM, YOUTUBE, TIKTOK, BLOG = range(len(DEMO_NETWORKS))
REPOST, REPLY, MENTION, LIKE, CLICK, FOLLOW = range(len(INTERACTION_TYPES))
KIND_POST, KIND_REPLY, KIND_REPOST = range(len(POST_KINDS))
N_TOPICS = len(TOPICS)

# Posting by hour of day: quiet nights, peaks at breakfast, lunch and in the evening.
HOUR_WEIGHTS = np.array([
    1.0, 0.6, 0.4, 0.3, 0.3, 0.5, 1.2, 2.6, 3.6, 3.2, 2.6, 2.9,  # 00:00-11:00
    3.6, 3.3, 2.6, 2.4, 2.6, 3.0, 3.6, 4.2, 4.4, 3.9, 2.9, 1.8,  # 12:00-23:00
])  # fmt: skip
HOUR_P = HOUR_WEIGHTS / HOUR_WEIGHTS.sum()


@dataclass(frozen=True)
class Window:
    """The observed period: `days` whole days ending at DEMO_END; times are int seconds from its start."""

    days: int

    @property
    def seconds(self) -> int:
        return self.days * DAY

    @property
    def start(self) -> datetime:
        return DEMO_END + timedelta(seconds=1) - timedelta(days=self.days)

    def to_datetime64(self, t: np.ndarray) -> np.ndarray:
        """Seconds from the window start as numpy datetime64[us] (what polars and DuckDB store as TIMESTAMP)."""
        start_us = np.datetime64(self.start, "us").astype(np.int64)
        return (start_us + t.astype(np.int64) * 1_000_000).astype("datetime64[us]")


def stream(seed: int, *keys: int) -> np.random.Generator:
    """An independent generator per stage, so that changing one stage leaves the others' draws alone."""
    return np.random.default_rng([seed, *keys])


def rhythm_times(rng: np.random.Generator, first_day: np.ndarray | int, n_days: np.ndarray | int, n: int) -> np.ndarray:
    """`n` times (seconds from window start) on a uniform day in [first_day, first_day+n_days) at a daily rhythm."""
    day = np.asarray(first_day) + np.floor(rng.random(n) * np.asarray(n_days)).astype(np.int64)
    hour = rng.choice(24, size=n, p=HOUR_P)
    return day * DAY + hour * 3600 + rng.integers(0, 3600, n)


def lognormal_delays(rng: np.random.Generator, n: int, median_s: float, sigma: float) -> np.ndarray:
    """Heavy-tailed reaction delays in whole seconds (at least one)."""
    return np.maximum(1, (median_s * np.exp(sigma * rng.standard_normal(n))).astype(np.int64))


def segment_arange(counts: np.ndarray) -> np.ndarray:
    """For np.repeat(x, counts): each element's position inside its own segment (0, 1, ... count-1)."""
    counts = counts.astype(np.int64)
    ends = np.cumsum(counts)
    return np.arange(ends[-1] if len(ends) else 0, dtype=np.int64) - np.repeat(ends - counts, counts)


def pick_distinct(rng: np.random.Generator, weights: np.ndarray, k: np.ndarray, width: int) -> np.ndarray:
    """Per row, k[i] <= width distinct columns drawn by weight (Gumbel top-k); (rows, width), -1 padded."""
    rows = len(k)
    keys = np.log(np.broadcast_to(weights, (rows, weights.shape[-1]))) + rng.gumbel(size=(rows, weights.shape[-1]))
    chosen = np.argsort(-keys, axis=1, kind="stable")[:, :width].astype(np.int16)
    chosen[np.arange(width)[None, :] >= k[:, None]] = -1
    return chosen


def hash_uniform(seed: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """A fixed pseudo-random uniform in [0, 1) per (a, b) pair (splitmix64), for draws that must repeat."""
    x = a.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) ^ b.astype(np.uint64) * np.uint64(0xBF58476D1CE4E5B9)
    x ^= np.uint64((seed * 0x94D049BB133111EB) % 2**64)
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return (x >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def percentile_rank(x: np.ndarray) -> np.ndarray:
    """Each value's rank as a fraction in [0, 1) (ties broken by position, so it is deterministic)."""
    ranks = np.empty(len(x), dtype=np.float64)
    ranks[np.argsort(x, kind="stable")] = np.arange(len(x))
    return ranks / max(len(x), 1)


class GroupSampler:
    """Weighted draws of members inside numbered groups, for millions of draws at once (one searchsorted)."""

    def __init__(self, group: np.ndarray, member: np.ndarray, weight: np.ndarray, n_groups: int) -> None:
        keep = weight > 0
        group, member, weight = group[keep], member[keep], weight[keep]
        order = np.lexsort((member, group))
        sorted_group = group[order]
        self.member = member[order]
        self.cum = np.cumsum(weight[order].astype(np.float64))
        groups = np.arange(n_groups)
        self.start = np.searchsorted(sorted_group, groups, side="left")
        self.end = np.searchsorted(sorted_group, groups, side="right")
        before = np.concatenate([[0.0], self.cum])
        self.base = before[self.start]
        self.total = before[self.end] - self.base

    def has(self, group: np.ndarray) -> np.ndarray:
        """Which groups have anyone to draw."""
        return self.total[group] > 0

    def draw(self, group: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Positions in `member` for uniforms `u` in the given (non-empty) groups."""
        pos = np.searchsorted(self.cum, self.base[group] + u * self.total[group], side="right")
        return np.clip(pos, self.start[group], self.end[group] - 1)

    def next_in_group(self, pos: np.ndarray, group: np.ndarray) -> np.ndarray:
        """The following member of the same group (wrapping), to replace a draw that hit a forbidden member."""
        nxt = pos + 1
        return np.where(nxt >= self.end[group], self.start[group], nxt)


@dataclass
class Batch:
    """A batch of interactions as parallel arrays (indices are 0-based; post -1 means none)."""

    actor: np.ndarray
    target: np.ndarray
    post: np.ndarray
    type: np.ndarray
    t: np.ndarray

    @staticmethod
    def empty() -> Batch:
        """A batch with no rows."""
        none = np.zeros(0, dtype=np.int64)
        return Batch(none, none, none, np.zeros(0, dtype=np.int8), none)

    @staticmethod
    def concat(batches: list[Batch]) -> Batch:
        """All rows of the batches, in order."""
        return Batch(
            *(np.concatenate([getattr(b, f) for b in batches]) for f in ("actor", "target", "post", "type", "t"))
        )

    def keep(self, mask: np.ndarray) -> Batch:
        """Only the rows where `mask` is true."""
        return Batch(self.actor[mask], self.target[mask], self.post[mask], self.type[mask], self.t[mask])
