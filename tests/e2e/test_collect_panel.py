"""End to end: a collector runs beside the live app — its events reach the warehouse through the app's job worker,
and the Data page's collector panel shows its state."""

import asyncio
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from core.cli.collect import run_job
from core.collect.collector import Collector, Schedule
from core.collect.jetstream import BlueskyConnector
from core.collect.params import CollectParams
from tests.fakes.jetstream import FakeJetstream

pytestmark = pytest.mark.e2e
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "jetstream" / "events.jsonl"
FAST = CollectParams(segment_seconds=0.3, report_seconds=0.5, ingest_seconds=3600)


def test_the_data_page_shows_a_collector_and_what_it_loaded(app_url, page: Page):
    page.goto(f"{app_url}/data")
    expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible(timeout=60_000)
    expect(page.get_by_text("No live network is being collected")).to_be_visible()
    people = page.get_by_test_id("stMetric").filter(has_text="People").get_by_test_id("stMetricValue")
    before = int(re.sub(r"\D", "", people.inner_text()))

    server = FakeJetstream(FIXTURE.read_text(encoding="utf-8").splitlines()).start()
    try:
        # The app holds the warehouse, so the collector's load is handed to the app's job worker.
        connector = BlueskyConnector(jetstreams=[server.url], appview_url=None, params=FAST)
        collector = Collector(
            connector, Path(os.environ["SWAY_DB"]), run_job, params=FAST, schedule=Schedule(refresh=False),
            stop_after_idle=1.5,
        )  # fmt: skip
        with ThreadPoolExecutor(1) as pool:  # Playwright's sync API owns this thread's event loop
            state = pool.submit(asyncio.run, collector.run()).result(120)
    finally:
        server.stop()
    assert "5 people" in state.last_ingest

    page.reload()
    expect(page.get_by_text(re.compile(r"Bluesky — stopped"))).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stMetric").filter(has_text="Events, last day")).to_contain_text("16")
    expect(page.get_by_test_id("stMetric").filter(has_text="Skipped")).to_contain_text("4")
    # The fixture's events are from December 2025: the collector is that far behind live.
    expect(page.get_by_test_id("stMetric").filter(has_text="Behind live")).to_contain_text("days")
    expect(page.get_by_text(re.compile(r"Last load into Sway: bluesky: loaded 1 segments"))).to_be_visible()
    expect(people).to_have_text(f"{before + 5:,}")
