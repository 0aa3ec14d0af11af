"""AppTest: crafted ids in the address give a sentence to act on, never an exception or a traceback."""

import pytest
from streamlit.testing.v1 import AppTest

from core.db import warehouse
from tests.unit import discover_world as world

APP = str(warehouse.REPO_ROOT / "app.py")
CRAFTED = ["²", "-1", "0", "99999999999999999999", "abc", "1e3"]


@pytest.fixture
def known_world(tmp_path, monkeypatch) -> str:
    path = world.file_warehouse(tmp_path / "known.duckdb")
    monkeypatch.setenv("SWAY_DB", path)
    return path


def _open(page: str, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("value", CRAFTED)
def test_a_crafted_person_on_the_profile(known_world, value):
    at = _open("pages/profile.py", person=value)
    assert any("No such person — pick one from the list" in i.value for i in at.info), [i.value for i in at.info]


@pytest.mark.parametrize("value", CRAFTED)
def test_a_crafted_person_on_the_erase_form(known_world, value):
    at = _open("pages/workspace.py", person=value)
    assert any("No such person" in i.value for i in at.info), [i.value for i in at.info]


@pytest.mark.parametrize("page", ["pages/campaigns.py", "pages/results.py"])
@pytest.mark.parametrize("value", [*CRAFTED, "424242"])
def test_a_crafted_campaign(demo_copy, page, value):
    at = _open(page, campaign=value)
    assert any("No such campaign — pick one from the list" in i.value for i in at.info), [i.value for i in at.info]


@pytest.mark.parametrize("value", ["²", "99999999999999999999", "-1,abc"])
def test_crafted_people_for_a_new_campaign(demo_copy, value):
    at = _open("pages/campaigns.py", campaign="new", people=value)
    assert not any("people you selected" in i.value for i in at.info)


@pytest.mark.parametrize("value", CRAFTED)
def test_a_crafted_post_to_correct(known_world, value):
    at = _open("pages/topics.py", post=value)
    assert any("No such post" in i.value for i in at.info), [i.value for i in at.info]
    assert next(n for n in at.number_input if n.label == "Post number").value is None
