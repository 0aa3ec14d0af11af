"""Load the demo world's past perk campaigns (demo_campaigns) as campaigns of the local workspace.

So Results has something true to show on the first start: each demo campaign becomes a campaign with its
brand's hashtag, handle, domain and name as tracking terms, its members as people who got the perk ('posted',
linked to their first post, if they mentioned the brand during the campaign or its follow-up, else "didn't
post" once the follow-up is over and 'perk shipped' before it is), and the expected mentions Sway would have
estimated at the campaign's start (every demo brand counted as a tracked brand). Loading twice adds nothing.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import duckdb
import polars as pl

from core.campaigns.members import add_finished_list
from core.campaigns.mentions import data_span, mention_posts
from core.campaigns.model import CampaignSpec
from core.campaigns.records import insert_campaign
from core.campaigns.suggest import estimate, targeted
from core.campaigns.terms import Term
from core.campaigns.tracking import post_links
from core.db.warehouse import rows, scalar, transaction
from core.demo.campaigns import FOLLOW_UP_DAYS
from core.workspace import audit
from core.workspace.access import LOCAL_WORKSPACE_ID, Access

DEMO_ACCESS = Access(user="Sway demo", workspace_id=LOCAL_WORKSPACE_ID, role="admin")
# What each demo perk costs the brand, in the workspace's currency.
PERK_COSTS = {
    "free product box": 60.0,
    "early-access invite": 15.0,
    "launch event tickets": 120.0,
    "20% discount code for followers": 25.0,
    "gift card": 50.0,
    "behind-the-scenes studio visit": 200.0,
    "limited-edition merch pack": 80.0,
}
DEFAULT_PERK_COST = 50.0
INVITED_DAYS_BEFORE, ACCEPTED_DAYS_BEFORE, SHIPPED_DAYS_BEFORE = 10, 7, 3


def _terms(brand_name: str, handle: str, hashtag: str, domain: str) -> tuple[Term, ...]:
    """A demo brand's tracking terms: its hashtag, handle, domain and name."""
    return (
        Term("hashtag", hashtag.lstrip("#").lower()),
        Term("handle", handle.lstrip("@").lower()),
        Term("domain", domain.lower()),
        Term("keyword", " ".join(brand_name.lower().split())),
    )


def _spec(name: str, brand: tuple, perk: str, starts_on, ends_on, members: int) -> CampaignSpec:
    brand_name, handle, hashtag, domain, topic = brand
    cost = PERK_COSTS.get(perk, DEFAULT_PERK_COST)
    return CampaignSpec(
        name=name,
        brand=brand_name,
        perk=perk,
        cost_per_perk=cost,
        budget=cost * max(members, 1),
        starts_on=starts_on,
        ends_on=ends_on,
        terms=_terms(brand_name, handle, hashtag, domain),
        target_topics=(topic,),
        include_flagged=True,
        follow_up_days=FOLLOW_UP_DAYS,
    )


def import_demo_campaigns(con: duckdb.DuckDBPyConnection) -> int:
    """Add every demo campaign not yet loaded to workspace 1 (one transaction); returns how many were added."""
    demo = rows(
        con,
        "SELECT c.campaign_id, c.name, c.perk, c.starts_on, c.ends_on, b.name, b.handle, b.hashtag, b.domain, b.topic, "
        "(SELECT count(*) FROM demo_campaign_members m WHERE m.campaign_id = c.campaign_id) "
        "FROM demo_campaigns c JOIN demo_brands b USING (brand_id) ORDER BY c.campaign_id",
    )
    has_discovery = bool(scalar(con, "SELECT count(*) FROM discovery"))
    # Every demo brand is tracked, so each person's record of brand posts counts all of them.
    brands = tuple(
        dict.fromkeys(
            t for *_, name, handle, hashtag, domain, _topic, _n in demo for t in _terms(name, handle, hashtag, domain)
        )
    )
    added = 0
    with transaction(con):
        for demo_id, name, perk, starts_on, ends_on, *brand, n_members in demo:  # a dozen campaigns
            source = f"demo:{demo_id}"
            if scalar(
                con,
                "SELECT count(*) FROM campaigns WHERE workspace_id = ? AND source = ?",
                [LOCAL_WORKSPACE_ID, source],
            ):
                continue
            spec = _spec(name, tuple(brand), perk, starts_on, ends_on, n_members)
            campaign_id = insert_campaign(con, DEMO_ACCESS, spec, source=source)
            _add_members(con, spec, campaign_id, demo_id, has_discovery, brands)
            audit.record(con, DEMO_ACCESS, "campaign.create", {"campaign_id": campaign_id, "source": source})
            added += 1
    return added


def _add_members(
    con: duckdb.DuckDBPyConnection,
    spec: CampaignSpec,
    campaign_id: int,
    demo_id: int,
    has_discovery: bool,
    brands: tuple[Term, ...],
) -> None:
    """The demo campaign's members with the estimate as of its start and the status their posts earned."""
    person_ids = [
        pid
        for (pid,) in rows(
            con, "SELECT person_id FROM demo_campaign_members WHERE campaign_id = ? ORDER BY person_id", [demo_id]
        )
    ]
    start = datetime.combine(spec.starts_on, time())
    pool = sorted(set(targeted(con, spec)) | set(person_ids)) if has_discovery else person_ids
    expected = estimate(con, spec, pool, as_of=start, brands=brands).people
    expected = expected.filter(pl.col("person_id").is_in(person_ids))
    end = datetime.combine(spec.ends_on, time()) + timedelta(days=1 + spec.follow_up_days)
    posts = mention_posts(con, spec.terms, start, end).sort("posted_at", "post_id").unique("person_id", keep="first")
    first_post = posts.select("person_id", "post_id", first="posted_at")
    first_post = first_post.join(post_links(con, first_post["post_id"].to_list()), on="post_id", how="left")
    shipped = start - timedelta(days=SHIPPED_DAYS_BEFORE)
    _, last = data_span(con)
    over = last is not None and end <= last  # the follow-up window is over: who has not posted did not post
    listed = (
        expected.sort(["expected_mentions", "person_id"], descending=[True, False])
        .with_row_index("suggested_rank", offset=1)
        .join(first_post, on="person_id", how="left")
        .with_columns(
            status=pl.when(pl.col("first").is_not_null())
            .then(pl.lit("posted"))
            .otherwise(pl.lit("no_post" if over else "perk_shipped")),
            added_at=pl.lit(start - timedelta(days=INVITED_DAYS_BEFORE + 1)),
            invited_at=pl.lit(start - timedelta(days=INVITED_DAYS_BEFORE)),
            responded_at=pl.lit(start - timedelta(days=ACCEPTED_DAYS_BEFORE)),
            shipped_at=pl.lit(shipped),
            posted_at=pl.coalesce(pl.col("first"), pl.lit(end if over else None, dtype=pl.Datetime("us"))),
            updated_at=pl.coalesce(pl.col("first"), pl.lit(shipped)),
        )
    )
    add_finished_list(con, campaign_id, listed)
