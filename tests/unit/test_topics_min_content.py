"""Posts with too little text get no topic rather than the model's guess; a marketer can still give them one."""

import numpy as np
import polars as pl

from core.topics.model import LABELS, choose, has_content
from core.topics.tagging import topic_rows

ARTS, RELATIONSHIPS, SPORTS = (LABELS.index(t) for t in ("arts_&_culture", "relationships", "sports"))


def test_filler_and_one_word_posts_have_no_content_but_real_sentences_do():
    empty = ["ok", "lol 😂", "yes!!", "@bob ok thanks", "Thank you so much", "", "🔥🔥🔥"]
    full = ["Great game tonight", "Trail photos", "#NBAFinals", "今日は東京で美味しいラーメンを食べました"]
    assert not has_content(empty).any()
    assert has_content(full).all()


def test_a_short_post_gets_no_topic_from_the_decision_rule():
    proba = np.full((2, len(LABELS)), 0.01)
    proba[:, ARTS], proba[:, RELATIONSHIPS] = 0.4, 0.3  # what the model said about "ok"
    thresholds = np.full(len(LABELS), 0.2)
    chosen = choose(proba, thresholds, ["ok", "A night at the opera with my partner"])
    assert not chosen[0].any()
    assert chosen[1, ARTS] and chosen[1, RELATIONSHIPS]
    assert choose(proba, thresholds)[0, ARTS]  # without the texts the rule cannot tell, as before


def test_tagging_skips_short_posts_but_keeps_a_marketers_correction():
    proba = np.full((3, len(LABELS)), 0.01)
    proba[:, ARTS] = 0.5
    corrections = pl.DataFrame({"post_id": [3], "topic": ["sports"], "action": ["add"]})
    texts = ["ok", "Gallery opening downtown tonight", "gg"]
    tagged = topic_rows(np.array([1, 2, 3]), proba, np.full(len(LABELS), 0.3), corrections, texts=texts)
    assert tagged.select("post_id", "topic", "corrected").rows() == [
        (2, "arts_&_culture", False),
        (3, "sports", True),
    ]
