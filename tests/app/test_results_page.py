"""AppTest of the Results page on the small demo world with its past campaigns loaded."""

import io
from datetime import date

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from core.campaigns import records
from core.campaigns.mentions import mention_posts
from core.campaigns.model import CampaignSpec
from core.campaigns.terms import parse_terms
from core.db import warehouse
from core.results.compute import campaign_results
from core.workspace.access import LOCAL
from tests.unit.campaign_world import ready_copy

APP = str(warehouse.REPO_ROOT / "app.py")


@pytest.fixture
def ready(small_demo_file, tmp_path, monkeypatch) -> str:
    path = ready_copy(small_demo_file, tmp_path / "sway.duckdb")
    monkeypatch.setenv("SWAY_DB", path)
    return path


def _busiest(path: str) -> int:
    con = warehouse.connect(path)
    try:
        return warehouse.scalar(
            con, "SELECT campaign_id FROM campaign_members GROUP BY 1 ORDER BY count(*) DESC, campaign_id LIMIT 1"
        )
    finally:
        con.close()


def _results(campaign_id: int) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.query_params["campaign"] = str(campaign_id)
    at.switch_page("pages/results.py").run()
    assert not at.exception, at.exception
    return at


def test_shows_the_numbers_lift_and_charts(ready, downloads):
    campaign_id = _busiest(ready)
    at = _results(campaign_id)
    con = warehouse.connect(ready)
    try:
        expected = campaign_results(con, LOCAL, campaign_id)
    finally:
        con.close()
    assert at.title[0].value == "Results"
    assert at.selectbox(key="results_pick").value == campaign_id
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Mentions by members"] == f"{expected.totals['member_mentions']:,}"
    assert metrics["Members mentioning"] == f"{expected.totals['members_posting']} of {expected.totals['members']}"
    shown = [e.value for e in (*at.success, *at.info, *at.warning)]
    assert expected.verdict() in shown
    assert len(at.get("vega_lite_chart")) == 5
    assert at.dataframe[0].value.shape[0] == expected.members.height
    book = openpyxl.load_workbook(io.BytesIO(downloads["Report as XLSX"]()))
    assert "Lift" in book.sheetnames
    assert downloads["Download chart"]().startswith(b"\x89PNG")
    assert b"<svg" in downloads["One-page report (HTML)"]()


def test_a_second_visit_reads_the_cached_results(ready):
    campaign_id = _busiest(ready)
    first = _results(campaign_id)
    again = _results(campaign_id)  # a new session: the results come from the cache
    assert [m.value for m in again.metric] == [m.value for m in first.metric]


def test_no_campaigns_says_where_to_start(ready):
    con = warehouse.connect(ready)
    try:
        for campaign_id in records.list_campaigns(con, LOCAL)["campaign_id"]:
            version = records.get_campaign(con, LOCAL, campaign_id).version
            records.archive_campaign(con, LOCAL, campaign_id, version)
    finally:
        con.close()
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/results.py").run()
    assert not at.exception
    assert any("no campaigns in this workspace" in i.value for i in at.info)


def test_a_fall_in_mentions_is_a_warning_not_a_success(ready):
    campaign_id = _busiest(ready)
    con = warehouse.connect(ready)
    try:
        # Members' mentions move from the campaign weeks to the same weeks before it: mentions fell.
        shown = campaign_results(con, LOCAL, campaign_id)
        days = (shown.periods.planned_end - shown.periods.start).days
        con.execute(
            "UPDATE posts SET posted_at = posted_at - to_days(?::INTEGER) WHERE post_id IN "
            "(SELECT unnest(?::BIGINT[]))",
            [days, _member_mentions(con, campaign_id)],
        )
        fell = campaign_results(con, LOCAL, campaign_id)
    finally:
        con.close()
    assert fell.direction == "down"
    at = _results(campaign_id)
    assert not any("more" in s.value for s in at.success)
    assert any(fell.verdict() == w.value and "less often" in w.value for w in at.warning)


def _member_mentions(con, campaign_id: int) -> list[int]:
    """Post ids of the members' brand mentions during the campaign and its follow-up."""
    results = campaign_results(con, LOCAL, campaign_id)
    found = mention_posts(con, results.campaign.spec.terms, results.periods.start, results.periods.planned_end)
    return found.filter(found["person_id"].is_in(results.members["person_id"].to_list()))["post_id"].to_list()


def test_a_campaign_nobody_mentioned_says_so_instead_of_drawing_empty_charts(ready):
    con = warehouse.connect(ready)
    try:
        campaign_id = records.create_campaign(
            con,
            LOCAL,
            CampaignSpec(
                name="Quiet launch",
                brand="Nobodyknowsit",
                perk="mugs",
                cost_per_perk=10,
                perks=5,
                starts_on=date(2026, 9, 1),
                ends_on=date(2026, 9, 14),
                terms=parse_terms("#nobodyknowsitatall"),
            ),
        )
    finally:
        con.close()
    at = _results(campaign_id)
    assert not at.get("vega_lite_chart")  # an empty chart shows only stray axis labels such as '0.000000'
    captions = [c.value for c in at.caption]
    assert "No post mentioned the brand in these weeks, so it has no share of voice to draw." in captions
