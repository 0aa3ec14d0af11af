"""The start page's facts: campaigns counted by where they stand on the day, and the one next step."""

from datetime import timedelta

from core.campaigns import members, records
from core.campaigns.model import CampaignSpec
from core.campaigns.terms import parse_terms
from core.db import status, warehouse
from core.db.warehouse import scalar
from core.home import home
from core.scoring import runs
from core.workspace.access import LOCAL, Access


def _home(con, today):
    return home(con, LOCAL, status.status(con, "w", last_refresh=runs.latest_refresh(con)), today)


def test_campaigns_are_counted_by_their_dates_and_a_running_one_is_the_next_step(demo_copy):
    con = warehouse.connect(demo_copy)
    # The small demo world's campaigns: most with their members' whole story, a few whose list is empty.
    dated = warehouse.rows(
        con,
        "SELECT campaign_id, name, starts_on, ends_on, "
        "(SELECT count(*) FROM campaign_members m WHERE m.campaign_id = c.campaign_id) > 0 AS listed "
        "FROM campaigns c ORDER BY starts_on, campaign_id",
    )
    campaigns = [c for c in dated if c[4]]
    empty = len(dated) - len(campaigns)
    assert len(campaigns) >= 2
    first_start = campaigns[0][2]
    newest_id, newest_name, newest_start, *_ = campaigns[-1]
    last_end = max(c[3] for c in campaigns)

    before = _home(con, first_start - timedelta(days=1))
    assert (before.campaigns_planned, before.campaigns_running, before.campaigns_finished) == (len(dated), 0, 0)
    assert before.next_step.page == "pages/discover.py"

    during = _home(con, newest_start)
    assert during.campaigns_running >= 1
    assert during.campaigns_running + during.campaigns_finished == len(campaigns)
    assert during.campaigns_planned == empty  # nobody on their list yet: still being planned, whatever the dates
    # The campaign that started last is the one to look at, with its own link.
    assert during.next_step.page == "pages/results.py"
    assert during.next_step.query == {"campaign": str(newest_id)}
    assert newest_name in during.next_step.text

    after = _home(con, last_end + timedelta(days=1))
    assert (after.campaigns_planned, after.campaigns_running, after.campaigns_finished) == (empty, 0, len(campaigns))
    assert after.campaigns_line.startswith(
        f"Campaigns: {empty} planned, {len(campaigns)} finished" if empty else f"Campaigns: {len(campaigns)} finished"
    )
    assert after.next_step.text == "Find people for your next campaign."
    assert after.data_line.startswith("Sway holds 600 people from the built-in demo world; their scores count")

    # A new campaign dated inside the data (in the past) whose suggested people nobody has invited yet is being
    # planned, not finished, and inviting them is the next step.
    spec = CampaignSpec(
        name="StrideOn Run Club",
        brand="StrideOn",
        perk="shoes",
        cost_per_perk=80,
        perks=3,
        starts_on=first_start,
        ends_on=first_start + timedelta(days=13),
        terms=parse_terms("#strideon"),
    )
    new_id = records.create_campaign(con, LOCAL, spec)
    people = [p for (p,) in warehouse.rows(con, "SELECT person_id FROM discovery ORDER BY person_id LIMIT 3")]
    version = members.add_members(con, LOCAL, new_id, people, 1)[1]
    planning = _home(con, last_end + timedelta(days=1))
    assert (planning.campaigns_planned, planning.campaigns_finished) == (empty + 1, len(campaigns))
    assert planning.next_step.text == "Invite the people suggested for “StrideOn Run Club”: 3 people are waiting."
    assert (planning.next_step.page, planning.next_step.query) == ("pages/campaigns.py", {"campaign": str(new_id)})
    assert planning.latest_campaign == (new_id, "StrideOn Run Club")

    # Once one of them is invited the campaign runs, its dates long past: it waits on their answer.
    version = members.set_status(con, LOCAL, new_id, people[:1], "invited", version)
    inviting = _home(con, last_end + timedelta(days=1))
    assert (inviting.campaigns_planned, inviting.campaigns_running) == (empty, 1)
    assert inviting.next_step.page == "pages/results.py" and "StrideOn Run Club" in inviting.next_step.text
    members.set_status(con, LOCAL, new_id, people[:1], "declined", version)  # answered: nothing is awaited any more
    assert _home(con, last_end + timedelta(days=1)).campaigns_finished == len(campaigns) + 1


def test_unscored_data_sends_the_marketer_to_refresh(raw_demo_copy):
    con = warehouse.connect(raw_demo_copy)
    facts = _home(con, scalar(con, "SELECT max(occurred_at)::DATE FROM interactions"))
    assert facts.scored_up_to is None
    assert facts.data_line.endswith("their scores have not been computed yet.")
    assert facts.next_step.page == "pages/data.py"
    assert facts.next_step.text == "Scores have not been computed yet: refresh them on the Data page."
    # Someone who is not an instance operator cannot refresh: they are told whom to ask.
    viewer = Access(user="vera@brand.example", workspace_id=LOCAL.workspace_id, role="viewer")
    day = scalar(con, "SELECT max(occurred_at)::DATE FROM interactions")
    told = home(con, viewer, status.status(con, "w", last_refresh=runs.latest_refresh(con)), day).next_step
    assert told.text == "Scores have not been computed yet: ask whoever runs this Sway server to refresh them."


def test_an_empty_warehouse_asks_for_data_first(tmp_path):
    con = warehouse.connect(tmp_path / "w.duckdb")
    facts = _home(con, scalar(con, "SELECT current_date"))
    assert facts.people == 0
    assert facts.data_line == "Sway holds no people yet."
    assert facts.campaigns_line == "No campaigns in this workspace yet."
    assert facts.next_step.page == "pages/data.py"
