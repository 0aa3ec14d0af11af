"""End to end: a refresh started on the Data page goes on while the marketer looks elsewhere, and the page says
how it ended when they come back, in a browser whose progress fragment really runs on its timer."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

SCORED = re.compile(r"Scored [\d,]+ people")


def test_a_refresh_started_then_left_says_how_it_ended_on_return(app_url, page: Page):
    page.goto(f"{app_url}/data")
    expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible(timeout=60_000)
    page.get_by_role("button", name="Refresh scores and topics").click()
    # Started: its progress shows where the button was (or, on a quick machine, already how it ended).
    expect(page.get_by_text("You can leave this page").or_(page.get_by_text(SCORED))).to_be_visible(timeout=30_000)

    page.goto(app_url)  # another page, in a new session: the tab that started it is gone
    expect(page.get_by_role("heading", name="Data", exact=True)).not_to_be_visible(timeout=60_000)
    page.goto(f"{app_url}/data")
    expect(page.get_by_test_id("stAlertContentSuccess").get_by_text(SCORED)).to_be_visible(timeout=120_000)
    expect(page.get_by_text(re.compile(r"Started at \d\d:\d\d, ended at \d\d:\d\d"))).to_be_visible()
    expect(page.get_by_role("button", name="Refresh scores and topics")).to_be_visible()


def test_the_settings_panel_stays_open_when_a_shown_result_goes_away(app_url, page: Page):
    page.goto(f"{app_url}/data")
    expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible(timeout=60_000)
    page.get_by_role("button", name="Refresh scores and topics").click()
    expect(page.get_by_test_id("stAlertContentSuccess").get_by_text(SCORED)).to_be_visible(timeout=120_000)
    page.get_by_text("Change how scores are computed").click()
    setting = page.get_by_test_id("stSelectbox").filter(has_text="Setting to change")
    expect(setting).to_be_visible(timeout=10_000)
    page.wait_for_timeout(1_000)  # the panel's opening animation
    setting.locator("input").click()
    page.wait_for_timeout(500)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")  # the next run no longer shows the refresh's result above the panel
    expect(page.get_by_test_id("stAlertContentSuccess").get_by_text(SCORED)).not_to_be_visible(timeout=30_000)
    expect(page.get_by_text("New value").first).to_be_visible()  # the panel stayed open
