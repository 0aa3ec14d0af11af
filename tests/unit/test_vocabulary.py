"""The vocabulary module and the warehouse's SQL enums name the same values in the same order."""

import duckdb
import polars as pl
import pytest

from core import vocabulary
from core.db import warehouse
from core.discover.columns import NETWORK_LABELS
from core.topics.model import LABELS
from core.vocabulary import topic_label, topic_labels


@pytest.fixture(scope="module")
def enums() -> dict[str, list[str]]:
    con = duckdb.connect()
    try:
        warehouse.migrate(con)
        return {
            name: [v for (v,) in con.execute(f"SELECT unnest(enum_range(NULL::{name}))").fetchall()]
            for name in ("network_name", "interaction_type", "post_kind")
        }
    finally:
        con.close()


@pytest.mark.parametrize(
    ("enum", "values"),
    [
        ("network_name", vocabulary.NETWORKS),
        ("interaction_type", vocabulary.INTERACTION_TYPES),
        ("post_kind", vocabulary.POST_KINDS),
    ],
)
def test_vocabulary_matches_the_sql_enum_in_order(enums, enum, values):
    # enum_code() results index these tuples, so the order matters as much as the members.
    assert enums[enum] == list(values)


def test_every_post_reaction_has_a_plain_name_and_follow_is_not_one():
    assert list(vocabulary.POST_REACTIONS) == [t for t in vocabulary.INTERACTION_TYPES if t != "follow"]
    assert set(vocabulary.REACTIONS) == set(vocabulary.INTERACTION_TYPES)


def test_every_network_has_a_screen_label():
    assert set(NETWORK_LABELS) == set(vocabulary.NETWORKS)


def test_every_topic_reads_as_words_the_same_in_tables_and_text():
    labels = {t: topic_label(t) for t in LABELS}
    assert labels["fitness_&_health"] == "Fitness & health"
    assert labels["film_tv_&_video"] == "Film, TV & video"
    assert all("_" not in label for label in labels.values())
    in_tables = pl.DataFrame({"topics": [list(LABELS)]}).select(topic_labels(pl.col("topics")))["topics"][0]
    assert in_tables.to_list() == [labels[t] for t in LABELS]
