"""End to end: Discover's ticks stay with people when the rows re-sort (the browser table takes the new positions),
and a quick second download of an export works (it used to fail with MediaFileStorageError)."""

import re
import time

import duckdb
import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def _tick_row(page: Page, row: int) -> None:
    """Click the tick box of a row of the results table (the grid is a canvas)."""
    grid = page.get_by_test_id("stDataFrame").first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 18, box["y"] + 36 + 35 * row + 17)  # header 36 px, then rows of 35 px


def _settled(page: Page) -> None:
    """Wait until the app's run is over (under load a run can start after the status widget was checked)."""
    page.wait_for_timeout(200)
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning", timeout=60_000)
    expect(page.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=60_000)


def _selected(page: Page) -> str:
    return page.get_by_text(re.compile(r"^\d+ (person|people): ")).inner_text()


def _open_discover(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/discover")
    expect(page.get_by_role("heading", name="600 people")).to_be_visible(timeout=60_000)
    _settled(page)


def _top_by_audience(warehouse_file: str) -> str:
    """The name of the person Discover shows first by audience (its order: audience, then score, then id)."""
    with duckdb.connect(warehouse_file, read_only=True) as con:
        found = con.sql("SELECT name FROM discovery ORDER BY audience DESC, score DESC, person_id LIMIT 1").fetchall()
    return found[0][0]


def test_ticks_follow_people_when_the_rows_are_sorted_again(demo_copy, small_demo_file, app_url, page: Page):
    top_by_audience = _top_by_audience(small_demo_file)  # the app's copy is open in its server: read the original
    _open_discover(page, app_url)
    _tick_row(page, 0)
    expect(page.get_by_text(re.compile(r"^1 person: "))).to_be_visible(timeout=30_000)
    first = _selected(page).split(": ", 1)[1]
    _settled(page)

    page.get_by_test_id("stSelectbox").filter(has_text="Sort by").get_by_role("combobox").click()
    page.get_by_role("option", name="Audience", exact=True).click()
    expect(page).to_have_url(re.compile(r"sort=audience"), timeout=30_000)  # the run with the new order began
    _settled(page)
    expect(page.get_by_text(re.compile(r"^1 person: "))).to_have_text(f"1 person: {first}")
    # The browser's table must now tick the person's new row: ticking the top row adds a second person
    # (with ticks left on row positions it would untick whoever moved there).
    _tick_row(page, 1 if first == top_by_audience else 0)  # the top row by audience, unless that is them
    expect(page.get_by_text(re.compile(r"^2 people: "))).to_be_visible(timeout=30_000)
    assert first in _selected(page)


def test_a_second_download_right_after_the_first_works(demo_copy, app_url, page: Page):
    _open_discover(page, app_url)
    downloads = []
    page.on("download", lambda download: downloads.append(download))
    button = page.get_by_role("button", name="Result as CSV")
    button.click()
    page.wait_for_timeout(300)  # the second click comes while the first one's answer is on its way
    button.click()
    page.wait_for_timeout(300)
    button.click()
    deadline = time.monotonic() + 30
    while len(downloads) < 3 and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert len(downloads) == 3
    for download in downloads:
        assert download.failure() is None
        text = download.path().read_text(encoding="utf-8-sig")
        assert text.startswith("Name,Handles,Score") and len(text.splitlines()) == 601


def test_words_typed_then_another_control_changed_keeps_the_page_working(demo_copy, app_url, page: Page):
    _open_discover(page, app_url)
    words = page.get_by_role("textbox", name="Words in names, bios or posts")
    words.fill("coffee")
    words.press("Enter")
    expect(page).to_have_url(re.compile(r"q=coffee"), timeout=30_000)
    _settled(page)
    page.get_by_test_id("stSelectbox").filter(has_text="Per page").get_by_role("combobox").click()
    page.get_by_role("option", name="25", exact=True).click()
    expect(page).to_have_url(re.compile(r"per=25"), timeout=30_000)
    _settled(page)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_role("heading", name=re.compile(r"^\d+ (person|people)$"))).to_be_visible()
    assert "error" not in page.get_by_test_id("stApp").inner_text().lower()
