"""A shared link opened on a freshly started server goes through app.py, not the page file alone."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_a_deep_link_on_a_fresh_server_runs_the_app_shell(app_url, page: Page):
    page.goto(f"{app_url}/discover?score=30-100")
    expect(page.get_by_role("heading", name="Discover")).to_be_visible(timeout=60_000)
    # Only app.py's navigation lists the pages by their titles (Streamlit's folder mode shows file names).
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_text("Data", exact=True)).to_be_visible()
    expect(nav.get_by_text("_shared")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/discover\?score=30-100"))
