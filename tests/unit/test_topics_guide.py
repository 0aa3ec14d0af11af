"""The Topics page's guide: each topic's share of sure tags in whole percent, its words, and the reliability line."""

import duckdb
import polars as pl

from core.db import warehouse
from core.topics import guide
from core.topics.model import LABELS


def test_the_guide_gives_each_topic_its_share_of_sure_tags_in_whole_percent_and_the_words_for_it():
    con = duckdb.connect(":memory:")
    warehouse.migrate(con)
    # music: 2 of 3 top tags at p >= 0.5 (67%, clear-cut); gaming: 0 of 1 (a guess); a rank-2 tag is not counted.
    con.executemany(
        "INSERT INTO post_topics VALUES (?, ?, ?, ?, false)",
        [
            (1, "music", 0.9, 1),
            (2, "music", 0.5, 1),
            (3, "music", 0.2, 1),
            (4, "gaming", 0.3, 1),
            (1, "gaming", 0.8, 2),
        ],
    )
    con.execute("INSERT INTO topic_influence VALUES (1, 7, 'music', 40, 1.0, 3, 9, 5, 1.0)")
    found = guide.topic_guide(con)
    assert found.height == len(LABELS)
    rows = {row["topic"]: row for row in found.to_dicts()}
    assert (rows["music"]["sure"], rows["music"]["posts"], rows["music"]["people"]) == (67, 3, 1)
    assert rows["music"]["clarity"] == "Sure of most of them" and rows["gaming"]["clarity"].startswith("Often a guess")
    assert rows["gaming"]["sure"] == 0 and rows["sports"]["sure"] is None and rows["sports"]["posts"] == 0
    assert found["topic"].head(2).to_list() == ["music", "gaming"]  # most posts first
    assert found.filter(pl.col("topic") == "music")["label"].item() == "Music"


def test_the_reliability_line_says_how_often_the_model_is_right_in_words_and_the_measured_score():
    line = guide.overall_reliability({"metrics": {"xtopic_nested": {"macro_f1": 0.484}}})
    assert line.startswith("On real tweets it never trained on, its tags miss about as often as they hit: it scores")
    assert "0.48 out of 1" in line
    assert guide.overall_reliability({}) is None
