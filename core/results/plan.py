"""A campaign's plan check, before perks are sent: expected mentions with their range, the smallest lift the list
could detect (core.results.power), its unique reach and audience overlap (core.campaigns.reach), what it costs,
and whether the data reaches its dates."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

import duckdb
import polars as pl
from scipy import stats

from core.campaigns import members
from core.campaigns.mentions import data_span
from core.campaigns.model import CampaignSpec
from core.campaigns.money import money
from core.campaigns.reach import Reach, unique_reach
from core.campaigns.records import get_campaign
from core.campaigns.suggest import HISTORY_DAYS, RANGE, estimate_as_of, period_days
from core.numbers import count_of
from core.results.compute import BASELINE_DAYS
from core.results.lift import MIN_BASELINE_DAYS
from core.results.power import Power, power_check
from core.workspace.access import Access
from core.workspace.membership import currency

# Statuses that will not (or no longer) get the perk: left out of the plan.
NOT_PLANNED = ("declined",)


@dataclass(frozen=True)
class Plan:
    """What the list, as it stands, can be expected to deliver and to show."""

    people: int
    expected: float  # expected mentions in total
    low: float  # 80% range of the total (RANGE)
    high: float
    cost: float  # everyone's own cost or the campaign's cost per perk, in the workspace's currency
    power: Power
    reach: Reach
    warnings: list[str]

    def expected_text(self) -> str:
        """Expected mentions with the range in words."""
        return (
            f"{self.expected:.1f} expected mentions from {count_of(self.people, 'person', 'people')} "
            f"({RANGE[1] - RANGE[0]:.0%} range {self.low:.0f} to {self.high:.0f})"
        )


def total_range(expected: pl.Series, low: pl.Series, high: pl.Series) -> tuple[float, float]:
    """The 80% range of the list's total mentions: each person's count is Poisson around an expectation that is
    itself uncertain (their low-high range); the sum of many is close to normal."""
    z = stats.norm.ppf(RANGE[1])
    mean = float(expected.fill_null(0).sum())
    spread = ((high - low).fill_null(0) / (2 * z)) ** 2
    sd = math.sqrt(mean + float(spread.sum()))
    return max(0.0, mean - z * sd), mean + z * sd


def plan(con: duckdb.DuckDBPyConnection, access: Access, campaign_id: int) -> Plan:
    """The plan check of one campaign of the caller's workspace (CampaignNotFound for any other)."""
    campaign = get_campaign(con, access, campaign_id)
    spec = campaign.spec
    listed = members.members(con, access, campaign_id).filter(~pl.col("status").is_in(NOT_PLANNED))
    low, high = total_range(listed["expected_mentions"], listed["expected_low"], listed["expected_high"])
    days = period_days(spec)
    expected = float(listed["expected_mentions"].fill_null(0).sum())
    # Without the perk: the expectation divided by the lift it assumes.
    daily = expected / (1 + spec.expected_lift) / days
    until = estimate_as_of(con, spec)
    return Plan(
        listed.height,
        expected,
        low,
        high,
        float(listed["cost"].sum()),
        power_check(listed.height, daily, days, BASELINE_DAYS, spec.expected_lift),
        unique_reach(con, listed["person_id"].to_list(), until - timedelta(days=HISTORY_DAYS), until),
        date_warnings(con, spec)
        + budget_warnings(spec, listed.height, float(listed["cost"].sum()), currency(con, access)),
    )


def date_warnings(con: duckdb.DuckDBPyConnection, spec: CampaignSpec) -> list[str]:
    """What the marketer should know about measuring a campaign with these dates (empty when all is measurable)."""
    first_at, last_at = data_span(con)
    if first_at is None or last_at is None:
        return ["There are no posts in Sway yet: results appear once data is imported."]
    first, last = first_at.date(), last_at.date()
    measured_to = spec.ends_on + timedelta(days=spec.follow_up_days)
    if measured_to < first:
        return [
            f"This campaign and its follow-up end before the first post in Sway ({first:%d %b %Y}): nothing can be "
            f"measured for these dates. Pick a start from {first + timedelta(days=MIN_BASELINE_DAYS):%d %b %Y} on, "
            f"so the {MIN_BASELINE_DAYS} days before it give the usual rate of mentions to compare with."
        ]
    if (spec.starts_on - first).days < MIN_BASELINE_DAYS:
        return [
            f"The posts in Sway start on {first:%d %b %Y}, fewer than {MIN_BASELINE_DAYS} days before this campaign "
            "starts: its lift cannot be measured without the usual rate of mentions before it. Pick a start from "
            f"{first + timedelta(days=MIN_BASELINE_DAYS):%d %b %Y} on, or import earlier posts."
        ]
    if spec.starts_on > last:
        return [
            f"This campaign starts after the latest post in Sway ({last:%d %b %Y}): nothing can be measured until "
            "posts from its dates are imported."
        ]
    if measured_to >= last:  # the last day is covered only up to its latest post: Results call it partial
        return [
            f"The data in Sway ends during {last:%d %b %Y}, and this campaign's follow-up window runs to "
            f"{measured_to:%d %b %Y}: its results stay partial until newer posts are imported."
        ]
    return []


def over_budget(spec: CampaignSpec, people: int, cost: float) -> tuple[bool, bool]:
    """(more people on the list than the campaign has perks, the list costs more than its budget)."""
    return people > spec.perk_limit(), spec.budget is not None and cost > spec.budget + 1e-9


def budget_warnings(spec: CampaignSpec, people: int, cost: float, currency_code: str) -> list[str]:
    """What to know when the list holds more people than the campaign has perks, or costs more than its budget
    (people added by hand, or with costs of their own, are not cut to the budget as suggestions are)."""
    found = []
    too_many, too_dear = over_budget(spec, people, cost)
    if too_many:
        found.append(
            f"{count_of(people, 'person is', 'people are')} on the list for {count_of(spec.perk_limit(), 'perk')}: "
            "take people off the list, or raise the number of perks or the budget in Settings."
        )
    if too_dear:
        found.append(
            f"The list costs {money(cost, currency_code)}, over the budget of {money(spec.budget, currency_code)}."
        )
    return found
