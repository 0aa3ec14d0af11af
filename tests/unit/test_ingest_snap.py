"""Importing SNAP activity edge lists (the first 300 lines of the Higgs file): stub accounts and typed interactions."""

import gzip
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.db import warehouse
from core.ingest import import_files

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "snap_higgs_sample.txt"
EDGES = [line.split() for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
NOW = datetime(2025, 1, 1)
TYPES = {"RT": "repost", "MT": "mention", "RE": "reply"}


@pytest.fixture
def con(tmp_path):
    con = warehouse.connect(tmp_path / "w.duckdb")
    yield con
    con.close()


def test_imports_edges_as_stub_accounts_and_interactions(con):
    report = import_files(con, [SAMPLE], now=NOW)

    kept = [e for e in EDGES if e[0] != e[1]]
    expected = {
        (f"snap:{a}", f"snap:{b}", TYPES[kind], datetime.fromtimestamp(int(ts), UTC).replace(tzinfo=None))
        for a, b, ts, kind in kept
    }
    assert report.files[0].format == "SNAP activity edge list" and report.files[0].rows == 300
    assert report.self_loops == len(EDGES) - len(kept) == 20
    assert report.added["accounts"] == report.added["people"] == len({u for e in kept for u in e[:2]})
    assert report.added["interactions"] == len(expected)
    stored = warehouse.rows(
        con,
        "SELECT a.external_id, b.external_id, i.type::VARCHAR, i.occurred_at FROM interactions i "
        "JOIN accounts a ON a.account_id = i.actor_account_id JOIN accounts b ON b.account_id = i.target_account_id "
        "WHERE i.post_id IS NULL AND i.network = 'twitter'",
    )
    assert set(stored) == expected
    assert Counter(r[2] for r in stored) == Counter(TYPES[k] for a, b, _, k in {tuple(e) for e in kept})
    assert warehouse.rows(con, "SELECT handle, followers FROM accounts WHERE external_id = 'snap:223789'") == [
        ("user223789", None)
    ]


def test_reimport_adds_nothing(con):
    import_files(con, [SAMPLE], now=NOW)
    again = import_files(con, [SAMPLE], now=NOW)
    assert again.added == {"people": 0, "accounts": 0, "posts": 0, "interactions": 0}
    assert again.skipped["interactions"] == len({tuple(e) for e in EDGES if e[0] != e[1]})


def test_comment_lines_tabs_and_compression_are_accepted(con, tmp_path):
    text = "# Higgs activity\n# userA userB time type\n" + "\n".join("\t".join(e) for e in EDGES[:10]) + "\n"
    path = tmp_path / "activity.txt.gz"
    path.write_bytes(gzip.compress(text.encode()))
    report = import_files(con, [path], now=NOW)
    assert report.files[0].rows == 10
    assert report.added["interactions"] == len({tuple(e) for e in EDGES[:10] if e[0] != e[1]})
