"""Size limits of the importer: oversized files, decompression bombs and huge fields are refused with a clear
message and the warehouse is left as it was."""

import gzip

import pytest

from core.db import warehouse
from core.ingest import InputError, import_files, source
from tests.conftest import table_snapshot

ACCOUNTS = "network,account_id,handle,bio\n"


def _refused(demo_copy, path, match: str) -> InputError:
    before = table_snapshot(demo_copy)
    con = warehouse.connect(demo_copy)
    try:
        with pytest.raises(InputError, match=match) as refused:
            import_files(con, [path])
    finally:
        con.close()
    assert table_snapshot(demo_copy) == before
    return refused.value


def test_a_file_over_the_size_limit_is_refused_before_reading(demo_copy, tmp_path, monkeypatch):
    monkeypatch.setattr(source, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "accounts.csv"
    path.write_text(ACCOUNTS + "twitter,1,someone,hi\n" * 100)
    error = _refused(demo_copy, path, "more than Sway imports at once")
    assert "Split it into smaller files" in str(error)


def test_a_decompression_bomb_is_refused_without_expanding_it(demo_copy, tmp_path):
    path = tmp_path / "accounts.csv.gz"
    path.write_bytes(gzip.compress(ACCOUNTS.encode() + b"twitter,1,x," + b"a" * (300 << 20) + b"\n", 9))
    assert path.stat().st_size < 1 << 20
    _refused(demo_copy, path, r"expands to more than \d+ MB")


def test_a_file_that_expands_past_the_limit_is_refused(demo_copy, tmp_path, monkeypatch):
    monkeypatch.setattr(source, "MAX_EXPANDED_BYTES", 10_000)
    path = tmp_path / "accounts.csv.gz"
    path.write_bytes(gzip.compress((ACCOUNTS + "".join(f"twitter,{i},h{i},bio\n" for i in range(2000))).encode()))
    _refused(demo_copy, path, "expands to more than")


def test_concatenated_gzip_members_are_read_whole(demo_copy, tmp_path):
    path = tmp_path / "accounts.csv.gz"
    path.write_bytes(
        gzip.compress(ACCOUNTS.encode() + b"twitter,lim1,one,a\n") + gzip.compress(b"twitter,lim2,two,b\n")
    )
    con = warehouse.connect(demo_copy)
    try:
        assert import_files(con, [path]).added["accounts"] == 2
    finally:
        con.close()


def test_a_huge_field_is_refused_naming_line_and_field(demo_copy, tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_text(ACCOUNTS + "twitter,1,fine,short\n" + f"twitter,2,huge,{'x' * 200_000}\n")
    error = _refused(demo_copy, path, "200,000 characters long")
    assert error.line == 3 and error.field == "bio"
