"""Importing Twitter API v1.1 JSON (a real 30-tweet PHEME thread): accounts, posts, replies, mentions, retweets."""

import copy
import json
from datetime import datetime
from pathlib import Path

import pytest

from core.db import warehouse
from core.ingest import import_files

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "twitter_v1_sample.jsonl"
TWEETS = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
ROOT = TWEETS[0]
NOW = datetime(2025, 1, 1)


@pytest.fixture
def con(tmp_path):
    con = warehouse.connect(tmp_path / "w.duckdb")
    yield con
    con.close()


def write_tweets(path: Path, tweets: list[dict]) -> Path:
    path.write_text("".join(json.dumps(t) + "\n" for t in tweets), encoding="utf-8")
    return path


def expected_interactions() -> tuple[set[tuple], int]:
    """(actor, target, post, type, time) in source ids, worked out straight from the JSON, and the self-loops."""
    ids = {t["id_str"] for t in TWEETS}
    found, loops = set(), 0
    for t in TWEETS:
        author, when = t["user"]["id_str"], datetime.strptime(t["created_at"], "%a %b %d %H:%M:%S %z %Y")
        when = when.replace(tzinfo=None)
        targets = [(m["id_str"], None, "mention") for m in t["entities"]["user_mentions"]]
        if t["in_reply_to_user_id_str"]:
            parent = t["in_reply_to_status_id_str"]
            targets.append((t["in_reply_to_user_id_str"], parent if parent in ids else None, "reply"))
        for target, post, kind in targets:
            if target == author:
                loops += 1
            else:
                found.add((author, target, post, kind, when))
    return found, loops


def stored_interactions(con) -> list[tuple]:
    return warehouse.rows(
        con,
        "SELECT a.external_id, b.external_id, p.external_id, i.type::VARCHAR, i.occurred_at FROM interactions i "
        "JOIN accounts a ON a.account_id = i.actor_account_id JOIN accounts b ON b.account_id = i.target_account_id "
        "LEFT JOIN posts p ON p.post_id = i.post_id",
    )


def test_imports_the_thread(con):
    report = import_files(con, [SAMPLE], now=NOW)

    authors = {t["user"]["id_str"] for t in TWEETS}
    referenced = {m["id_str"] for t in TWEETS for m in t["entities"]["user_mentions"]} | {
        t["in_reply_to_user_id_str"] for t in TWEETS if t["in_reply_to_user_id_str"]
    }
    interactions, loops = expected_interactions()
    assert report.files[0].format == "Twitter API v1.1 JSON" and report.files[0].rows == 30
    assert report.added == {
        "people": len(authors | referenced),
        "accounts": len(authors | referenced),
        "posts": 30,
        "interactions": len(interactions),
    }
    assert report.self_loops == loops > 0
    stored = stored_interactions(con)
    assert len(stored) == len(interactions) and set(stored) == interactions
    assert warehouse.scalar(con, "SELECT count(DISTINCT network) FROM accounts") == 1


def test_posts_keep_text_times_links_counts_and_parents(con):
    import_files(con, [SAMPLE], now=NOW)
    posts = {
        row[0]: row[1:]
        for row in warehouse.rows(
            con,
            "SELECT p.external_id, p.posted_at, p.text, p.url, p.kind::VARCHAR, parent.external_id, "
            "p.reported_reposts, p.reported_likes "
            "FROM posts p LEFT JOIN posts parent ON parent.post_id = p.parent_post_id",
        )
    }
    root = posts[ROOT["id_str"]]
    assert root == (
        datetime(2015, 1, 7, 15, 35, 6),
        ROOT["text"],
        f"https://twitter.com/PeterTatchell/status/{ROOT['id_str']}",
        "post",
        None,
        ROOT["retweet_count"],
        ROOT["favorite_count"],
    )
    reply = TWEETS[4]
    assert posts[reply["id_str"]][3:5] == ("reply", reply["in_reply_to_status_id_str"])


def test_accounts_take_the_latest_profile_and_mentions_become_stubs(con):
    import_files(con, [SAMPLE], now=NOW)
    accounts = {
        row[0]: row[1:]
        for row in warehouse.rows(
            con, "SELECT external_id, handle, display_name, followers, following, language, created_at FROM accounts"
        )
    }
    latest = {}
    for t in TWEETS:  # the file is in time order
        latest[t["user"]["id_str"]] = t["user"]
    for user_id, user in latest.items():
        assert accounts[user_id][:5] == (
            user["screen_name"],
            user["name"],
            user["followers_count"],
            user["friends_count"],
            user["lang"],
        )
    assert accounts["31135856"][5] == datetime.strptime(
        latest["31135856"]["created_at"], "%a %b %d %H:%M:%S %z %Y"
    ).replace(tzinfo=None)
    mention = next(m for t in TWEETS for m in t["entities"]["user_mentions"] if m["id_str"] not in latest)
    assert accounts[mention["id_str"]] == (mention["screen_name"], mention["name"], None, None, None, None)


def test_retweets_and_full_text(con, tmp_path):
    fan = copy.deepcopy(TWEETS[1]["user"]) | {"id_str": "777", "screen_name": "rt_fan", "followers_count": 3}
    retweet = {
        "id_str": "900",
        "created_at": "Thu Jan 08 10:00:00 +0000 2015",
        "text": "RT @PeterTatchell: " + ROOT["text"][:50],
        "user": fan,
        "retweeted_status": ROOT,
        "entities": {"user_mentions": [{"id_str": "31135856", "screen_name": "PeterTatchell", "name": "P"}]},
        "retweet_count": 159,
        "favorite_count": 0,
    }
    long_text = "A long tweet " + "x" * 250
    extended = {"id_str": "901", "created_at": "Thu Jan 08 11:00:00 +0000 2015", "full_text": long_text, "user": fan}
    extra = write_tweets(tmp_path / "more_tweets.jsonl", [retweet, extended])

    import_files(con, [SAMPLE, extra], now=NOW)

    root_id = warehouse.scalar(con, "SELECT post_id FROM posts WHERE external_id = ?", [ROOT["id_str"]])
    assert warehouse.rows(con, "SELECT kind::VARCHAR, parent_post_id FROM posts WHERE external_id = '900'") == [
        ("repost", root_id)
    ]
    assert warehouse.scalar(con, "SELECT text FROM posts WHERE external_id = '901'") == long_text
    assert ("777", "31135856", ROOT["id_str"], "repost", datetime(2015, 1, 8, 10)) in stored_interactions(con)


def test_reimport_and_repeated_tweets_add_nothing(con, tmp_path):
    import_files(con, [SAMPLE], now=NOW)
    counts = warehouse.rows(con, "SELECT (SELECT count(*) FROM accounts), (SELECT count(*) FROM interactions)")

    again = import_files(con, [SAMPLE, write_tweets(tmp_path / "tweets.jsonl", TWEETS[:3] + TWEETS[:3])], now=NOW)

    assert again.added == {"people": 0, "accounts": 0, "posts": 0, "interactions": 0}
    assert again.skipped["posts"] == 30 + 3
    assert warehouse.rows(con, "SELECT (SELECT count(*) FROM accounts), (SELECT count(*) FROM interactions)") == counts


def test_posts_keep_the_language_twitter_gave_them(con, tmp_path):
    # The topic step reads it (core/topics/language.py): a tweet Twitter calls Spanish is not tagged as English.
    tweets = copy.deepcopy(TWEETS[:2])
    tweets[1]["lang"] = "es"
    del tweets[0]["lang"]
    import_files(con, [write_tweets(tmp_path / "t.jsonl", tweets)], now=NOW)
    stored = dict(warehouse.rows(con, "SELECT external_id, language FROM posts"))
    assert stored == {tweets[0]["id_str"]: None, tweets[1]["id_str"]: "es"}
