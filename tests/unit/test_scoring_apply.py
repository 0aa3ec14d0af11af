"""Applying a previewed change of scoring parameters: stored with the run, audited, marked on the score history."""

import json
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from core.db import warehouse
from core.ops import refresh
from core.profile.history import changes_by_day, model_changes
from core.scoring.params import ScoreParams, ScoringError, describe_changes
from core.scoring.preview import settings_table
from core.scoring.runs import current_params
from core.workspace import audit
from core.workspace.access import LOCAL


def _refresh_audits(con) -> list[dict]:
    found = warehouse.rows(con, "SELECT details FROM audit_log WHERE action = 'refresh' ORDER BY audit_id")
    return [json.loads(details) for (details,) in found]


def test_a_previewed_change_is_applied_stored_audited_and_marked(demo_copy):
    con = warehouse.connect(demo_copy)
    try:
        before = current_params(con)
        moved = refresh.preview_settings(con, LOCAL, {"weight_like": "0.1"})
        assert moved.moved.height and moved.down and current_params(con) == before  # the preview wrote nothing
        lines = refresh.refresh(con, LOCAL, db=Path(demo_copy), settings={"weight_like": "0.1"})
        assert lines[0] == f"Scoring settings changed: What a like is worth, in reposts: {before.weight_like:g} → 0.1."
        after = current_params(con)
        assert after.weight_like == 0.1 and after.weight_repost == before.weight_repost
        # The Data page's table of settings shows the applied value beside the default.
        like = refresh.current_settings(con).filter(pl.col("name") == "weight_like").row(0, named=True)
        assert (like["value"], like["default"]) == (0.1, ScoreParams().weight_like)
        assert _refresh_audits(con)[-1]["changed"] == {"weight_like": [before.weight_like, 0.1]}
        # The Workspace page's audit log says it in the same words, not the parameter's name.
        shown = audit.readable_entries(con, LOCAL, campaigns={}).filter(
            pl.col("action") == "Refreshed scores and topics"
        )["details"][0]
        assert f"scoring settings changed: What a like is worth, in reposts: {before.weight_like:g} → 0.1" in shown
        assert "weight_like" not in shown
        changes = model_changes(con)
        assert (
            changes.height >= 1
            and f"What a like is worth, in reposts: {before.weight_like:g} → 0.1" in changes["change"][-1]
        )
        # A later refresh without settings keeps the applied parameters: nothing changed, nothing marked.
        lines = refresh.refresh(con, LOCAL, db=Path(demo_copy))
        assert current_params(con).weight_like == 0.1 and not lines[0].startswith("Scoring settings changed")
        assert "changed" not in _refresh_audits(con)[-1]
        assert model_changes(con).height == changes.height
    finally:
        con.close()


def test_an_unknown_setting_is_refused_and_the_scores_stay(demo_copy):
    con = warehouse.connect(demo_copy)
    try:
        runs_before = warehouse.scalar(con, "SELECT count(*) FROM score_runs WHERE status = 'ok'")
        with pytest.raises(ScoringError, match="Unknown scoring parameter 'weight_lik'"):
            refresh.refresh(con, LOCAL, db=Path(demo_copy), settings={"weight_lik": "0.1"})
        assert warehouse.scalar(con, "SELECT count(*) FROM score_runs WHERE status = 'ok'") == runs_before
        assert warehouse.scalar(con, "SELECT count(*) FROM audit_log WHERE action = 'refresh.failed'") == 1
    finally:
        con.close()


def test_changes_on_one_day_are_one_mark_that_says_each_in_order():
    day, next_day = date(2026, 10, 31), date(2026, 11, 1)
    like = [{"weight_like": w} for w in (0.4, 0.1, 0.4, 0.4, 0.2)]
    runs = [(1, day - timedelta(days=1), like[0]), (2, day, like[1]), (3, day, like[2]), (4, day, like[3])]
    marks = changes_by_day([*runs, (5, next_day, like[4])])
    assert marks["day"].to_list() == [day, next_day] and marks["run_id"].to_list() == [3, 5]
    assert marks["change"][0] == (
        "What a like is worth, in reposts: 0.4 → 0.1 · then What a like is worth, in reposts: 0.1 → 0.4"
    )
    assert marks["change"][1] == "What a like is worth, in reposts: 0.4 → 0.2"


def test_a_parameter_added_to_the_model_later_is_not_marked_as_a_change(demo_copy):
    con = warehouse.connect(demo_copy)
    try:
        stored = json.loads(current_params(con).to_json())
        del stored["thread_weight"]  # as a run stored before the parameter existed
        marked = model_changes(con).height
        con.execute(
            "UPDATE score_runs SET params = ? WHERE run_id = (SELECT min(run_id) FROM score_runs)", [json.dumps(stored)]
        )
        assert model_changes(con).height == marked
    finally:
        con.close()


def test_every_setting_a_change_can_name_is_listed_with_what_it_does():
    table = settings_table(ScoreParams(weight_like=0.2))
    assert table["name"].to_list() == list(ScoreParams.__dataclass_fields__)
    assert table["what_it_does"].str.len_chars().min() > 20  # a new parameter without words fails here
    changed = table.filter(pl.col("value") != pl.col("default"))
    assert changed["name"].to_list() == ["weight_like"] and changed["value"].item() == 0.2
    assert table.filter("changed")["name"].to_list() == ["weight_like"]  # the mark the Data page shows


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("weight_like", "-1", "'What a like is worth, in reposts' (weight_like) must not be negative (got -1)"),
        ("weight_like", "inf", "(weight_like) needs a finite number (got 'inf')"),
        ("weight_like", "nan", "(weight_like) needs a finite number"),
        ("damping", "1", "(damping) must be above 0 and below 1 (got 1)"),
        ("selectivity_pivot", "0", "(selectivity_pivot) must be above 0 (got 0)"),
        ("min_reactors", "2.5", "(min_reactors) needs a whole number (got '2.5')"),
        ("burst_min_share", "50", "(burst_min_share) is a share from 0 to 1 (got 50): for 50%, enter 0.5."),
        ("pod_min_density", "1.5", "(pod_min_density) is a share from 0 to 1 (got 1.5): for 1.5%, enter 0.015."),
    ],
)
def test_a_value_a_setting_cannot_take_is_named_as_the_page_names_the_setting(name, value, says):
    with pytest.raises(ScoringError) as refused:
        ScoreParams().with_overrides({name: value})
    assert says in str(refused.value)


def test_a_share_setting_takes_any_value_from_0_to_1_and_a_run_stored_before_the_check_still_loads():
    assert ScoreParams().with_overrides({"burst_min_share": "1", "pod_min_coverage": "0"}).burst_min_share == 1
    stored = ScoreParams.from_json(json.dumps({"burst_min_share": 5}))
    assert stored.burst_min_share == 5


def test_back_to_defaults_names_every_changed_setting_and_only_those():
    changed = ScoreParams(weight_like=0.1, min_reactors=5, selectivity_pivot=1_000_000)
    back = changed.back_to_defaults()
    default = ScoreParams()
    assert back == {"weight_like": str(default.weight_like), "min_reactors": str(default.min_reactors),
                    "selectivity_pivot": str(default.selectivity_pivot)}  # fmt: skip
    assert changed.with_overrides(back) == default
    assert default.back_to_defaults() == {}


def test_changes_are_described_in_the_words_of_the_settings_table():
    changes = ScoreParams(weight_like=0.1, min_reactors=5).changes_from(ScoreParams())
    assert describe_changes(changes) == (
        "Fewer distinct reactors than this and a score is marked too little data: 3 → 5; "
        "What a like is worth, in reposts: 0.4 → 0.1"
    )
