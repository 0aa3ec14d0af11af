"""Refresh storage: one transaction, clean failures that leave stored scores alone, history, preview, CLI."""

from datetime import datetime

import pytest

from core.cli.main import build_parser
from core.db import warehouse
from core.db.warehouse import rows, scalar
from core.scoring.params import ScoreParams, ScoringError
from core.scoring.preview import preview
from core.scoring.refresh import backfill_history, refresh
from tests.unit.scoring_world import START, World, warehouse_with

STORED = ("scores", "score_history", "score_explanations", "score_top_posts", "authenticity", "authenticity_flags")


def _world(days: int = 30) -> World:
    w = World()
    people = [w.person(f"p{i}") for i in range(40)]
    for day in range(days):
        for i, p in enumerate(people):
            if (i + day) % 4 == 0:
                w.react(people[(i + day) % 40 - 1], p, kind=("repost", "like", "reply")[day % 3], day=day + 0.5)
    return w


def _snapshot(con) -> dict[str, list[tuple]]:
    return {t: rows(con, f"SELECT * FROM {t} ORDER BY ALL") for t in STORED}  # noqa: S608 - fixed table names


def test_refresh_stores_every_table_and_a_run_record():
    con = warehouse_with(_world())
    report = refresh(con)
    assert report.people == 40 and report.reactions > 0
    assert report.as_of == datetime(2024, 1, 30, 12, 0)  # the latest interaction, not the clock
    assert scalar(con, "SELECT count(*) FROM scores") == 80  # 'all' + twitter per person
    [(status, kind, window, params)] = rows(con, "SELECT status, kind, window_days, params FROM score_runs")
    assert (status, kind, window) == ("ok", "refresh", 90)
    assert ScoreParams.from_json(params) == ScoreParams()
    assert scalar(con, "SELECT count(DISTINCT run_id) FROM scores") == 1


def test_an_empty_warehouse_fails_cleanly():
    con = warehouse_with(World())
    with pytest.raises(ScoringError, match="no interactions"):
        refresh(con)
    assert rows(con, "SELECT status FROM score_runs") == [("failed",)]


def test_a_window_without_reactions_fails_and_leaves_stored_scores_untouched():
    con = warehouse_with(_world())
    refresh(con)
    before = _snapshot(con)
    with pytest.raises(ScoringError, match="Widen the window"):
        refresh(con, as_of=START - (START - datetime(2023, 6, 1)), window_days=30)
    assert _snapshot(con) == before
    assert rows(con, "SELECT status FROM score_runs ORDER BY run_id") == [("ok",), ("failed",)]


def test_interactions_with_unknown_accounts_fail_with_what_to_do_and_change_nothing():
    con = warehouse_with(_world())
    refresh(con)
    before = _snapshot(con)
    con.execute("INSERT INTO interactions VALUES (1, 999, NULL, 'like', ?, 'twitter')", [datetime(2024, 1, 29, 12)])
    with pytest.raises(ScoringError, match=r"refer to accounts.*Re-import"):
        refresh(con)
    assert _snapshot(con) == before


def test_a_failure_while_writing_rolls_everything_back(monkeypatch):
    con = warehouse_with(_world())
    refresh(con)
    before = _snapshot(con)
    from core.scoring import runs

    real = runs.write_current

    def half_then_fail(con, run, results):
        real(con, run, results)  # everything written ...
        raise RuntimeError("disk full")  # ... then the commit never happens

    monkeypatch.setattr(runs, "write_current", half_then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        refresh(con)
    assert _snapshot(con) == before


def test_bad_parameters_are_rejected_with_the_name():
    with pytest.raises(ScoringError, match="damping"):
        ScoreParams(damping=1.5)
    with pytest.raises(ScoringError, match="Unknown scoring parameter 'nope'"):
        ScoreParams().with_overrides({"nope": "1"})
    with pytest.raises(ScoringError, match="needs a number"):
        ScoreParams().with_overrides({"weight_like": "lots"})
    assert ScoreParams().with_overrides({"pod_max_size": "12"}).pod_max_size == 12
    with pytest.raises(ScoringError, match="whole number"):
        ScoreParams().with_overrides({"pod_max_size": "12.5"})


def test_backfill_writes_a_row_per_person_per_day_and_keeps_current_scores():
    con = warehouse_with(_world(days=30))
    refresh(con)
    current = rows(con, "SELECT * FROM scores ORDER BY ALL")
    report = backfill_history(con, days=10, step_days=2)
    assert len(report.days) == 4  # 2, 4, 6 and 8 days back; today is the refresh's own
    days = rows(con, "SELECT day, count(*) FROM score_history GROUP BY day ORDER BY day")
    assert len(days) == 5 and all(n == 80 for _, n in days)
    assert rows(con, "SELECT * FROM scores ORDER BY ALL") == current
    # Every point keeps its score's likely range and mark; the refresh's own day has the current scores' ones.
    assert scalar(con, "SELECT count(*) FROM score_history WHERE score_low IS NULL OR too_little_data IS NULL") == 0
    assert scalar(con, "SELECT count(*) FROM score_history WHERE NOT score_low <= score AND score <= score_high") == 0
    columns = "person_id, network, score, score_low, score_high, too_little_data"
    last_day = "WHERE day = (SELECT max(day) FROM score_history)"
    latest = rows(con, f"SELECT {columns} FROM score_history {last_day} ORDER BY ALL")  # noqa: S608 - fixed names
    assert latest == rows(con, f"SELECT {columns} FROM scores ORDER BY ALL")  # noqa: S608 - fixed column names
    assert rows(con, "SELECT kind, status FROM score_runs ORDER BY run_id") == [("refresh", "ok"), ("backfill", "ok")]
    backfill_history(con, days=10, step_days=2)  # again: days are replaced, not doubled
    assert scalar(con, "SELECT count(*) FROM score_history") == 5 * 80
    # Days with under three weeks of data before them are not scored (too little to say anything).
    whole = backfill_history(con, days=30)
    assert whole.days[0] == "2024-01-22" and len(whole.days) == 8


def test_preview_shows_who_moves_and_why_and_writes_nothing():
    w = _world()
    fans = [w.person(f"fan{i}") for i in range(15)]
    liked = w.person("liked")
    for f in fans:
        w.react(f, liked, kind="like", day=25)
    con = warehouse_with(w)
    refresh(con)
    before = _snapshot(con) | {"runs": rows(con, "SELECT * FROM score_runs")}
    previewed = preview(con, ScoreParams(weight_like=3.0), limit=5)
    assert _snapshot(con) | {"runs": rows(con, "SELECT * FROM score_runs")} == before
    moved = previewed.moved
    assert moved.columns == [
        "person_id", "name", "old_score", "new_score", "delta", "main_signal", "main_signal_delta", "moved_most_by"
    ]  # fmt: skip
    top = moved.row(0, named=True)
    assert top["person_id"] == liked and top["delta"] > 0
    assert top["main_signal"] == "like" and top["main_signal_delta"] > 0 and top["moved_most_by"] == "likes"
    assert moved.height == 5
    # Only the liked person draws likes: a like worth more lifts them and, scores being relative, may lower others.
    scores = rows(con, "SELECT count(*) FROM scores WHERE network = 'all'")[0][0]
    assert previewed.people == scores and previewed.up >= 1
    assert previewed.summary() == (
        f"{previewed.up + previewed.down:,} of {scores:,} people would get a different score: "
        f"{previewed.up:,} higher, {previewed.down:,} lower."
    )
    unchanged = preview(con, ScoreParams(), limit=5)
    assert (unchanged.up, unchanged.down) == (0, 0) and unchanged.summary().startswith("No one's score would change")


def test_cli_refresh_and_preview(tmp_path, monkeypatch, capsys):
    path = tmp_path / "w.duckdb"
    con = warehouse.connect(path)
    _world().load(con)
    con.close()
    monkeypatch.setenv("SWAY_DB", str(path))
    parser = build_parser()
    args = parser.parse_args(["refresh", "--window-days", "60", "--backfill-days", "3"])
    assert args.run(args) == 0
    out = capsys.readouterr().out
    assert "Scored 40 people" in out and "Backfilled score history" in out
    args = parser.parse_args(["scores", "preview", "--set", "weight_like=2", "--limit", "3"])
    assert args.run(args) == 0
    shown = capsys.readouterr().out
    assert "With weight_like=2:" in shown and "people would get a different score" in shown
    args = parser.parse_args(["scores", "preview", "--set", "bogus"])
    assert args.run(args) == 1
    assert "name=value" in capsys.readouterr().err
    args = parser.parse_args(["scores", "settings"])
    assert args.run(args) == 0
    listed = capsys.readouterr().out
    assert "refresh --set NAME=VALUE" in listed and "recency_half_life_share" in listed and "Bought burst" in listed


def test_top_posts_never_show_more_points_than_the_score_even_for_flagged_people(demo_copy):
    con = warehouse.connect(demo_copy)
    try:
        flagged = scalar(con, "SELECT count(*) FROM scores WHERE authenticity < 100 AND score > 1")
        over = rows(
            con,
            "SELECT t.person_id, t.network, sum(t.points), any_value(s.score) FROM score_top_posts t "
            "JOIN scores s USING (person_id, network) GROUP BY ALL HAVING sum(t.points) > any_value(s.score) - 0.5",
        )
    finally:
        con.close()
    assert flagged > 0  # the demo world plants gaming accounts: their own discount must show in their posts too
    assert over == []
