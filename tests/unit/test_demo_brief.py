"""The full-size demo world answers a marketer's normal brief: one topic, one network, 10k-500k followers."""

import duckdb
import pytest

from core.db import warehouse
from core.demo.accounts import CREATOR_MIN
from core.discover.filters import Filters
from core.discover.search import facets, search
from core.ops.bootstrap import DEMO_PEOPLE, DEMO_SEED, write_demo_warehouse
from core.results.compute import campaign_results
from core.workspace.access import LOCAL

BRIEF_MIN_PEOPLE = 20  # issue 13: enough to shortlist from for every common topic
NORMAL_BRIEF = {"audience_min": 10_000, "audience_max": 500_000}


@pytest.fixture(scope="module")
def con(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    """The demo warehouse the app's first start builds (20,000 people), read-only for the module."""
    path = tmp_path_factory.mktemp("brief") / "demo.duckdb"
    write_demo_warehouse(path, people=DEMO_PEOPLE, seed=DEMO_SEED)
    connection = warehouse.connect(path, read_only=True)
    yield connection
    connection.close()


@pytest.mark.parametrize("network", ["instagram", "twitter"])  # the two largest networks
def test_one_topic_one_network_and_10k_to_500k_followers_finds_enough_people(con, network):
    common = facets(con).topics[:10]
    assert len(common) == 10
    found = {
        topic: search(con, Filters(topics=(topic,), networks=(network,), **NORMAL_BRIEF))[0] for topic in common
    }
    assert min(found.values()) >= BRIEF_MIN_PEOPLE, found


def test_demo_campaigns_reach_engage_and_mention_like_creator_campaigns_of_their_size(con):
    campaigns = [c for (c,) in warehouse.rows(con, "SELECT campaign_id FROM campaigns ORDER BY 1")]
    assert len(campaigns) == 12
    totals = [campaign_results(con, LOCAL, c).totals for c in campaigns]
    # 20-80 creators: a handful of mentions or more, each posting member a creator whose audience of at least
    # 1,000 counts in the reach, engaging 0.3-10% of them (the published engagement rates of nano to mid-tier
    # creators; TikTok's nano reach 10%).
    assert all(t["member_mentions"] >= 5 for t in totals), [t["member_mentions"] for t in totals]
    assert all(t["reach"] >= CREATOR_MIN * t["members_posting"] for t in totals), [t["reach"] for t in totals]
    assert all(0.003 <= t["engagement_rate"] <= 0.10 for t in totals), [t["engagement_rate"] for t in totals]
