"""`discover`, `campaigns` and `results` on the command line: what the pages show, files written only when new, and
every wrong option refused with what to type."""

import csv
import html
import io
import re

import pytest

from core.campaigns import members
from core.cli.main import main
from core.db import warehouse
from core.workspace.access import LOCAL


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _ids(out: str) -> list[int]:
    """The Sway person ids, the table's last column."""
    return [int(m) for m in re.findall(r"┆ (\d+)\s+│$", out, flags=re.MULTILINE)]


def test_discover_prints_the_people_a_search_finds_best_first(demo_copy, capsys):
    code, out, _ = run(capsys, "discover", "--network", "instagram", "--score", "20-100", "--limit", "5")
    assert code == 0
    with warehouse.connect(demo_copy) as con:
        expected = warehouse.rows(
            con,
            "SELECT person_id, score FROM discovery WHERE score BETWEEN 20 AND 100 "
            "AND person_id IN (SELECT person_id FROM accounts WHERE network = 'instagram') ORDER BY score DESC",
        )
    assert out.startswith(f"{len(expected):,} people found; the first 5, best first:")
    shown = _ids(out)
    scores = dict(expected)
    assert len(shown) == 5 and set(shown) <= set(scores)
    assert [scores[p] for p in shown] == [score for _, score in expected[:5]]


def test_discover_writes_every_match_to_a_new_file_and_never_overwrites_one(demo_copy, tmp_path, capsys):
    target = tmp_path / "found.csv"
    code, out, _ = run(capsys, "discover", "--score", "30-100", "--limit", "1", "--file", str(target))
    with warehouse.connect(demo_copy) as con:
        matching = warehouse.scalar(con, "SELECT count(*) FROM discovery WHERE score >= 30")
    assert code == 0 and f"Wrote {matching:,} people to {target}." in out
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert len(rows) == matching and all(int(r["Score"]) >= 30 for r in rows)

    before = target.read_bytes()
    code, _, err = run(capsys, "discover", "--file", str(target))
    assert code == 1 and "already exists: give a new file name" in err
    assert target.read_bytes() == before


@pytest.mark.parametrize(
    ("option", "said"),
    [
        (["--score", "0-50"], "--score '0-50': each end must be 1 to 100."),
        (["--score", "high"], "--score 'high' is not a range: write FROM-TO in whole numbers"),
        (["--audience", "5000-100"], "--audience '5000-100': 'from' is above 'to': swap them."),
        (["--topic", "cooking"], "Unknown topic 'cooking'. Topics: '"),
        (["--topic", "musik"], "Unknown topic 'musik' (did you mean 'Music'?). Topics: "),
        (["--file", "found.txt"], "found.txt: name a .csv or .xlsx file."),
        (["--words", "run " * 60], "--words is 240 characters long: search with at most 200."),
    ],
)
def test_discover_refuses_an_option_the_page_would_not_offer(demo_copy, capsys, option, said):
    code, out, err = run(capsys, "discover", *option)
    assert code == 1 and said in err and out == ""


def test_campaigns_are_listed_exported_and_measured(demo_copy, tmp_path, capsys):
    code, out, _ = run(capsys, "campaigns", "list")
    assert code == 0
    with warehouse.connect(demo_copy) as con:
        campaign_id, name = warehouse.rows(
            con, "SELECT campaign_id, name FROM campaigns WHERE workspace_id = 1 ORDER BY starts_on LIMIT 1"
        )[0]
        listed = members.members(con, LOCAL, campaign_id).height
        count = warehouse.scalar(con, "SELECT count(*) FROM campaigns WHERE workspace_id = 1")
    assert len(re.findall(r"^│ \d+ ", out, flags=re.MULTILINE)) == count

    target = tmp_path / "list.csv"
    code, out, _ = run(capsys, "campaigns", "export", str(campaign_id), str(target))
    assert code == 0 and out.startswith(f"Wrote the list of “{name}” ({listed:,} people)")
    assert len(list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))) == listed

    report = tmp_path / "results.html"
    code, out, _ = run(capsys, "results", str(campaign_id), "--file", str(report))
    assert code == 0
    lines = dict(re.split(r"\s{2,}", line, maxsplit=1) for line in out.splitlines() if re.search(r"\S\s{2,}\S", line))
    assert lines["Campaign"] == name and int(lines["Members measured"].replace(",", "")) > 0
    assert lines["Verdict"] and html.escape(name) in report.read_text(encoding="utf-8")


def test_a_report_or_list_file_of_the_wrong_kind_is_refused_before_any_work(demo_copy, tmp_path, capsys):
    code, out, err = run(capsys, "results", "1", "--file", str(tmp_path / "report.pdf"))
    assert code == 1 and "report.pdf: name a .xlsx or .html file." in err and out == ""
    assert "%]" not in err  # refused before measuring: no progress was printed
    code, _, err = run(capsys, "campaigns", "export", "1", str(tmp_path / "list.txt"))
    assert code == 1 and "list.txt: name a .csv or .xlsx file." in err
    assert not (tmp_path / "report.pdf").exists() and not (tmp_path / "list.txt").exists()


def test_a_campaign_that_is_not_there_is_named(demo_copy, capsys):
    code, _, err = run(capsys, "results", "99999")
    assert code == 1 and "Campaign 99999 does not exist in this workspace" in err
    with pytest.raises(SystemExit):  # argparse: not an id at all
        main(["campaigns", "export", "first", "x.csv"])
