"""Campaign dates the data can measure: the defaults a new campaign starts with (the demo world, or an import that
has not been refreshed, ends weeks before today, and a campaign after it would show no results at all). The
warnings for dates the data does not reach are part of the plan check (core.results.plan.date_warnings)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import duckdb

from core.campaigns.mentions import data_span
from core.campaigns.model import DEFAULT_FOLLOW_UP_DAYS

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
        f"The data in Sway ends on {last:%d %b %Y}, {(today - last).days} days ago, so a new campaign is "
        "dated in the last whole weeks it covers, where results can be measured. A campaign after that shows "
        "results only once newer posts are imported.",
    )
