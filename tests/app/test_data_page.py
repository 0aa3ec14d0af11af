"""AppTest of the Data page on a small known demo warehouse."""

import threading

from streamlit.testing.v1 import AppTest

from core.db import status, warehouse
from core.ops import bootstrap, first_start, refresh
from tests.app.waiting import until_jobs_end
from tests.unit.topics_small import small_model
from ui.jobs import LEAVE_NOTE

APP = str(warehouse.REPO_ROOT / "app.py")


def _run_app() -> AppTest:
    """The app, opened (on Home) and then on its Data page."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    at.switch_page("pages/data.py").run()
    assert not at.exception, at.exception
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_shows_the_counts_of_the_warehouse(demo_copy):
    con = warehouse.connect(demo_copy)
    counts = status.table_counts(con)
    con.close()
    at = _run_app()
    assert at.title[0].value == "Data"
    assert _metrics(at) == {
        "People": f"{counts['people']:,}",
        "Accounts": f"{counts['accounts']:,}",
        "Posts": f"{counts['posts']:,}",
        "Reactions": f"{counts['interactions']:,}",
    }
    assert any("demo world" in md.value for md in at.markdown)


def test_the_interchange_columns_are_readable_on_the_page(demo_copy):
    at = _run_app()
    guide = next(e for e in at.expander if e.label == "Columns Sway reads, file by file")
    shown = " ".join(m.value for m in guide.markdown)
    assert shown.startswith("# Sway interchange files") and "`posted_at`" in shown


def test_the_source_names_only_the_sources_the_data_has(demo_copy):
    con = warehouse.connect(demo_copy)
    warehouse.record_load(con, "import", ["brand.csv"], {"people": 1, "accounts": 1, "posts": 0, "interactions": 0})
    con.close()
    at = _run_app()
    assert any(
        md.value.startswith("**Source:** several sources: the demo world and imported files. **Activity:**")
        for md in at.markdown
    ), [md.value for md in at.markdown]


def test_the_refresh_caption_names_the_window_the_scores_were_computed_over(demo_copy):
    con = warehouse.connect(demo_copy)
    con.execute("UPDATE score_runs SET window_days = 30 WHERE kind = 'refresh'")  # as `--window-days 30` leaves it
    con.close()
    at = _run_app()
    captions = [c.value for c in at.caption if "A refresh recomputes" in c.value]
    assert captions and "from the last 30 days of reactions" in captions[0], captions


def test_rebuild_needs_confirmation_and_then_replaces_the_world(demo_copy):
    at = _run_app()
    before = _metrics(at)
    people_input = next(n for n in at.number_input if n.label == "People")
    people_input.set_value(150)
    submit = next(b for b in at.button if b.label == "Rebuild demo world")
    submit.click().run()
    assert any("Tick the box" in w.value for w in at.warning)
    assert _metrics(at) == before

    next(c for c in at.checkbox if "will be replaced" in c.label).check()
    until_jobs_end(next(b for b in at.button if b.label == "Rebuild demo world").click().run())
    assert not at.exception, at.exception
    # What the page showed instead, should this fail again (it did once under a full parallel run, not since).
    shown = [e.value for e in (*at.success, *at.error, *at.warning, *at.caption)]
    assert any("150 people" in s.value for s in at.success), shown
    assert _metrics(at)["People"] == "150"


def test_first_start_builds_the_demo_world_with_progress(tmp_path, monkeypatch):
    monkeypatch.setenv("SWAY_DB", str(tmp_path / "fresh" / "sway.duckdb"))
    monkeypatch.setattr(bootstrap, "DEMO_PEOPLE", 120)
    at = _run_app()
    assert _metrics(at)["People"] == "120"
    assert warehouse.exists(tmp_path / "fresh" / "sway.duckdb")


def test_a_fresh_clone_opens_before_its_topics_and_says_they_are_coming(tmp_path, monkeypatch):
    monkeypatch.setenv("SWAY_DB", str(tmp_path / "fresh" / "sway.duckdb"))
    monkeypatch.setenv("SWAY_MODEL", str(tmp_path / "fresh" / "topic_model.skops"))  # none saved yet
    monkeypatch.setattr(bootstrap, "DEMO_PEOPLE", 120)
    release = threading.Event()
    monkeypatch.setattr(first_start, "load_or_train", lambda: release.wait(120) and small_model())
    at = _run_app()
    assert _metrics(at)["People"] == "120"  # the Data page works while the model still fits
    assert any("Finding topics" in bar.proto.text for bar in at.sidebar.get("progress"))
    at.switch_page("pages/topics.py").run()
    assert not at.exception, at.exception
    assert any("finding the topics of the demo posts" in i.value for i in at.info)

    release.set()
    for thread in threading.enumerate():
        if thread.name == "sway-first-topics":
            thread.join(timeout=120)
    at.run()
    assert not at.exception, at.exception
    assert not at.sidebar.get("progress")
    assert not any("finding the topics" in i.value for i in at.info)
    assert at.dataframe  # the Topics page now shows its tables


def test_topics_that_cannot_be_found_in_the_background_say_so_and_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("SWAY_DB", str(tmp_path / "fresh" / "sway.duckdb"))
    monkeypatch.setenv("SWAY_MODEL", str(tmp_path / "fresh" / "topic_model.skops"))
    monkeypatch.setattr(bootstrap, "DEMO_PEOPLE", 120)

    def broken_fit():
        raise OSError("No space left on device")

    monkeypatch.setattr(first_start, "load_or_train", broken_fit)
    at = _run_app()
    for thread in threading.enumerate():
        if thread.name == "sway-first-topics":
            thread.join(timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert _metrics(at)["People"] == "120"  # the rest of the app works
    [warning] = at.sidebar.warning
    assert "No space left on device" in warning.value and "Refresh scores and topics" in warning.value
    assert not at.sidebar.get("progress")


def test_refresh_button_rescores_and_is_logged(demo_copy):
    at = _run_app()
    until_jobs_end(next(b for b in at.button if b.label == "Refresh scores and topics").click().run())
    assert not at.exception, at.exception
    assert any(s.value.startswith("Scored 600 people") for s in at.success)
    con = warehouse.connect(demo_copy)
    try:
        assert warehouse.scalar(con, "SELECT count(*) FROM audit_log WHERE action = 'refresh'") == 1
        assert warehouse.scalar(con, "SELECT count(*) FROM score_runs WHERE kind = 'refresh'") == 2
    finally:
        con.close()


def test_a_scoring_change_is_previewed_then_applied(demo_copy):
    at = _run_app()
    assert not any(b.label == "Apply and refresh" for b in at.button)
    setting = next(s for s in at.selectbox if s.label == "Setting to change")
    assert "defaults" not in setting.options  # nothing differs from the defaults yet
    like = "What a like is worth, in reposts"
    setting.select(like).run()  # settings are chosen by what they do, not by their internal names
    next(n for n in at.number_input if n.label == "New value").set_value(0.1).run()
    next(b for b in at.button if b.label == "Preview").click().run()
    assert not at.exception, at.exception
    summary = next(m.value for m in at.markdown if "would get a different score" in m.value)
    assert " lower" in summary  # a like worth less lowers the scores of people others like
    moved = next(d.value for d in at.dataframe if "moved_most_by" in d.value.columns)
    assert moved["delta"].min() < 0 and "likes" in set(moved["moved_most_by"])
    assert any(b.label == "Apply and refresh" for b in at.button)  # only once previewed
    until_jobs_end(next(b for b in at.button if b.label == "Apply and refresh").click().run())
    assert not at.exception, at.exception
    assert any(f"{like}: 0.4 → 0.1" in s.value.replace("\\", "") for s in at.success)  # says what changed
    changed = f"These scores use 1 setting changed from its default (default → now): {like}: 0.4 → 0.1."
    assert changed in [c.value.replace("\\", "") for c in at.caption]  # and the scores say so from now on
    con = warehouse.connect(demo_copy)
    try:
        [(params,)] = warehouse.rows(
            con, "SELECT params FROM score_runs WHERE kind = 'refresh' AND status = 'ok' ORDER BY run_id DESC LIMIT 1"
        )
        assert '"weight_like": 0.1' in params
        [(details,)] = warehouse.rows(con, "SELECT details FROM audit_log WHERE action = 'refresh'")
        assert "weight_like" in details
    finally:
        con.close()
    # Once something differs from the defaults, one choice puts every setting back.
    next(s for s in at.selectbox if s.label == "Setting to change").select("defaults").run()
    assert any(c.value == f"Puts back to the default: {like}." for c in at.caption)  # which ones, by name
    next(b for b in at.button if b.label == "Preview").click().run()
    until_jobs_end(next(b for b in at.button if b.label == "Apply and refresh").click().run())
    assert not at.exception, at.exception
    assert any(f"{like}: 0.1 → 0.4" in s.value.replace("\\", "") for s in at.success)
    assert not any("defaults" in s.options for s in at.selectbox if s.label == "Setting to change")
    assert not any("changed from its default" in c.value for c in at.caption)


def test_a_scoring_value_the_setting_cannot_take_is_refused_with_what_to_do(demo_copy):
    at = _run_app()
    next(s for s in at.selectbox if s.label == "Setting to change").select(
        "Fewer distinct reactors than this and a score is marked too little data"
    ).run()
    next(n for n in at.number_input if n.label == "New value").set_value(2.5).run()
    next(b for b in at.button if b.label == "Preview").click().run()
    assert not at.exception, at.exception
    [error] = at.error
    assert "The scores stay as they are" in error.value and "whole number" in error.value
    assert "'Fewer distinct reactors than this" in error.value  # named as the page names it
    assert not any(b.label == "Apply and refresh" for b in at.button)


def test_a_negative_value_is_refused_in_words_not_previewed_as_no_change(demo_copy):
    # The field refused -1 silently and the preview ran with the old value: "No one's score would change".
    at = _run_app()
    like = "What a like is worth, in reposts"
    next(s for s in at.selectbox if s.label == "Setting to change").select(like).run()
    value = next(n for n in at.number_input if n.label == "New value")
    assert next(b for b in at.button if b.label == "Preview").disabled  # its value now: nothing to preview
    assert any("the value it has now" in c.value for c in at.caption)
    value.set_value(-1.0).run()
    next(b for b in at.button if b.label == "Preview").click().run()
    assert not at.exception, at.exception
    [error] = at.error
    assert f"'{like}' (weight_like) must not be negative (got -1)" in error.value.replace("\\", "")
    assert not any("would change" in m.value for m in at.markdown)


def test_the_by_network_table_names_networks_as_people_write_them(demo_copy):
    at = _run_app()
    shown = next(frame.value for frame in at.dataframe if "network" in frame.value)
    assert {"Twitter", "YouTube", "TikTok"} <= set(shown["network"]) and "twitter" not in set(shown["network"])


def test_a_refresh_goes_on_when_its_page_is_left_and_says_how_it_ended_on_return(demo_copy, monkeypatch):
    release = threading.Event()
    real = refresh.refresh

    def held(*args, **kwargs):  # the refresh waits until the marketer has left the page
        release.wait(60)
        return real(*args, **kwargs)

    monkeypatch.setattr(refresh, "refresh", held)
    at = _run_app()
    next(b for b in at.button if b.label == "Refresh scores and topics").click().run()
    assert not at.exception, at.exception
    assert any(LEAVE_NOTE in c.value for c in at.caption)  # its progress, where the button was
    waiting = [b for b in at.button if b.label in ("Refresh scores and topics", "Import")]
    assert len(waiting) == 2 and all(b.disabled for b in waiting)  # one job at a time, and it says why
    assert all(b.help.startswith("Wait until the refresh started at") for b in waiting)
    at.switch_page("pages/home.py").run()
    assert not at.exception, at.exception
    release.set()
    for thread in threading.enumerate():
        if thread.name.startswith("sway-refresh-"):
            thread.join(timeout=120)
    con = warehouse.connect(demo_copy)
    try:
        assert warehouse.scalar(con, "SELECT count(*) FROM score_runs WHERE kind = 'refresh'") == 2
    finally:
        con.close()
    at.switch_page("pages/data.py").run()
    assert not at.exception, at.exception
    assert any(s.value.startswith("Scored 600 people") for s in at.success)
    assert any(c.value.startswith("Started at") and "ended at" in c.value for c in at.caption)
    at.run()
    assert not any(s.value.startswith("Scored 600 people") for s in at.success)  # said once, not on every visit
