"""The collect command refuses bad input with the file, line and what to do, before connecting anywhere; the
collector's own process stays small and hands the daily refresh to a child."""

import subprocess
import sys
from pathlib import Path

from core.cli import collect as collect_cli
from core.cli.collect import main as collect_main
from core.cli.collect import run_job
from core.cli.main import main
from core.db import warehouse
from core.db.warehouse import REPO_ROOT

HEAVY = ("sklearn", "scipy", "skops", "openpyxl", "streamlit", "core.scoring.refresh", "core.topics.model")


def test_a_watch_list_line_that_is_not_a_did_is_named(tmp_path, capsys):
    watch = tmp_path / "watch.txt"
    watch.write_text("# people to watch\ndid:plc:4uz2445cjiw7w4nobfgnu35f\n@mira.bsky.social\n", encoding="utf-8")
    assert main(["collect", "bluesky", "--dids", str(watch), "--appview", "none"]) == 1
    err = capsys.readouterr().err
    assert f"{watch}, line 3: '@mira.bsky.social' is not a DID" in err
    assert "one DID" in err


def test_mastodon_needs_something_to_follow(capsys):
    assert main(["collect", "mastodon", "--instance", "https://social.example"]) == 2
    assert "--tag or --account" in capsys.readouterr().err


def test_the_mastodon_token_comes_from_the_option_else_the_environment_and_reaches_only_the_stream(monkeypatch):
    connectors = []
    monkeypatch.setattr(collect_cli, "_collect", lambda connector, args: connectors.append(connector) or 0)
    follow = ["collect", "mastodon", "--instance", "https://social.example", "--tag", "sway"]
    monkeypatch.setenv("SWAY_MASTODON_TOKEN", "from-env")
    assert main(follow) == 0
    assert main([*follow, "--token", "from-option"]) == 0
    monkeypatch.delenv("SWAY_MASTODON_TOKEN")
    assert main(follow) == 0
    streamed = [c.streaming_client().access_token for c in connectors]
    assert streamed == ["from-env", "from-option", None]
    assert all(c.api.access_token is None for c in connectors)  # the polled timelines stay anonymous


def test_the_collectors_own_entry_refuses_the_same_way(tmp_path, capsys):
    watch = tmp_path / "watch.txt"
    watch.write_text("not-a-did\n", encoding="utf-8")
    assert collect_main(["bluesky", "--dids", str(watch), "--appview", "none"]) == 1
    assert f"{watch}, line 1: 'not-a-did' is not a DID" in capsys.readouterr().err


def test_the_collector_process_does_not_load_the_scoring_and_topic_code():
    """A collector runs for weeks: its entry point leaves scikit-learn and friends (about 140 MB) to the refresh."""
    check = "import sys, core.cli.collect; print(sorted(set(sys.modules) & set(sys.argv[1:])))"
    loaded = subprocess.run(
        [sys.executable, "-c", check, *HEAVY], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"


def test_the_daily_refresh_runs_in_a_child_process_and_reports(raw_demo_copy):
    ok, lines = run_job(Path(raw_demo_copy), "refresh", {})
    assert ok, lines
    assert any(line.startswith("Scored 600 people") for line in lines)
    con = warehouse.connect(raw_demo_copy, read_only=True)
    try:
        assert warehouse.scalar(con, "SELECT count(*) FROM scores WHERE network = 'all'") == 600
    finally:
        con.close()


def test_a_failed_child_refresh_says_what_to_do_and_other_jobs_are_refused(tmp_path):
    empty = tmp_path / "empty.duckdb"
    ok, lines = run_job(empty, "refresh", {})
    assert not ok and "holds no interactions to score" in lines[-1] and "python -m core demo" in lines[-1]
    ok, lines = run_job(empty, "backup", {})
    assert not ok and lines == ["ValueError: the collector runs loads and refreshes, not 'backup'"]
