"""What the start page tells a marketer: where the shared data stands, where this workspace's campaigns are, and
the one thing to do next. Read-only: built from the warehouse status and the workspace's campaign list."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb
import polars as pl

from core.campaigns.records import list_campaigns, stages
from core.db.status import WarehouseStatus
from core.numbers import count_of
from core.scoring.runs import stored_run
from core.workspace.access import Access
from core.workspace.authorize import is_operator

SOURCES = {
    "demo": "the built-in demo world",
    "import": "imported files",
    "mixed": "several sources",
    "collect": "a live network",
    "empty": "nothing yet",
}


@dataclass(frozen=True)
class NextStep:
    """The one thing to do next, and the page where it is done (a path under pages/, with its query)."""

    text: str
    page: str
    label: str
    query: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Home:
    """The start page's facts, each already counted for the current workspace and day."""

    people: int
    source: str  # where the data comes from, in words
    scored_up_to: date | None  # the day of the latest reaction the stored scores count; None before any
    campaigns_running: int
    campaigns_planned: int
    campaigns_finished: int
    latest_campaign: tuple[int, str] | None  # (id, name) of the newest campaign
    next_step: NextStep

    @property
    def data_line(self) -> str:
        """One sentence on the data: how many people, from where, scored up to when."""
        if not self.people:
            return "Sway holds no people yet."
        if self.scored_up_to is None:
            return f"Sway holds {self.people:,} people from {self.source}; their scores have not been computed yet."
        return (
            f"Sway holds {self.people:,} people from {self.source}; their scores count the reactions up to "
            f"{self.scored_up_to:%d %b %Y}."
        )

    @property
    def campaigns_line(self) -> str:
        """One sentence on this workspace's campaigns by where they are today."""
        parts = [
            f"{n:,} {what}"
            for n, what in (
                (self.campaigns_running, "running"),
                (self.campaigns_planned, "planned"),
                (self.campaigns_finished, "finished"),
            )
            if n
        ]
        return f"Campaigns: {', '.join(parts)}." if parts else "No campaigns in this workspace yet."


def _next_step(
    people: int,
    scored: bool,
    running: tuple[int, str] | None,
    waiting: tuple[int, str, int] | None,
    campaigns: int,
    operator: bool,
) -> NextStep:
    # Only an instance operator loads data and refreshes scores: anyone else is told whom to ask.
    if not people:
        if not operator:
            return NextStep(
                "Sway holds no data yet: ask whoever runs this Sway server to load it.", "pages/data.py", "Go to Data"
            )
        return NextStep("Start by importing your data or building the demo world.", "pages/data.py", "Go to Data")
    if not scored:
        if not operator:
            return NextStep(
                "Scores have not been computed yet: ask whoever runs this Sway server to refresh them.",
                "pages/data.py",
                "Go to Data",
            )
        return NextStep(
            "Scores have not been computed yet: refresh them on the Data page.", "pages/data.py", "Go to Data"
        )
    if running is not None:
        return NextStep(
            f"See how “{running[1]}” is doing: its mentions, reach and lift so far.",
            "pages/results.py",
            "Go to Results",
            {"campaign": str(running[0])},
        )
    if waiting is not None:
        campaign_id, name, suggested = waiting
        return NextStep(
            f"Invite the people suggested for “{name}”: {count_of(suggested, 'person is', 'people are')} waiting.",
            "pages/campaigns.py",
            "Go to Campaigns",
            {"campaign": str(campaign_id)},
        )
    if not campaigns:
        return NextStep(
            "Find people whose posts move others in your topics, then plan a campaign for them.",
            "pages/discover.py",
            "Go to Discover",
        )
    return NextStep("Find people for your next campaign.", "pages/discover.py", "Go to Discover")


def home(con: duckdb.DuckDBPyConnection, access: Access, status: WarehouseStatus, today: date) -> Home:
    """The start page's facts for this workspace on `today` (`status`: the warehouse status the Data page reads).

    Campaigns are counted by their stage (core.campaigns.model.stage): a list nobody has been contacted from is
    still being planned, one waiting on answers or posts is running, whatever its dates.
    """
    listed = list_campaigns(con, access)
    campaigns = listed.with_columns(stages(listed, today))
    planned = campaigns.filter(pl.col("stage") == "planned")
    running = campaigns.filter(pl.col("stage") == "running")
    finished = campaigns.filter(pl.col("stage") == "finished")
    run = stored_run(con)
    people = status.table_counts["people"]
    # The newest campaign (the highest id) is the one the marketer is most likely working on.
    newest = campaigns.sort("campaign_id").tail(1)
    waiting = planned.filter(pl.col("suggested") > 0).sort("campaign_id").tail(1)
    return Home(
        people=people,
        source=SOURCES[status.origin],
        scored_up_to=run.as_of.date() if run is not None and run.as_of is not None else None,
        campaigns_running=running.height,
        campaigns_planned=planned.height,
        campaigns_finished=finished.height,
        latest_campaign=(newest["campaign_id"][0], newest["name"][0]) if newest.height else None,
        next_step=_next_step(
            people,
            run is not None,
            (running["campaign_id"][0], running["name"][0]) if running.height else None,
            (waiting["campaign_id"][0], waiting["name"][0], waiting["suggested"][0]) if waiting.height else None,
            campaigns.height,
            is_operator(con, access),
        ),
    )
