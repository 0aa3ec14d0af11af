"""`topics predict` through files, and bad input named by file, line and field."""

import argparse
import json

import pytest

from core.cli.topics import add_subcommands
from core.ingest.errors import InputError
from core.topics import model_file
from core.topics.model import LABELS
from tests.unit.topics_small import small_model


@pytest.fixture(scope="module")
def saved_model(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "topics.skops"
    model_file.save(small_model(), path)
    return path


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    add_subcommands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["topics", *argv])
    return args.run(args)


def predict(saved_model, tmp_path, lines: list[str]) -> list[dict]:
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert run("predict", "--input", str(source), "--output", str(target), "--model", str(saved_model)) == 0
    return [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]


def test_predict_round_trip(saved_model, tmp_path):
    posts = [{"id": 1, "text": "Leg day done #fitness"}, {"id": "b-2", "text": "New @Nintendo game 🎮"}]
    out = predict(saved_model, tmp_path, [json.dumps(p, ensure_ascii=False) for p in posts] + [""])
    assert [row["id"] for row in out] == [1, "b-2"]
    expected = small_model().predict([p["text"] for p in posts])
    assert [row["topics"] for row in out] == expected
    for row in out:
        assert set(row["probabilities"]) == set(LABELS)
        assert sum(row["probabilities"].values()) == pytest.approx(1.0, abs=1e-3)


@pytest.mark.parametrize(
    ("lines", "line", "field", "problem"),
    [
        (['{"id": 1, "text": "ok"}', '{"id": 2, "text": "  "}'], 2, "text", "empty"),
        (['{"id": 1, "text": "ok"}', "", "{not json"], 3, None, "not valid JSON"),
        (['{"text": "no id here"}'], 1, "id", "missing id"),
        (['["a", "list"]'], 1, None, "JSON object"),
    ],
)
def test_bad_lines_are_named(saved_model, tmp_path, lines, line, field, problem):
    with pytest.raises(InputError) as caught:
        predict(saved_model, tmp_path, lines)
    assert (caught.value.line, caught.value.field) == (line, field)
    assert problem in caught.value.problem
    assert "\n" not in str(caught.value)
    assert not (tmp_path / "out.jsonl").exists()


def test_missing_input_file(saved_model, tmp_path):
    with pytest.raises(InputError, match="file not found"):
        run("predict", "--input", str(tmp_path / "nope.jsonl"), "--output", str(tmp_path / "o.jsonl"))
