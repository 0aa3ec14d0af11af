"""Tagging posts once per model, with their language: new posts only, languages not covered marked, not guessed."""

import shutil

import pytest

from core.db import warehouse
from core.db.warehouse import rows, scalar, transaction
from core.topics.corrections import correct_post
from core.topics.tagging import language_counts, model_key, tag_posts
from core.workspace.access import LOCAL
from tests.unit.topics_small import small_model

SPANISH = "Me hace falta una fiesta bien criminal para agarrarle cariño a la vida, y no hay ninguna"
ENGLISH = "Leg day done, new deadlift PR and the gym was packed #fitness"
# post_id: (text, the source's language tag)
NEW_POSTS = {
    10**9: (SPANISH, None),  # detected as Spanish
    10**9 + 1: (ENGLISH, "pt-BR"),  # the network says Portuguese: believed
    10**9 + 2: (SPANISH, "en"),  # the network says English: read
    10**9 + 3: (ENGLISH, None),
}


@pytest.fixture
def con(raw_demo_file, tmp_path):
    path = tmp_path / "demo.duckdb"
    shutil.copy(raw_demo_file, path)
    con = warehouse.connect(path)
    yield con
    con.close()


def tag(con, model):
    with transaction(con):
        return tag_posts(con, model)


def add_posts(con, posts=NEW_POSTS):
    for post_id, (text, language) in posts.items():
        con.execute(
            "INSERT INTO posts (post_id, account_id, network, external_id, posted_at, text, kind, language) "
            "SELECT ?, account_id, network, ?, posted_at, ?, 'post', ? FROM posts ORDER BY post_id LIMIT 1",
            [post_id, f"new-{post_id}", text, language],
        )


def tagging_of(con, post_id):
    return rows(con, "SELECT language, covered FROM post_tagging WHERE post_id = ?", [post_id])


def topics_of(con, post_id):
    return rows(con, "SELECT topic, corrected FROM post_topics WHERE post_id = ? ORDER BY topic", [post_id])


def test_each_post_is_tagged_once_with_the_model_that_tagged_it(con):
    model = small_model()
    posts = scalar(con, "SELECT count(*) FROM posts")
    first = tag(con, model)
    assert (first.tagged, first.kept) == (posts, 0)
    assert rows(con, "SELECT count(*), count(DISTINCT post_id), min(model_key), max(model_key) FROM post_tagging") == [
        (posts, posts, model_key(model), model_key(model))
    ]
    add_posts(con)
    again = tag(con, model)
    assert (again.tagged, again.kept) == (len(NEW_POSTS), posts)
    assert tag(con, model).tagged == 0


def test_the_report_counts_posts_left_without_topics_for_too_little_text(con):
    model = small_model()
    tag(con, model)
    add_posts(con, {10**9 + 7: ("ok lol", None), 10**9 + 8: (ENGLISH, None), 10**9 + 9: (SPANISH, None)})
    report = tag(con, model)
    assert (report.tagged, report.not_covered, report.without_topics) == (3, 1, 1)
    assert not topics_of(con, 10**9 + 7) and topics_of(con, 10**9 + 8)


def test_posts_in_languages_not_covered_get_no_topics(con):
    model = small_model()
    tag(con, model)
    before = {language: n for language, _, n in language_counts(con).iter_rows()}
    add_posts(con)
    report = tag(con, model)
    assert report.not_covered == 2
    expected = {10**9: ("es", False), 10**9 + 1: ("pt", False), 10**9 + 2: ("en", True), 10**9 + 3: ("en", True)}
    for post_id, (language, covered) in expected.items():
        assert tagging_of(con, post_id) == [(language, covered)]
        assert bool(topics_of(con, post_id)) == covered
    counts = {language: (covered, n) for language, covered, n in language_counts(con).iter_rows()}
    assert counts["es"] == (False, before.get("es", 0) + 1) and counts["pt"] == (False, before.get("pt", 0) + 1)


def test_a_marketers_topic_on_a_post_not_covered_counts(con):
    model = small_model()
    add_posts(con)
    tag(con, model)
    correct_post(con, LOCAL, 10**9, add=["music"])
    tag(con, model)
    assert tagging_of(con, 10**9) == [("es", False)]
    assert topics_of(con, 10**9) == [("music", True)]  # only what the marketer said, nothing guessed


def test_a_new_model_tags_everything_again(con):
    tag(con, small_model())
    retuned = small_model()
    retuned.thresholds = retuned.thresholds + 0.01
    posts = scalar(con, "SELECT count(*) FROM posts")
    assert tag(con, retuned).tagged == posts
    assert rows(con, "SELECT DISTINCT model_key FROM post_tagging") == [(model_key(retuned),)]
    assert scalar(con, "SELECT count(*) FROM (SELECT DISTINCT post_id, topic FROM post_topics)") == scalar(
        con, "SELECT count(*) FROM post_topics"
    )


def test_deleted_posts_lose_their_tagging_and_topics(con):
    model = small_model()
    add_posts(con)
    tag(con, model)
    assert topics_of(con, 10**9 + 3)
    con.execute("DELETE FROM posts WHERE post_id = ?", [10**9 + 3])  # as a network's deletion would
    assert tag(con, model).tagged == 0
    assert tagging_of(con, 10**9 + 3) == [] and topics_of(con, 10**9 + 3) == []


def test_topics_stored_before_post_tagging_existed_are_replaced_not_doubled(con):
    model = small_model()
    tag(con, model)
    before = rows(con, "SELECT * FROM post_topics ORDER BY post_id, topic")
    con.execute("DELETE FROM post_tagging")  # a warehouse tagged before migration 013
    assert tag(con, model).tagged == scalar(con, "SELECT count(*) FROM posts")
    assert rows(con, "SELECT * FROM post_topics ORDER BY post_id, topic") == before
