"""What the Topics page reads: label distribution, tagging state, metrics rows, a text's topics, model agreement."""

from datetime import datetime

import duckdb
import numpy as np
import polars as pl
import pytest

from core.db import warehouse
from core.topics import overview
from core.topics.card import card_markdown
from core.topics.model import LABELS, shipped_evaluation
from tests.unit.topics_small import small_model


@pytest.fixture
def con():
    con = duckdb.connect(":memory:")
    warehouse.migrate(con)
    con.executemany(
        "INSERT INTO post_topics VALUES (?, ?, 0.5, ?, false)",
        [(1, "music", 1), (1, "diaries_&_daily_life", 2), (2, "music", 1), (3, "gaming", 1)],
    )
    con.execute("INSERT INTO topic_influence VALUES (1, 7, 'music', 40, 1.0, 3, 9, 5, 1.0)")
    warehouse.set_meta(con, {"topics_refreshed_at": "2026-11-22T07:00:00"})
    return con


def test_label_distribution_counts_top_and_extra_topics_for_every_label(con):
    found = overview.label_distribution(con)
    assert found.height == len(LABELS) and set(found["topic"]) == set(LABELS)
    music = found.filter(pl.col("topic") == "music").row(0, named=True)
    assert (music["label"], music["top_posts"], music["extra_posts"], music["people"]) == ("Music", 2, 0, 1)
    diaries = found.filter(pl.col("topic") == "diaries_&_daily_life").row(0, named=True)
    assert (diaries["top_posts"], diaries["extra_posts"], diaries["people"]) == (0, 1, 0)
    assert found["topic"][0] == "music"  # most posts as top topic first


def test_tagging_state(con):
    state = overview.tagging_state(con)
    assert (state.tagged_posts, state.people_with_topics, state.refreshed_at) == (3, 1, datetime(2026, 11, 22, 7, 0))


def test_metrics_table_lists_the_shipped_evaluation():
    table = overview.metrics_table(shipped_evaluation())
    assert table.height == len(overview.METRICS)
    assert table["macro_f1"].is_between(0, 1).all()
    assert overview.metrics_table({}).height == 0


def test_baseline_comparison_reads_the_paired_difference():
    evaluation = {"metrics": {"vs_baseline": {"macro_f1_difference": 0.0968, "ci95_low": 0.047, "ci95_high": 0.148}}}
    sentence = overview.baseline_comparison(evaluation)
    assert "+0.10 against the baseline" in sentence
    assert "+0.05 to +0.15" in sentence
    assert overview.baseline_comparison({}) is None


def test_topics_of_a_text_follow_the_model():
    model = small_model()
    text = "Leg day done, new deadlift PR #fitness"
    found = overview.topics_of_text(model, text)
    assert found.topics.height == len(LABELS) and not found.withheld
    assert found.topics["probability"].sum() == pytest.approx(1.0)
    assert found.topics.filter(pl.col("tagged"))["topic"].to_list() == model.predict([text])[0]
    with pytest.raises(ValueError, match="paste the text"):
        overview.topics_of_text(model, "  \n")


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Bonjour à tous, je suis allé au marché ce matin et il y avait des fraises", "reads as French"),
        ("This is how I go for a walk", "Too little text"),
    ],
)
def test_a_pasted_text_is_tagged_as_the_warehouse_tags_its_posts(text, why):
    # The warehouse gives no topic to a post in a language the model was not trained on, nor to one with too little
    # text; the try-out box said "Tagged: Arts & culture" for the French text and a topic for the short one.
    model = small_model()
    found = overview.topics_of_text(model, text)
    assert why in found.withheld
    assert not found.topics["tagged"].any()
    assert found.topics["probability"].sum() == pytest.approx(1.0)  # the model's guess is still shown


def test_model_agreement_with_corrections():
    model = small_model()
    text = "Leg day done, new deadlift PR #fitness"
    top = LABELS[int(np.argmax(model.predict_proba([text])[0]))]
    corrections = pl.DataFrame({"text": [text, text, text], "topic": [top, top, "music"]}).with_columns(
        action=pl.Series(["add", "remove", "remove"])
    )
    assert overview.model_agrees(model, corrections).to_list() == [True, False, "music" not in model.predict([text])[0]]


def test_the_warehouse_s_posts_add_up_on_the_topics_page():
    # 1,042 posts with too little text had no topics and no word on the page: the counts did not add up.
    state = overview.TaggingState(
        posts=337_100,
        tagged_posts=335_903,
        not_covered=67,
        without_topics=1_042,
        people_with_topics=6_101,
        refreshed_at=datetime(2026, 12, 7, 18, 17),
        model_trained_at=None,
    )
    assert overview.tagging_sentence(state) == (
        "335,903 of 337,100 posts have topics; 67 are in languages the model does not read and 1,042 have too little "
        "text to go on (or lost every topic to a correction). 88 posts loaded since get topics at the next refresh. "
        "Topics last brought up to date on 07 Dec 2026 at 18:17. 6,101 people have influence in at least one topic."
    )


def test_the_card_reads_under_the_page_s_headings_without_stray_italics():
    card = small_model().card
    shown = card_markdown(card, level=4)
    assert shown.startswith("#### ") and "\n##### Limits" in shown and "\n# " not in shown
    # Markdown read "diaries_&_daily_life" as italics; topics are named as the page names them, code in backticks.
    prose = [line for line in shown.splitlines() if "`" not in line]
    assert not any("_" in line for line in prose), [line for line in prose if "_" in line]


def test_an_extra_topic_is_explained_by_the_model_s_own_thresholds_not_as_confidence():
    thresholds = np.full(len(LABELS), 0.15)
    thresholds[LABELS.index("diaries_&_daily_life")] = 0.026
    thresholds[LABELS.index("fitness_&_health")] = 0.764
    said = overview.extra_topics_sentence(thresholds, 0.3)
    assert "from 3% for Diaries & daily life to 76% for Fitness & health" in said
    assert "an extra topic can be a weak guess; topic influence counts a post only for topics of 30% or more." in said
    assert "confident" not in said


def test_the_evaluation_date_reads_as_a_date_not_a_timestamp():
    assert overview.evaluated_on({"evaluated_at": "2026-12-05T07:05:00+00:00"}) == "on 05 Dec 2026"
    assert overview.evaluated_on({}) == "on a date it did not record"
    assert overview.evaluated_on({"evaluated_at": "last week"}) == "on a date it did not record"
