"""A post collected from a live network that mentions a campaign's tracking term is on the Results page as soon as
the collector's scheduled load has run: no import, no refresh."""

import json
from datetime import datetime, time

import pytest
from streamlit.testing.v1 import AppTest

from core.campaigns import records
from core.cli.collect import run_job
from core.collect import bluesky, lake
from core.collect.events import Tally, to_batch
from core.db import warehouse
from core.results.compute import campaign_results
from core.workspace.access import LOCAL
from tests.unit.campaign_world import ready_copy

APP = str(warehouse.REPO_ROOT / "app.py")
FAN = "did:plc:fan4445cjiw7w4nobfgnu35f"


@pytest.fixture
def ready(small_demo_file, tmp_path, monkeypatch) -> str:
    path = ready_copy(small_demo_file, tmp_path / "sway.duckdb")
    monkeypatch.setenv("SWAY_DB", path)
    return path


def _others(at: AppTest) -> str:
    return next(m.value for m in at.metric if m.label == "Mentions by others")


def test_a_collected_mention_shows_on_results_without_an_import(ready):
    with warehouse.connect(ready) as con:
        campaign_id = warehouse.scalar(
            con, "SELECT campaign_id FROM campaign_members GROUP BY 1 ORDER BY count(*) DESC, campaign_id LIMIT 1"
        )
        campaign = records.get_campaign(con, LOCAL, campaign_id)
        before = campaign_results(con, LOCAL, campaign_id).totals["other_mentions"]
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.query_params["campaign"] = str(campaign_id)
    at.switch_page("pages/results.py").run()
    assert _others(at) == f"{before:,}"

    # A person outside the campaign's list posts about it on Bluesky during the campaign; the collector stores it.
    posted = datetime.combine(campaign.spec.starts_on, time(12))
    frame = {
        "did": FAN,
        "time_us": int(posted.timestamp() * 1e6),
        "kind": "commit",
        "commit": {
            "rev": "3m7kq2vutsw2b",
            "operation": "create",
            "collection": "app.bsky.feed.post",
            "rkey": "3m7kq2vuowo2b",
            "record": {
                "$type": "app.bsky.feed.post",
                "createdAt": posted.isoformat() + "Z",
                "langs": ["en"],
                "text": f"Could not resist: {campaign.spec.terms[0].label()} is everywhere today",
            },
        },
    }
    row = bluesky.parse(json.dumps(frame), Tally())
    lake.write_segment(lake.lake_dir(warehouse.warehouse_path()), "bluesky", to_batch([row]))
    # The collector's scheduled load, handed to this app (it holds the warehouse) as the collector does.
    ok, lines = run_job(warehouse.warehouse_path(), "ingest_collected", {"network": "bluesky"})
    assert ok, lines

    at.run()
    assert not at.exception, at.exception
    assert _others(at) == f"{before + 1:,}"
