"""AppTest of the Profile page on the small known warehouse."""

import json
from datetime import date

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from core.campaigns import members, records
from core.campaigns.model import CampaignSpec
from core.campaigns.terms import parse_terms
from core.db import warehouse
from core.workspace.access import LOCAL
from tests.unit import discover_world as world
from tests.unit.discover_world import EVIL, MIRA

APP = str(warehouse.REPO_ROOT / "app.py")


@pytest.fixture
def known_world(tmp_path, monkeypatch) -> str:
    path = world.file_warehouse(tmp_path / "known.duckdb")
    monkeypatch.setenv("SWAY_DB", path)
    return path


def _profile(person: str | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    if person is not None:
        at.query_params["person"] = person
    at.switch_page("pages/profile.py").run()
    assert not at.exception, at.exception
    return at


def _charts(at: AppTest) -> list:
    return at.get("vega_lite_chart")


def test_header_history_breakdown_and_network(known_world):
    at = _profile(str(MIRA))
    assert at.title[0].value == "Mira Torvalen"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Score"] == "80" and metrics["Audience"] == "1.5K" and metrics["Engagement rate"] == "0.17%"
    assert metrics["Authenticity"] == "100"
    assert len(_charts(at)) == 3  # score history, why this score, amplifier network
    history = _charts(at)[0].proto.spec
    assert '"strokeDash"' in history and "Scoring model changed" in history  # the rule at the model change
    text = " ".join(t.value for t in at.markdown).replace("\\", "")  # as shown: the escapes are not displayed
    assert "62% of the points come from reposts: 410 by 140 distinct accounts" in text
    assert any("scoring model changed" in c.value for c in at.caption)
    # On two networks: why the score above can exceed each network's score is said beside them.
    assert any("counts them all together" in c.value for c in at.caption)
    assert not any("counts them all together" in c.value for c in _profile(str(EVIL)).caption)  # one network


def test_switching_the_breakdown_to_a_network(known_world):
    at = _profile(str(MIRA))
    at.segmented_control[0].set_value("twitter").run()
    assert not at.exception, at.exception
    assert any("Score 75 of 100" in t.value for t in at.markdown)


def test_marking_a_topic_wrong_removes_it_until_undone(known_world):
    at = _profile(str(MIRA))
    assert [b.label for b in at.button].count("Mark topic as wrong") == 2
    at.button(key="wrong_fitness_&_health").click().run()
    assert any(
        "removed from this person in your workspace" in s.value and "2 evidence posts" in s.value for s in at.success
    )
    assert [b.label for b in at.button].count("Mark topic as wrong") == 1  # the topic left the profile
    at.button(key="undo_fitness_&_health").click().run()
    assert any("is back on this person" in s.value for s in at.success)
    assert [b.label for b in at.button].count("Mark topic as wrong") == 2
    con = warehouse.connect(known_world)
    try:
        found = warehouse.rows(
            con, "SELECT workspace_id, post_id, topic, action FROM topic_corrections ORDER BY post_id"
        )
    finally:
        con.close()
    # Without sign-in the session acts in the local workspace (1); the undo withdrew its corrections again.
    assert found == []


def test_flags_show_their_evidence(known_world):
    at = _profile(str(EVIL))
    assert any("flagged as inauthentic" in w.value for w in at.warning)
    assert any("Engagement pod on TikTok" in e.label for e in at.expander)  # as Discover spells the network
    assert any("**TikTok** 50" in m.value for m in at.markdown)
    # Evidence is sentences, never JSON; evidence of an unfamiliar shape is listed field by field in words.
    assert not at.json
    assert any(m.value == "- Pod id\\: 7\\.\n- Members\\: 5\\." for m in at.markdown)  # escaped: plain text


@pytest.mark.parametrize("person", [None, "abc", "' OR 1=1 --"])
def test_without_a_person_the_page_points_to_discover(known_world, person):
    at = _profile(person)
    assert any("Discover page" in i.value for i in at.info)


def test_the_profile_shows_each_accounts_bio(known_world):
    shown = [m.value.replace("\\", "") for m in _profile(str(MIRA)).markdown]
    assert "**Bio on Twitter (mira_t):** Runner | coffee first" in shown
    assert "**Bio on Instagram (mira.t):** Trail runner" in shown


def test_the_profile_page_opened_again_shows_the_person_last_opened(known_world):
    at = _profile(str(MIRA))
    at.switch_page("pages/discover.py").run()
    at.query_params.clear()
    at.switch_page("pages/profile.py").run()  # the sidebar's Profile link carries no person
    assert not at.exception, at.exception
    assert at.title[0].value == "Mira Torvalen" and at.query_params["person"] == str(MIRA)


def test_an_unknown_person_is_a_clear_message(known_world):
    at = _profile("424242")
    assert any("no person 424242" in e.value for e in at.error)


def test_the_campaigns_the_person_is_in_are_shown(known_world):
    con = warehouse.connect(known_world)
    try:
        campaign_id = records.create_campaign(
            con,
            LOCAL,
            CampaignSpec(
                name="Trail week",
                brand="Trailmark",
                perk="boots",
                cost_per_perk=80,
                perks=3,
                starts_on=date(2026, 9, 1),
                ends_on=date(2026, 9, 14),
                terms=parse_terms("#trailmark"),
            ),
        )
        members.add_members(con, LOCAL, campaign_id, [MIRA], 1)
    finally:
        con.close()
    at = _profile(str(MIRA))
    assert "Campaigns" in [s.value for s in at.subheader]
    shown = at.dataframe[0].value
    assert shown["name"].tolist() == ["Trail week"] and shown["status"].tolist() == ["Suggested"]


def test_tables_and_the_history_name_networks_as_people_write_them(known_world):
    at = _profile(str(MIRA))
    networks = {n for frame in at.dataframe if "post_network" in frame.value for n in frame.value["post_network"]}
    assert networks and networks <= {"Twitter", "Instagram", "YouTube", "TikTok", "Blog", "Bluesky", "Mastodon"}
    history = pa.ipc.open_stream(_charts(at)[0].proto.datasets[0].data.data).read_all()
    assert set(history["network"].to_pylist()) == {"Combined", "Twitter", "Instagram"}


def test_recent_posts_name_each_reaction_type_as_a_heading(known_world):
    at = _profile(str(MIRA))
    recent = next(frame for frame in at.dataframe if "kind" in frame.value)  # the recent posts table
    labels = {name: column["label"] for name, column in json.loads(recent.proto.columns).items() if "label" in column}
    assert [labels[k] for k in ("reposts", "replies", "mentions", "likes", "clicks")] == [
        "Reposts",
        "Replies",
        "Mentions",
        "Likes",
        "Clicks",
    ]


def test_a_score_no_reaction_adds_to_says_so_instead_of_charting_zeros(demo_copy):
    con = warehouse.connect(demo_copy)
    try:
        floor = warehouse.scalar(
            con, "SELECT min(person_id) FROM scores WHERE network = 'all' AND reactions = 0 AND score = 1"
        )
    finally:
        con.close()
    assert floor is not None, "the demo world has no one at the floor to show"
    at = _profile(str(floor))
    assert "No reaction adds a point here yet, so there is nothing to chart." in [c.value for c in at.caption]
    assert len(_charts(at)) == 1  # the score history only, not a chart of zeros
