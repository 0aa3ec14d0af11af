"""Invisible characters at import: control characters and text-direction overrides are removed and counted,
a NUL byte refuses the file, and what was imported exports to XLSX (openpyxl refuses control characters)."""

import copy
import gzip
import io
import json
from datetime import datetime
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from core.db import warehouse
from core.discover import export_xlsx
from core.ingest import InputError, import_files
from tests.unit.test_ingest_bad_input import snapshot

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TWEETS = [json.loads(line) for line in (FIXTURES / "twitter_v1_sample.jsonl").read_text("utf-8").splitlines()]
NOW = datetime(2025, 1, 1)

ACCOUNTS = "network,account_id,handle,display_name,bio,location\n"
POSTS = "network,post_id,account_id,posted_at,text\n"
# Control characters, those kept in free text (tab, line breaks), and text-direction overrides such as
# U+202E, which makes "Mara Lind" display as "dniL araM".
NAME = "\u202eMara\x07 Lind\x1b"
HANDLE = "mara\x1c\u2066cooks\u2069"
BIO = "Home cook\x0b in Lisbon.\nEvery\tSunday\r\u202b"
POST = "\x01Sourdough:\tflour,\nwater\x1f"


@pytest.fixture
def con(tmp_path):
    con = warehouse.connect(tmp_path / "w.duckdb")
    yield con
    con.close()


def _as_csv(rows: list[dict]) -> bytes:
    return pl.DataFrame(rows).write_csv().encode()


def _as_jsonl(rows: list[dict]) -> bytes:
    return "".join(json.dumps(row) + "\n" for row in rows).encode()


def _as_parquet(rows: list[dict]) -> bytes:
    buffer = io.BytesIO()
    pl.DataFrame(rows).write_parquet(buffer)
    return buffer.getvalue()


FORMATS = {"csv": _as_csv, "jsonl": _as_jsonl, "parquet": _as_parquet}


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("form", FORMATS)
def test_control_and_direction_characters_are_removed_and_counted(con, tmp_path, form):
    account = {"network": "blog", "account_id": "m\x021", "handle": HANDLE, "display_name": NAME, "bio": BIO,
               "location": "Lis\x08bon\nPortugal"}  # fmt: skip
    post = {"network": "blog", "post_id": "p1", "account_id": "m1", "posted_at": "2024-05-01", "text": POST}
    files = [
        _write(tmp_path, f"accounts.{form}", FORMATS[form]([account])),
        _write(tmp_path, f"posts.{form}", FORMATS[form]([post])),
    ]

    report = import_files(con, files, now=NOW)

    stored = warehouse.rows(
        con,
        "SELECT a.external_id, a.handle, a.display_name, a.bio, a.location, p.name FROM accounts a "
        "JOIN people p USING (person_id)",
    )
    # Direction overrides stay in the bio: right-to-left writing uses them, and only names are shown as labels.
    assert stored == [("m1", "maracooks", "Mara Lind", "Home cook in Lisbon.\nEvery\tSunday\r\u202b",
                       "Lisbon Portugal", "Mara Lind")]  # fmt: skip
    assert warehouse.scalar(con, "SELECT text FROM posts") == "Sourdough:\tflour,\nwater"
    assert (report.controls_removed, report.direction_removed) == (9, 3)
    assert report.summary().endswith(
        "; 9 invisible control characters removed from text; 3 text-direction characters removed from names."
        " Scores, topics and Discover include them after the next refresh."
    )


def test_tweets_lose_control_and_direction_characters_in_nested_fields_too(con, tmp_path):
    tweet = copy.deepcopy(TWEETS[1])
    tweet["text"] = POST
    tweet["user"] |= {"name": NAME, "screen_name": "pe\x1bter", "description": BIO}
    mention = {"id_str": "4242", "screen_name": "\u202dfriend", "name": "Fri\x07end"}
    tweet["entities"]["user_mentions"] = [mention]
    path = _write(tmp_path, "tweets.jsonl", _as_jsonl([tweet]))

    report = import_files(con, [path], now=NOW)

    accounts = dict(warehouse.rows(con, "SELECT external_id, (handle, display_name, bio) FROM accounts"))
    assert accounts[tweet["user"]["id_str"]] == ("peter", "Mara Lind", "Home cook in Lisbon.\nEvery\tSunday\r\u202b")
    assert accounts["4242"] == ("friend", "Friend", None)
    assert warehouse.scalar(con, "SELECT text FROM posts") == "Sourdough:\tflour,\nwater"
    assert (report.controls_removed, report.direction_removed) == (7, 2)


@pytest.mark.parametrize("form", ["jsonl", "parquet"])
def test_nul_characters_inside_values_are_removed_like_other_controls(con, tmp_path, form):
    """Escaped in JSON (\\u0000) or stored in Parquet, a NUL is a character of a value, not a damaged file."""
    account = {"network": "blog", "account_id": "m1", "handle": "ma\x00ra"}
    report = import_files(con, [_write(tmp_path, f"accounts.{form}", FORMATS[form]([account]))], now=NOW)
    assert warehouse.scalar(con, "SELECT handle FROM accounts") == "mara"
    assert report.controls_removed == 1


def test_a_value_that_was_only_control_characters_is_missing(con, tmp_path):
    accounts = _write(tmp_path, "accounts.csv", (ACCOUNTS + "blog,m1,mara,,,\n").encode())
    posts = _write(tmp_path, "posts.csv", (POSTS + "blog,p1,m1,2024-05-01,\x01\x02\n").encode())
    before = snapshot(con)
    with pytest.raises(InputError) as refused:
        import_files(con, [accounts, posts], now=NOW)
    assert (refused.value.line, refused.value.field) == (2, "text") and "no text" in str(refused.value)
    assert snapshot(con) == before


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        (
            "accounts.csv",
            ACCOUNTS + "".join(f"blog,{n},h,Ok,fine,here\n" for n in range(700)) + "blog,m,m,M\x00,b,L\n",
            702,
        ),
        ("accounts.jsonl", '{"network": "blog", "account_id": "a", "handle": "a"}\n' * 500 + '{"a": "\x00"}\n', 501),
        ("activity.txt", "1 2 1341100972 RT\n" * 600 + "3 4 1341100973 MT\x00\n", 601),
        (
            "posts.csv.gz",
            POSTS + "".join(f"blog,p{n},m1,2024-05-01,hello\n" for n in range(400)) + "blog,p,m1,2024-05-01,\x00\n",
            402,
        ),
    ],
)
def test_a_nul_byte_anywhere_refuses_the_file_naming_its_line(con, tmp_path, name, text, line):
    data = text.encode()
    assert data.index(b"\x00") > 8192  # past the start that was checked before
    path = _write(tmp_path, name, gzip.compress(data) if name.endswith(".gz") else data)
    before = snapshot(con)
    with pytest.raises(InputError) as refused:
        import_files(con, [path], now=NOW)
    assert (refused.value.file, refused.value.line) == (name, line)
    assert "NUL" in refused.value.problem and refused.value.fix
    assert snapshot(con) == before


def test_an_imported_name_with_control_characters_exports_to_xlsx(con, tmp_path):
    path = _write(tmp_path, "accounts.csv", (ACCOUNTS + f'blog,m1,"{HANDLE}","{NAME}","{BIO}",Lisbon\n').encode())
    import_files(con, [path], now=NOW)
    rows = warehouse.rows(con, "SELECT p.name, a.handle, a.bio FROM people p JOIN accounts a USING (person_id)")
    frame = pl.DataFrame(rows, schema=["Name", "Handles", "Bio"], orient="row")

    sheet = openpyxl.load_workbook(io.BytesIO(export_xlsx(frame))).active

    bio = "Home cook in Lisbon.\nEvery\tSunday\n\u202b"  # XML reads the carriage return back as a line break
    assert list(sheet.values)[1] == ("Mara Lind", "maracooks", bio)


def test_names_stored_before_import_cleaning_still_export_to_xlsx():
    """Warehouses filled before imports removed control characters still hold some: the export drops them,
    before it neutralises formulas, so a formula hidden behind one is still made inert."""
    frame = pl.DataFrame({"Name": ["Ma\x00ra\x07 Lind\x1b"], "Notes": ["\x01=1+1\x0b"], "Score": [80]})
    sheet = openpyxl.load_workbook(io.BytesIO(export_xlsx(frame))).active
    assert list(sheet.values)[1] == ("Mara Lind", "'=1+1", 80)
