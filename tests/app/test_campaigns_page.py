"""AppTest of the Campaigns page on the small demo world with its past campaigns loaded."""

from dataclasses import replace
from datetime import date, timedelta

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from core import discover
from core.campaigns import members, records
from core.db import warehouse
from core.numbers import count_of
from core.results.plan import plan
from core.workspace.access import LOCAL
from tests.unit.campaign_world import ready_copy

APP = str(warehouse.REPO_ROOT / "app.py")


@pytest.fixture
def ready(small_demo_file, tmp_path, monkeypatch) -> str:
    path = ready_copy(small_demo_file, tmp_path / "sway.duckdb")
    monkeypatch.setenv("SWAY_DB", path)
    return path


def _campaigns(campaign_id: int | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    if campaign_id is not None:
        at.query_params["campaign"] = str(campaign_id)
    at.switch_page("pages/campaigns.py").run()
    assert not at.exception, at.exception
    return at


def _busiest(path: str) -> int:
    return _read(
        path,
        lambda con: warehouse.scalar(
            con, "SELECT campaign_id FROM campaign_members GROUP BY 1 ORDER BY count(*) DESC, campaign_id LIMIT 1"
        ),
    )


def _read(path: str, fn):
    con = warehouse.connect(path)
    try:
        return fn(con)
    finally:
        con.close()


def _fill_new(at: AppTest, **values) -> None:
    fields = {
        "new_name": "Spring launch",
        "new_brand": "Voltwise",
        "new_perk": "charger",
        "new_terms": "#voltwise, @voltwise",
    }
    for key, value in (fields | values).items():
        (at.text_area if key == "new_terms" else at.text_input)(key=key).input(value)
    at.number_input(key="new_cost").set_value(50.0)
    at.number_input(key="new_budget").set_value(250.0)


def test_shows_a_demo_campaign_with_its_list(ready):
    at = _campaigns()
    listing = _read(ready, lambda con: records.list_campaigns(con, LOCAL))
    assert at.title[0].value == "Campaigns"
    assert at.selectbox(key="campaign_pick").value == listing["campaign_id"][0]  # the latest start first
    at = _campaigns(_busiest(ready))
    picked = at.selectbox(key="campaign_pick")
    assert picked.value == _busiest(ready)
    listed = _read(ready, lambda con: members.members(con, LOCAL, picked.value))
    assert at.dataframe[0].value.shape[0] == listed.height
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Posted"]) + int(metrics["Perk shipped"]) + int(metrics["Didn't post"]) == listed.height
    assert any(b.label == "List as CSV" for b in at.get("download_button"))


def test_create_a_campaign_gets_a_suggested_list(ready):
    at = _campaigns()
    at.selectbox(key="campaign_pick").set_value("new").run()
    _fill_new(at)
    at.button[[b.label for b in at.button].index("Create campaign")].click().run()
    assert not at.exception, at.exception
    assert any(s.value.startswith("Suggested 5 people") for s in at.success), [s.value for s in at.success]
    new_id = at.selectbox(key="campaign_pick").value
    campaign = _read(ready, lambda con: records.get_campaign(con, LOCAL, new_id))
    assert campaign.name == "Spring launch" and [t.label() for t in campaign.spec.terms] == ["#voltwise", "@voltwise"]
    assert at.dataframe[0].value.shape[0] == 5


def test_a_campaign_made_from_a_discover_selection_says_who_was_chosen_and_who_suggested(ready):
    chosen = _read(ready, lambda con: [p for (p,) in warehouse.rows(con, "SELECT person_id FROM people LIMIT 2")])
    topics = _read(ready, lambda con: discover.facets(con).topics[:2])
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.query_params["campaign"] = "new"
    at.query_params["people"] = ",".join(map(str, chosen))
    # The search they were found with (Discover's "New campaign with them" adds it): the targeting starts from it.
    at.query_params["topic"] = topics
    at.query_params["net"] = "instagram"
    at.query_params["min_score"] = "5"
    at.query_params["min_audience"] = "1000"
    at.switch_page("pages/campaigns.py").run()
    assert any("then suggests more people to fill the campaign's perks" in i.value for i in at.info)
    assert any("starts from your Discover search: topics " in i.value for i in at.info), [i.value for i in at.info]
    assert at.multiselect(key="new_topics").value == topics
    assert at.multiselect(key="new_networks").value == ["instagram"]
    assert at.slider(key="new_min_score").value == 5
    assert at.number_input(key="new_min_audience").value == 1000
    at.switch_page("pages/results.py").run()  # a look elsewhere: the link's ?people= is gone when they come back
    at.query_params.clear()
    at.switch_page("pages/campaigns.py").run()
    assert at.selectbox(key="campaign_pick").value == "new"
    assert any(i.value.startswith("2 people you selected in Discover") for i in at.info)
    _fill_new(at)  # five perks: the two chosen and three suggested
    at.button[[b.label for b in at.button].index("Create campaign")].click().run()
    assert not at.exception, at.exception
    flash = [s.value.replace("\\", "") for s in at.success]
    expected = "The 2 people you chose are on the list, with 3 more people suggested to fill the campaign's perks;"
    assert any(f.startswith(expected) for f in flash), flash
    new_id = at.selectbox(key="campaign_pick").value
    listed = _read(ready, lambda con: members.members(con, LOCAL, new_id))
    assert set(chosen) <= set(listed["person_id"]) and listed.height == 5
    spec = _read(ready, lambda con: records.get_campaign(con, LOCAL, new_id)).spec
    assert (spec.target_topics, spec.networks, spec.min_score, spec.min_audience) == (
        tuple(topics),
        ("instagram",),
        5,
        1000,
    )
    at.switch_page("pages/discover.py").run()  # created: the form is not brought back any more
    at.query_params.clear()
    assert _campaigns_again(at).selectbox(key="campaign_pick").value != "new"


def test_a_search_s_targeting_serves_one_new_campaign_not_the_next_one(ready):
    chosen = _read(ready, lambda con: [p for (p,) in warehouse.rows(con, "SELECT person_id FROM people LIMIT 2")])
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.query_params.update(campaign="new", people=",".join(map(str, chosen)), net="instagram", min_score="5")
    at.query_params["left"] = ["aud_max", "<script>"]
    at.switch_page("pages/campaigns.py").run()
    said = " ".join(i.value for i in at.info)
    assert "so it was left out: the highest audience." in said and "script" not in said
    _fill_new(at)
    at.button[[b.label for b in at.button].index("Create campaign")].click().run()
    assert not at.exception, at.exception
    assert not {"people", "net", "min_score", "left"} & set(at.query_params)  # handed over, and used

    at.button[[b.label for b in at.button].index("New campaign")].click().run()  # the next one, on the same page

    assert at.multiselect(key="new_networks").value == [] and at.slider(key="new_min_score").value == 1
    assert not any("Discover" in i.value for i in at.info)


def _campaigns_again(at: AppTest) -> AppTest:
    at.switch_page("pages/campaigns.py").run()
    assert not at.exception, at.exception
    return at


def test_one_person_is_one_person_not_one_people(ready):
    at = _campaigns()
    at.selectbox(key="campaign_pick").set_value("new").run()
    _fill_new(at)
    at.number_input(key="new_budget").set_value(50.0)  # one perk at 50
    at.button[[b.label for b in at.button].index("Create campaign")].click().run()
    assert not at.exception, at.exception
    flash = [s.value.replace("\\", "") for s in at.success]  # as shown: the escapes are not displayed
    assert any(f.startswith("Suggested 1 person to fill the campaign's perks;") for f in flash), flash
    # One line of confirmation: the estimate's method is in its own expander, not in the message.
    assert not any("blended" in f or "Expected mentions:" in f for f in flash), flash
    assert any(m.value.startswith("**1 person on the list · ") for m in at.markdown)


def test_bad_settings_are_explained_and_nothing_is_created(ready):
    at = _campaigns()
    before = _read(ready, lambda con: records.list_campaigns(con, LOCAL).height)
    at.selectbox(key="campaign_pick").set_value("new").run()
    _fill_new(at, new_name="", new_terms="#, ab")
    at.button[[b.label for b in at.button].index("Create campaign")].click().run()
    assert any("Cannot use these tracking terms: '#', 'ab'" in e.value for e in at.error)
    _fill_new(at, new_name="", new_terms="#voltwise")
    at.button[[b.label for b in at.button].index("Create campaign")].click().run()
    assert any("Name is empty" in e.value for e in at.error)
    assert _read(ready, lambda con: records.list_campaigns(con, LOCAL).height) == before


def test_change_status_of_selected_people_and_refuse_a_bad_move(ready):
    at = _campaigns(_busiest(ready))
    campaign_id = at.selectbox(key="campaign_pick").value
    assert campaign_id == _busiest(ready)
    table = at.dataframe[0].value
    row = int((table["status"] == "Didn't post").to_numpy().argmax())  # the demo campaign is over
    assert table["status"].iloc[row] == "Didn't post"
    person = table["person_id"].iloc[row]
    at.session_state[f"campaign_list_{campaign_id}"] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at.run()
    assert at.selectbox(key="campaign_status").options == ["Posted", "Perk shipped"]  # forward first, or a step back
    at.selectbox(key="campaign_status").set_value("posted")
    at.button[[b.label for b in at.button].index("Apply to selected")].click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "Marked 1 person as Posted." in [m.value.replace("\\", "") for m in at.success]  # confirmed, not silent
    assert (
        _read(
            ready,
            lambda con: members.members(con, LOCAL, campaign_id).filter(pl.col("person_id") == person)["status"][0],
        )
        == "posted"
    )
    changed = _read(ready, lambda con: members.history(con, LOCAL, campaign_id))
    assert changed.filter((changed["person_id"] == person) & (changed["field"] == "status")).height == 1

    # With someone who did not post: "Posted" is a step for them, not for the one who already posted.
    table = at.dataframe[0].value
    other = int((table["status"] == "Didn't post").to_numpy().argmax())
    rows = [row, other]
    at.session_state[f"campaign_list_{campaign_id}"] = {"selection": {"rows": rows, "columns": [], "cells": []}}
    at.run()
    at.selectbox(key="campaign_status").set_value("posted")
    at.button[[b.label for b in at.button].index("Apply to selected")].click().run()
    assert any("cannot go from" in e.value and r"Nobody\'s status was changed" in e.value for e in at.error)


def test_delete_then_restore(ready):
    at = _campaigns()
    campaign_id = at.selectbox(key="campaign_pick").value
    at.checkbox(key="campaign_delete_sure").check().run()
    at.button[[b.label for b in at.button].index("Delete campaign")].click().run()
    assert any("Restore it from Deleted campaigns" in s.value for s in at.success)
    assert campaign_id not in at.selectbox(key="campaign_pick").options
    at.button(key=f"campaign_restore_{campaign_id}").click().run()
    assert not at.exception
    assert at.selectbox(key="campaign_pick").value == campaign_id


def test_restoring_a_campaign_someone_else_restored_first_says_so(ready, monkeypatch):
    at = _campaigns()
    campaign_id = at.selectbox(key="campaign_pick").value
    at.checkbox(key="campaign_delete_sure").check().run()
    at.button[[b.label for b in at.button].index("Delete campaign")].click().run()
    restore = records.restore_campaign

    def restored_first(con, access, restored_id):  # the other user restores it between our page's draw and click
        _read(ready, lambda other: restore(other, LOCAL, restored_id))
        return restore(con, access, restored_id)

    monkeypatch.setattr(records, "restore_campaign", restored_first)
    at.button(key=f"campaign_restore_{campaign_id}").click().run()
    assert not at.exception, at.exception
    assert any("no deleted campaign" in e.value for e in at.error), [e.value for e in at.error]


def test_add_discover_selection_to_an_existing_campaign(ready):
    # A campaign still being planned whose dates come before those of ended ones (listed latest start first).
    _read(
        ready,
        lambda con: records.create_campaign(
            con,
            LOCAL,
            replace(
                records.get_campaign(con, LOCAL, _busiest(ready)).spec,
                name="Planned early",
                starts_on=date(2020, 3, 2),
                ends_on=date(2020, 3, 15),
            ),
        ),
    )
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/discover.py").run()
    assert not at.exception, at.exception
    at.session_state["discover_results"] = {"selection": {"rows": [0, 1, 2], "columns": [], "cells": []}}
    at.run()
    picked = _busiest(ready)
    # Every campaign is offered; those over (their dates passed, nobody still to answer or post) named as ended,
    # not those nobody on whose list was contacted yet (still being planned, whatever their dates).
    listed = _read(ready, lambda con: records.list_campaigns(con, LOCAL))
    over = dict(zip(listed["name"], listed["members"] > listed["suggested"], strict=True))
    labels = at.selectbox(key="discover_campaign").options
    assert len(labels) == len(over) and not all(over.values()) and any(over.values())
    assert all((" — ended " in label) == over[label.split(" — ended ")[0]] for label in labels)
    # Those still running or planned come first, so the one offered before any choice is not over.
    ended = [" — ended " in label for label in labels]
    assert ended == sorted(ended) and not ended[0]
    at.selectbox(key="discover_campaign").set_value(picked)
    at.button[[b.label for b in at.button].index("Add to campaign")].click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    late = [w.value for w in at.warning if "ended on" in w.value]
    chosen = at.dataframe[0].value["person_id"].iloc[:3].tolist()
    listed = _read(ready, lambda con: members.members(con, LOCAL, picked))
    on_list = listed.filter(pl.col("person_id").is_in(chosen))
    assert on_list.height == 3
    added = [s.value for s in at.success if s.value.startswith("Added ")]
    fresh = on_list.filter(pl.col("origin") == "added")
    already = 3 - fresh.height
    note = f" {count_of(already, 'person was', 'people were')} already on its list." if already else ""
    assert added and added[0].startswith(f"Added {count_of(fresh.height, 'person', 'people')} to “")
    assert added[0].endswith(f"”.{note}") and fresh["expected_mentions"].is_not_null().all()
    assert bool(late) == (fresh.height > 0)  # adding to an ended campaign says what that means
    at.button[[b.label for b in at.button].index("Add to campaign")].click().run()  # the same people again
    added = [s.value for s in at.success if s.value.startswith("Added ")]
    assert added and added[0].startswith("Added 0 people to “")
    assert added[0].endswith("”. 3 people were already on its list.")


def test_switching_campaign_shows_that_campaigns_settings_not_the_previous_ones(ready):
    at = _campaigns()
    names = _read(ready, lambda con: dict(warehouse.rows(con, "SELECT campaign_id, name FROM campaigns")))
    pick = next(s for s in at.selectbox if s.label == "Campaign")
    assert next(t for t in at.text_input if t.label == "Campaign name").value == names[pick.value]
    other = next(c for c in names if c != pick.value)
    pick.set_value(other).run()
    assert not at.exception, at.exception
    assert next(t for t in at.text_input if t.label == "Campaign name").value == names[other]


def test_new_campaign_is_a_button_and_defaults_to_dates_the_data_reaches(ready):
    at = _campaigns(_busiest(ready))
    at.button[[b.label for b in at.button].index("New campaign")].click().run()
    assert not at.exception, at.exception
    assert at.selectbox(key="campaign_pick").value == "new"
    last = _read(ready, lambda con: warehouse.scalar(con, "SELECT max(posted_at) FROM posts")).date()
    ends = at.date_input(key="new_ends").value
    assert ends + timedelta(days=at.number_input(key="new_follow").value) <= last
    assert any("The data in Sway ends on" in i.value for i in at.info)


def test_a_finished_campaign_points_to_its_results_not_to_planning(ready):
    at = _campaigns(_busiest(ready))  # its dates passed and everyone contacted has answered and posted or not
    assert any(i.value.startswith("This campaign ended on") for i in at.info)
    assert not any("Before you send perks" in m.value for m in at.markdown)
    assert "Refresh suggested list" not in [b.label for b in at.button]


def test_the_list_shows_the_plan_check_before_perks_are_sent(ready):
    campaign_id = _busiest(ready)

    def ship_again(con):  # one member back to "perk shipped": the campaign waits on their post again
        listed = members.members(con, LOCAL, campaign_id)
        posted = listed.filter(pl.col("status") == "posted")["person_id"][0]
        version = records.get_campaign(con, LOCAL, campaign_id).version
        members.set_status(con, LOCAL, campaign_id, [posted], "perk_shipped", version)

    _read(ready, ship_again)
    at = _campaigns(campaign_id)
    assert not any(i.value.startswith("This campaign ended on") for i in at.info)
    assert "Refresh suggested list" in [b.label for b in at.button]
    texts = [m.value for m in at.markdown]
    assert any("Before you send perks" in t for t in texts)
    assert any("Unique reach." in t and "different people reacted" in t for t in texts)
    checked = _read(ready, lambda con: plan(con, LOCAL, at.selectbox(key="campaign_pick").value))
    assert checked.power.verdict() in [b.value for b in (*at.success, *at.warning)]


def test_saving_a_note_is_confirmed(ready):
    at = _campaigns(_busiest(ready))
    campaign_id = at.selectbox(key="campaign_pick").value
    at.session_state[f"campaign_list_{campaign_id}"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    name = at.dataframe[0].value["name"].iloc[0]
    at.text_area[[t.label for t in at.text_area].index("Notes for the selected person")].input("Sent the box")
    at.button[[b.label for b in at.button].index("Save notes")].click().run()
    assert not at.exception, at.exception
    assert any(s.value.startswith("Saved the note for") and name in s.value for s in at.success), [
        s.value for s in at.success
    ]
