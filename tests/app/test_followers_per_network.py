"""Discover and Profile show a person's followers per network, not only their sum (issue 13: 156 on Instagram
and 166K on TikTok is not an Instagram creator)."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from core.db import warehouse
from tests.unit import discover_world as world
from tests.unit.discover_world import MIRA

APP = str(warehouse.REPO_ROOT / "app.py")


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


def test_discover_shows_followers_per_network(known_world):
    table = _open("pages/discover.py").dataframe[0].value
    mira = table[table["person_id"] == MIRA].iloc[0]
    assert mira["followers"] == "Twitter 1K · Instagram 500" and mira["audience"] == 1500


def test_a_network_search_counts_only_that_networks_accounts(known_world):
    at = _open("pages/discover.py", {"net": "instagram", "aud": "600-"})
    assert at.dataframe[0].value.empty  # Mira has 500 on Instagram; her 1,500 in all does not count
    assert any("of one account on Instagram" in c.value for c in at.caption)


def test_profile_shows_followers_per_network(known_world):
    at = _open("pages/profile.py", {"person": str(MIRA)})
    assert any(m.value == "Followers: Twitter 1K · Instagram 500" for m in at.markdown)


def _headings(at: AppTest) -> dict[str, str]:
    """Column -> the heading the results table shows for it."""
    config = json.loads(at.dataframe[0].proto.columns)
    return {column: spec.get("label") for column, spec in config.items()}


def test_with_a_network_chosen_the_audience_heading_says_it_sums_all_networks(known_world):
    assert _headings(_open("pages/discover.py"))["audience"] == "Audience"
    headings = _headings(_open("pages/discover.py", {"net": "instagram"}))
    assert headings["audience"] == "Audience (all networks)"  # the filter tested an Instagram account's alone
    assert headings["engagement_rate"] == "Engagement (all networks)"
