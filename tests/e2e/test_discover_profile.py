"""End to end: the real server in headless Chromium — filter Discover by a topic and a score range, open a profile
from the results, see its score history chart and the breakdown text."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.unit.campaign_world import ready_copy

pytestmark = pytest.mark.e2e
TOPIC = "music"


@pytest.fixture
def scored_demo(small_demo_file, demo_copy) -> str:
    """The served copy with topics from the planted interests, so the chosen topic is known to have people."""
    return ready_copy(small_demo_file, Path(demo_copy))


def _count(page: Page) -> int:
    heading = page.get_by_role("heading", name=re.compile(r"^[\d,]+ (people|person)$"))
    return int(re.sub(r"\D", "", heading.inner_text()))


def test_filter_by_topic_and_score_then_open_a_profile(scored_demo, app_url, page: Page):
    page.goto(app_url)
    # Let the first page finish its run: a click during it can be lost in the rerun that follows.
    expect(page.get_by_role("heading", name="Sway", exact=True)).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=60_000)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Discover").click()
    expect(page.get_by_role("heading", name="Discover")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("heading", name="600 people")).to_be_visible(timeout=30_000)

    topics = page.get_by_test_id("stMultiSelect").filter(has_text="Topics")
    topics.locator("input").fill("Music")
    page.get_by_role("option", name="Music", exact=True).click()
    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile(rf"topic={TOPIC}"), timeout=30_000)
    # The URL changes before the rerun has drawn the filtered count: wait for the count to change, then read it.
    expect(page.get_by_role("heading", name=re.compile(r"^[\d,]+ (people|person)$"))).not_to_have_text(
        "600 people", timeout=30_000
    )
    with_topic = _count(page)
    assert 0 < with_topic < 600

    # The lower thumb of the score range: Home/End jump, arrow keys step by 1.
    score = page.get_by_test_id("stSlider").filter(has_text="Score").first.get_by_role("slider").first
    score.focus()
    for _ in range(19):
        page.keyboard.press("ArrowRight")
    expect(page).to_have_url(re.compile(r"score=20-100"), timeout=30_000)
    expect(page.get_by_role("heading", name=re.compile(r"^[\d,]+ (people|person)$"))).not_to_have_text(
        f"{with_topic:,} people", timeout=30_000
    )
    assert 0 < _count(page) < with_topic

    top_name = page.get_by_test_id("stSelectbox").filter(has_text="Open a profile").get_by_role("combobox")
    expect(top_name).not_to_be_empty()
    shown = top_name.input_value() or top_name.inner_text()
    page.get_by_role("button", name="Open profile").click()
    expect(page).to_have_url(re.compile(r"/profile\?person=\d+"), timeout=30_000)
    # The person opened is the one the box showed after the filters changed, not one left from before.
    expect(page.get_by_role("heading", level=1)).to_have_text(shown, timeout=30_000)

    history = page.get_by_test_id("stVegaLiteChart").first
    expect(history.locator("canvas, svg").first).to_be_visible(timeout=30_000)
    expect(page.get_by_text(re.compile(r"of the points come from")).first).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Score \d+ of 100"))).to_be_visible()
