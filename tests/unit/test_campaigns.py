"""Campaigns: settings checks, the suggested list filling the budget, statuses, concurrency, workspaces, exports."""

import csv
import io
import re
from datetime import date

import openpyxl
import polars as pl
import pytest

from core.campaigns import export, members, records, suggest
from core.campaigns.model import (
    CampaignError,
    CampaignNotFound,
    CampaignSpec,
    InvalidTransition,
    StaleCampaign,
    offered_statuses,
    stage,
)
from core.campaigns.terms import parse_terms
from core.db import warehouse
from core.workspace.access import LOCAL, LOCAL_USER_WORDS, Access, PermissionDenied
from tests.unit.campaign_world import ready_copy
from tests.unit.workspace_world import store_members

ALICE = Access(user="alice@brand.example", workspace_id=1, role="editor")
BOB = Access(user="bob@brand.example", workspace_id=1, role="editor")
VIEWER = Access(user="val@brand.example", workspace_id=1, role="viewer")
OTHER = Access(user="eve@rival.example", workspace_id=2, role="admin")


@pytest.fixture(scope="module")
def ready_file(small_demo_file, tmp_path_factory) -> str:
    return ready_copy(small_demo_file, tmp_path_factory.mktemp("campaigns") / "ready.duckdb")


@pytest.fixture
def con(ready_file, tmp_path):
    path = tmp_path / "sway.duckdb"
    path.write_bytes(open(ready_file, "rb").read())  # noqa: SIM115 - a plain copy
    connection = warehouse.connect(path)
    connection.execute("INSERT INTO workspaces (workspace_id, name) VALUES (2, 'Rival')")
    store_members(connection, ALICE, BOB, VIEWER, OTHER)
    yield connection
    connection.close()


def _spec(**changes) -> CampaignSpec:
    base = {
        "name": "Autumn box",
        "brand": "Voltwise",
        "perk": "free charger",
        "cost_per_perk": 40.0,
        "budget": 200.0,
        "starts_on": date(2026, 10, 1),
        "ends_on": date(2026, 10, 14),
        "terms": parse_terms("#voltwise, @voltwise"),
    }
    return CampaignSpec(**(base | changes))


def _listed(con, campaign_id: int) -> pl.DataFrame:
    return members.members(con, ALICE, campaign_id)


def _suggested(con, **changes) -> tuple[int, int]:
    campaign_id = records.create_campaign(con, ALICE, _spec(**changes))
    report = suggest.suggest_list(con, ALICE, campaign_id, 1)
    return campaign_id, report.version


def test_bad_settings_are_all_named_and_nothing_is_stored(con):
    bad = _spec(name=" ", cost_per_perk=0, budget=None, perks=None, ends_on=date(2026, 9, 1), terms=())
    with pytest.raises(CampaignError) as err:
        records.create_campaign(con, ALICE, bad)
    for words in ("Name is empty", "Cost per perk", "budget or a number of perks", "end date", "tracking term"):
        assert words in str(err.value)
    assert records.list_campaigns(con, ALICE).height == 12  # only the demo campaigns


def test_a_negative_budget_and_a_typo_sized_number_of_perks_are_named():
    said = _spec(budget=-500.0, perks=20_261_010).problems()
    assert "Budget must be more than 0 (or give none, 0 on the page, and a number of perks)." in said
    assert (
        "Number of perks must be at most 100,000 (got 20,261,010): a campaign's list holds one person per perk." in said
    )
    assert _spec(budget=None, perks=100_000).problems() == []


def test_suggested_list_fills_the_budget_best_expected_first(con):
    campaign_id, _ = _suggested(con, budget=200.0, perks=None)  # 200 / 40 = five perks
    listed = _listed(con, campaign_id)
    assert listed.height == 5
    assert listed["expected_mentions"].to_list() == sorted(listed["expected_mentions"].to_list(), reverse=True)
    assert (listed["expected_mentions"] > 0).all() and not listed["flagged"].any()
    assert listed["suggested_rank"].to_list() == sorted(listed["suggested_rank"].to_list())
    # Nobody left out of the list is expected to do better per perk than the last one on it.
    spec = records.get_campaign(con, ALICE, campaign_id).spec
    est = suggest.estimate(con, spec, suggest.targeted(con, spec)).people
    outside = est.filter(~pl.col("person_id").is_in(listed["person_id"].to_list()))
    assert outside["expected_mentions"].max() <= listed["expected_mentions"].min()


def test_the_smaller_of_budget_and_perk_count_wins(con):
    campaign_id, _ = _suggested(con, budget=400.0, perks=3)
    assert _listed(con, campaign_id).height == 3


def test_targeting_min_score_and_flagged(con):
    flagged = set(con.sql("SELECT person_id FROM discovery WHERE flagged").pl()["person_id"])
    spec = _spec(min_score=20)
    people = suggest.targeted(con, spec)
    scores = con.sql("SELECT person_id, score FROM discovery").pl()
    assert people and scores.filter(pl.col("person_id").is_in(people))["score"].min() >= 20
    assert not flagged & set(people)
    assert flagged <= set(suggest.targeted(con, _spec(include_flagged=True)))


def test_targeting_a_minimum_audience_counts_all_followers_or_one_account_on_the_networks_chosen(con):
    floor = int(warehouse.scalar(con, "SELECT median(audience)::BIGINT FROM discovery WHERE NOT flagged"))
    everywhere = {
        p
        for (p,) in warehouse.rows(con, "SELECT person_id FROM discovery WHERE NOT flagged AND audience >= ?", [floor])
    }
    assert 0 < len(everywhere) < warehouse.scalar(con, "SELECT count(*) FROM discovery WHERE NOT flagged")
    assert set(suggest.targeted(con, _spec(min_audience=floor))) == everywhere

    on_instagram = {
        p
        for (p,) in warehouse.rows(
            con,
            "SELECT DISTINCT person_id FROM discovery_accounts JOIN discovery USING (person_id) "
            "WHERE network = 'instagram' AND followers >= ? AND NOT flagged",
            [floor],
        )
    }
    chosen = set(suggest.targeted(con, _spec(min_audience=floor, networks=("instagram",))))
    assert chosen == on_instagram
    assert everywhere - on_instagram  # followed enough in all, but not on one Instagram account: left out


def test_a_campaign_keeps_its_minimum_audience_and_a_wrong_one_is_named(con):
    campaign_id, _ = _suggested(con, min_audience=5_000, budget=400.0)
    assert records.get_campaign(con, ALICE, campaign_id).spec.min_audience == 5_000
    audiences = con.sql("SELECT person_id, audience FROM discovery").pl()
    listed = _listed(con, campaign_id).join(audiences, on="person_id")
    assert listed.height and listed["audience"].min() >= 5_000
    said = _spec(min_audience=-1).problems()
    assert said == ["Minimum audience must be 0 (any audience) to 10,000,000,000 followers (got -1)."]


def test_the_expected_mentions_say_what_the_assumed_lift_adds(con):
    doubled = suggest.suggest_list(con, ALICE, records.create_campaign(con, ALICE, _spec(expected_lift=1.0)), 1)
    anyway = doubled.expected_total / 2
    assert doubled.expected() == (
        f"expected mentions in total: {doubled.expected_total:.1f}: {anyway:.1f} they would make anyway, plus the "
        "+100% the settings assume"
    )
    flat = suggest.suggest_list(con, ALICE, records.create_campaign(con, ALICE, _spec(expected_lift=0.0)), 1)
    assert flat.expected() == f"expected mentions in total: {flat.expected_total:.1f} (no lift from the perk assumed)"
    assert flat.expected_total == pytest.approx(anyway, rel=1e-9)  # the same people, without the assumed doubling


def test_refresh_keeps_locked_and_added_never_brings_back_removed(con):
    campaign_id, version = _suggested(con)
    first = _listed(con, campaign_id)["person_id"].to_list()
    version = members.set_locked(con, ALICE, campaign_id, [first[4]], True, version)
    version = members.remove_members(con, ALICE, campaign_id, [first[0]], version)
    outsider = con.sql(
        "SELECT person_id FROM discovery WHERE person_id NOT IN (SELECT unnest(?::BIGINT[])) LIMIT 1", params=[first]
    ).pl()["person_id"][0]
    added, version = members.add_members(con, ALICE, campaign_id, [outsider, first[1]], version)
    assert added == 1  # first[1] was already on the list
    added_at = dict(_listed(con, campaign_id).select("person_id", "added_at").iter_rows())
    version = suggest.suggest_list(con, ALICE, campaign_id, version).version
    after = _listed(con, campaign_id)
    again = [p for p in first[1:4] if p in after["person_id"].to_list()]
    assert again and all(dict(after.select("person_id", "added_at").iter_rows())[p] == added_at[p] for p in again)
    ids = after["person_id"].to_list()
    assert first[4] in ids and outsider in ids and first[0] not in ids and len(ids) == 5
    with pytest.raises(CampaignError, match="locked: unlock before removing"):
        members.remove_members(con, ALICE, campaign_id, [first[4]], version)


def test_status_moves_along_with_dates_and_history(con):
    campaign_id, version = _suggested(con)
    person = _listed(con, campaign_id)["person_id"][0]
    for status in ("invited", "accepted", "perk_shipped", "posted"):
        version = members.set_status(con, ALICE, campaign_id, [person], status, version)
    row = _listed(con, campaign_id).filter(pl.col("person_id") == person)
    assert row["status"][0] == "posted"
    assert all(row[c][0] is not None for c in ("invited_at", "responded_at", "shipped_at", "posted_at"))
    changes = members.history(con, ALICE, campaign_id).filter(
        (pl.col("person_id") == person) & (pl.col("field") == "status")
    )
    assert sorted(zip(changes["old_value"], changes["new_value"], strict=True)) == sorted(
        [("suggested", "invited"), ("invited", "accepted"), ("accepted", "perk_shipped"), ("perk_shipped", "posted")]
    )
    assert set(changes["changed_by"]) == {ALICE.user}
    # As the History tab shows it: the Campaigns page's words, and no 'None' where a value was empty.
    shown = members.readable_history(con, ALICE, campaign_id).filter(pl.col("person_id") == person)
    assert ("Status", "Perk shipped", "Posted") in set(shown.select("field", "old_value", "new_value").iter_rows())
    assert ("Put on the list", "", "Suggested") in set(shown.select("field", "old_value", "new_value").iter_rows())


def test_invalid_transitions_are_refused_for_everyone_in_the_bulk(con):
    campaign_id, version = _suggested(con)
    a, b = _listed(con, campaign_id)["person_id"].to_list()[:2]
    version = members.set_status(con, ALICE, campaign_id, [a], "invited", version)
    with pytest.raises(InvalidTransition, match="cannot go from Suggested to Accepted: allowed is Invited"):
        members.set_status(con, ALICE, campaign_id, [a, b], "accepted", version)
    statuses = dict(_listed(con, campaign_id).select("person_id", "status").iter_rows())
    assert statuses[a] == "invited" and statuses[b] == "suggested"
    assert records.get_campaign(con, ALICE, campaign_id).version == version  # nothing was saved
    with pytest.raises(InvalidTransition, match="Posted"):
        members.set_status(con, ALICE, campaign_id, [b], "posted", version)


def test_bulk_status_change_moves_everyone_selected(con):
    campaign_id, version = _suggested(con)
    ids = _listed(con, campaign_id)["person_id"].to_list()
    members.set_status(con, ALICE, campaign_id, ids, "invited", version)
    assert set(_listed(con, campaign_id)["status"]) == {"invited"}


def test_second_writer_with_an_old_version_is_told_to_reload(con):
    campaign_id, _ = _suggested(con)
    a, b = _listed(con, campaign_id)["person_id"].to_list()[:2]
    alice, bob = con.cursor(), con.cursor()  # two sessions of the app: separate connections to one database
    seen_by_alice = records.get_campaign(alice, ALICE, campaign_id).version
    seen_by_bob = records.get_campaign(bob, BOB, campaign_id).version
    members.set_notes(alice, ALICE, campaign_id, a, "loves chargers", seen_by_alice)
    with pytest.raises(StaleCampaign, match=r"alice@brand.example saved this campaign .* Reload"):
        members.set_notes(bob, BOB, campaign_id, a, "bob's note", seen_by_bob)
    with pytest.raises(StaleCampaign):
        members.set_status(bob, BOB, campaign_id, [b], "invited", seen_by_bob)
    row = _listed(con, campaign_id).filter(pl.col("person_id").is_in([a, b])).sort("person_id")
    assert dict(zip(row["person_id"], row["notes"], strict=True))[a] == "loves chargers"
    assert dict(zip(row["person_id"], row["status"], strict=True))[b] == "suggested"


def test_writers_saving_at_the_same_moment_lose_nothing(con):
    campaign_id, version = _suggested(con)
    a, b = _listed(con, campaign_id)["person_id"].to_list()[:2]
    alice, bob = con.cursor(), con.cursor()
    with records.editing(alice, ALICE, campaign_id, version, "test") as new_version:
        alice.execute(
            "UPDATE campaign_members SET notes = 'alice' WHERE campaign_id = ? AND person_id = ?", [campaign_id, a]
        )
        # Bob saves while Alice's transaction is still open, from the same version she started from.
        with pytest.raises(StaleCampaign, match="Reload"):
            members.set_notes(bob, BOB, campaign_id, b, "bob", version)
    assert records.get_campaign(con, ALICE, campaign_id).version == new_version
    notes = dict(_listed(con, campaign_id).select("person_id", "notes").iter_rows())
    assert notes[a] == "alice" and notes[b] == ""
    members.set_notes(bob, BOB, campaign_id, b, "bob", new_version)  # after reloading, Bob's change goes in
    assert dict(_listed(con, campaign_id).select("person_id", "notes").iter_rows())[b] == "bob"


def test_another_workspace_cannot_see_or_change_a_campaign(con):
    campaign_id, version = _suggested(con)
    person = _listed(con, campaign_id)["person_id"][0]
    assert records.list_campaigns(con, OTHER).is_empty()
    for attempt in (
        lambda: records.get_campaign(con, OTHER, campaign_id),
        lambda: members.members(con, OTHER, campaign_id),
        lambda: members.history(con, OTHER, campaign_id),
        lambda: members.set_status(con, OTHER, campaign_id, [person], "invited", version),
        lambda: records.update_campaign(con, OTHER, campaign_id, _spec(name="hijacked"), version),
        lambda: records.archive_campaign(con, OTHER, campaign_id, version),
        lambda: suggest.suggest_list(con, OTHER, campaign_id, version),
    ):
        with pytest.raises(CampaignNotFound):
            attempt()
    campaign = records.get_campaign(con, ALICE, campaign_id)
    assert campaign.version == version and campaign.name == "Autumn box"
    assert _listed(con, campaign_id).filter(pl.col("person_id") == person)["status"][0] == "suggested"


def test_viewers_read_but_cannot_change(con):
    campaign_id, version = _suggested(con)
    assert members.members(con, VIEWER, campaign_id).height == 5
    with pytest.raises(PermissionDenied, match="needs the editor role"):
        members.set_status(con, VIEWER, campaign_id, [1], "invited", version)
    with pytest.raises(PermissionDenied):
        records.create_campaign(con, VIEWER, _spec())


def test_edit_replaces_settings_and_terms(con):
    campaign_id, version = _suggested(con)
    version = records.update_campaign(
        con, ALICE, campaign_id, _spec(name="Winter box", terms=parse_terms("#volt")), version
    )
    campaign = records.get_campaign(con, ALICE, campaign_id)
    assert campaign.name == "Winter box" and [t.label() for t in campaign.spec.terms] == ["#volt"]
    assert campaign.version == version


def test_delete_archives_and_restore_undoes_it(con):
    campaign_id, version = _suggested(con)
    records.archive_campaign(con, ALICE, campaign_id, version)
    with pytest.raises(CampaignNotFound):
        records.get_campaign(con, ALICE, campaign_id)
    assert campaign_id not in records.list_campaigns(con, ALICE)["campaign_id"].to_list()
    assert campaign_id in records.list_campaigns(con, ALICE, archived=True)["campaign_id"].to_list()
    records.restore_campaign(con, ALICE, campaign_id)
    assert _listed(con, campaign_id).height == 5
    actions = [a for (a,) in warehouse.rows(con, "SELECT action FROM audit_log WHERE workspace_id = 1")]
    assert {"campaign.create", "campaign.suggest", "campaign.archive", "campaign.restore"} <= set(actions)


def test_list_exports_neutralise_formulas(con):
    campaign_id, version = _suggested(con)
    person = _listed(con, campaign_id)["person_id"][0]
    members.set_notes(con, ALICE, campaign_id, person, '=HYPERLINK("http://evil.example","x")', version)
    listed = _listed(con, campaign_id)
    text = export.list_csv(listed).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Name,Handles,Status,Locked,Score")
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text
    sheet = openpyxl.load_workbook(io.BytesIO(export.list_xlsx(listed))).active
    table = list(sheet.values)
    assert table[0][:3] == ("Name", "Handles", "Status") and len(table) == 6
    notes = [row[table[0].index("Notes")] for row in table[1:]]
    assert '\'=HYPERLINK("http://evil.example","x")' in notes
    assert {row[2] for row in table[1:]} == {"Suggested"}
    assert {row[3] for row in table[1:]} == {"No"}  # Locked, in words as in Discover's exports


def test_list_export_dates_a_post_only_for_who_posted(con):
    campaign_id, version = _suggested(con)
    posted, didnt = _listed(con, campaign_id)["person_id"][:2]
    for status in ("invited", "accepted", "perk_shipped"):
        version = members.set_status(con, ALICE, campaign_id, [posted, didnt], status, version)
    version = members.set_status(con, ALICE, campaign_id, [posted], "posted", version)
    members.set_status(con, ALICE, campaign_id, [didnt], "no_post", version)

    table = list(csv.DictReader(io.StringIO(export.list_csv(_listed(con, campaign_id)).decode("utf-8-sig"))))

    by_status = {row["Status"]: row for row in table}
    assert by_status["Didn't post"]["Posted"] == "" and by_status["Didn't post"]["Marked as not posting"]
    assert by_status["Posted"]["Posted"] and by_status["Posted"]["Marked as not posting"] == ""
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", by_status["Posted"]["Posted"])  # to the minute, for people


def test_the_status_offered_first_moves_people_on_never_back():
    assert offered_statuses({"invited"}) == ["accepted", "declined", "suggested"]
    assert offered_statuses({"perk_shipped"}) == ["posted", "no_post", "accepted"]
    assert offered_statuses({"posted"}) == ["perk_shipped"]  # only a step back is left
    assert offered_statuses({"suggested", "invited"})[0] == "invited"
    assert offered_statuses(set()) == ["suggested", "invited", "accepted", "declined", "perk_shipped", "posted",
                                       "no_post"]  # fmt: skip


def test_download_file_names_say_which_campaign_in_plain_ascii():
    assert export.file_name("results", "Pixelbound Product Box (Sep 2026)", "html") == (
        "sway-results-pixelbound-product-box-sep-2026.html"
    )
    assert export.file_name("campaign-list", "Café Zoë — été!", "csv") == "sway-campaign-list-cafe-zoe-ete.csv"
    assert export.file_name("results", "東京", "xlsx") == "sway-results.xlsx"  # nothing ASCII left: no trailing dash


@pytest.mark.parametrize(
    ("counts", "today", "expected"),
    [
        ({}, date(2026, 9, 20), "planned"),  # nobody on the list, inside its dates
        ({"suggested": 5}, date(2026, 10, 30), "planned"),  # nobody contacted: still planned after its dates
        ({"invited": 1}, date(2026, 8, 31), "planned"),  # starts later
        ({"suggested": 4, "declined": 1}, date(2026, 9, 14), "running"),  # its last day
        ({"suggested": 48, "invited": 3, "accepted": 1}, date(2026, 10, 30), "running"),  # answers awaited
        ({"perk_shipped": 1, "posted": 9}, date(2026, 10, 30), "running"),  # a post awaited
        ({"suggested": 2, "declined": 1, "posted": 6, "no_post": 3}, date(2026, 9, 15), "finished"),
    ],
)
def test_a_campaign_runs_while_its_dates_cover_today_or_someone_contacted_is_awaited(counts, today, expected):
    assert stage(date(2026, 9, 1), date(2026, 9, 14), counts, today) == expected


def test_the_history_names_the_no_sign_in_user_as_the_servers_operator(con):
    campaign_id, version = _suggested(con)
    person = _listed(con, campaign_id)["person_id"][0]
    members.set_status(con, LOCAL, campaign_id, [person], "invited", version)
    shown = members.readable_history(con, LOCAL, campaign_id).filter(pl.col("field") == "Status")
    assert shown["changed_by"].to_list() == [LOCAL_USER_WORDS]
