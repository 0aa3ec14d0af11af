"""Saving and loading the topic model with skops (never pickle) and an explicit allow-list, card beside it."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import numpy as np
import skops.io as sio
from sklearn.pipeline import Pipeline
from skops.io.exceptions import UntrustedTypesFoundException

from core.db.warehouse import REPO_ROOT
from core.ingest.errors import InputError
from core.progress import Progress, scaled, silent
from core.topics.card import card_markdown
from core.topics.model import LABELS, TopicModel, train
from core.trusted_load import load_trusted

DEFAULT_PATH = REPO_ROOT / "data" / "topic_model.skops"
# 2: word + character n-gram features (PostVectorizer); a format-1 model is retrained on first use.
FORMAT = 2
# Types skops does not trust by default that a Sway topic model needs; anything else in a file is refused.
TRUSTED_TYPES = [
    "core.topics.features.PostVectorizer",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._TemperatureScaling",
]
_RETRAIN = "Delete it and retrain with: python -m core topics train"


def model_path() -> Path:
    """The model file in use: $SWAY_MODEL if set, else data/topic_model.skops in the repository."""
    return Path(os.environ.get("SWAY_MODEL") or DEFAULT_PATH).expanduser().resolve()


def model_version(path: Path | None = None) -> tuple[str, int]:
    """(path, modification time in ns; 0 if absent) of the model file: changes when a retrain saves a new model."""
    path = Path(path) if path is not None else model_path()
    return (str(path), path.stat().st_mtime_ns if path.exists() else 0)


def card_paths(path: Path) -> tuple[Path, Path]:
    """The JSON and markdown model card files that sit beside a model file."""
    return path.with_suffix(".card.json"), path.with_suffix(".card.md")


def _replace(path: Path, data: bytes) -> None:
    """Write through a temporary file and rename, so a reader never sees half a file."""
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    partial.replace(path)


def save(model: TopicModel, path: Path) -> None:
    """Write the model (skops, deflate-compressed) and its card as JSON and markdown beside it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"format": FORMAT, "labels": list(LABELS), "pipeline": model.pipeline, "thresholds": model.thresholds}
    _replace(path, sio.dumps(payload, compression=zipfile.ZIP_DEFLATED))
    card_json, card_md = card_paths(path)
    card = {**model.card, "format": FORMAT}
    _replace(card_json, json.dumps(card, indent=2, ensure_ascii=False).encode("utf-8"))
    _replace(card_md, card_markdown(model.card).encode("utf-8"))


def load(path: Path) -> TopicModel:
    """Read a model saved by save(); a file with types outside TRUSTED_TYPES is refused, not executed."""
    path = Path(path)
    if not path.exists():
        raise InputError(str(path), "no topic model file here", "Train one with: python -m core topics train")
    try:
        payload = load_trusted(path, TRUSTED_TYPES)
    except UntrustedTypesFoundException as exc:
        raise InputError(str(path), f"the model file contains types Sway does not trust ({exc})", _RETRAIN) from exc
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(str(path), f"not a readable skops model file ({exc})", _RETRAIN) from exc
    if (
        not isinstance(payload, dict)
        or payload.get("format") != FORMAT
        or payload.get("labels") != list(LABELS)
        or not isinstance(payload.get("pipeline"), Pipeline)
        or np.shape(payload.get("thresholds")) != (len(LABELS),)
    ):
        raise InputError(str(path), "not a Sway topic model of this version", _RETRAIN)
    card_json, _ = card_paths(path)
    card = json.loads(card_json.read_text(encoding="utf-8")) if card_json.exists() else {}
    return TopicModel(payload["pipeline"], np.asarray(payload["thresholds"], dtype=float), card)


def outdated(path: Path) -> bool:
    """True when the card beside `path` says an earlier Sway saved it in an older format (cards before 2 had none)."""
    card_json, _ = card_paths(path)
    if not card_json.exists():
        return False
    return json.loads(card_json.read_text(encoding="utf-8")).get("format", 1) < FORMAT


def has_current_model(path: Path | None = None) -> bool:
    """True when a saved model of the current format is there to load (nothing to fit first)."""
    path = Path(path) if path is not None else model_path()
    return path.exists() and not outdated(path)


def load_or_train(path: Path | None = None, progress: Progress = silent) -> TopicModel:
    """The saved model, or, if there is none yet or it is of an older format, one trained from the shipped sample."""
    path = Path(path) if path is not None else model_path()
    if has_current_model(path):
        progress(1.0, "Loaded the topic model")
        return load(path)
    if path.exists():
        progress(0.0, f"The topic model in {path.name} is from an older Sway: training a new one")
    model = train(progress=scaled(progress, 0.0, 0.95))
    save(model, path)
    progress(1.0, f"Saved the topic model to {path}")
    return model
