"""Fit the automation model on Gilani et al. 2017's labelled accounts and write core/scoring/automation_model.skops.

    python -m bench.build_automation_model

The model is shipped with the code (a few hundred KB); rerun this only to change it, then rerun
`python -m bench.authenticity_real` for its cross-validated precision and recall.
"""

from __future__ import annotations

import sys

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from skops.io import dump, get_untrusted_types

from bench.gilani import GILANI, read_gilani
from core.scoring.automation import MODEL_PATH, TRUSTED_TYPES, training_features


def make_model() -> HistGradientBoostingClassifier:
    """The classifier: shallow boosted trees, which take the features' skew and missing values as they are."""
    return HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_leaf_nodes=15, random_state=0)


def main() -> int:
    if not GILANI.exists():
        print(f"Gilani et al. 2017 data not found at {GILANI}: place it beside this checkout, then rerun.")
        return 1
    data = read_gilani()
    model = make_model().fit(training_features(data), data["bot"].to_numpy())
    dump(model, MODEL_PATH)
    extra = sorted(set(get_untrusted_types(file=MODEL_PATH)) - set(TRUSTED_TYPES))
    if extra:
        print(f"The model file holds types outside the allow-list: {extra}")
        return 1
    print(
        f"Wrote {MODEL_PATH} ({MODEL_PATH.stat().st_size:,} bytes) from {data.height:,} accounts, "
        f"{int(np.sum(data['bot'].to_numpy())):,} of them bots."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
