"""Importing Sway interchange files (CSV, Parquet, JSON Lines): what lands in the warehouse, ids, people, re-imports."""

import csv
import gzip
import io
import re
import shutil
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from core.db import warehouse
from core.ingest import import_files
from core.ingest.interchange import COLUMNS
from core.ingest.values import iso_timestamp

INTERCHANGE = Path(__file__).resolve().parents[1] / "fixtures" / "interchange"
FILES = [INTERCHANGE / name for name in ("accounts.csv", "posts.csv", "interactions.csv")]
NOW = datetime(2025, 1, 1)


@pytest.fixture
def con(tmp_path):
    con = warehouse.connect(tmp_path / "w.duckdb")
    yield con
    con.close()


def contents(con) -> dict[str, list[tuple]]:
    return {t: sorted(warehouse.rows(con, f"SELECT * FROM {t}"), key=repr) for t in warehouse.CORE_TABLES}  # noqa: S608


def test_imports_accounts_posts_and_interactions(con):
    report = import_files(con, FILES, now=NOW)

    assert [(f.name, f.format, f.rows) for f in report.files] == [
        ("accounts.csv", "Sway accounts (CSV)", 5),
        ("posts.csv", "Sway posts (CSV)", 4),
        ("interactions.csv", "Sway interactions (CSV)", 4),
    ]
    assert report.added == {"people": 3, "accounts": 5, "posts": 4, "interactions": 3}
    assert report.self_loops == 1
    assert report.summary() == (
        "Imported 3 files: 3 new people, 5 accounts, 4 posts and 3 reactions added; 0 duplicates skipped (already "
        "in Sway); 1 reaction of an account to itself skipped. Scores, topics and Discover include them after the "
        "next refresh."
    )
    accounts = {
        row[0]: row[1:]
        for row in warehouse.rows(
            con,
            "SELECT a.external_id, handle, followers, created_at, bio, p.external_id, p.name "
            "FROM accounts a JOIN people p USING (person_id)",
        )
    }
    assert accounts["ig-100"][:3] == ("mara.cooks", 15200, datetime(2019, 3, 2, 10, 0))
    assert accounts["ig-100"][3] == "Home cook in Lisbon.\nNew recipe every Sunday"
    assert accounts["ig-200"][2] == datetime(2021, 6, 1, 6, 30)  # +02:00 stored as UTC
    # person_id groups accounts across networks; an account without one is a person of its own
    assert accounts["ig-100"][4:] == accounts["UC-mara"][4:] == ("mara", "Mara Lind")
    assert accounts["tt-7"][4] == accounts["ig-200"][4] == "jonas"
    assert accounts["ana-writes.example"][4:] == ("blog:ana-writes.example", "Ana Sousa")
    posts = {
        row[0]: row[1:] for row in warehouse.rows(con, "SELECT external_id, kind, parent_post_id, post_id FROM posts")
    }
    assert posts["v1"][0] == "post"  # empty kind means post
    assert posts["p2"][:2] == ("reply", posts["p1"][2])
    liked = warehouse.rows(con, "SELECT post_id FROM interactions WHERE type = 'like'")
    assert liked == [(posts["p1"][2],)]
    assert warehouse.rows(con, "SELECT kind, sources, accounts, posts, interactions FROM load_log") == [
        ("import", ["accounts.csv", "posts.csv", "interactions.csv"], 5, 4, 3)
    ]


def test_ids_are_numbered_in_a_stable_order(con, tmp_path):
    import_files(con, FILES, now=NOW)
    other = warehouse.connect(tmp_path / "other.duckdb")
    try:
        import_files(other, FILES[::-1], now=NOW)
        assert contents(other) == contents(con)
    finally:
        other.close()
    # accounts by (network, id), posts by time
    assert [r[0] for r in warehouse.rows(con, "SELECT external_id FROM accounts ORDER BY account_id")] == [
        "ana-writes.example",
        "ig-100",
        "ig-200",
        "tt-7",
        "UC-mara",
    ]
    assert [r[0] for r in warehouse.rows(con, "SELECT external_id FROM posts ORDER BY post_id")] == [
        "v1",
        "t1",
        "p1",
        "p2",
    ]


def test_reimporting_adds_nothing_and_counts_duplicates(con):
    import_files(con, FILES, now=NOW)
    before = contents(con)

    again = import_files(con, FILES, now=NOW)

    assert contents(con) == before
    assert again.added == {"people": 0, "accounts": 0, "posts": 0, "interactions": 0}
    assert again.skipped == {"accounts": 5, "posts": 4, "interactions": 3}
    assert "12 duplicates skipped" in again.summary()


def test_the_same_file_twice_in_one_import_is_read_once(con):
    report = import_files(con, [FILES[0], FILES[0]], now=NOW)
    assert report.added["accounts"] == 5
    assert report.skipped["accounts"] == 5


def test_later_imports_continue_the_ids_and_join_stored_people(con, tmp_path):
    import_files(con, FILES, now=NOW)
    more = tmp_path / "accounts_more.csv"
    more.write_text(
        "network,account_id,handle,person_id\ntwitter,555,mara_tw,mara\ntwitter,556,newcomer,\n", encoding="utf-8"
    )
    posts = tmp_path / "posts_more.csv"
    # ig-100 is only in the warehouse, not in this import
    posts.write_text(
        "network,post_id,account_id,posted_at,text\ninstagram,p9,ig-100,2024-06-01,Again\n", encoding="utf-8"
    )

    report = import_files(con, [more, posts], now=NOW)

    assert report.added == {"people": 1, "accounts": 2, "posts": 1, "interactions": 0}
    rows = dict(
        warehouse.rows(
            con,
            "SELECT a.external_id, (a.account_id, a.person_id) FROM accounts a WHERE a.network = 'twitter'",
        )
    )
    mara = warehouse.scalar(con, "SELECT person_id FROM people WHERE external_id = 'mara'")
    assert rows["555"] == (6, mara)
    assert rows["556"] == (7, 4)
    assert warehouse.scalar(con, "SELECT post_id FROM posts WHERE external_id = 'p9'") == 5


def _typed_copies(folder: Path) -> tuple[list[Path], list[Path]]:
    """The CSV fixtures as Parquet (with typed columns) and as gzipped JSON Lines."""
    parquet, jsonl = [], []
    for path in FILES:
        frame = pl.read_csv(path, infer_schema=False)
        if "followers" in frame.columns:  # typed like a real export, with time zones and integers
            frame = frame.with_columns(
                pl.col("followers", "following").cast(pl.Int64),
                iso_timestamp(pl.col("created_at")).dt.replace_time_zone("UTC"),
            )
        parquet.append(folder / f"{path.stem}.parquet")
        frame.write_parquet(parquet[-1])
        jsonl.append(folder / f"{path.stem}.jsonl.gz")
        jsonl[-1].write_bytes(gzip.compress(frame.write_ndjson().encode()))
    return parquet, jsonl


def test_parquet_and_gzipped_json_lines_import_like_csv(con, tmp_path):
    import_files(con, FILES, now=NOW)
    parquet, jsonl = _typed_copies(tmp_path)
    for name, paths in (("parquet", parquet), ("jsonl", jsonl)):
        other = warehouse.connect(tmp_path / f"{name}.duckdb")
        try:
            report = import_files(other, paths, now=NOW)
            assert contents(other) == contents(con), name
            assert report.files[0].format == (
                "Sway accounts (Parquet)" if name == "parquet" else "Sway accounts (JSON Lines)"
            )
        finally:
            other.close()


def test_display_names_decide_the_kind_and_name_the_file(con, tmp_path):
    upload = tmp_path / "tmp8f3a2.csv"
    shutil.copy(FILES[0], upload)
    report = import_files(con, [upload], now=NOW, display_names=["accounts (2).csv"])
    assert report.files[0].name == "accounts (2).csv"
    assert warehouse.rows(con, "SELECT sources FROM load_log") == [(["accounts (2).csv"],)]


def test_the_kind_comes_from_the_columns_when_the_name_does_not_say(con, tmp_path):
    export = tmp_path / "export_from_crm.csv"
    shutil.copy(FILES[0], export)
    assert import_files(con, [export], now=NOW).added["accounts"] == 5


def test_progress_goes_forward_and_names_each_file(con):
    seen: list[tuple[float, str]] = []
    import_files(con, FILES, now=NOW, progress=lambda f, m: seen.append((f, m)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0 and fractions[-1] == 1
    for path in FILES:
        assert any(path.name in message for _, message in seen)
    assert "Writing" in " ".join(m for _, m in seen)


def test_interchange_md_documents_exactly_the_columns_in_the_code():
    text = (Path(__file__).resolve().parents[2] / "core" / "ingest" / "INTERCHANGE.md").read_text(encoding="utf-8")
    for kind, spec in COLUMNS.items():
        section = text.split(f"## {kind}\n", 1)[1].split("\n## ", 1)[0]
        documented = re.findall(r"^\| `(\w+)` \| (yes|no) \| [^|]+ \| (.+) \|$", section, flags=re.MULTILINE)
        assert documented == [(c.name, "yes" if c.required else "no", c.meaning) for c in spec], kind


def test_excel_style_csv_with_bom_crlf_capitals_and_blank_columns(con, tmp_path):
    with FILES[0].open(encoding="utf-8", newline="") as fixture:
        header, *rows = list(csv.reader(fixture))
    buffer = io.StringIO()
    # Excel: byte-order mark, CRLF, headers as typed, empty unnamed columns at the right
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*(f" {name.upper()}" for name in header), "", ""])
    writer.writerows([*row, "", ""] for row in rows)
    excel = tmp_path / "accounts.csv"
    excel.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode())

    import_files(con, [excel], now=NOW)

    assert warehouse.scalar(con, "SELECT bio FROM accounts WHERE external_id = 'ig-100'") == (
        "Home cook in Lisbon.\nNew recipe every Sunday"
    )
    assert warehouse.scalar(con, "SELECT count(*) FROM accounts") == 5


def test_importing_into_the_demo_world_continues_its_ids(demo_copy):
    con = warehouse.connect(demo_copy)
    try:
        last = warehouse.rows(
            con,
            "SELECT (SELECT max(person_id) FROM people), (SELECT max(account_id) FROM accounts), "
            "(SELECT max(post_id) FROM posts)",
        )[0]
        report = import_files(con, FILES, now=NOW)
        first_new = warehouse.rows(
            con,
            "SELECT (SELECT min(person_id) FROM people WHERE external_id = 'blog:ana-writes.example'), "
            "(SELECT min(account_id) FROM accounts WHERE external_id = 'ana-writes.example'), "
            "(SELECT min(post_id) FROM posts WHERE external_id = 'v1')",
        )[0]
        assert first_new == tuple(n + 1 for n in last)
        assert report.added["accounts"] == 5
    finally:
        con.close()
