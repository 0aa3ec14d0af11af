"""The fixed 1-100 mapping: bounds, monotonicity, floor, and that it needs no population statistics."""

import numpy as np

from core.scoring.mapping import POINTS_PER_E, raw_for_score, score_exact


def test_no_reactions_is_the_floor_and_nothing_exceeds_100():
    assert score_exact(0.0) == 1.0
    raw = np.concatenate([[0.0], np.logspace(-6, 12, 500)])
    exact = score_exact(raw)
    assert exact.min() == 1.0
    assert exact.max() == 100.0
    assert np.all((np.round(exact) >= 1) & (np.round(exact) <= 100))


def test_more_raw_value_never_scores_lower():
    raw = np.sort(np.random.default_rng(3).lognormal(0, 4, 10_000))
    assert np.all(np.diff(score_exact(raw)) >= 0)


def test_each_doubling_adds_the_same_points_and_100_is_the_extreme_top():
    big = raw_for_score(60)
    assert abs(score_exact(2 * big) - score_exact(big) - POINTS_PER_E * np.log(2)) < 0.01
    for score in (2, 20, 50, 99):
        assert abs(score_exact(raw_for_score(score)) - score) < 1e-9
    assert raw_for_score(100) > 300 * raw_for_score(50)  # 100 takes hundreds of times the value of a 50


def test_the_mapping_is_a_fixed_function_of_a_persons_own_value():
    # The same raw value maps to the same score whatever else is in the population.
    alone = score_exact(np.array([5.0]))
    among_many = score_exact(np.array([5.0, 1e6, 0.0, 3.0]))[0]
    assert alone[0] == among_many
