"""The fixed 1-100 mapping of raw reaction value, the same for every refresh and every population.

    score = min(100, 1 + POINTS_PER_E * ln(1 + raw / RAW_UNIT))

`raw` is a person's reaction value in "average reactions": recency-weighted, saturated, selectivity- and
authenticity-discounted reactions, each weighted by its reactor's influence ** influence_power (1 for all with
the default power 0), normalised so the average reaction weighs 1. It is scale-free, so the mapping needs no
population statistics (no rank percentiles): a refresh moves a score only as much as that person's own
reactions moved.
No reactions gives the floor, 1; every e-fold (x2.72) of raw value adds POINTS_PER_E points;
100 needs raw >= RAW_UNIT * (exp(99 / POINTS_PER_E) - 1), reached only by the extreme top.
"""

from __future__ import annotations

import numpy as np

POINTS_PER_E = 8.5
RAW_UNIT = 0.1

# The expression, for SQL steps; bind $points_per_e and $raw_unit with mapping_params().
SCORE_SQL = "least(100.0, 1.0 + $points_per_e * ln(1.0 + ({raw}) / $raw_unit))"


def mapping_params() -> dict[str, float]:
    """The named parameters SCORE_SQL expects."""
    return {"points_per_e": POINTS_PER_E, "raw_unit": RAW_UNIT}


def score_exact(raw: np.ndarray | float) -> np.ndarray:
    """The unrounded score (1.0-100.0) of raw values; the stored score is this rounded."""
    return np.minimum(100.0, 1.0 + POINTS_PER_E * np.log1p(np.asarray(raw, dtype=float) / RAW_UNIT))


def raw_for_score(score: float) -> float:
    """The raw value at which a score is reached (the inverse mapping), for docs and tests."""
    return float(RAW_UNIT * np.expm1((score - 1.0) / POINTS_PER_E))
