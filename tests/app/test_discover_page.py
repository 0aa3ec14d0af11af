"""AppTest of the Discover page on the small known warehouse: filters, URL round trip, paging, exports."""

import io
import json

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from core.db import warehouse
from tests.unit import discover_world as world
from tests.unit.discover_world import CARL, EVIL, MIRA, QUIET, ZOE

APP = str(warehouse.REPO_ROOT / "app.py")


@pytest.fixture
def known_world(tmp_path, monkeypatch) -> str:
    path = world.file_warehouse(tmp_path / "known.duckdb")
    monkeypatch.setenv("SWAY_DB", path)
    return path


def _discover(query_params: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.query_params.update(query_params or {})
    at.switch_page("pages/discover.py").run()
    assert not at.exception, at.exception
    return at


def _count(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("### "))


def _ids(at: AppTest) -> list[int]:
    return at.dataframe[0].value["person_id"].tolist()


def _changed(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def test_filters_change_the_result_set(known_world):
    at = _discover()
    assert at.title[0].value == "Discover"
    assert _count(at) == "### 5 people" and _ids(at) == [MIRA, EVIL, ZOE, CARL, QUIET]

    at.multiselect(key="discover_topics").set_value(["music"])
    assert _ids(_changed(at)) == [EVIL, ZOE] and _count(at) == "### 2 people"
    at.slider(key="discover_score").set_value((40, 100))
    assert _ids(_changed(at)) == [EVIL] and _count(at) == "### 1 person"
    at.toggle(key="discover_hide_flagged").set_value(True)
    assert _ids(_changed(at)) == [] and _count(at) == "### 0 people"

    at.toggle(key="discover_hide_flagged").set_value(False)
    at.multiselect(key="discover_topics").set_value([])
    at.slider(key="discover_score").set_value((1, 100))
    at.text_input(key="discover_text").set_value("' OR 1=1 --")
    assert _ids(_changed(at)) == []
    at.text_input(key="discover_text").set_value("runner")
    assert _ids(_changed(at)) == [MIRA]
    at.text_input(key="discover_text").set_value("")
    at.text_input(key="discover_location").set_value("berlin")
    at.selectbox(key="discover_sort").set_value("audience")
    assert _ids(_changed(at)) == [EVIL, ZOE]


def test_the_url_holds_the_search_and_restores_it(known_world):
    at = _discover()
    assert at.query_params == {}
    at.multiselect(key="discover_topics").set_value(["music", "gaming"])
    at.segmented_control(key="discover_topic_mode").set_value("all")
    at.slider(key="discover_score").set_value((20, 90))
    at.multiselect(key="discover_networks").set_value(["youtube"])
    _changed(at)
    params = dict(at.query_params)
    assert params == {"score": "20-90", "topic": ["music", "gaming"], "net": "youtube", "topics": "all"}
    assert _ids(at) == [ZOE]

    reopened = _discover(params)  # a new session opening the shared link
    assert reopened.multiselect(key="discover_topics").value == ["music", "gaming"]
    assert reopened.slider(key="discover_score").value == (20, 90)
    assert reopened.segmented_control(key="discover_topic_mode").value == "all"
    assert _ids(reopened) == [ZOE]


def test_a_broken_link_falls_back_to_defaults(known_world):
    at = _discover({"score": "lots", "sort": "';--", "page": "x", "per": "3", "topic": "no such topic"})
    assert _count(at) == "### 5 people"
    assert at.selectbox(key="discover_sort").value == "relevance"  # the default: best match, else score


def test_a_search_that_finds_nobody_says_why_and_what_to_try(known_world):
    def said(at: AppTest) -> list[str]:
        return [i.value.replace("\\", "") for i in at.info]

    at = _discover({"q": "xqzzvbnmwq"})
    assert _count(at) == "### 0 people"
    assert any("Nobody has every word of 'xqzzvbnmwq'" in i and "Try fewer or other words" in i for i in said(at))
    at = _discover()
    at.number_input(key="discover_aud_min").set_value(50_000)
    at.number_input(key="discover_aud_max").set_value(1_000)
    assert _count(_changed(at)) == "### 0 people"
    assert any("Audience 'from' (50,000) is above 'to' (1,000): swap them." in i for i in said(at))
    assert not any("Nobody" in i for i in said(_discover()))  # a search that finds people says nothing of it


def test_a_person_found_by_their_bio_says_so_instead_of_an_empty_post(known_world):
    table = _discover({"q": "coffee"}).dataframe[0].value  # only in Mira's bio
    assert table["person_id"].tolist() == [MIRA]
    assert table["matching_post"].tolist() == ["(in their name, handles or bio)"]


def test_paging_moves_through_the_result(known_world):
    at = _discover({"per": "25"})
    assert any("Page 1 of 1" in m.value for m in at.markdown)
    at = _discover({"sort": "audience", "page": "3", "per": "25"})  # past the end: the last page
    assert any("Page 1 of 1" in m.value for m in at.markdown) and _ids(at)[0] == EVIL


def test_exports_contain_the_rows_with_formulas_neutralised(known_world, downloads):
    at = _discover()
    at.session_state["discover_results"] = {"selection": {"rows": [1, 2], "columns": [], "cells": []}}
    _changed(at)
    selection = downloads["Selection as CSV"]().decode("utf-8-sig").splitlines()  # made on click
    assert selection[0].startswith("Name,Handles,Score")
    assert [line.split(",")[0] for line in selection[1:]] == ["'@Evil Corp", "Zoë Müller"]
    assert "'=HYPERLINK" in selection[1]

    result = downloads["Result as CSV"]().decode("utf-8-sig").splitlines()  # generated on click
    assert len(result) == 6 and result[1].startswith("Mira Torvalen")
    book = openpyxl.load_workbook(io.BytesIO(downloads["Result as XLSX"]()))
    cells = [c for row in book.active.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert {"'@Evil Corp", "Zoë Müller", "Quiet Person"} <= {c.value for c in cells}
    chosen = openpyxl.load_workbook(io.BytesIO(downloads["Selection as XLSX"]()))
    assert [r[0] for r in chosen.active.iter_rows(min_row=2, values_only=True)] == ["'@Evil Corp", "Zoë Müller"]


def test_a_selected_person_erased_or_whose_id_went_to_someone_else_is_unticked(known_world):
    at = _discover()
    at.multiselect(key="discover_topics").set_value(["music"])
    assert _ids(_changed(at)) == [EVIL, ZOE]
    # Ticked earlier: Zoë (shown), and on other searches someone erased since (no such person now) and an id now
    # holding another person than the one ticked.
    at.session_state["discover_results__people"] = {ZOE: "Zoë Müller", 987654: "Erased Person", MIRA: "Old Name"}
    at.session_state["discover_results"] = {"selection": {"rows": [1], "columns": [], "cells": []}}
    _changed(at)
    assert any(m.value == "**1 person: Zoë Müller**" for m in at.markdown), [m.value for m in at.markdown]
    assert not any("Erased Person" in m.value or "Old Name" in m.value for m in at.markdown)


def test_without_scores_discover_still_works_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("SWAY_DB", world.file_warehouse(tmp_path / "unscored.duckdb", scored=False, topics=False))
    at = _discover()
    assert any("Scores have not been computed yet" in i.value for i in at.info)
    assert _count(at) == "### 5 people" and set(at.dataframe[0].value["score"]) == {1}
    assert at.multiselect(key="discover_topics").disabled


def _open_box(at: AppTest):
    return next(s for s in at.selectbox if s.label == "Open a profile")


def test_opening_a_profile_from_the_results(known_world):
    at = _discover()
    _open_box(at).set_value(EVIL)
    next(b for b in at.button if b.label == "Open profile").click()
    _changed(at)
    assert at.query_params == {"person": str(EVIL)}
    assert at.title[0].value == "\\@\u2060Evil Corp"  # Markdown-escaped, a word joiner after @: it shows as written


def test_open_a_profile_offers_the_first_row_of_the_current_results(known_world):
    at = _discover()
    assert _open_box(at).value == _ids(at)[0]
    _open_box(at).set_value(ZOE)  # a pick stays while the results stay
    assert _open_box(at).value == ZOE and _open_box(_changed(at)).value == ZOE
    before = _open_box(at).key
    at.selectbox(key="discover_sort").set_value("audience")
    first = _ids(_changed(at))[0]
    assert first != ZOE and _open_box(at).value == first  # a new order starts at its top
    # A new box for the new rows, so the browser cannot keep showing the earlier pick.
    assert _open_box(at).key != before and before not in at.session_state


def _topics_of(at: AppTest, person: int) -> tuple[list[str], int]:
    """(topics, topic influence) of the person's row as the table shows it."""
    table = at.dataframe[0].value.set_index("person_id")
    return list(table.at[person, "topics"]), int(table.at[person, "topic_influence"])


def _on_profile(at: AppTest, person: int, button: str) -> None:
    """Click a button on the person's Profile page, then come back to Discover (whose results are cached)."""
    at.query_params.clear()
    at.query_params["person"] = str(person)
    at.switch_page("pages/profile.py").run()
    at.button(key=button).click().run()
    assert not at.exception, at.exception
    at.query_params.clear()
    _changed(at.switch_page("pages/discover.py"))


def test_a_topic_marked_wrong_leaves_the_row_and_the_export_until_undone(known_world, downloads):
    at = _discover()
    assert _topics_of(at, MIRA) == (["Fitness & health", "Food & dining"], 70)
    _on_profile(at, MIRA, "wrong_fitness_&_health")
    assert _topics_of(at, MIRA) == (["Food & dining"], 40)  # not the cached search from before
    at.session_state["discover_results"] = {"selection": {"rows": [_ids(at).index(MIRA)], "columns": [], "cells": []}}
    _changed(at)
    selection = downloads["Selection as CSV"]().decode("utf-8-sig")
    assert "Food & dining" in selection and "Fitness" not in selection
    _on_profile(at, MIRA, "undo_fitness_&_health")
    assert _topics_of(at, MIRA) == (["Fitness & health", "Food & dining"], 70)


def test_the_topic_influence_help_says_what_the_number_is(known_world):
    def help_text(at: AppTest) -> str:
        return json.loads(at.dataframe[0].proto.columns)["topic_influence"]["help"]

    at = _discover()
    assert help_text(at) == "Their influence in their strongest topic"
    at.multiselect(key="discover_topics").set_value(["music"])
    assert help_text(_changed(at)) == "Their best influence in the chosen topics"


def test_engagement_reads_as_on_the_profile(known_world):
    """Two significant digits, as Profile and Results show it: 0.17%, not a rounded 0.2% or 0.00%."""
    table = _discover().dataframe[0].value.set_index("person_id")["engagement_rate"]
    assert (table[MIRA], table[EVIL]) == ("0.17%", "0.1%")


def test_scored_on_a_network_its_score_comes_first_beside_the_combined_one(known_world):
    at = _discover()
    assert list(at.dataframe[0].proto.column_order)[2] == "score"
    at.selectbox(key="discover_on").set_value("twitter")
    table = _changed(at).dataframe[0]
    order = list(table.proto.column_order)
    assert order[2:4] == ["score_twitter", "score"]  # the order the rows are in, then the combined score
    labels = json.loads(table.proto.columns)
    assert labels["score_twitter"]["label"] == "Twitter score" and labels["score"]["label"] == "Combined score"
