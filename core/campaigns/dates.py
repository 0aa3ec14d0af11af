"""Campaign dates the data can measure: the defaults a new campaign starts with, and the warnings when its
dates run past the latest activity in the warehouse (the demo world, or an import that has not been refreshed,
ends weeks before today, and a campaign after it would show no results at all) or start before the first, with no
usual rate of mentions to compare with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import duckdb

from core.campaigns.mentions import data_span
from core.campaigns.model import DEFAULT_FOLLOW_UP_DAYS, CampaignSpec
from core.results.lift import MIN_BASELINE_DAYS

CAMPAIGN_DAYS = 14
STALE_DAYS = 7  # latest post older than this: the data is not fed live, so new campaigns are placed inside it


@dataclass(frozen=True)
class Dates:
    """Default dates for a new campaign, and why they are what they are (empty when they are today's)."""

    starts_on: date
    ends_on: date
    follow_up_days: int
    note: str


def latest_day(con: duckdb.DuckDBPyConnection) -> date | None:
    """The day of the latest post in the warehouse (None when it holds none)."""
    _, last = data_span(con)
    return last.date() if last else None


def default_dates(con: duckdb.DuckDBPyConnection, today: date) -> Dates:
    """From today when the data is live; else the last CAMPAIGN_DAYS + follow-up days the data covers."""
    last = latest_day(con)
    if last is None or last >= today - timedelta(days=STALE_DAYS):
        return Dates(today, today + timedelta(days=CAMPAIGN_DAYS - 1), DEFAULT_FOLLOW_UP_DAYS, "")
    # The follow-up ends the day before the last one: the data covers that day only up to its latest post, and
    # Results would call a window ending on it partial.
    starts_on = last - timedelta(days=CAMPAIGN_DAYS + DEFAULT_FOLLOW_UP_DAYS)
    return Dates(
        starts_on,
        starts_on + timedelta(days=CAMPAIGN_DAYS - 1),
        DEFAULT_FOLLOW_UP_DAYS,
        f"The data in Sway ends on {last:%d %b %Y}, {(today - last).days} days ago, so the dates below are the "
        "last whole weeks it covers, where results can be measured. A campaign after that shows results only once "
        "newer posts are imported.",
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
