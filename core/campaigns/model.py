"""What a campaign is: its settings, its member statuses and the allowed moves between them, and its errors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from core.campaigns.terms import Term

STATUSES: dict[str, str] = {
    "suggested": "Suggested",
    "invited": "Invited",
    "accepted": "Accepted",
    "declined": "Declined",
    "perk_shipped": "Perk shipped",
    "posted": "Posted",
    "no_post": "Didn't post",
}
# suggested → invited → accepted / declined → perk shipped → posted / didn't post. A declined person may be
# invited again, someone who accepted may still back out, and "didn't post" becomes "posted" if they do.
FORWARD: dict[str, tuple[str, ...]] = {
    "suggested": ("invited",),
    "invited": ("accepted", "declined"),
    "accepted": ("perk_shipped", "declined"),
    "declined": ("invited",),
    "perk_shipped": ("posted", "no_post"),
    "posted": (),
    "no_post": ("posted",),
}
# Members a campaign still waits on: an answer, a perk to ship, a post.
AWAITING = ("invited", "accepted", "perk_shipped")
Stage = Literal["planned", "running", "finished"]


def stage(starts_on: date, ends_on: date, counts: Mapping[str, int], today: date) -> Stage:
    """Where a campaign stands on `today`.

    Planned while it starts later or nobody on its list has been contacted; running while its dates cover today
    or someone contacted still has to answer, get their perk or post; finished after. Dates alone would call a
    campaign finished as its first invitations go out when it is dated inside data that is not live (in the past).
    """
    contacted = sum(n for status, n in counts.items() if status != "suggested")
    if starts_on > today or not contacted:
        return "planned"
    if ends_on >= today or any(counts.get(status, 0) for status in AWAITING):
        return "running"
    return "finished"


# One step back, to undo a mis-click (recorded in the history like any change).
BACK: dict[str, str] = {
    "invited": "suggested",
    "accepted": "invited",
    "declined": "invited",
    "perk_shipped": "accepted",
    "posted": "perk_shipped",
    "no_post": "perk_shipped",
}
TRANSITIONS: dict[str, tuple[str, ...]] = {
    status: (*ahead, *((BACK[status],) if status in BACK and BACK[status] not in ahead else ()))
    for status, ahead in FORWARD.items()
}


def offered_statuses(current: set[str]) -> list[str]:
    """The statuses people of the `current` statuses can move to, the moves forward first and a step back last,
    so that the choice a page preselects never undoes the change just made; every status when none is current."""
    forward = {s for c in current for s in FORWARD[c]}
    back = {BACK[c] for c in current if c in BACK} - forward
    return [s for s in STATUSES if s in forward] + [s for s in STATUSES if s in back] or list(STATUSES)


# The timestamp column a status sets when a member reaches it (and clears when they step back from it).
STATUS_DATES = {
    "invited": "invited_at",
    "accepted": "responded_at",
    "declined": "responded_at",
    "perk_shipped": "shipped_at",
    "posted": "posted_at",
    "no_post": "posted_at",
}
DEFAULT_FOLLOW_UP_DAYS = 14
# Most perks one campaign hands out: each goes to one person on its list, and a list longer than this is a typo
# (20,261,010 was typed once into this field by a date meant for the next one).
MAX_PERKS = 100_000
# Largest minimum audience: more followers than anyone has (the most followed accounts have about 700 million).
MAX_AUDIENCE = 10_000_000_000
DEFAULT_EXPECTED_LIFT = 1.0


class CampaignError(ValueError):
    """A campaign action cannot be done; the message says why and what to do."""


class CampaignNotFound(CampaignError):
    """No such campaign in this workspace (it may belong to another one, or never have existed)."""


class StaleCampaign(CampaignError):
    """Someone else saved the campaign after this user loaded it: reload and redo the change."""


class InvalidTransition(CampaignError):
    """A member cannot move from their status to the requested one."""


@dataclass(frozen=True)
class CampaignSpec:
    """The marketer's settings for a campaign (what the create and edit forms hold)."""

    name: str
    brand: str
    perk: str
    cost_per_perk: float
    starts_on: date
    ends_on: date
    terms: tuple[Term, ...]
    budget: float | None = None
    perks: int | None = None
    target_topics: tuple[str, ...] = ()
    min_score: int = 1
    min_audience: int = 0  # followers; with networks chosen, those of one account there (0: any audience)
    networks: tuple[str, ...] = ()
    include_flagged: bool = False
    follow_up_days: int = DEFAULT_FOLLOW_UP_DAYS
    expected_lift: float = DEFAULT_EXPECTED_LIFT

    def __post_init__(self) -> None:
        for name in ("terms", "target_topics", "networks"):
            value = getattr(self, name)
            if not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))

    def problems(self) -> list[str]:
        """Every field that is wrong, each with what to do (empty when the settings are usable)."""
        found = []
        for label, value in (("Name", self.name), ("Brand", self.brand), ("Perk", self.perk)):
            if not value.strip():
                found.append(f"{label} is empty: type a {label.lower()}.")
        if not self.cost_per_perk > 0:
            found.append("Cost per perk must be more than 0.")
        if self.budget is None and self.perks is None:
            found.append("Give a budget or a number of perks, so Sway knows how long the list should be.")
        if self.budget is not None and not self.budget > 0:
            found.append("Budget must be more than 0 (or give none, 0 on the page, and a number of perks).")
        if self.budget is not None and self.budget < self.cost_per_perk:
            found.append("The budget does not cover even one perk: raise the budget or lower the cost per perk.")
        if self.perks is not None and self.perks < 1:
            found.append("Number of perks must be at least 1 (or give none, 0 on the page, and a budget).")
        if self.perks is not None and self.perks > MAX_PERKS:
            found.append(
                f"Number of perks must be at most {MAX_PERKS:,} (got {self.perks:,}): a campaign's list holds one "
                "person per perk."
            )
        if self.ends_on < self.starts_on:
            found.append("The end date is before the start date: pick an end date on or after the start.")
        if not self.terms:
            found.append("Add at least one tracking term (a #hashtag, an @handle, a domain or a brand keyword).")
        if not 1 <= self.min_score <= 100:
            found.append("Minimum score must be between 1 and 100.")
        if not 0 <= self.min_audience <= MAX_AUDIENCE:
            found.append(
                f"Minimum audience must be 0 (any audience) to {MAX_AUDIENCE:,} followers (got {self.min_audience:,})."
            )
        if not 0 <= self.follow_up_days <= 90:
            found.append("Follow-up window must be 0 to 90 days.")
        if not 0 <= self.expected_lift <= 20:
            found.append("Expected lift must be between 0 and 20 (1 means members mention the brand twice as often).")
        return found

    def open_slots(self, kept: int, spent: float) -> int:
        """How many more people at the campaign's cost per perk fit beside the `kept` people, who cost `spent`
        in total (each their own fee or perk value, else the campaign's cost per perk)."""
        limits = [self.perks - kept] if self.perks is not None else []
        if self.budget is not None:
            limits.append(int((self.budget - spent) // self.cost_per_perk))
        return max(0, min(limits))

    def perk_limit(self) -> int:
        """How many perks the campaign hands out: the number given, the budget's worth, or the smaller of both."""
        limits = [self.perks] if self.perks is not None else []
        if self.budget is not None:
            limits.append(int(self.budget // self.cost_per_perk))
        return max(0, min(limits))


@dataclass(frozen=True)
class Campaign:
    """A stored campaign as the current user may see it."""

    campaign_id: int
    workspace_id: int
    spec: CampaignSpec
    version: int
    source: str | None
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime
    archived_at: datetime | None = None
    counts: dict[str, int] = field(default_factory=dict)  # members per status

    @property
    def name(self) -> str:
        return self.spec.name
