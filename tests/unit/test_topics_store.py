"""skops persistence: round trip, the explicit allow-list, refusal of unexpected types, the card, load_or_train."""

import json
import os

import numpy as np
import pytest
import skops.io as sio
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from core.ingest.errors import InputError
from core.topics import model_file
from core.topics.model import LABELS
from tests.unit.topics_small import small_model

POSTS = ["Crushed leg day #fitness", "New album drops friday 🎶"]


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "topics.skops"
    model_file.save(small_model(), path)
    return path


def test_round_trip_keeps_predictions_and_thresholds(saved):
    model, loaded = small_model(), model_file.load(saved)
    assert np.array_equal(model.predict_proba(POSTS), loaded.predict_proba(POSTS))
    assert np.array_equal(model.thresholds, loaded.thresholds)


def test_allow_list_is_exactly_what_a_model_needs(saved):
    assert sorted(sio.get_untrusted_types(file=saved)) == sorted(model_file.TRUSTED_TYPES)


def test_file_with_an_unexpected_type_is_refused(tmp_path):
    path = tmp_path / "evil.skops"
    payload = {
        "format": model_file.FORMAT,
        "labels": list(LABELS),
        "pipeline": Pipeline([("run", FunctionTransformer(os.system))]),
        "thresholds": np.zeros(len(LABELS)),
    }
    sio.dump(payload, path)
    with pytest.raises(InputError, match=r"posix\.system"):
        model_file.load(path)


def test_card_is_written_beside_the_model(saved):
    card_json, card_md = model_file.card_paths(saved)
    card = json.loads(card_json.read_text(encoding="utf-8"))
    assert card["corrections_used"] == 0
    assert set(card["sources"]) == {"reddit", "huffpost"}
    assert "CC BY 4.0" in card["sources"]["huffpost"]["licence"]
    assert set(card["thresholds"]) == set(LABELS)
    assert "corrections used: 0" in card_md.read_text(encoding="utf-8")


def test_load_or_train_trains_once_then_loads(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(model_file, "train", lambda progress: calls.append(1) or small_model())
    monkeypatch.setenv("SWAY_MODEL", str(tmp_path / "m.skops"))
    first = model_file.load_or_train()
    second = model_file.load_or_train()
    assert calls == [1]
    assert (tmp_path / "m.skops").exists()
    assert np.array_equal(first.predict_proba(POSTS), second.predict_proba(POSTS))


def test_missing_or_broken_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no topic model"):
        model_file.load(tmp_path / "none.skops")
    (tmp_path / "broken.skops").write_text("not a zip")
    with pytest.raises(InputError, match="not a readable"):
        model_file.load(tmp_path / "broken.skops")


def test_a_model_saved_in_an_older_format_is_retrained_not_refused(tmp_path, monkeypatch):
    path = tmp_path / "m.skops"
    model_file.save(small_model(), path)
    card_json, _ = model_file.card_paths(path)
    card = json.loads(card_json.read_text(encoding="utf-8"))
    del card["format"]  # cards of format 1 had no format field
    card_json.write_text(json.dumps(card), encoding="utf-8")
    calls = []
    monkeypatch.setattr(model_file, "train", lambda progress: calls.append(1) or small_model())
    model_file.load_or_train(path)
    assert calls == [1]
    assert json.loads(card_json.read_text(encoding="utf-8"))["format"] == model_file.FORMAT
    model_file.load_or_train(path)
    assert calls == [1]
