"""The automation signal: the shipped model loads only through its allow-list, ranks a clear bot above a clear
human, and a refresh flags the bot-like account with its evidence in words (and leaves the human alone)."""

import json
from datetime import timedelta
from fractions import Fraction

import numpy as np
import polars as pl
import pytest
from skops.io import dump
from skops.io.exceptions import UntrustedTypesFoundException

from core.db.warehouse import rows
from core.scoring import automation
from core.scoring.refresh import refresh
from tests.unit.scoring_world import START, World, warehouse_with


def _features(**values: float) -> pl.DataFrame:
    return pl.DataFrame({name: [float(values[name])] for name in automation.FEATURES})


BOT = _features(
    posts_per_day=40, repost_share=0.0, links_per_post=1.0, likes_per_post=0.0,
    followers_per_following=0.1, account_age_days=60,
)  # fmt: skip
HUMAN = _features(
    posts_per_day=2.5, repost_share=0.1, links_per_post=0.0, likes_per_post=5.0,
    followers_per_following=3.0, account_age_days=1800,
)  # fmt: skip


def test_the_shipped_model_loads_with_its_allow_list_and_refuses_other_types(tmp_path):
    model = automation.load_model()
    assert model.n_features_in_ == len(automation.FEATURES)
    rogue = tmp_path / "rogue.skops"
    dump({"weights": Fraction(1, 3)}, rogue)
    with pytest.raises(UntrustedTypesFoundException):
        automation.load_model(rogue)


def test_a_clear_bot_scores_higher_than_a_clear_human():
    model = automation.load_model()
    bot, human = automation.probability(model, pl.concat([BOT, HUMAN]))
    assert bot >= automation.AUTOMATION.flag_at > 0.5 > human


def test_a_missing_feature_still_gets_a_probability():
    model = automation.load_model()
    unknown_age = BOT.with_columns(account_age_days=pl.lit(None, dtype=pl.Float64))
    assert np.isfinite(automation.probability(model, unknown_age)).all()


def _world() -> tuple[World, int, int, int]:
    w = World()
    bot = w.person("poster", followers=40, following=400, created_at=START - timedelta(days=60))
    human = w.person("writer", followers=300, following=100, created_at=START - timedelta(days=1800))
    quiet_bot = w.person("quiet", followers=40, following=400, created_at=START - timedelta(days=60))
    fan = w.person("fan")
    for i in range(300):  # 30 link posts a day for 10 days
        w.post(bot, day=1 + i / 30, text=f"Deal of the day https://spam.example/{i}", reported_likes=0)
    for i in range(25):
        post = w.post(human, day=1 + i * 0.4, reported_likes=5)
        w.react(fan, human, kind="like", post=post, day=1.2 + i * 0.4)
    w.react(fan, human, kind="like", day=12)  # the data runs past the bot's last post
    for i in range(5):  # posts like the bot, but too few to judge
        w.post(quiet_bot, day=1 + i, text=f"Deal https://spam.example/q{i}", reported_likes=0)
    return w, bot, human, quiet_bot


def test_a_refresh_flags_the_bot_like_account_with_its_evidence_in_words():
    w, bot, human, quiet_bot = _world()
    con = warehouse_with(w)
    refresh(con)
    flagged = rows(con, "SELECT account_id, flag, severity, evidence FROM authenticity_flags")
    assert [(a, f, s) for a, f, s, _ in flagged] == [(bot, "automated", automation.AUTOMATION.severity)]
    evidence = json.loads(flagged[0][3])
    assert evidence["links_per_post"] == 1.0 and evidence["posts"] == 300
    assert 27 <= evidence["posts_per_day"] <= 30  # 300 posts over the 10-11 days the data covers
    assert evidence["in_words"].startswith(f"This account posts {evidence['posts_per_day']:.1f} times a day")
    assert "100% carry a link" in evidence["in_words"]
    ratings = dict(rows(con, "SELECT account_id, rating FROM authenticity"))
    assert ratings[bot] == round(100 * (1 - automation.AUTOMATION.severity))
    assert ratings[human] == ratings[quiet_bot] == 100


def test_links_per_post_counts_http_and_https_addresses_in_the_text_only():
    w = World()
    author = w.person("linker")
    texts = ["see http://a.example", "see https://b.example", "no link here", "ftp://c.example", "https:/ broken"]
    for i, text in enumerate(texts):
        w.post(author, day=1 + i, text=text)
    con = warehouse_with(w)
    found = automation.account_features(con, np.array([author]), START, START + timedelta(days=10), 10.0)
    assert found["posts"].to_list() == [5]
    assert found["links_per_post"].to_list() == [pytest.approx(2 / 5)]
