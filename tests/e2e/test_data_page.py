"""End to end: the real server in headless Chromium — load the app, upload a file, see the counts change."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def _metric_value(page: Page, label: str):
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def _metric(page: Page, label: str) -> int:
    return int(re.sub(r"\D", "", _metric_value(page, label).inner_text()))


def test_upload_an_accounts_file_and_see_the_counts_change(app_url, page: Page, tmp_path):
    upload = tmp_path / "accounts_launch.csv"
    upload.write_text(
        "network,account_id,handle,display_name,followers,following\n"
        "instagram,ig-9001,launch_lena,Lena Launch,1200,300\n"
        "tiktok,tt-9002,launch_lena_tt,Lena Launch,5400,80\n",
        encoding="utf-8",
    )
    page.goto(f"{app_url}/data")
    expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible(timeout=60_000)
    accounts_before = _metric(page, "Accounts")
    people_before = _metric(page, "People")

    page.locator("input[type=file]").set_input_files(str(upload))
    expect(page.get_by_text("accounts_launch.csv")).to_be_visible()
    page.get_by_role("button", name="Import").click()

    expect(page.get_by_test_id("stAlertContentSuccess").get_by_text("2 accounts")).to_be_visible(timeout=60_000)
    # The rerun repaints metrics after the message, so wait for the new figure rather than reading once.
    expect(_metric_value(page, "Accounts")).to_have_text(f"{accounts_before + 2:,}")
    expect(_metric_value(page, "People")).to_have_text(f"{people_before + 2:,}")


def test_a_bad_file_is_refused_with_the_line_and_field_named(app_url, page: Page, tmp_path):
    upload = tmp_path / "accounts_bad.csv"
    upload.write_text("network,account_id,handle,followers\ntwitter,t-1,ok_handle,many\n", encoding="utf-8")
    page.goto(f"{app_url}/data")
    expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible(timeout=60_000)
    accounts_before = _metric(page, "Accounts")

    page.locator("input[type=file]").set_input_files(str(upload))
    page.get_by_role("button", name="Import").click()

    alert = page.get_by_text("Nothing was imported")
    expect(alert).to_be_visible(timeout=60_000)
    expect(page.get_by_text(re.compile(r"accounts_bad\.csv, line 2, field 'followers'"))).to_be_visible()
    assert _metric(page, "Accounts") == accounts_before
