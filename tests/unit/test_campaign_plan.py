"""Planning and following a campaign honestly (issue 13): the lift's verdict follows its sign, the power check,
expected mentions from each person's own record of brand posts, unique reach, dates the data reaches,
per-person cost, statuses that can step back, members marked posted by their tracked mention, the campaigns
a person is in, and the workspace's currency."""

import math
from dataclasses import replace
from datetime import date, datetime, timedelta

import numpy as np
import polars as pl
import pytest

from core.campaigns import members, records, suggest
from core.campaigns.dates import default_dates
from core.campaigns.model import CampaignError, CampaignSpec, InvalidTransition
from core.campaigns.money import money, money_card
from core.campaigns.reach import unique_reach
from core.campaigns.terms import parse_terms
from core.campaigns.tracking import mark_posted_from_mentions
from core.db import warehouse
from core.ops import campaigns as campaign_ops
from core.results import report
from core.results.compute import campaign_results
from core.results.lift import baseline_lift, control_lift
from core.results.plan import budget_warnings, date_warnings, plan
from core.results.power import detectable_difference, detectable_lift, power_check
from core.vocabulary import topic_label
from core.workspace.access import LOCAL, Access, PermissionDenied
from tests.unit.campaign_world import ready_copy
from tests.unit.workspace_world import store_members

EDITOR = Access(user="ed@brand.example", workspace_id=1, role="editor")
OTHER = Access(user="eve@rival.example", workspace_id=2, role="admin")


@pytest.fixture(scope="module")
def ready_file(small_demo_file, tmp_path_factory) -> str:
    return ready_copy(small_demo_file, tmp_path_factory.mktemp("plan") / "ready.duckdb")


@pytest.fixture
def con(ready_file, tmp_path):
    path = tmp_path / "sway.duckdb"
    path.write_bytes(open(ready_file, "rb").read())  # noqa: SIM115 - a plain copy
    connection = warehouse.connect(path)
    connection.execute("INSERT INTO workspaces (workspace_id, name) VALUES (2, 'Rival')")
    store_members(connection, EDITOR, OTHER)
    yield connection
    connection.close()


def _busiest(con) -> int:
    return warehouse.scalar(
        con, "SELECT campaign_id FROM campaign_members GROUP BY 1 ORDER BY count(*) DESC, campaign_id LIMIT 1"
    )


# --- 3. the verdict follows the sign and the interval -----------------------------------------------------------


def test_a_fall_in_mentions_is_a_warning_not_a_success():
    fell = baseline_lift(during=10, before=40, during_days=28, before_days=28)
    assert fell.detected and fell.lift < 0 and fell.direction == "down"
    assert "75% less often" in fell.verdict() and "fell" in fell.verdict() and "more" not in fell.verdict()
    spans = baseline_lift(during=25, before=30, during_days=28, before_days=28)
    assert spans.direction == "none" and spans.verdict().startswith("No detectable change")
    assert baseline_lift(2, 1, 28, 28).direction == "unknown"


# --- 8. power ------------------------------------------------------------------------------------------------------


def test_detectable_difference_matches_the_textbook_sample_size():
    # Cohen (1988): 64 people per group detect a standardised difference of 0.5 with 80% power at the 5% level.
    assert detectable_difference(math.sqrt(2 / 64)) == pytest.approx(0.5, abs=0.01)


def test_at_the_detectable_lift_the_results_test_finds_it_four_times_in_five():
    during, before = 60.0, 60.0
    smallest = detectable_lift(during, before)
    rng = np.random.default_rng(3)
    found = [
        baseline_lift(int(rng.poisson(during * (1 + smallest))), int(rng.poisson(before)), 28, 28).detected
        for _ in range(2000)
    ]
    assert 0.74 <= np.mean(found) <= 0.86
    assert detectable_lift(4 * during, 4 * before) < smallest  # a longer list detects smaller lifts
    assert detectable_lift(0, before) is None


def test_the_check_promises_what_the_control_comparison_results_trust_can_show():
    during, before = 60.0, 60.0
    smallest = detectable_lift(during, before, controls=True)
    assert smallest > detectable_lift(during, before)  # the controls' own counts add their variance
    rng = np.random.default_rng(4)
    found = [
        control_lift(
            int(rng.poisson(during * (1 + smallest))),
            int(rng.poisson(before)),
            int(rng.poisson(during)),
            int(rng.poisson(before)),
            28,
            28,
        ).detected
        for _ in range(2000)
    ]
    assert 0.74 <= np.mean(found) <= 0.86
    check = power_check(members=10, daily_rate=60 / 28, during_days=28, baseline_days=28, expected_lift=1)
    assert check.detectable == pytest.approx(smallest)


def test_the_power_check_warns_when_the_expected_lift_is_below_what_the_list_can_detect():
    small = power_check(members=10, daily_rate=1.0, during_days=28, baseline_days=28, expected_lift=0.1)
    assert small.measurable and not small.enough
    assert "would most likely go unnoticed" in small.verdict()
    assert "shows up 8 times in 10" in small.verdict() and "level" not in small.verdict()  # no statistics jargon
    big = power_check(members=10, daily_rate=3.0, during_days=28, baseline_days=28, expected_lift=1.0)
    assert big.enough and "enough to show up" in big.verdict()
    silent = power_check(members=3, daily_rate=0.01, during_days=28, baseline_days=28, expected_lift=1.0)
    assert not silent.measurable and silent.verdict().startswith("Too few mentions")


# --- 7. expected mentions from each person's own record ----------------------------------------------------------


def test_expected_mentions_come_from_each_persons_brand_posts_shrunk_to_their_topic(con):
    campaign_id = _busiest(con)
    spec = records.get_campaign(con, LOCAL, campaign_id).spec
    est = suggest.estimate(con, spec, suggest.targeted(con, spec), brands=records.workspace_terms(con, LOCAL))
    people = est.people
    assert not est.share_is_fallback and "Sway assumes" not in est.explanation()
    # The topics it names are the main topics of the most people on the list, not the highest shares of a few.
    most = people.group_by("topic").len().sort(["len", "topic"], descending=[True, False]).head(3).rows()
    named = [f"{topic_label(t) if t else 'no topic'} {est.topic_shares[t]:.2%} ({n:,} people)" for t, n in most]
    assert all(n > 1 for _, n in most)
    assert f"main topic's share ({', '.join(named)};" in est.explanation()
    assert (people["expected_low"] <= people["expected_mentions"] + 1e-9).all()
    assert (people["expected_mentions"] <= people["expected_high"] + 1e-9).all()
    # Everyone's share lies between their own record and their topic's share (shrinkage).
    own = people.filter(pl.col("posts") > 0).with_columns(raw=pl.col("brand_posts") / pl.col("posts"))
    prior = own["topic"].replace_strict(est.topic_shares, return_dtype=pl.Float64)
    lo, hi = np.minimum(own["raw"], prior), np.maximum(own["raw"], prior)
    assert ((own["share"] >= lo - 1e-12) & (own["share"] <= hi + 1e-12)).all()
    # Someone who posted about brands more than their topic is expected to mention more than a peer who did not.
    ranked = own.sort("share")
    assert ranked["expected_mentions"][-1] / ranked["posts"][-1] > ranked["expected_mentions"][0] / ranked["posts"][0]


def test_the_prior_weight_recovers_how_much_people_really_differ():
    rng = np.random.default_rng(5)
    posts = np.full(400, 200)
    # Shares drawn from a beta prior with a + b = 10: the method of moments finds a weight of about 10 posts.
    varied = rng.binomial(posts, rng.beta(0.5, 9.5, size=400))
    assert 6 <= suggest.prior_weight(posts, varied) <= 16
    # Everyone alike: differences are chance alone, so each person counts as the group's average.
    alike = rng.binomial(posts, 0.05)
    assert suggest.prior_weight(posts, alike) >= 1000


def test_the_plan_shows_the_range_power_reach_and_cost(con):
    checked = plan(con, LOCAL, _busiest(con))
    assert checked.low <= checked.expected <= checked.high and checked.people > 0
    assert checked.power.members == checked.people and checked.power.verdict()
    assert 0 < checked.reach.unique <= checked.reach.summed
    assert checked.cost > 0 and str(checked.people) in checked.expected_text()


# --- 9. unique reach -----------------------------------------------------------------------------------------------


def test_unique_reach_counts_each_reactor_once_and_measures_the_overlap(con):
    listed = members.members(con, LOCAL, _busiest(con))["person_id"].to_list()
    until = datetime(2100, 1, 1)
    since = until - timedelta(days=365 * 200)
    a_b = unique_reach(con, listed[:2], since, until)
    a, b = (unique_reach(con, [p], since, until) for p in listed[:2])
    assert a_b.summed == a.unique + b.unique
    shared = a.unique + b.unique - a_b.unique
    assert a_b.overlap == pytest.approx(shared / a_b.summed)
    if shared:
        assert a_b.pairs["shared"][0] == shared
        assert a_b.pairs["share"][0] == pytest.approx(shared / min(a.unique, b.unique))
    whole = unique_reach(con, listed, since, until)
    assert whole.unique <= whole.summed and str(whole.members) in whole.verdict()
    # The window is said from the first stored reaction, not from days the data does not cover.
    first = warehouse.scalar(con, "SELECT min(occurred_at) FROM interactions")
    assert whole.since == first and f"between {first:%d %b %Y} and" in whole.verdict()


# --- 6. dates the data reaches -------------------------------------------------------------------------------------


def _voltwise(name: str, starts_on: date, ends_on: date, **spend) -> CampaignSpec:
    """A campaign for #voltwise boxes on these dates; `spend`: cost_per_perk (default 10), perks or budget."""
    return CampaignSpec(
        name=name,
        brand="Voltwise",
        perk="box",
        cost_per_perk=spend.pop("cost_per_perk", 10),
        starts_on=starts_on,
        ends_on=ends_on,
        terms=parse_terms("#voltwise"),
        **spend,
    )


def test_new_campaigns_default_to_dates_the_data_reaches(con):
    last = warehouse.scalar(con, "SELECT max(posted_at) FROM posts").date()
    stale = default_dates(con, last + timedelta(days=60))
    # The follow-up ends before the last day, which the data covers only up to its latest post.
    assert stale.ends_on + timedelta(days=stale.follow_up_days) == last - timedelta(days=1) and "ends on" in stale.note
    spec = _voltwise("Default dates", stale.starts_on, stale.ends_on, perks=5, follow_up_days=stale.follow_up_days)
    assert date_warnings(con, spec) == []  # the defaults are measurable whole
    one_day_later = replace(
        spec, starts_on=spec.starts_on + timedelta(days=1), ends_on=spec.ends_on + timedelta(days=1)
    )
    assert "partial" in date_warnings(con, one_day_later)[0]  # as Results would say of it
    live = default_dates(con, last + timedelta(days=1))
    assert live.starts_on == last + timedelta(days=1) and live.note == ""


def test_creating_a_campaign_past_the_data_warns(con):
    last = warehouse.scalar(con, "SELECT max(posted_at) FROM posts").date()
    spec = _voltwise("Later", last + timedelta(days=20), last + timedelta(days=33), perks=5)
    created = campaign_ops.create_campaign(con, EDITOR, spec)
    assert any("starts after the latest post" in w for w in created.warnings)


def test_a_campaign_dated_before_the_data_is_told_so_not_that_its_people_are_quiet(con):
    first = warehouse.scalar(con, "SELECT min(posted_at) FROM posts").date()
    years_before = _voltwise("2020", date(2020, 3, 2), date(2020, 3, 15), perks=5)
    (said,) = date_warnings(con, years_before)
    assert f"end before the first post in Sway ({first:%d %b %Y})" in said
    assert f"Pick a start from {first + timedelta(days=7):%d %b %Y} on" in said
    no_baseline = _voltwise("Day 3", first + timedelta(days=3), first + timedelta(days=16), perks=5)
    (said,) = date_warnings(con, no_baseline)
    assert f"start on {first:%d %b %Y}, fewer than 7 days before this campaign starts" in said
    a_week_in = _voltwise("Day 7", first + timedelta(days=7), first + timedelta(days=20), perks=5)
    assert date_warnings(con, a_week_in) == []


# --- 10. per-person cost and the currency ------------------------------------------------------------------------


def test_a_members_own_cost_counts_in_the_results_and_the_budget(con):
    campaign_id = _busiest(con)
    before = campaign_results(con, LOCAL, campaign_id)
    person = before.members["person_id"][0]
    version = records.get_campaign(con, LOCAL, campaign_id).version
    campaign_ops.set_member_cost(con, LOCAL, campaign_id, [person], 1000.0, version)
    after = campaign_results(con, LOCAL, campaign_id)
    default = before.campaign.spec.cost_per_perk
    assert after.totals["cost"] == pytest.approx(before.totals["cost"] - default + 1000.0)
    with pytest.raises(Exception, match="more than 0"):
        campaign_ops.set_member_cost(con, LOCAL, campaign_id, [person], -5.0, version + 1)


def test_setting_a_cost_changes_and_logs_only_those_it_changes(con):
    campaign_id = _busiest(con)
    first, second = members.members(con, LOCAL, campaign_id)["person_id"][:2]
    version = records.get_campaign(con, LOCAL, campaign_id).version
    version = campaign_ops.set_member_cost(con, LOCAL, campaign_id, [first], 150.0, version)
    version = campaign_ops.set_member_cost(con, LOCAL, campaign_id, [first, second], 150.0, version)
    with pytest.raises(CampaignError, match="Nothing changed: the selected person already costs 150"):
        campaign_ops.set_member_cost(con, LOCAL, campaign_id, [first], 150.0, version)

    costs = members.history(con, LOCAL, campaign_id).filter(pl.col("field") == "cost")
    assert sorted(costs.select("person_id", "old_value", "new_value").rows()) == sorted(
        [(first, None, "150"), (second, None, "150")]  # the second setting logged only the second person
    )
    assert records.get_campaign(con, LOCAL, campaign_id).version == version  # the refused one saved nothing


def test_saving_longer_dates_works_the_listed_peoples_expected_mentions_out_again(con):
    spec = _voltwise("Stretched", date(2026, 9, 1), date(2026, 9, 7), perks=5)
    created = campaign_ops.create_campaign(con, EDITOR, spec)
    before = members.members(con, EDITOR, created.campaign_id)
    invited = before["person_id"][0]
    version = members.set_status(con, EDITOR, created.campaign_id, [invited], "invited", created.suggestions.version)

    campaign_ops.save_settings(
        con, EDITOR, created.campaign_id, replace(spec, ends_on=date(2026, 9, 28)), version
    )  # a week becomes four

    after = members.members(con, EDITOR, created.campaign_id)
    assert after["person_id"].sort().to_list() == before["person_id"].sort().to_list()  # the same people
    assert after.filter(pl.col("person_id") == invited)["status"][0] == "invited"  # what was done stays
    # A person's expected mentions are a rate times the days of campaign and follow-up: 7 + 14 became 28 + 14.
    assert after["expected_mentions"].sum() == pytest.approx(2 * before["expected_mentions"].sum())
    assert (after["expected_high"] >= after["expected_mentions"]).all()


def test_the_budget_fill_uses_each_kept_persons_cost(con):
    spec = _voltwise("Budgeted", date(2026, 9, 1), date(2026, 9, 14), budget=100)
    created = campaign_ops.create_campaign(con, EDITOR, spec)
    listed = members.members(con, EDITOR, created.campaign_id)
    assert listed.height == 10
    version = members.set_locked(
        con, EDITOR, created.campaign_id, [listed["person_id"][0]], True, created.suggestions.version
    )
    version = campaign_ops.set_member_cost(con, EDITOR, created.campaign_id, [listed["person_id"][0]], 55.0, version)
    campaign_ops.refresh_suggestions(con, EDITOR, created.campaign_id, version)
    refilled = members.members(con, EDITOR, created.campaign_id)
    assert refilled.height == 5 and refilled["cost"].sum() == pytest.approx(95.0)  # 55 + 4 × 10 fits in 100


def _budgeted(con) -> tuple[int, int]:
    """A new campaign whose budget holds 5 perks, its list suggested: (campaign id, version)."""
    spec = _voltwise("Declines", date(2026, 9, 1), date(2026, 9, 14), cost_per_perk=25, budget=125)
    created = campaign_ops.create_campaign(con, EDITOR, spec)
    return created.campaign_id, created.suggestions.version


def test_declined_people_use_no_perk_so_a_refill_fills_the_budget_again(con):
    campaign_id, version = _budgeted(con)
    declined = members.members(con, EDITOR, campaign_id)["person_id"].to_list()[:2]
    version = members.set_status(con, EDITOR, campaign_id, declined, "invited", version)
    version = members.set_status(con, EDITOR, campaign_id, declined, "declined", version)
    assert members.spent(con, campaign_id) == 0
    report = campaign_ops.refresh_suggestions(con, EDITOR, campaign_id, version)
    listed = members.members(con, EDITOR, campaign_id)
    planned = listed.filter(pl.col("status") != "declined")
    assert report.kept == 0 and planned.height == 5  # the whole budget again: 5 × 25 = 125
    assert plan(con, EDITOR, campaign_id).cost == pytest.approx(125.0)
    # They stay on the list as declined and are not suggested again.
    assert listed.filter(pl.col("person_id").is_in(declined))["status"].to_list() == ["declined", "declined"]
    assert not set(declined) & set(planned["person_id"])


def test_the_refill_message_totals_the_list_as_its_plan_does(con):
    campaign_id, version = _budgeted(con)
    first = members.members(con, EDITOR, campaign_id)["person_id"].to_list()
    version = members.set_status(con, EDITOR, campaign_id, first[:2], "invited", version)
    version = members.set_status(con, EDITOR, campaign_id, first[:1], "declined", version)
    version = members.remove_members(con, EDITOR, campaign_id, first[2:3], version)
    report = campaign_ops.refresh_suggestions(con, EDITOR, campaign_id, version)
    checked = plan(con, EDITOR, campaign_id)
    assert checked.people == 5
    assert f"{report.expected_total:.1f}" == f"{checked.expected:.1f}"
    assert report.expected_total == pytest.approx(checked.expected)


def test_the_refill_message_counts_the_suggested_people_as_the_tile_does(con):
    campaign_id, version = _budgeted(con)
    first = members.members(con, EDITOR, campaign_id)["person_id"].to_list()
    version = members.set_locked(con, EDITOR, campaign_id, first[:1], True, version)
    version = members.set_status(con, EDITOR, campaign_id, first[1:2], "invited", version)
    report = campaign_ops.refresh_suggestions(con, EDITOR, campaign_id, version)
    statuses = members.members(con, EDITOR, campaign_id)["status"]
    suggesting = int((statuses == "suggested").sum())
    assert report.suggesting == suggesting == 4 and report.suggested == 3  # 5 perks: the invited one, 1 kept, 3 new
    assert report.refreshed() == "The list now has 4 suggested (3 picked now); 1 person invited or further along stays"
    version = members.set_status(con, EDITOR, campaign_id, first[1:2], "declined", report.version)
    again = campaign_ops.refresh_suggestions(con, EDITOR, campaign_id, version)
    assert again.refreshed().endswith("; 1 person who declined stays")  # on the list too: every member is counted


def test_currency_is_a_workspace_setting_only_admins_change(con):
    assert money(1234.5, "USD") == "$1,234.50"
    assert campaign_ops.set_currency(con, LOCAL, "eur") == "EUR"
    assert campaign_results(con, LOCAL, _busiest(con)).currency == "EUR"
    with pytest.raises(PermissionDenied, match="admin"):
        campaign_ops.set_currency(con, EDITOR, "GBP")
    with pytest.raises(ValueError, match="Choose one of"):
        campaign_ops.set_currency(con, LOCAL, "doubloons")


# --- 11. statuses step back, "didn't post", marked posted by the tracked mention ----------------------------------


def test_statuses_can_step_back_and_the_history_keeps_it(con):
    campaign_id = _busiest(con)
    listed = members.members(con, LOCAL, campaign_id)
    posted = listed.filter(pl.col("status") == "posted")["person_id"][0]
    version = records.get_campaign(con, LOCAL, campaign_id).version
    version = members.set_status(con, EDITOR, campaign_id, [posted], "perk_shipped", version)
    row = members.members(con, LOCAL, campaign_id).filter(pl.col("person_id") == posted)
    assert row["status"][0] == "perk_shipped" and row["posted_at"][0] is None
    version = members.set_status(con, EDITOR, campaign_id, [posted], "no_post", version)
    history = members.history(con, LOCAL, campaign_id).filter(pl.col("person_id") == posted)
    assert history.select("old_value", "new_value").rows()[:2] == [
        ("perk_shipped", "no_post"),
        ("posted", "perk_shipped"),
    ]
    with pytest.raises(InvalidTransition, match="allowed is"):
        members.set_status(con, EDITOR, campaign_id, [posted], "suggested", version)


def test_a_tracked_mention_marks_the_member_posted_with_a_link(con):
    campaign_id = _busiest(con)
    listed = members.members(con, LOCAL, campaign_id)
    posted = listed.filter(pl.col("status") == "posted")["person_id"][0]
    version = records.get_campaign(con, LOCAL, campaign_id).version
    members.set_status(con, EDITOR, campaign_id, [posted], "perk_shipped", version)
    with warehouse.transaction(con):
        assert mark_posted_from_mentions(con) == 1
    row = members.members(con, LOCAL, campaign_id).filter(pl.col("person_id") == posted)
    assert row["status"][0] == "posted" and row["posted_at"][0] is not None
    assert row["post_url"][0].startswith("https://")
    assert members.history(con, LOCAL, campaign_id)["changed_by"][0] == members.TRACKER
    with warehouse.transaction(con):
        assert mark_posted_from_mentions(con) == 0  # nothing left to mark


# --- 12. the campaigns a person is in ------------------------------------------------------------------------------


def test_a_persons_campaigns_are_listed_for_their_workspace_only(con):
    campaign_id = _busiest(con)
    person = members.members(con, LOCAL, campaign_id)["person_id"][0]
    theirs = members.person_campaigns(con, LOCAL, person)
    assert campaign_id in theirs["campaign_id"].to_list()
    assert members.person_campaigns(con, OTHER, person).is_empty()


def test_a_list_longer_than_the_perks_or_dearer_than_the_budget_is_flagged():
    spec = _voltwise("Over", date(2026, 9, 1), date(2026, 9, 14), cost_per_perk=60, budget=1620.0)
    assert spec.perk_limit() == 27
    assert budget_warnings(spec, 27, 1620.0, "USD") == []  # exactly the budget's worth
    told = budget_warnings(spec, 28, 1680.0, "USD")
    assert told[0].startswith("28 people are on the list for 27 perks")
    assert told[1] == "The list costs $1,680.00, over the budget of $1,620.00."
    # Perks given as a number and no budget: only the count can be over.
    assert budget_warnings(_voltwise("Count", date(2026, 9, 1), date(2026, 9, 14), perks=3), 4, 40.0, "EUR") == [
        "4 people are on the list for 3 perks: take people off the list, or raise the number of perks or the budget "
        "in Settings."
    ]


def test_a_metric_card_drops_the_cents_of_large_amounts_only():
    assert money_card(132_579.43, "USD") == "$132,579"  # "$132,579.43" is cut short in a fifth of the page
    assert money_card(25_000.6, "EUR") == "€25,001"
    assert money_card(1_680.0, "USD") == "$1,680.00" and money_card(None, "USD") == "–"
    assert money(132_579.43, "USD") == "$132,579.43"  # the exact figure, for the card's help


def test_results_say_when_a_member_marked_posted_by_hand_has_no_tracked_mention(con):
    spec = _voltwise("Hand marked", date(2026, 9, 1), date(2026, 9, 14), perks=3)
    created = campaign_ops.create_campaign(con, EDITOR, spec)
    person = members.members(con, EDITOR, created.campaign_id)["person_id"][0]
    version = created.suggestions.version
    for status in ("invited", "accepted", "perk_shipped"):
        version = members.set_status(con, EDITOR, created.campaign_id, [person], status, version)
    assert report.posted_without_mentions(campaign_results(con, EDITOR, created.campaign_id)) is None

    members.set_status(con, EDITOR, created.campaign_id, [person], "posted", version)

    results = campaign_results(con, EDITOR, created.campaign_id)
    assert results.members.filter(pl.col("person_id") == person)["mentions"][0] == 0  # nobody posted #voltwise
    said = report.posted_without_mentions(results)
    assert said.startswith("1 member is marked Posted on the Campaigns page, but no post of theirs")


def test_the_list_says_who_is_also_on_an_overlapping_campaign(con):
    def create(name: str, starts_on: date, ends_on: date):  # 14 days of follow-up each
        return campaign_ops.create_campaign(con, EDITOR, _voltwise(name, starts_on, ends_on, perks=1))

    first = create("Autumn box", date(2026, 9, 1), date(2026, 9, 14))
    person = members.members(con, EDITOR, first.campaign_id)["person_id"][0]
    name = warehouse.scalar(con, "SELECT name FROM people WHERE person_id = ?", [person])
    later = create("Winter box", date(2026, 11, 1), date(2026, 11, 9))
    rival = create("Rival box", date(2026, 9, 20), date(2026, 9, 30))  # inside the first one's follow-up
    for created in (later, rival):
        campaign_ops.add_people(con, EDITOR, created.campaign_id, [person], created.suggestions.version)

    said = members.overlap_note(con, EDITOR, first.campaign_id)

    assert "also on another campaign of this workspace whose dates overlap this one's" in said
    assert "Rival box (20 Sep – 30 Sep, suggested there)" in said.split(f"{name} on ")[1] and "Winter box" not in said
    assert members.overlap_note(con, EDITOR, later.campaign_id) is None  # its dates overlap neither
