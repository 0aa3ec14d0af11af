"""The app opens on Home, which says where things stand and leads to each step; every page has its own address."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_the_app_opens_on_home_and_its_links_lead_to_the_pages(app_url, page: Page):
    page.goto(app_url)
    expect(page.get_by_role("heading", name="Sway", exact=True)).to_be_visible(timeout=60_000)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text(re.compile(r"Sway holds 600 people from the built-in demo world"))).to_be_visible()
    expect(main.get_by_text(re.compile(r"Campaigns: .*\d+ (running|planned|finished)"))).to_be_visible()
    expect(main.get_by_text("Next:")).to_be_visible()
    expect(page.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=60_000)

    main.get_by_role("link", name="Results").click()
    expect(page.get_by_role("heading", name="Results")).to_be_visible(timeout=60_000)
    expect(page).to_have_url(re.compile(r"/results\?campaign=\d+"))

    page.goto(f"{app_url}/data")  # the Data page has an address of its own now that it is not the start page
    expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Page not found")).to_have_count(0)
