"""How sure a score is: an interval from a bootstrap over the person's reactors, and a "too little data" mark.

A raw value is a sum over reactors (each reacting account's discounted, influence-weighted value). Resampling
reactors with Poisson(1) counts (the Poisson bootstrap) gives replicates whose variance is exactly the sum of
the squared reactor values, so the bootstrap needs no replicates at all: one bincount of squares per scope.
The interval is the 95% range of a log-normal with the raw value as its centre and that variance (raw values
are positive and skewed), mapped to 1-100 like the score. One reactor gives a wide range, a hundred similar ones
a narrow one. A score is marked "too little data" at the floor of 1, when fewer than `min_reactors` accounts
reacted, or when its interval spans more than `uncertain_width` points.
"""

from __future__ import annotations

import numpy as np

from core.scoring.mapping import score_exact
from core.scoring.params import ScoreParams


def reactor_variance(value: np.ndarray, group: np.ndarray, size: int) -> np.ndarray:
    """Per group: the Poisson-bootstrap variance of a sum of per-reactor `value`s (the sum of their squares)."""
    return np.bincount(group, weights=value * value, minlength=size)


def interval(raw: np.ndarray, variance: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    """(low, high) 1-100 scores of a log-normal around `raw` with `variance`; (1, 1) without reactions."""
    positive = raw > 0
    safe = np.where(positive, raw, 1.0)
    sigma = np.sqrt(np.log1p(np.where(positive, variance / (safe * safe), 0.0)))
    low = score_exact(np.where(positive, safe * np.exp(-z * sigma), 0.0))
    high = score_exact(np.where(positive, safe * np.exp(z * sigma), 0.0))
    return np.floor(low).astype(np.int16), np.ceil(high).astype(np.int16)


def too_little_data(
    score: np.ndarray, reactors: np.ndarray, low: np.ndarray, high: np.ndarray, params: ScoreParams
) -> np.ndarray:
    """True where the score sits at the floor, rests on too few reactors, or its interval is too wide to rank on."""
    return (score <= 1) | (reactors < params.min_reactors) | (high - low > params.uncertain_width)


def evidence_note(
    score: int, reactions: int, reactors: int, low: int, high: int, uncertain: bool, params: ScoreParams
) -> str:
    """In words: what a score rests on and, when marked too little data, what it lacks."""
    if reactions == 0:
        return (
            "Too little data: no one reacted to this person in the scoring window (no reposts, replies, mentions, "
            "likes, clicks or new followers), so the score sits at the floor of 1. It says nothing yet about how "
            "good they are, only that there is nothing to rank them on."
        )
    people = f"{reactors:,} account{'s' if reactors != 1 else ''}"
    if score <= 1:
        return (
            f"Too little data: the {reactions:,} reaction{'s' if reactions != 1 else ''} from {people} in the window "
            "add up to too little to lift the score above the floor of 1 (reactions from accounts that react to "
            "hundreds of others, from flagged accounts or from follow-backs count little or nothing)."
        )
    if reactors < params.min_reactors:
        return (
            f"Too little data: only {people} reacted in the window (at least {params.min_reactors} are needed to "
            f"rank on). With so few, the score could be anywhere from {low} to {high}."
        )
    if uncertain:
        return (
            f"Too little data: the score could be anywhere from {low} to {high}, because most of it rests on a few "
            f"of the {people} that reacted."
        )
    return f"Likely range {low}-{high}, from the {people} that reacted in the window."
