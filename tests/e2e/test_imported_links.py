"""End to end: web and e-mail addresses in imported text show on a profile as the words they are, never as links
(escaping the Markdown is not enough: the browser's Markdown turns bare addresses into links by itself)."""

import duckdb
import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e
NAME = '=HYPERLINK("https://evil.example","Click me") mail@evil.example'
POST = 'Read <a href="https://evil.example/p">this</a> at www.evil.example or write to mail@evil.example'


@pytest.fixture
def planted(demo_copy) -> int:
    """The served copy with the top person's name and posts full of addresses; returns their id."""
    with duckdb.connect(demo_copy) as con:
        (person,) = con.execute("SELECT person_id FROM discovery ORDER BY score DESC, person_id LIMIT 1").fetchone()
        con.execute("UPDATE people SET name = ? WHERE person_id = ?", [NAME, person])
        con.execute("UPDATE discovery SET name = ? WHERE person_id = ?", [NAME, person])
        con.execute(
            "UPDATE posts SET text = ? WHERE account_id IN (SELECT account_id FROM accounts WHERE person_id = ?)",
            [POST, person],
        )
    return person


def test_addresses_in_a_name_and_posts_are_not_links(planted, app_url, page: Page):
    page.goto(f"{app_url}/profile?person={planted}")
    title = page.get_by_role("heading", level=1).filter(has_text="HYPERLINK")
    expect(title).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=60_000)
    assert title.inner_text().replace("\u2060", "").strip() == NAME  # shown as written
    expect(page.get_by_text("www.evil.example", exact=False).first).to_be_attached()
    links = page.locator("a[href*='evil']:not([href^='#'])")  # a heading's own anchor (#...) goes nowhere
    assert links.count() == 0, [links.nth(i).evaluate("e => e.parentElement.outerHTML") for i in range(links.count())]
