"""Campaign operations that span several steps: each is one transaction, authorized and audited by the steps
it runs (core.campaigns), so a page never sequences writes and a failure leaves nothing half done."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from core.campaigns import members, records, suggest
from core.campaigns.model import CampaignError, CampaignSpec
from core.campaigns.money import check_currency
from core.db.warehouse import transaction
from core.discover import current_build
from core.progress import Progress, scaled, silent
from core.results.plan import date_warnings
from core.workspace import membership
from core.workspace.access import Access


@dataclass(frozen=True)
class Created:
    """A new campaign: its id, the suggested list it was given (with its version after the list), and what the
    marketer should know about measuring it (dates the data does not reach)."""

    campaign_id: int
    suggestions: suggest.SuggestReport
    warnings: list[str]


def create_campaign(
    con: duckdb.DuckDBPyConnection,
    access: Access,
    spec: CampaignSpec,
    people: Sequence[int] = (),
    *,
    progress: Progress = silent,
) -> Created:
    """Create a campaign with `people` (e.g. a Discover selection) on its list, then fill the list up to the
    budget with suggestions: all in one transaction, so a refusal anywhere creates nothing (editors only)."""
    progress(0.0, "Preparing the Discover tables")
    current_build(con)  # a shared rebuild, kept out of this campaign's transaction
    with transaction(con):
        campaign_id = records.create_campaign(con, access, spec)
        version = 1
        if people:
            progress(0.1, f"Putting the {len(people)} people you chose on the list")
            version = _add(con, access, campaign_id, list(people), version)[1]
        report = suggest.suggest_list(con, access, campaign_id, version, progress=scaled(progress, 0.2, 1.0))
    return Created(campaign_id, report, date_warnings(con, spec))


def add_people(
    con: duckdb.DuckDBPyConnection, access: Access, campaign_id: int, people: Sequence[int], expected_version: int
) -> tuple[int, int]:
    """Put `people` on a campaign's list with their expected mentions, in one transaction (editors only).

    Returns (how many were new on the list, the campaign's new version).
    """
    with transaction(con):
        return _add(con, access, campaign_id, list(people), expected_version)


def _add(
    con: duckdb.DuckDBPyConnection, access: Access, campaign_id: int, people: list[int], expected_version: int
) -> tuple[int, int]:
    expected = suggest.expected_for(con, access, campaign_id, people)
    return members.add_members(con, access, campaign_id, people, expected_version, expected=expected)


def save_settings(
    con: duckdb.DuckDBPyConnection, access: Access, campaign_id: int, spec: CampaignSpec, expected_version: int
) -> int:
    """Save a campaign's settings and work out again what each person on its list is expected to bring, whose
    estimate depends on the dates, terms and lift just saved, in one transaction (editors only); the new version."""
    with transaction(con):
        version = records.update_campaign(con, access, campaign_id, spec, expected_version)
        listed = members.members(con, access, campaign_id)["person_id"].to_list()
        if listed:
            members.set_estimates(con, campaign_id, suggest.expected_for(con, access, campaign_id, listed))
    return version


def refresh_suggestions(
    con: duckdb.DuckDBPyConnection,
    access: Access,
    campaign_id: int,
    expected_version: int,
    *,
    progress: Progress = silent,
) -> suggest.SuggestReport:
    """Refill a campaign's suggested list from up-to-date Discover tables (editors only)."""
    progress(0.0, "Preparing the Discover tables")
    current_build(con)
    return suggest.suggest_list(con, access, campaign_id, expected_version, progress=progress)


def set_member_cost(
    con: duckdb.DuckDBPyConnection,
    access: Access,
    campaign_id: int,
    people: Sequence[int],
    cost: float | None,
    expected_version: int,
) -> int:
    """Give members their own fee or perk value, or (None) the campaign's again (editors only); new version."""
    return members.set_cost(con, access, campaign_id, list(people), cost, expected_version)


def set_currency(con: duckdb.DuckDBPyConnection, access: Access, code: str) -> str:
    """Set the currency the workspace's campaign money is in (admins only); returns the stored code."""
    try:
        cleaned = check_currency(code)
    except ValueError as exc:
        raise CampaignError(str(exc)) from exc
    membership.set_currency(con, access, cleaned)
    return cleaned
