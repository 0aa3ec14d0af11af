"""AppTest of the Topics page on a scored copy of the small demo world, with a small model."""

import pytest
from streamlit.testing.v1 import AppTest

from core.db import warehouse
from core.scoring.refresh import refresh
from core.topics import model as topic_model
from core.topics import model_file
from core.topics.corrections import correct_post
from core.topics.influence import refresh_topics
from core.workspace.access import LOCAL
from tests.app.waiting import until_jobs_end
from tests.unit.topics_small import small_model, small_sample

APP = str(warehouse.REPO_ROOT / "app.py")


@pytest.fixture
def topics_world(demo_copy, tmp_path, monkeypatch):
    """The small demo, scored and tagged by the small model, which is also the saved model in use."""
    path = tmp_path / "topics.skops"
    model_file.save(small_model(), path)
    monkeypatch.setenv("SWAY_MODEL", str(path))
    # Retraining reads a small slice of the shipped sample, so the retrain button takes seconds.
    monkeypatch.setattr(topic_model, "training_posts", small_sample)
    con = warehouse.connect(demo_copy)
    try:
        refresh(con)
        refresh_topics(con, model=model_file.load(path))
    finally:
        con.close()
    return demo_copy, path


def _topics_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/topics.py").run()
    assert not at.exception, at.exception
    return at


def _charts(at: AppTest) -> list:
    return at.get("vega_lite_chart")


def test_shows_the_card_metrics_and_label_distribution(topics_world):
    at = _topics_page()
    assert at.title[0].value == "Topics"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Training texts"] == f"{small_sample().height:,}" and metrics["Corrections used"] == "0"
    assert metrics["Macro-F1 on real tweets"] != "–"
    assert any("Real tweets (X-Topic, 200)" in str(df.value) for df in at.dataframe)
    assert len(_charts(at)) == 1  # the label distribution
    assert "Top topic" in _charts(at)[0].proto.spec
    assert any("posts have topics" in c.value for c in at.caption)
    assert any("No corrections yet" in i.value for i in at.info)


def test_pasted_text_shows_its_topics_with_probabilities(topics_world):
    at = _topics_page()
    at.text_area[0].input("Leg day done, new deadlift PR #fitness")
    next(b for b in at.button if b.label == "Show topics").click().run()
    assert not at.exception, at.exception
    expected = small_model().predict(["Leg day done, new deadlift PR #fitness"])[0]
    tagged = next(m.value for m in at.markdown if m.value.startswith("**Tagged:**"))
    assert all(label.replace("_&_", " & ").replace("_", " ").capitalize() in tagged for label in expected)
    assert len(_charts(at)) == 2 and '"probability"' in _charts(at)[1].proto.spec


def test_blank_text_asks_for_a_post(topics_world):
    at = _topics_page()
    at.text_area[0].input("   ")
    next(b for b in at.button if b.label == "Show topics").click().run()
    assert any("paste the text of a post" in w.value for w in at.warning)


def test_retrain_uses_the_corrections_and_retags(topics_world):
    path_db, model_path = topics_world
    con = warehouse.connect(path_db)
    try:
        post = warehouse.scalar(con, "SELECT min(post_id) FROM posts")
        correct_post(con, LOCAL, post, add=["gaming"])
    finally:
        con.close()
    at = _topics_page()
    # The topic guide, the metrics, posts per language (the demo has a few posts not in English) and this
    # workspace's corrections.
    assert len(at.dataframe) == 4 and "model_agrees" in at.dataframe[3].value.columns
    listed = at.dataframe[3].value.iloc[0]  # in words: the topic's name, what was said, who said it
    assert (listed["topic"], listed["action"]) == ("Gaming", "Is about it")
    assert listed["corrected_by"] == "this server's operator (no sign-in)"
    until_jobs_end(next(b for b in at.button if b.label == "Retrain and re-tag posts").click().run())
    assert not at.exception, at.exception
    assert any("Retrained the topic model" in s.value and "1 of them corrected" in s.value for s in at.success)
    assert model_file.load(model_path).card["corrections_used"] == 1
    assert {m.label: m.value for m in at.metric}["Corrections used"] == "1"
    con = warehouse.connect(path_db)
    try:
        assert warehouse.rows(con, "SELECT corrected FROM post_topics WHERE post_id = ? AND topic = 'gaming'", [post])
        built = warehouse.scalar(con, "SELECT topic_rows FROM discovery_builds")
        assert built == warehouse.scalar(con, "SELECT count(*) FROM topic_influence")
    finally:
        con.close()


def test_an_unreadable_model_file_is_a_clear_error(topics_world):
    _, model_path = topics_world
    model_path.write_bytes(b"not a model")
    at = _topics_page()
    assert any("cannot be used" in e.value and "python -m core topics train" in e.value for e in at.error)


def test_a_post_opened_from_a_profile_gets_its_topics_corrected(topics_world):
    db, _ = topics_world
    con = warehouse.connect(db)
    try:
        post_id, topic = warehouse.rows(con, "SELECT post_id, topic FROM post_topics WHERE rank = 1 LIMIT 1")[0]
    finally:
        con.close()
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["post"] = str(post_id)
    at.run()
    at.switch_page("pages/topics.py").run()
    assert not at.exception, at.exception
    box = next(m for m in at.multiselect if m.label == "This post is about")
    assert topic in box.value
    box.unselect(topic).select("fitness_&_health" if topic != "fitness_&_health" else "music").run()
    next(b for b in at.button if b.label == "Save topics of this post").click().run()
    assert not at.exception, at.exception
    assert any(f"for post {post_id}" in s.value for s in at.success)
    con = warehouse.connect(db)
    try:
        actions = warehouse.rows(con, "SELECT topic, action FROM topic_corrections WHERE post_id = ?", [post_id])
    finally:
        con.close()
    assert (topic, "remove") in actions and any(a == "add" for _, a in actions)


def test_an_unknown_post_number_says_so(topics_world):
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["post"] = "999999999"
    at.run()
    at.switch_page("pages/topics.py").run()
    assert any("no post number 999999999" in w.value for w in at.warning)
    # A number no post can have is answered too: the field refused -5 silently, leaving the last warning up.
    next(n for n in at.number_input if n.label == "Post number").set_value(-5).run()
    assert [w.value for w in at.warning if "no post number" in w.value] == [
        "There is no post number -5 in the warehouse. Check the number and try again."
    ]


def test_the_page_leads_with_what_topics_cover_and_keeps_f1_in_an_expander(topics_world):
    at = _topics_page()
    assert at.subheader[0].value.startswith("What each topic covers")
    guide = at.dataframe[0].value
    assert {"covers", "clarity"} <= set(guide.columns) and guide["covers"].str.len().min() > 10
    assert "_&_" not in " ".join(guide["label"])
    assert any("tags" in m.value and "real tweets" in m.value for m in at.markdown)
    measured = at.expander[0]
    assert measured.label.startswith("How the model was measured")
    assert {m.label for m in measured.metric} >= {"Macro-F1 on real tweets"}
    assert any("Real tweets (X-Topic, 200)" in str(df.value) for df in measured.dataframe)


def test_the_languages_covered_and_posts_not_covered_are_shown(topics_world):
    path_db, model_path = topics_world
    con = warehouse.connect(path_db)
    try:
        con.execute(
            "INSERT INTO posts (post_id, account_id, network, external_id, posted_at, text, kind, language) "
            "SELECT 10**9, account_id, network, 'es-1', posted_at, 'Hola a todos', 'post', 'es' FROM posts LIMIT 1"
        )
        refresh_topics(con, model=model_file.load(model_path))
        not_covered = warehouse.scalar(con, "SELECT count(*) FROM post_tagging WHERE NOT covered")
    finally:
        con.close()
    at = _topics_page()
    assert any(m.value.startswith("**Languages covered:** English.") for m in at.markdown)
    assert any(f"{not_covered:,} posts in the warehouse are in languages" in c.value for c in at.caption)
    languages = next(df.value for df in at.dataframe if "covered" in df.value.columns)
    assert ("Spanish", False) in list(zip(languages["language"], languages["covered"], strict=True))
