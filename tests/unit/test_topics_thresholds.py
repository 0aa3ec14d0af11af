"""The decision rule's thresholds: rare labels lean on the shared threshold, and cross-validation picks how much."""

import numpy as np

from core.topics.thresholds import SHRINK_CANDIDATES, fit_thresholds, tuned

LABELS = 19


def _world(seed: int, rows: int, positive: np.ndarray, negative: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Tweets with one to two gold labels; each label's positives and negatives sit around its own levels."""
    rng = np.random.default_rng(seed)
    gold = np.zeros((rows, LABELS), dtype=bool)
    gold[np.arange(rows), rng.integers(0, LABELS, rows)] = True
    gold |= rng.random((rows, LABELS)) < 0.05
    noise = rng.normal(0, 0.04, (rows, LABELS))
    return np.clip(np.where(gold, positive, negative) + noise, 0.0, 1.0), gold


def test_a_rare_labels_threshold_is_pulled_toward_the_shared_one():
    proba, gold = _world(0, 200, np.full(LABELS, 0.4), np.full(LABELS, 0.1))
    gold[:, 0] = False
    gold[[3, 7], 0] = True  # two positives: their own best threshold says little
    proba[:, 0] = 0.05
    proba[[3, 7], 0] = 0.55
    own, shared = tuned(proba, gold, 0.0), tuned(proba, gold, float("inf"))
    pulled = tuned(proba, gold, 20.0)
    assert len(set(shared.tolist())) == 1
    assert abs(pulled[0] - shared[0]) < abs(own[0] - shared[0]) / 5  # 2 positives against 20 pseudo-tweets
    assert abs(pulled[5] - own[5]) < abs(pulled[0] - own[0])  # a common label keeps more of its own


def test_cross_validation_shares_one_threshold_when_labels_behave_alike():
    proba, gold = _world(1, 200, np.full(LABELS, 0.35), np.full(LABELS, 0.1))
    assert fit_thresholds(proba, gold).shrink >= 50


def test_cross_validation_keeps_own_thresholds_when_labels_truly_differ():
    high = np.arange(LABELS) % 2 == 0  # half the labels score high, half low: no one threshold fits both
    proba, gold = _world(2, 600, np.where(high, 0.6, 0.15), np.where(high, 0.3, 0.02))
    chosen = fit_thresholds(proba, gold)
    assert chosen.shrink <= 20 and chosen.shrink in SHRINK_CANDIDATES
    assert chosen.values[high].min() > chosen.values[~high].max()
