"""Size limits of the importer: oversized files, decompression bombs and huge fields are refused with a clear
message and the warehouse is left as it was."""

import gzip
import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from core.db import warehouse
from core.ingest import InputError, import_files, limits, source
from tests.conftest import table_snapshot

ACCOUNTS = "network,account_id,handle,bio\n"
BIO_CHARS = 90_000


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
    monkeypatch.setattr(limits, "MAX_EXPANDED_BYTES", 10_000)
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


@pytest.mark.parametrize(
    ("name", "text", "field"),
    [
        ("accounts.csv", "network,account_id,handle\ntwitter,{huge},someone\n", "account_id"),
        ("accounts.csv", "network,account_id,handle,person_id\ntwitter,a1,someone,{huge}\n", "person_id"),
        ("posts.csv", "network,post_id,account_id,posted_at,text\ntwitter,{huge},a1,2024-05-01,hi\n", "post_id"),
    ],
)
def test_a_huge_key_is_refused_naming_the_files_own_column(demo_copy, tmp_path, name, text, field):
    path = tmp_path / name
    path.write_text(text.format(huge="k" * 150_000))
    error = _refused(demo_copy, path, "150,000 characters long")
    assert (error.line, error.field) == (2, field)


def parquet_bomb(path: Path, rows: int, encoding: str = "dictionary") -> Path:
    """A small accounts file whose bios are 90,000-character texts, repeated by a dictionary or shared prefixes."""

    def repeated(values: list[str], pick) -> pa.DictionaryArray:
        return pa.DictionaryArray.from_arrays(pa.array([pick(i) for i in range(rows)], pa.int32()), pa.array(values))

    bios = repeated(["x" * (BIO_CHARS - 1) + c for c in "abc"], lambda i: i % 3)
    table = pa.table(
        {
            "network": repeated(["twitter"], lambda i: 0),
            "account_id": pa.array([f"bomb{i:06d}" for i in range(rows)]),
            "handle": repeated(["bomb"], lambda i: 0),
            "bio": bios if encoding == "dictionary" else bios.dictionary_decode(),
        }
    )
    columns = {"account_id": "DELTA_BYTE_ARRAY"} | ({} if encoding == "dictionary" else {"bio": "DELTA_BYTE_ARRAY"})
    dictionary = ["network", "handle"] + (["bio"] if encoding == "dictionary" else [])
    pq.write_table(table, path, compression="zstd", column_encoding=columns, use_dictionary=dictionary)
    return path


@pytest.mark.parametrize("encoding", ["dictionary", "DELTA_BYTE_ARRAY"])
def test_a_parquet_file_that_decodes_to_far_more_than_it_stores_is_refused(demo_copy, tmp_path, encoding):
    path = parquet_bomb(tmp_path / "accounts.parquet", 1_000, encoding)  # 90 MB of bios in a few KB
    assert path.stat().st_size < 10_000
    error = _refused(demo_copy, path, r"the Parquet file expands to more than \d+ MB \(from \d+ KB\)")
    assert "check where this file came from" in str(error)


def test_a_parquet_decode_bomb_is_refused_without_decoding_it(tmp_path):
    """The case from the security review: a few KB that decode to 5.4 GB of bios, in a process of its own."""
    path = parquet_bomb(tmp_path / "accounts.parquet", rows=60_000)
    db = tmp_path / "w.duckdb"
    warehouse.connect(db).close()
    before = table_snapshot(str(db))
    # The peak is read from /proc (VmHWM): unlike ru_maxrss it starts afresh with the new program, not
    # with the size of the test process it was forked from.
    script = (
        "import json, re, sys\n"
        "from pathlib import Path\n"
        "from core.db import warehouse\n"
        "from core.ingest import InputError, import_files\n"
        "con = warehouse.connect(Path(sys.argv[1]))\n"
        "try:\n"
        "    import_files(con, [Path(sys.argv[2])])\n"
        "    message = None\n"
        "except InputError as error:\n"
        "    message = str(error)\n"
        "peak = re.search(r'VmHWM:\\s*(\\d+) kB', Path('/proc/self/status').read_text()).group(1)\n"
        "print(json.dumps([message, int(peak) // 1024]))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(db), str(path)],
        capture_output=True, text=True, timeout=300, cwd=Path(__file__).resolve().parents[2], check=True,
    )  # fmt: skip
    message, peak_mb = json.loads(run.stdout.splitlines()[-1])
    assert message is not None and "the Parquet file expands to more than" in message
    assert peak_mb < 1024, f"the refused import peaked at {peak_mb} MB"
    assert table_snapshot(str(db)) == before


def test_a_parquet_file_whose_metadata_is_over_the_limit_is_refused_before_reading(demo_copy, tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_EXPANDED_BYTES", 50_000)
    path = tmp_path / "accounts.parquet"
    rows = range(2_000)
    pl.DataFrame({"network": "twitter", "account_id": [f"m{i}" for i in rows], "handle": [f"h{i}" for i in rows],
                  "followers": list(rows)}).write_parquet(path)  # fmt: skip
    _refused(demo_copy, path, "expands to more than 0 MB")


def _many_rows(kind: str, rows: int) -> tuple[str, bytes]:
    """A file of `rows` valid records in each format Sway reads."""
    ids = [f"r{i}" for i in range(rows)]
    if kind == "csv":
        return "accounts.csv", (ACCOUNTS + "".join(f"twitter,{i},h,b\n" for i in ids)).encode()
    if kind == "jsonl":
        return "accounts.jsonl", "".join(
            json.dumps({"network": "twitter", "account_id": i, "handle": "h"}) + "\n" for i in ids
        ).encode()
    if kind == "snap":
        return "activity.txt", "".join(f"{n} {n + 1} 1341100972 RT\n" for n in range(rows)).encode()
    buffer = pa.BufferOutputStream()
    pq.write_table(pa.table({"network": ["twitter"] * rows, "account_id": ids, "handle": ["h"] * rows}), buffer)
    return "accounts.parquet", buffer.getvalue().to_pybytes()


@pytest.mark.parametrize("kind", ["csv", "jsonl", "snap", "parquet"])
def test_a_file_with_too_many_records_is_refused_before_it_is_parsed(demo_copy, tmp_path, monkeypatch, kind):
    monkeypatch.setattr(limits, "MAX_ROWS", 100)
    name, data = _many_rows(kind, 101)
    path = tmp_path / name
    path.write_bytes(data)
    error = _refused(demo_copy, path, r"the file has 10[12] (lines|rows), more than Sway imports from one file \(100\)")
    assert "Split it into smaller files" in error.fix
