"""Ticks belong to people, not row positions: Discover's across filters, sorting and paging; Campaigns' after a
removal. Streamlit reports ticks as row positions, so each test changes the rows and checks who is ticked."""

import io

import openpyxl
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from core.campaigns import members
from core.db import warehouse
from core.workspace.access import LOCAL
from tests.unit import discover_world as world
from tests.unit.campaign_world import ready_copy
from tests.unit.discover_world import CARL, EVIL, MIRA, ZOE

APP = str(warehouse.REPO_ROOT / "app.py")
TABLE = "discover_results"


@pytest.fixture
def known_world(tmp_path, monkeypatch) -> str:
    path = world.file_warehouse(tmp_path / "known.duckdb")
    monkeypatch.setenv("SWAY_DB", path)
    return path


def _open(page: str, query_params: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.query_params.update(query_params or {})
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _tick(at: AppTest, key: str, rows: list[int]) -> AppTest:
    """What a user's clicks on the tick boxes send: row positions."""
    at.session_state[key] = {"selection": {"rows": rows, "columns": [], "cells": []}}
    return _run(at)


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def _ticked(at: AppTest, key: str) -> list[int]:
    """The people whose rows show a tick."""
    shown = at.dataframe[0].value["person_id"].tolist()
    return [shown[i] for i in at.session_state[key]["selection"]["rows"]]


def _selected_text(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "selected" in m.value.lower() or m.value.startswith("**"))


def test_discover_ticks_stay_with_people_when_a_filter_changes(known_world):
    at = _open("pages/discover.py")
    assert at.dataframe[0].value["person_id"].tolist()[:3] == [MIRA, EVIL, ZOE]
    _tick(at, TABLE, [0])  # Mira
    assert _ticked(at, TABLE) == [MIRA]

    at.multiselect(key="discover_topics").set_value(["music"])  # Mira has no music: rows are now Evil, Zoe
    _run(at)
    assert at.dataframe[0].value["person_id"].tolist() == [EVIL, ZOE]
    assert _ticked(at, TABLE) == []  # not Evil, who now sits in the first row
    assert "1 person: Mira Torvalen" in _selected_text(at)
    assert any("not among the rows shown" in c.value for c in at.caption)

    _tick(at, TABLE, [1])  # Zoe, while Mira stays selected off screen
    at.multiselect(key="discover_topics").set_value([])
    _run(at)
    assert _ticked(at, TABLE) == [MIRA, ZOE]
    assert "2 people: Mira Torvalen and Zoë Müller" in _selected_text(at)


def test_discover_ticks_follow_people_through_sorting_and_paging(known_world):
    at = _open("pages/discover.py")
    _tick(at, TABLE, [0, 3])  # Mira and Carl in score order
    at.selectbox(key="discover_sort").set_value("audience")  # Evil, Mira, Zoe, Carl, Quiet
    _run(at)
    assert _ticked(at, TABLE) == [MIRA, CARL]
    assert at.dataframe[0].value["person_id"].tolist()[:2] == [EVIL, MIRA]


def test_discover_ticks_survive_a_visit_to_another_page(known_world):
    at = _open("pages/discover.py")
    _tick(at, TABLE, [0, 2])  # Mira and Zoe
    at.switch_page("pages/profile.py").run()  # the table is not drawn here, so Streamlit forgets its ticks
    assert not at.exception, at.exception
    at.switch_page("pages/discover.py").run()
    assert not at.exception, at.exception
    assert _ticked(at, TABLE) == [MIRA, ZOE]
    assert "2 people: Mira Torvalen and Zoë Müller" in _selected_text(at)


def test_unticking_removes_the_person_and_clear_unticks_everyone(known_world):
    at = _open("pages/discover.py")
    _tick(at, TABLE, [0, 1])
    _tick(at, TABLE, [1])
    assert _ticked(at, TABLE) == [EVIL]
    next(b for b in at.button if b.label == "Clear selection").click()
    _run(at)
    assert _ticked(at, TABLE) == []
    assert any(m.value.startswith("Nobody selected") for m in at.markdown)


def test_the_selection_export_holds_the_selected_people_from_every_page(known_world, downloads):
    at = _open("pages/discover.py")
    _tick(at, TABLE, [0])  # Mira
    at.multiselect(key="discover_topics").set_value(["music"])
    _run(at)
    _tick(at, TABLE, [0])  # Evil
    book = openpyxl.load_workbook(io.BytesIO(downloads["Selection as XLSX"]()))
    assert [r[0] for r in book.active.iter_rows(min_row=2, values_only=True)] == ["Mira Torvalen", "'@Evil Corp"]


@pytest.fixture
def ready(small_demo_file, tmp_path, monkeypatch) -> str:
    path = ready_copy(small_demo_file, tmp_path / "sway.duckdb")
    monkeypatch.setenv("SWAY_DB", path)
    return path


def test_campaigns_remove_selected_leaves_no_ticks_on_the_next_people(ready):
    con = warehouse.connect(ready)
    try:
        campaign_id = warehouse.scalar(
            con, "SELECT campaign_id FROM campaign_members GROUP BY 1 ORDER BY count(*) DESC, campaign_id LIMIT 1"
        )
    finally:
        con.close()
    at = _open("pages/campaigns.py", {"campaign": str(campaign_id)})
    key = f"campaign_list_{campaign_id}"
    before = at.dataframe[0].value["person_id"].tolist()
    _tick(at, key, [0, 1])
    assert any("act on 2 people" in c.value for c in at.caption)
    next(b for b in at.button if b.label == "Remove selected").click()
    _run(at)
    _run(at)  # the rerun after the action
    after = at.dataframe[0].value["person_id"].tolist()
    assert after == before[2:]
    assert at.session_state[key]["selection"]["rows"] == []  # the next people are not ticked
    assert next(b for b in at.button if b.label == "Remove selected").disabled
    con = warehouse.connect(ready)
    try:
        listed = members.members(con, LOCAL, campaign_id)
    finally:
        con.close()
    assert not listed.filter(pl.col("person_id").is_in(before[:2])).height
