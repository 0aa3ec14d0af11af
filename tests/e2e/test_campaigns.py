"""End to end: the real server in headless Chromium — tick people found by a Discover search, create a campaign
with them and that search's targeting, move a member to Invited, open the campaign's results and see the lift chart
render; a past campaign's charts are readable."""

import re
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Page, expect

from tests.unit.campaign_world import ready_copy

pytestmark = pytest.mark.e2e


@pytest.fixture
def ready_demo(small_demo_file, demo_copy) -> str:
    """The served copy of the small demo world, scored, with topics, Discover tables and the demo campaigns."""
    return ready_copy(small_demo_file, Path(demo_copy))


def _tick_rows(page: Page, grid, rows: int) -> None:
    """Tick the first rows of a Streamlit dataframe through its row-selection column (the grid is a canvas).

    Waits for the page's run to finish and measures the grid before each click: anything still drawn above it
    moves it down, and a click measured before that lands on the header's select-all box.
    """
    header = 36  # header row, then rows of 35 px
    for i in range(rows):
        page.wait_for_timeout(200)
        expect(page.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=60_000)
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + 18, box["y"] + header + 35 * i + 17)


def test_campaign_from_discover_selection_then_results(ready_demo, app_url, page: Page):
    page.goto(app_url)
    # Let the first page finish its run: a click during it can be lost in the rerun that follows.
    expect(page.get_by_role("heading", name="Sway", exact=True)).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=60_000)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Discover").click()
    expect(page.get_by_role("heading", name="600 people")).to_be_visible(timeout=60_000)
    page.goto(f"{app_url}/discover?net=instagram&score=10-100")  # a search shared as a link
    expect(page.get_by_role("heading", name=re.compile(r"^[1-5]?[0-9]{1,2} people$"))).to_be_visible(timeout=60_000)

    _tick_rows(page, page.get_by_test_id("stDataFrame").first, 2)
    expect(page.get_by_text(re.compile(r"^2 people: "))).to_be_visible(timeout=30_000)
    page.get_by_role("button", name="New campaign with them").click()

    expect(page.get_by_role("heading", name="Campaigns")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("2 people you selected in Discover will be put on the list;")).to_be_visible()
    # The search they were found with becomes the campaign's targeting.
    expect(
        page.get_by_text("starts from your Discover search: on Instagram, a combined score of 10 or more.")
    ).to_be_visible()
    expect(page.get_by_role("slider", name="Minimum combined score")).to_have_value("10")
    # A number out of a widget's bounds would block the submit without a word: the campaign's check names it.
    budget = page.get_by_label(re.compile(r"^Budget in"))
    budget.fill("-500")
    page.get_by_role("button", name="Create campaign").click()
    expect(page.get_by_text("Budget must be more than 0")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Name is empty: type a name.")).to_be_visible()
    budget.fill("1000")
    page.get_by_label("Campaign name").fill("Browser launch")
    page.get_by_label("Brand", exact=True).fill("Voltwise")
    page.get_by_label("Perk", exact=True).fill("charger")
    page.get_by_role("textbox", name="Tracking terms").fill("#voltwise, @voltwise, voltwise.io")
    for label, (year, month, day) in (("Starts on", ("2026", "09", "01")), ("Ends on", ("2026", "09", "14"))):
        for segment, value in (("year", year), ("month", month), ("day", day)):
            page.get_by_role("spinbutton", name=f"{segment}, {label}").click()
            page.keyboard.type(value)
    page.get_by_role("button", name="Create campaign").click()
    chosen = re.compile(r"^The 2 people you chose are on the list, with \d+ more (person|people) suggested")
    expect(page.get_by_text(chosen)).to_be_visible(timeout=60_000)
    expect(page).to_have_url(re.compile(r"campaign=\d+"), timeout=30_000)
    expect(page.get_by_text(re.compile(r"01 Sep 2026 – 14 Sep 2026"))).to_be_visible()

    _tick_rows(page, page.get_by_test_id("stDataFrame").first, 1)
    expect(page.get_by_text(re.compile(r"act on 1 person: "))).to_be_visible(timeout=30_000)
    # 'Invited' is the only next step offered; a faded copy of the button may linger while the page reruns.
    page.get_by_role("button", name="Apply to selected", disabled=False).click()
    invited = page.get_by_test_id("stMetric").filter(has_text="Invited")
    expect(invited.get_by_test_id("stMetricValue")).to_have_text("1", timeout=30_000)

    page.get_by_role("link", name="See this campaign's results").click()
    expect(page.get_by_role("heading", name="Results")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("heading", name="Lift")).to_be_visible(timeout=60_000)
    lift = page.get_by_test_id("stVegaLiteChart").first
    expect(lift.locator("canvas, svg").first).to_be_visible(timeout=30_000)
    expect(page.get_by_text(re.compile(r"Against own baseline:"))).to_be_visible()


def test_results_charts_give_every_top_member_a_readable_bar(ready_demo, app_url, page: Page):
    # The demo campaign with the most members who posted (read before the app opens the file).
    with duckdb.connect(ready_demo, read_only=True) as con:
        campaign = con.execute(
            "SELECT campaign_id FROM campaign_members WHERE status = 'posted' "
            "GROUP BY campaign_id ORDER BY count(*) DESC, campaign_id LIMIT 1"
        ).fetchall()[0][0]
    page.goto(f"{app_url}/results?campaign={campaign}")
    expect(page.get_by_role("heading", name="Lift")).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=60_000)
    posted = page.get_by_test_id("stMetric").filter(has_text="Members mentioning").get_by_test_id("stMetricValue")
    members = int(re.match(r"(\d+) of \d+", posted.inner_text()).group(1))
    assert members >= 3, "a demo campaign should have members who posted"
    # Charts in page order: lift, mentions per day, top members, share of voice, expected vs actual (all of them
    # drawn before one is picked by its place: the page fills in as it runs).
    charts = page.get_by_test_id("stVegaLiteChart")
    expect(charts).to_have_count(5, timeout=60_000)
    top = charts.nth(2)
    expect(top.locator("canvas, svg").first).to_be_visible(timeout=30_000)
    box = top.bounding_box()
    # At least 18 px a bar (plus title and axis): a fixed total height squeezed 8 bars into 25 px and hid names.
    assert box is not None and box["height"] >= 18 * min(members, 15) + 60, box
