"""`python -m core` as a user runs it: help, demo, status, import, exit codes and one-line errors."""

import subprocess
import sys
from pathlib import Path

from core.db import warehouse
from core.workspace import membership
from tests.conftest import erase_with_failed_rewrite


def sway(*args: str, db: str) -> subprocess.CompletedProcess:
    env = {"SWAY_DB": db, "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "core", *args], capture_output=True, text=True, cwd=warehouse.REPO_ROOT, env=env
    )


def test_help_lists_the_commands(tmp_path):
    result = sway("--help", db=str(tmp_path / "w.duckdb"))
    assert result.returncode == 0
    for command in ("demo", "import", "status"):
        assert command in result.stdout


def test_status_without_a_warehouse_says_how_to_make_one(tmp_path):
    result = sway("status", db=str(tmp_path / "none.duckdb"))
    assert result.returncode == 0
    assert "python -m core demo" in result.stdout


def test_demo_then_status_then_import(tmp_path):
    db = str(tmp_path / "w.duckdb")
    built = sway("demo", "--people", "150", "--seed", "3", db=db)
    assert built.returncode == 0, built.stderr
    assert "150 people" in built.stdout
    assert "%]" in built.stderr  # progress lines

    shown = sway("status", db=db)
    assert shown.returncode == 0
    assert "people" in shown.stdout and "origin: demo" in shown.stdout
    assert "150" in shown.stdout

    good = tmp_path / "accounts_extra.csv"
    good.write_text("network,account_id,handle\nblog,b-1,first_blogger\n", encoding="utf-8")
    imported = sway("import", str(good), db=db)
    assert imported.returncode == 0, imported.stderr
    assert "1 account" in imported.stdout


def test_bad_input_exits_1_with_one_line_naming_file_line_and_field(tmp_path):
    db = str(tmp_path / "w.duckdb")
    bad = tmp_path / "accounts_bad.csv"
    bad.write_text("network,account_id,handle,followers\ntwitter,t-1,ok,lots\n", encoding="utf-8")
    result = sway("import", str(bad), db=db)
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error: ")
    assert "accounts_bad.csv, line 2, field 'followers'" in last


def test_bad_usage_exits_2(tmp_path):
    assert sway("demo", "--people", "0", db=str(tmp_path / "w.duckdb")).returncode == 2
    assert sway("no-such-command", db=str(tmp_path / "w.duckdb")).returncode == 2


def test_workspace_release_frees_a_bound_address_for_another_account(tmp_path):
    db = str(tmp_path / "w.duckdb")
    with warehouse.connect(db) as con:
        membership.bind_subject(con, "alice@a.example", "idp|old")
    assert "nothing to release" not in sway("workspace", "release", "Alice@A.example", db=db).stdout
    with warehouse.connect(db) as con:
        membership.bind_subject(con, "alice@a.example", "idp|new")  # refused before the release
    again = sway("workspace", "release", "nobody@a.example", db=db)
    assert again.returncode == 0 and "nothing to release" in again.stdout


def test_refresh_with_a_setting_applies_it_and_a_bad_one_says_what_to_do(demo_copy):
    bad = sway("refresh", "--set", "weight_lik=0.1", db=demo_copy)
    assert bad.returncode == 1
    assert "Unknown scoring parameter 'weight_lik'" in bad.stderr.strip().splitlines()[-1]
    malformed = sway("refresh", "--set", "weight_like", db=demo_copy)
    assert malformed.returncode == 1 and "name=value" in malformed.stderr
    good = sway("refresh", "--set", "weight_like=0.1", db=demo_copy)
    assert good.returncode == 0, good.stderr
    con = warehouse.connect(demo_copy)
    try:
        [(params,)] = warehouse.rows(
            con, "SELECT params FROM score_runs WHERE kind = 'refresh' AND status = 'ok' ORDER BY run_id DESC LIMIT 1"
        )
        assert '"weight_like": 0.1' in params
    finally:
        con.close()


def test_erase_finish_rewrites_the_file_an_erasure_could_not(demo_copy, monkeypatch):
    erase_with_failed_rewrite(demo_copy, "CLIFIN-unique-8812", monkeypatch)

    finished = sway("erase", "--finish", db=demo_copy)

    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.startswith("Finished: the warehouse file was rewritten")
    assert b"CLIFIN-unique-8812" not in Path(demo_copy).read_bytes()
    again = sway("erase", "--finish", db=demo_copy)
    assert again.returncode == 0 and again.stdout.startswith("Nothing to finish")
