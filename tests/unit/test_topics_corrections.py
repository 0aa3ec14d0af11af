"""Topic corrections: stored per workspace with their author, refused when wrong or not allowed, the latest word
counting, applied to the posts at the next tagging, and taught to the next model (CLI and retrain)."""

import argparse

import duckdb
import numpy as np
import polars as pl
import pytest

from core.cli.topics import add_subcommands
from core.db import warehouse
from core.db.warehouse import rows
from core.ops.retrain import retrain
from core.scoring.refresh import refresh
from core.topics import model as topic_model
from core.topics import model_file
from core.topics.corrections import (
    CorrectionError,
    correct_post,
    forget_removed_posts,
    latest_actions,
    latest_words,
    record_corrections,
    training_labels,
    withdraw_corrections,
    workspace_corrections,
)
from core.topics.influence import TopicRefreshError
from core.topics.model import LABELS
from core.topics.retrain import train_with_corrections
from core.topics.tagging import topic_rows
from core.workspace import operators
from core.workspace.access import LOCAL, Access, PermissionDenied
from tests.conftest import table_snapshot
from tests.unit.topics_small import small_model, small_sample
from tests.unit.workspace_world import store_members

EDITOR = Access(user="ed@brand.example", workspace_id=1, role="editor")
VIEWER = Access(user="vi@brand.example", workspace_id=1, role="viewer")
AGENCY = Access(user="ann@agency.example", workspace_id=2, role="admin")


@pytest.fixture
def con(raw_demo_copy):
    con = warehouse.connect(raw_demo_copy)
    store_members(con, EDITOR, VIEWER, AGENCY)
    yield con
    con.close()


def first_posts(con: duckdb.DuckDBPyConnection, n: int) -> list[int]:
    return [p for (p,) in rows(con, "SELECT post_id FROM posts ORDER BY post_id LIMIT ?", [n])]


def test_corrections_are_stored_with_workspace_and_author(con):
    post, other = first_posts(con, 2)
    assert correct_post(con, EDITOR, post, add=["music"], remove=["gaming"]) == 2
    assert correct_post(con, EDITOR, post, add=["music"]) == 0  # the same word again adds nothing
    assert correct_post(con, AGENCY, other, remove=["sports"]) == 1
    found = rows(
        con,
        "SELECT workspace_id, post_id, topic, action, corrected_by, text = (SELECT text FROM posts p "
        "WHERE p.post_id = c.post_id) FROM topic_corrections c ORDER BY correction_id",
    )
    assert found == [
        (1, post, "gaming", "remove", EDITOR.user, True),
        (1, post, "music", "add", EDITOR.user, True),
        (2, other, "sports", "remove", AGENCY.user, True),
    ]
    audit = rows(con, "SELECT user_email, workspace_id, action FROM audit_log ORDER BY audit_id")
    assert audit == [(EDITOR.user, 1, "topic.correct"), (AGENCY.user, 2, "topic.correct")]


def test_each_workspace_sees_its_own_latest_word(con):
    post, other = first_posts(con, 2)
    correct_post(con, EDITOR, post, add=["music"])
    correct_post(con, EDITOR, post, remove=["music"])  # changed its mind: the latest word counts
    correct_post(con, AGENCY, other, add=["sports"])
    mine = workspace_corrections(con, VIEWER)  # any role may read
    assert mine.select("post_id", "topic", "action", "corrected_by").rows() == [(post, "music", "remove", EDITOR.user)]
    assert workspace_corrections(con, AGENCY).select("post_id", "action").rows() == [(other, "add")]


def test_training_uses_the_latest_word_of_any_workspace(con):
    post, other = first_posts(con, 2)
    correct_post(con, EDITOR, post, add=["music"])
    correct_post(con, AGENCY, post, remove=["music"])
    correct_post(con, AGENCY, post, add=["gaming"])
    correct_post(con, EDITOR, other, remove=["sports"])
    words = latest_words(con)
    assert words.select("post_id", "added", "removed").rows() == [
        (post, ["gaming"], ["music"]),
        (other, [], ["sports"]),
    ]


def test_only_an_instance_operators_corrections_change_the_topics_every_workspace_sees(con):
    post, other = first_posts(con, 2)
    correct_post(con, EDITOR, post, add=["music"])  # a workspace editor's word stays with the workspace
    correct_post(con, AGENCY, other, remove=["sports"])  # so does a workspace admin's
    assert latest_actions(con).height == 0
    operators.grant(con, AGENCY.user)
    correct_post(con, AGENCY, post, add=["gaming"])
    correct_post(con, LOCAL, other, add=["family"])  # the local workspace is the operator
    assert latest_actions(con).rows() == [(post, "gaming", "add"), (other, "family", "add")]
    shared = rows(con, "SELECT corrected_by, topic, shared FROM topic_corrections ORDER BY correction_id")
    assert shared == [
        (EDITOR.user, "music", False),
        (AGENCY.user, "sports", False),
        (AGENCY.user, "gaming", True),
        ("local", "family", True),
    ]


def test_an_editor_cannot_withdraw_an_operators_shared_correction(con):
    post = first_posts(con, 1)[0]
    operators.grant(con, "op@sway.example")
    store_members(con, Access(user="op@sway.example", workspace_id=1, role="editor"))
    correct_post(con, Access(user="op@sway.example", workspace_id=1, role="editor"), post, remove=["music"])
    (shared_id,) = rows(con, "SELECT correction_id FROM topic_corrections")[0]
    with pytest.raises(PermissionDenied, match="only an instance operator can withdraw"):
        withdraw_corrections(con, EDITOR, [shared_id])
    assert rows(con, "SELECT count(*) FROM topic_corrections") == [(1,)]
    correct_post(con, EDITOR, post, add=["gaming"])
    (own_id,) = rows(con, "SELECT max(correction_id) FROM topic_corrections")[0]
    assert withdraw_corrections(con, EDITOR, [own_id]) == 1  # their own, unshared, they may


def test_corrections_of_posts_removed_since_are_forgotten(con):
    kept, deleted = first_posts(con, 2)
    for post in (kept, deleted):
        correct_post(con, LOCAL, post, add=["music"])
    con.execute("DELETE FROM interactions WHERE post_id = ?", [deleted])
    con.execute("UPDATE posts SET parent_post_id = NULL WHERE parent_post_id = ?", [deleted])
    con.execute("DELETE FROM posts WHERE post_id = ?", [deleted])  # deleted on its network
    assert forget_removed_posts(con) == 1
    assert rows(con, "SELECT post_id FROM topic_corrections") == [(kept,)]


def test_training_labels_are_the_added_topics_or_the_best_remaining_one():
    model = small_model()
    text = "Leg day done, new deadlift PR #fitness"
    top = LABELS[int(model.predict_proba([text])[0].argmax())]
    words = pl_words([(text, ["music", "gaming"], []), (text, [], [top]), (text, [], [])])
    labels = training_labels(words, model)["topics"].to_list()
    assert labels[0] == ["music", "gaming"]
    proba = model.predict_proba([text])[0]
    proba[LABELS.index(top)] = -1
    assert labels[1] == [LABELS[int(proba.argmax())]] and labels[1] != [top]
    assert labels[2] == [top]


def pl_words(entries):
    return pl.DataFrame(
        {
            "post_id": list(range(len(entries))),
            "text": [t for t, _, _ in entries],
            "added": [a for _, a, _ in entries],
            "removed": [r for _, _, r in entries],
        },
        schema={"post_id": pl.Int64, "text": pl.String, "added": pl.List(pl.String), "removed": pl.List(pl.String)},
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"add": ["astrology"]}, "Unknown topics"),
        ({"add": ["music"], "remove": ["music"]}, "cannot both gain and lose"),
        ({}, "at least one topic"),
    ],
)
def test_bad_corrections_are_refused(con, kwargs, message):
    post = first_posts(con, 1)[0]
    with pytest.raises(CorrectionError, match=message):
        correct_post(con, EDITOR, post, **kwargs)
    assert rows(con, "SELECT count(*) FROM topic_corrections") == [(0,)]


def test_a_correction_of_an_unknown_post_stores_nothing(con, raw_demo_copy):
    post = first_posts(con, 1)[0]
    con.close()
    before = table_snapshot(raw_demo_copy)
    con = warehouse.connect(raw_demo_copy)
    try:
        with pytest.raises(CorrectionError, match="No post 987654321"):
            record_corrections(con, EDITOR, [(post, "music", "add"), (987654321, "music", "add")])
        assert rows(con, "SELECT count(*) FROM topic_corrections") == [(0,)]
        assert rows(con, "SELECT count(*) FROM audit_log") == [(0,)]
    finally:
        con.close()
    assert table_snapshot(raw_demo_copy) == before


def test_corrections_need_the_editor_role(con):
    post = first_posts(con, 1)[0]
    with pytest.raises(PermissionDenied, match="needs the editor role"):
        correct_post(con, VIEWER, post, add=["music"])
    assert rows(con, "SELECT count(*) FROM topic_corrections") == [(0,)]


def test_tagging_applies_the_latest_word():
    model = small_model()
    texts = ["Leg day done, new deadlift PR #fitness", "Our baby took her first steps today"]
    proba = model.predict_proba(texts)
    top = [LABELS[i] for i in proba.argmax(axis=1)]
    corrections = pl.DataFrame(
        {"post_id": [5, 7, 9], "topic": [top[0], "music", "gaming"], "action": ["remove", "add", "add"]}
    )  # post 9 is not in this batch
    tagged = topic_rows(np.array([5, 7]), proba, model.thresholds, corrections)
    first = tagged.filter(pl.col("post_id") == 5)
    assert top[0] not in first["topic"].to_list() and not first["corrected"].any()
    music = tagged.filter((pl.col("post_id") == 7) & (pl.col("topic") == "music"))
    assert music.height == 1 and music["corrected"].item()
    assert music["probability"].item() == pytest.approx(proba[1, LABELS.index("music")])
    assert 9 not in tagged["post_id"].to_list()


@pytest.fixture
def small_training(monkeypatch):
    """Training reads a small stratified slice of the shipped sample, so a full retrain takes a second."""
    monkeypatch.setattr(topic_model, "training_posts", small_sample)


def test_corrections_become_training_rows_and_are_counted(con, small_training):
    post, other = first_posts(con, 2)
    correct_post(con, EDITOR, post, add=["gaming"])
    correct_post(con, AGENCY, other, remove=["sports"])
    model = train_with_corrections(con, current=small_model())
    assert model.card["corrections_used"] == 2
    assert model.card["sources"]["correction"]["rows"] == 2
    assert model.card["training_rows"] == small_sample().height + 2


def test_train_cli_uses_the_warehouse_corrections(con, raw_demo_copy, small_training, tmp_path, capsys):
    refresh(con)  # the CLI retrains as the Topics page does: it re-tags the posts, weighed by the scores
    post = first_posts(con, 1)[0]
    correct_post(con, EDITOR, post, add=["gaming"])
    con.close()  # the CLI opens the warehouse itself
    parser = argparse.ArgumentParser()
    add_subcommands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["topics", "train", "--model", str(tmp_path / "m.skops")])
    assert args.run(args) == 0
    assert model_file.load(tmp_path / "m.skops").card["corrections_used"] == 1
    assert "1 of them corrected by marketers" in capsys.readouterr().out
    done = warehouse.connect(raw_demo_copy)
    try:
        assert rows(done, "SELECT user_email FROM audit_log WHERE action = 'topics.retrain'") == [("local",)]
    finally:
        done.close()


def test_retrain_saves_and_retags_with_the_corrections(con, small_training, tmp_path):
    refresh(con)
    post = first_posts(con, 1)[0]
    correct_post(con, EDITOR, post, add=["gaming"], remove=["music"])
    path = tmp_path / "m.skops"
    operators.grant(con, AGENCY.user)  # the model is shared: retraining needs the instance operator
    report = retrain(con, AGENCY, db=warehouse.warehouse_path(), path=path)
    assert model_file.load(path).card["corrections_used"] == 1 == report.card["corrections_used"]
    tagged = rows(con, "SELECT topic, corrected FROM post_topics WHERE post_id = ? ORDER BY topic", [post])
    # The model learnt the editor's word; the word itself changes no shared topic (only an operator's does).
    assert ("gaming", False) in tagged and all(topic != "music" for topic, _ in tagged)
    assert report.topics.posts == rows(con, "SELECT count(*) FROM posts")[0][0]
    assert rows(con, "SELECT count(*) FROM audit_log WHERE action = 'topics.retrain'") == [(1,)]
    built = rows(con, "SELECT max(built_at) FROM discovery_builds")[0][0]
    assert built is not None and rows(con, "SELECT count(*) FROM discovery")[0][0] > 0  # Discover rebuilt too


def test_retrain_needs_the_instance_operator_and_scores(con, small_training, tmp_path):
    path, db = tmp_path / "m.skops", warehouse.warehouse_path()
    for refused in (EDITOR, AGENCY):  # a workspace admin is not enough: the model is shared
        with pytest.raises(PermissionDenied, match="instance operator"):
            retrain(con, refused, db=db, path=path)
    operators.grant(con, AGENCY.user)
    with pytest.raises(TopicRefreshError, match="Refresh the scores first"):
        retrain(con, AGENCY, db=db, path=path)  # the small demo copy has not been scored
    assert not path.exists()
