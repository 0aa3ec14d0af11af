"""The paired bootstrap intervals bench.score_validity reports: the score against counting, in Spearman and in
top-100 overlap with what people receive later."""

import numpy as np

from bench.score_validity import paired_spearman_interval, paired_top_interval

RNG = np.random.default_rng(3)
LATER = RNG.gamma(0.5, 10.0, 5_000)  # what each of 5,000 people receives later: a few receive most
IDS = np.arange(5_000) + 1_000
NOISE = RNG.random(5_000)


def test_two_identical_rankings_differ_by_nothing_in_any_resample():
    assert paired_spearman_interval(NOISE, NOISE.copy(), LATER) == (0.0, 0.0)
    assert paired_top_interval(NOISE, NOISE.copy(), LATER, IDS) == (0.0, 0.0)


def test_a_ranking_that_foresees_the_later_one_beats_noise_with_an_interval_above_zero():
    low, high = paired_top_interval(LATER, NOISE, LATER, IDS)
    assert 0.85 < low <= high <= 1.0  # the foreseeing top 100 is the later one; noise finds about 2 of them
    s_low, s_high = paired_spearman_interval(LATER, NOISE, LATER)
    assert 0.9 < s_low <= s_high


def test_rankings_that_swap_one_person_at_the_edge_of_the_top_100_cannot_be_told_apart():
    a = LATER.copy()
    b = LATER.copy()
    order = np.argsort(-LATER)
    b[order[99]], b[order[100]] = LATER[order[100]], LATER[order[99]]  # the 100th and 101st trade places
    low, high = paired_top_interval(a, b, LATER, IDS)
    assert low == 0.0 < high <= 0.03  # a place or two (the one drawn twice or thrice), and no difference included


def test_equal_values_are_ranked_by_id_so_a_tied_ranking_gives_the_same_top_every_time():
    flat = np.zeros(5_000)
    first = np.zeros(5_000)
    first[np.argsort(IDS)[:100]] = 1.0  # the 100 smallest ids: what a tie broken by id puts first
    assert paired_top_interval(flat, first, LATER, IDS) == (0.0, 0.0)
