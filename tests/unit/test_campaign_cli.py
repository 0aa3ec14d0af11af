"""Campaigns made and changed on the command line, as the Campaigns page makes them: created from a Discover export
trimmed in a spreadsheet, people added and moved through their statuses, the list refilled, deleted and restored;
every bad option or file refused with what to do, and nothing stored by a refused command."""

import csv
import io
import os
import re
import subprocess
import sys

import pytest
from openpyxl import Workbook

from core.campaigns import members, records
from core.cli.main import main
from core.db import warehouse
from core.workspace.access import LOCAL

CREATE = (
    "campaigns",
    "create",
    "--name",
    "Winter trail",
    "--brand",
    "Acme",
    "--perk",
    "Trail shoes",
    "--cost-per-perk",
    "100",
    "--perks",
    "6",
    "--track",
    "#acmetrail, @acme, acme.com",
)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _campaigns(path: str) -> list[tuple[int, str]]:
    with warehouse.connect(path) as con:
        return warehouse.rows(con, "SELECT campaign_id, name FROM campaigns ORDER BY campaign_id")


def _created_id(out: str) -> int:
    return int(re.match(r"Created campaign (\d+) “Winter trail”", out).group(1))


def _listed(path: str, campaign_id: int) -> dict[int, tuple[str, str]]:
    """person_id -> (status, origin) of everyone on the list."""
    with warehouse.connect(path) as con:
        found = members.members(con, LOCAL, campaign_id)
    return {p: (s, o) for p, s, o in found.select("person_id", "status", "origin").iter_rows()}


def _trimmed_export(capsys, tmp_path, keep: int, suffix: str = "csv") -> tuple[object, list[int]]:
    """A Discover export cut to its first `keep` rows, as a marketer trims one in a spreadsheet; and their ids."""
    found = tmp_path / f"found.{suffix}"
    code, _, _ = run(capsys, "discover", "--score", "20-100", "--file", str(tmp_path / "everyone.csv"))
    assert code == 0
    rows = list(csv.reader(io.StringIO((tmp_path / "everyone.csv").read_text(encoding="utf-8-sig"))))
    header, kept = rows[0], rows[1 : keep + 1]
    ids = [int(r[header.index("Sway person id")]) for r in kept]
    if suffix == "csv":
        found.write_text("\n".join(",".join(f'"{c}"' for c in r) for r in [header, *kept]), encoding="utf-8")
    else:
        book = Workbook()
        book.active.append(header)
        for r in kept:
            book.active.append([int(c) if c.isdigit() else c for c in r])
        book.save(found)
    return found, ids


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_campaign_is_created_from_a_trimmed_discover_export_and_filled_with_suggestions(
    demo_copy, tmp_path, capsys, suffix
):
    found, chosen = _trimmed_export(capsys, tmp_path, 3, suffix)
    code, out, _ = run(capsys, *CREATE, "--people", str(found))
    assert code == 0, out
    campaign_id = _created_id(out)
    listed = _listed(demo_copy, campaign_id)
    assert {p: listed[p] for p in chosen} == dict.fromkeys(chosen, ("suggested", "added"))
    suggested = [p for p, (_, origin) in listed.items() if origin != "added"]
    assert len(listed) == 6 and len(suggested) == 3  # six perks: the three chosen, three suggested beside them
    assert "The 3 people you chose are on the list, with 3 more people suggested to fill the campaign's perks" in out
    assert "Can this list show a result? With these 6 people" in out and "Unique reach: " in out
    with warehouse.connect(demo_copy) as con:
        campaign = records.get_campaign(con, LOCAL, campaign_id)
        audited = warehouse.scalar(
            con,
            "SELECT count(*) FROM audit_log WHERE action = 'campaign.create' AND details LIKE ?",
            ["%Winter trail%"],
        )
    assert campaign.spec.perk == "Trail shoes" and [t.label() for t in campaign.spec.terms] == [
        "#acmetrail",
        "@acme",
        "acme.com",
    ]
    assert audited == 1


def test_targeting_options_reach_the_suggestions(demo_copy, capsys):
    code, out, _ = run(capsys, *CREATE, "--network", "instagram", "--min-score", "30", "--min-audience", "1000")
    assert code == 0, out
    campaign_id = _created_id(out)
    people = list(_listed(demo_copy, campaign_id))
    with warehouse.connect(demo_copy) as con:
        spec = records.get_campaign(con, LOCAL, campaign_id).spec
        outside = warehouse.rows(
            con,
            "SELECT person_id FROM discovery WHERE person_id IN (SELECT unnest(?::BIGINT[])) AND (score < 30 OR "
            "person_id NOT IN (SELECT person_id FROM discovery_accounts WHERE network = 'instagram' "
            "AND followers >= 1000))",
            [people],
        )
    assert (spec.networks, spec.min_score, spec.min_audience) == (("instagram",), 30, 1000)
    assert people and outside == []


def test_wrong_settings_are_all_named_and_nothing_is_created(demo_copy, capsys):
    before = _campaigns(demo_copy)
    argv = [*CREATE[:-1], "#, @", "--topic", "cooking", "--min-score", "0", "--starts", "2026-10-20"]
    code, out, err = run(capsys, *argv, "--ends", "2026-10-10")
    assert code == 1 and out == ""
    for said in (
        "Nothing was created:",
        "--track: Cannot use these tracking terms: '#', '@'",
        "Unknown topic 'cooking'. Topics: ",
        "Minimum score must be between 1 and 100.",
        "The end date is before the start date",
    ):
        assert said in err
    assert "Add at least one tracking term" not in err  # the unreadable term is named once, not twice
    assert _campaigns(demo_copy) == before


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("Name,Score\nAna,40\n", "line 1: has no 'Sway person id' column (its columns: 'Name', 'Score')."),
        ("Name,Sway person id\nAna,17\nBo,abc\n", "line 3, field 'Sway person id': 'abc' is not a Sway person id"),
        (
            "Name,Sway person id\nAna,\n",
            "line 2, field 'Sway person id': the person id is empty (or a formula saved without its value).",
        ),
        ("Name,Sway person id\n", "has no person ids."),
    ],
)
def test_a_people_file_that_is_not_a_list_of_ids_is_refused_before_anything_is_stored(
    demo_copy, tmp_path, capsys, content, said
):
    before = _campaigns(demo_copy)
    path = tmp_path / "people.csv"
    path.write_text(content, encoding="utf-8")
    code, _, err = run(capsys, *CREATE, "--people", str(path))
    assert code == 1 and (f"{path}, {said}" in err or f"{path}: {said}" in err)
    assert _campaigns(demo_copy) == before


def test_a_semicolon_csv_and_unknown_ids_are_read_as_a_spreadsheet_saves_them(demo_copy, tmp_path, capsys):
    path = tmp_path / "people.csv"
    path.write_text("Name;Sway person id\nAna;1\nBo;99999999\n", encoding="utf-8")
    before = _campaigns(demo_copy)
    code, _, err = run(capsys, *CREATE, "--people", str(path))
    assert code == 1 and "These person ids are not in the warehouse: [99999999]" in err
    assert _campaigns(demo_copy) == before  # one transaction: a refused person creates no campaign


def test_people_move_through_their_statuses_and_a_wrong_move_moves_nobody(demo_copy, capsys):
    code, out, _ = run(capsys, *CREATE)
    campaign_id = str(_created_id(out))
    code, out, _ = run(capsys, "campaigns", "status", campaign_id, "invited", "--from", "suggested")
    assert code == 0 and out == "Moved 6 people of “Winter trail” to Invited.\n"
    listed = _listed(demo_copy, int(campaign_id))
    assert {s for s, _ in listed.values()} == {"invited"}

    first, second = sorted(listed)[:2]
    code, _, err = run(capsys, "campaigns", "status", campaign_id, "posted", str(first))
    assert code == 1 and "cannot go from Invited to Posted" in err and "Nobody's status was changed." in err
    code, out, _ = run(capsys, "campaigns", "status", campaign_id, "accepted", str(first), str(second))
    assert code == 0
    after = _listed(demo_copy, int(campaign_id))
    assert [after[p][0] for p in (first, second)] == ["accepted", "accepted"]
    assert sum(s == "invited" for s, _ in after.values()) == 4

    code, _, err = run(capsys, "campaigns", "status", campaign_id, "invited", "--from", "suggested")
    assert code == 1 and "Nobody to move: nobody on “Winter trail” is Suggested." in err


def test_people_are_added_the_list_refilled_and_a_campaign_deleted_and_restored(demo_copy, capsys):
    code, out, _ = run(capsys, *CREATE)
    campaign_id = _created_id(out)
    on_list = set(_listed(demo_copy, campaign_id))
    with warehouse.connect(demo_copy) as con:
        newcomer = warehouse.scalar(
            con,
            "SELECT min(person_id) FROM people WHERE person_id NOT IN (SELECT unnest(?::BIGINT[]))",
            [sorted(on_list)],
        )
    code, out, _ = run(capsys, "campaigns", "add", str(campaign_id), str(newcomer), str(min(on_list)))
    assert code == 0
    assert out.startswith("Put 1 person on the list of “Winter trail”; 1 was already on it and keeps their status.\n")
    assert "Warning: 7 people are on the list for 6 perks" in out  # as the page's plan check says
    assert _listed(demo_copy, campaign_id)[newcomer] == ("suggested", "added")

    code, out, _ = run(capsys, "campaigns", "refill", str(campaign_id))
    assert code == 0 and out.startswith("The list now has ")

    code, out, _ = run(capsys, "campaigns", "archive", str(campaign_id))
    assert code == 0 and "Deleted (archived) “Winter trail”" in out
    assert campaign_id not in dict(_campaigns_listed(demo_copy))
    code, _, err = run(capsys, "campaigns", "archive", str(campaign_id))
    assert code == 1 and f"Campaign {campaign_id} does not exist in this workspace" in err
    code, out, _ = run(capsys, "campaigns", "restore", str(campaign_id))
    assert code == 0 and campaign_id in dict(_campaigns_listed(demo_copy))


def _campaigns_listed(path: str) -> list[tuple[int, str]]:
    with warehouse.connect(path) as con:
        found = records.list_campaigns(con, LOCAL)
    return list(found.select("campaign_id", "name").iter_rows())


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--cost-per-perk", "cheap"], "not an amount: 'cheap'"),
        (["--budget", "inf"], "not an amount: 'inf'"),
        (["--starts", "10/12/2026"], "not a date: '10/12/2026' (write it as YYYY-MM-DD"),
        (["--perks", "-3"], "not a whole number of 0 or more: '-3'"),
    ],
)
def test_a_number_or_date_that_is_not_one_is_refused_by_the_parser(demo_copy, capsys, argv, said):
    with pytest.raises(SystemExit):
        main([*CREATE, *argv])
    assert said in capsys.readouterr().err


def test_edit_changes_only_the_settings_given_and_a_wrong_one_changes_nothing(demo_copy, capsys):
    code, out, _ = run(capsys, *CREATE, "--budget", "900", "--network", "instagram", "--topic", "music")
    campaign_id = _created_id(out)
    with warehouse.connect(demo_copy) as con:
        before = records.get_campaign(con, LOCAL, campaign_id)
    code, out, _ = run(capsys, "campaigns", "edit", str(campaign_id), "--budget", "0", "--perks", "9", "--any-network")
    assert code == 0 and out.startswith("Saved the settings of “Winter trail”")
    with warehouse.connect(demo_copy) as con:
        after = records.get_campaign(con, LOCAL, campaign_id)
        edits = warehouse.scalar(con, "SELECT count(*) FROM audit_log WHERE action = 'campaign.edit'")
    assert (after.spec.budget, after.spec.perks, after.spec.networks) == (None, 9, ())
    assert after.spec.target_topics == ("music",) and after.spec.terms == before.spec.terms  # the rest as they were
    assert after.version > before.version and edits == 1

    code, _, err = run(capsys, "campaigns", "edit", str(campaign_id), "--perks", "9")
    assert code == 1 and "Nothing to change: “Winter trail” already has these settings." in err
    code, _, err = run(capsys, "campaigns", "edit", str(campaign_id), "--perks", "0", "--topic", "cooking")
    assert code == 1 and err.startswith("error: Nothing was changed: Unknown topic 'cooking'.")
    assert "Give a budget or a number of perks" in err
    with warehouse.connect(demo_copy) as con:
        assert records.get_campaign(con, LOCAL, campaign_id) == after


def test_a_formula_in_a_people_workbook_is_never_evaluated(demo_copy, tmp_path, capsys):
    path = tmp_path / "people.xlsx"
    book = Workbook()
    book.active.append(["Name", "Sway person id"])
    book.active.append(["Ana", 1])
    book.active.append(["Bo", "=1+1"])  # a formula a spreadsheet would show as 2
    book.save(path)
    before = _campaigns(demo_copy)
    code, _, err = run(capsys, *CREATE, "--people", str(path))
    assert (
        code == 1
        and f"{path}, line 3, field 'Sway person id': the person id is empty (or a formula saved without its value)."
        in err
    )
    assert _campaigns(demo_copy) == before


def test_a_topic_is_named_as_the_tables_show_it_in_any_capitals(demo_copy, capsys):
    code, out, _ = run(capsys, *CREATE, "--topic", "Fitness & health", "--topic", "MUSIC", "--topic", "music")
    assert code == 0, out
    with warehouse.connect(demo_copy) as con:
        spec = records.get_campaign(con, LOCAL, _created_id(out)).spec
    assert spec.target_topics == ("fitness_&_health", "music")


def test_contradicting_targeting_flags_are_refused_not_half_applied(demo_copy, capsys):
    code, out, _ = run(capsys, *CREATE, "--topic", "music")
    campaign_id = str(_created_id(out))
    code, _, err = run(capsys, "campaigns", "edit", campaign_id, "--any-topic", "--topic", "gaming")
    assert code == 1 and "--topic and --any-topic contradict each other: give one of them." in err
    with warehouse.connect(demo_copy) as con:
        assert records.get_campaign(con, LOCAL, int(campaign_id)).spec.target_topics == ("music",)


def test_a_list_grown_past_its_perks_says_so_and_people_are_taken_off(demo_copy, tmp_path, capsys):
    code, out, _ = run(capsys, *CREATE)
    campaign_id = _created_id(out)
    on_list = set(_listed(demo_copy, campaign_id))
    with warehouse.connect(demo_copy) as con:
        others = [
            p
            for (p,) in warehouse.rows(
                con,
                "SELECT person_id FROM people WHERE person_id NOT IN (SELECT unnest(?::BIGINT[])) ORDER BY 1 LIMIT 2",
                [sorted(on_list)],
            )
        ]
    path = tmp_path / "more.csv"
    path.write_text("Sway person id\n" + "\n".join(f"{p}.0" for p in others) + "\n", encoding="utf-8")  # as saved
    code, out, _ = run(capsys, "campaigns", "add", str(campaign_id), "--people", str(path))
    assert code == 0 and "Warning: 8 people are on the list for 6 perks" in out
    assert f"python -m core campaigns remove {campaign_id} PERSON_ID" in out
    code, out, _ = run(capsys, "campaigns", "remove", str(campaign_id), *map(str, others))
    assert code == 0 and out.startswith("Took 2 people off the list of “Winter trail”")
    assert set(_listed(demo_copy, campaign_id)) == on_list


def test_a_reader_that_stops_early_ends_the_command_quietly(demo_copy):
    # `discover | head -1`: the pipe closes before the table (600 people, more than a pipe holds) is written whole.
    proc = subprocess.Popen(
        [sys.executable, "-m", "core", "discover", "--limit", "600"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "SWAY_DB": demo_copy},
    )
    assert b"people found" in proc.stdout.readline()
    proc.stdout.close()
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0 and b"Traceback" not in err, err.decode()
