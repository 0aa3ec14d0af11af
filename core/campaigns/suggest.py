"""The suggested list: people matching the targeting, ranked by expected mentions per perk cost, filling the budget.

How a person's expected mentions are estimated (shown to the marketer with the numbers filled in):
  1. History: the HISTORY_DAYS before the estimate date (the campaign start, or the latest data if it starts
     later). Their own tracked mentions m and their posts n in that period are counted.
  2. Market share: among everyone matching the targeting, the share of posts that mention the brand,
     s = sum(m) / sum(n) (FALLBACK_SHARE when nobody mentioned it yet).
  3. Their daily mention rate blends their own record with what their posting predicts, weighting the
     prediction like PRIOR_DAYS of history (a Gamma-Poisson shrinkage):
     rate = (m + s·n·PRIOR_DAYS/H) / (H + PRIOR_DAYS).
  4. Expected mentions = rate × (campaign days + follow-up days) × (1 + expected lift).
People with more expected mentions per unit of perk cost come first; the list is cut where the budget ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import duckdb
import polars as pl

from core.campaigns import members
from core.campaigns.mentions import data_span, mention_posts
from core.campaigns.model import Campaign, CampaignError, CampaignSpec
from core.campaigns.records import editing, get_campaign
from core.db.warehouse import rows
from core.discover.columns import network_mask
from core.progress import Progress, silent
from core.workspace import audit
from core.workspace.access import Access

HISTORY_DAYS = 90
PRIOR_DAYS = 30
FALLBACK_SHARE = 0.01  # one post in a hundred, when the brand has never been mentioned


@dataclass(frozen=True)
class Estimate:
    """Expected mentions per person and the numbers behind them."""

    people: pl.DataFrame  # person_id, posts, past_mentions, expected_mentions
    as_of: datetime
    history_days: int
    mention_share: float
    share_is_fallback: bool
    period_days: int
    expected_lift: float

    def explanation(self) -> str:
        """The estimate in plain words with its numbers."""
        share = (
            f"nobody in the target group mentioned the brand in the {self.history_days} days before "
            f"{self.as_of:%d %b %Y}, so Sway assumes {FALLBACK_SHARE:.0%} of their posts would"
            if self.share_is_fallback
            else f"in the {self.history_days} days before {self.as_of:%d %b %Y}, {self.mention_share:.2%} of the "
            "target group's posts mentioned the brand"
        )
        return (
            f"Expected mentions: {share}. Each person's daily rate blends their own past mentions with that share "
            f"of their own posts (weighted like {PRIOR_DAYS} days of history), times the {self.period_days} days "
            f"of campaign and follow-up, times {1 + self.expected_lift:g} for the assumed lift of "
            f"{self.expected_lift:.0%} from the perk."
        )


@dataclass(frozen=True)
class SuggestReport:
    """What refreshing the suggested list did."""

    version: int
    suggested: int
    kept: int
    expected_total: float
    explanation: str


def _start(day: date) -> datetime:
    return datetime.combine(day, time())


def period_days(spec: CampaignSpec) -> int:
    """Days of the campaign plus its follow-up window."""
    return (spec.ends_on - spec.starts_on).days + 1 + spec.follow_up_days


def estimate_as_of(con: duckdb.DuckDBPyConnection, spec: CampaignSpec) -> datetime:
    """The campaign start, or just after the latest data when the campaign starts later."""
    _, last = data_span(con)
    start = _start(spec.starts_on)
    return start if last is None or start <= last else last + timedelta(seconds=1)


def targeted(con: duckdb.DuckDBPyConnection, spec: CampaignSpec) -> list[int]:
    """People matching the targeting: any target topic, minimum score, networks; flagged left out unless asked."""
    clauses, params = ["score >= ?"], [spec.min_score]
    if spec.target_topics:
        clauses.append("list_has_any(topics, ?::VARCHAR[])")
        params.append(list(spec.target_topics))
    if spec.networks:
        clauses.append("networks & ? <> 0")
        params.append(network_mask(spec.networks))
    if not spec.include_flagged:
        clauses.append("NOT flagged")
    found = rows(con, f"SELECT person_id FROM discovery WHERE {' AND '.join(clauses)}", params)  # noqa: S608
    return [pid for (pid,) in found]


def estimate(
    con: duckdb.DuckDBPyConnection, spec: CampaignSpec, pool: list[int], *, as_of: datetime | None = None
) -> Estimate:
    """Expected mentions of each person in `pool` (the market share is measured on the pool itself)."""
    as_of = as_of or estimate_as_of(con, spec)
    since = as_of - timedelta(days=HISTORY_DAYS)
    posts = con.sql(
        "SELECT a.person_id, count(*) AS posts FROM posts p JOIN accounts a USING (account_id) "
        "WHERE p.posted_at >= ? AND p.posted_at < ? AND a.person_id IN (SELECT unnest(?::BIGINT[])) GROUP BY 1",
        params=[since, as_of, pool],
    ).pl()
    said = mention_posts(con, spec.terms, since, as_of).group_by("person_id").agg(past_mentions=pl.len())
    people = (
        pl.DataFrame({"person_id": pool}, schema={"person_id": pl.Int64})
        .join(posts, on="person_id", how="left")
        .join(said, on="person_id", how="left")
        .with_columns(pl.col("posts").fill_null(0), pl.col("past_mentions").fill_null(0))
    )
    total_posts = people["posts"].sum()
    total_mentions = people["past_mentions"].sum()
    fallback = total_mentions == 0 or total_posts == 0
    share = FALLBACK_SHARE if fallback else total_mentions / total_posts
    days = period_days(spec)
    rate = (pl.col("past_mentions") + share * pl.col("posts") * PRIOR_DAYS / HISTORY_DAYS) / (HISTORY_DAYS + PRIOR_DAYS)
    people = people.with_columns(expected_mentions=rate * days * (1 + spec.expected_lift))
    return Estimate(people, as_of, HISTORY_DAYS, share, fallback, days, spec.expected_lift)


def explain(con: duckdb.DuckDBPyConnection, access: Access, campaign_id: int) -> str:
    """How the campaign's expected mentions are estimated, with today's numbers filled in."""
    campaign = get_campaign(con, access, campaign_id)
    return estimate(con, campaign.spec, targeted(con, campaign.spec)).explanation()


def expected_for(con: duckdb.DuckDBPyConnection, access: Access, campaign_id: int, person_ids: list[int]) -> dict:
    """person_id -> expected mentions for people a marketer adds by hand (e.g. from Discover)."""
    campaign = get_campaign(con, access, campaign_id)
    pool = sorted(set(targeted(con, campaign.spec)) | set(person_ids))
    est = estimate(con, campaign.spec, pool).people.filter(pl.col("person_id").is_in(person_ids))
    return dict(zip(est["person_id"], est["expected_mentions"], strict=True))


def suggest_list(
    con: duckdb.DuckDBPyConnection,
    access: Access,
    campaign_id: int,
    expected_version: int,
    *,
    progress: Progress = silent,
) -> SuggestReport:
    """Refill the campaign's suggested list up to its perk limit; locked, added and contacted people stay.

    Reads the Discover tables as they are: core.ops.campaigns brings them up to date first.
    """
    campaign: Campaign = get_campaign(con, access, campaign_id)
    progress(0.3, "Finding people who match the targeting")
    pool = targeted(con, campaign.spec)
    if not pool:
        raise CampaignError(
            "Nobody matches this campaign's targeting (topics, minimum score, networks). Widen the targeting "
            "and refresh the list."
        )
    progress(0.5, "Estimating expected mentions")
    est = estimate(con, campaign.spec, pool)
    cost = campaign.spec.cost_per_perk
    ranked = est.people.with_columns(per_cost=pl.col("expected_mentions") / cost).sort(
        ["per_cost", "person_id"], descending=[True, False]
    )
    ranked = ranked.with_row_index("suggested_rank", offset=1)
    progress(0.8, "Saving the list")
    with editing(con, access, campaign_id, expected_version, "refreshing the suggested list") as version:
        state = members.refill(con, campaign_id)
        slots = max(0, campaign.spec.perk_limit() - state.kept)
        eligible = ~pl.col("person_id").is_in(list(state.taken)) & (pl.col("expected_mentions") > 0)
        chosen = ranked.filter(eligible).head(slots)
        members.replace_suggestions(con, access, campaign_id, state.replaceable, chosen)
        expected_total = float(
            chosen["expected_mentions"].sum()
            + est.people.filter(pl.col("person_id").is_in(list(state.taken)))["expected_mentions"].sum()
        )
        audit.record(
            con,
            access,
            "campaign.suggest",
            {"campaign_id": campaign_id, "suggested": chosen.height, "kept": state.kept},
        )
    progress(1.0, "List ready")
    return SuggestReport(version, chosen.height, state.kept, expected_total, est.explanation())
