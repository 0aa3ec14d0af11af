"""Bad input corpus: how many malformed files the importer refuses cleanly, leaving the warehouse unchanged.

Generates files that are truncated, wrongly encoded, have huge fields or wrong types, carry injection strings,
or are decompression or Parquet decode bombs, imports each into a small demo warehouse, and checks that every
one is refused with an InputError naming the file (and line and field where there is one) while every table
keeps its exact contents. Files whose only oddity is injection-looking text in a free-text field are valid:
they must be stored verbatim with nothing else changed. Files with control or text-direction characters in
their text are valid too: they must be stored without them, and the report must count them. The last line is
one JSON object for scripts.

    python -m bench.bad_inputs
"""

from __future__ import annotations

import gzip
import io
import json
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from core.db import warehouse
from core.demo.world import build_demo_warehouse
from core.ingest import ImportReport, InputError, import_files

ACCOUNTS = "network,account_id,handle,bio,followers\n"
POSTS = "network,post_id,account_id,posted_at,text\n"
INTERACTIONS = "network,actor_account_id,target_account_id,type,occurred_at,post_id\n"
GOOD_ACCOUNTS = ACCOUNTS + "twitter,bad1,first,hello,10\ntwitter,bad2,second,bonjour,20\n"
INJECTIONS = (
    "'); DROP TABLE people; --",
    '" OR 1=1 --',
    "=cmd|' /C calc'!A0",
    "<script>alert(1)</script>",
    "Robert'); DELETE FROM accounts WHERE ('1'='1",
    "${jndi:ldap://127.0.0.1/a}",
    "../../etc/passwd",
)


def _parquet(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()


def _parquet_bomb(encoding: str, rows: int) -> bytes:
    """A few KB of Parquet whose bios decode to rows x 90,000 characters, by a dictionary or shared prefixes."""
    dictionary = encoding == "dictionary"
    bios = pa.DictionaryArray.from_arrays(
        pa.array([i % 3 for i in range(rows)], pa.int32()), pa.array(["x" * 89_999 + c for c in "abc"])
    )
    ids = pa.array([f"pb{i:06d}" for i in range(rows)])
    bio = bios if dictionary else bios.dictionary_decode()
    table = pa.table({"network": pa.array(["twitter"] * rows), "account_id": ids, "handle": ids, "bio": bio})
    prefixed = ["account_id", "handle"] if dictionary else ["account_id", "handle", "bio"]
    buffer = io.BytesIO()
    pq.write_table(
        table,
        buffer,
        compression="zstd",
        use_dictionary=["network", "bio"] if dictionary else ["network"],
        column_encoding=dict.fromkeys(prefixed, "DELTA_BYTE_ARRAY"),
    )
    return buffer.getvalue()


def _parquet_many_rows(rows: int) -> bytes:
    """A small Parquet file of more rows than one import takes: one repeated account, dictionary-encoded."""
    repeated = pa.DictionaryArray.from_arrays(pa.array([0] * rows, pa.int32()), pa.array(["twitter"]))
    buffer = io.BytesIO()
    pq.write_table(pa.table({"network": repeated, "account_id": repeated, "handle": repeated}), buffer)
    return buffer.getvalue()


def _bomb(prefix: bytes, filler: bytes, size: int) -> bytes:
    """A gzip file that expands to `size` bytes, compressed chunk by chunk so the bench itself stays small."""
    packer = gzip.zlib.compressobj(9, gzip.zlib.DEFLATED, 16 + gzip.zlib.MAX_WBITS)
    chunk = filler * (1 << 20)
    parts = [packer.compress(prefix)]
    parts.extend(packer.compress(chunk) for _ in range(size >> 20))
    parts.append(packer.flush())
    return b"".join(parts)


def corpus() -> list[tuple[str, str, bytes]]:
    """(category, file name, content) of every malformed file."""
    files: list[tuple[str, str, bytes]] = []

    def add(category: str, name: str, content: bytes | str) -> None:
        files.append((category, name, content.encode() if isinstance(content, str) else content))

    good_gz = gzip.compress(GOOD_ACCOUNTS.encode() * 50)
    parquet = _parquet(pl.DataFrame({"network": ["twitter"] * 50, "account_id": [f"pq{i}" for i in range(50)],
                                     "handle": [f"h{i}" for i in range(50)]}))  # fmt: skip
    # Truncated: cut mid-record, mid-quote, mid-compression, mid-Parquet, mid-JSON.
    add("truncated", "accounts_cut_quote.csv", ACCOUNTS + 'twitter,t1,cut,"an unclosed bio\n')
    add("truncated", "accounts_cut_row.csv", ACCOUNTS + "twitter,t1,cut,bio,12\ntwitter,t2")
    add("truncated", "accounts_cut.csv.gz", good_gz[: len(good_gz) // 2])
    add("truncated", "accounts_header_cut.csv.gz", good_gz[:12])
    add("truncated", "accounts_cut.parquet", parquet[: len(parquet) // 2])
    add("truncated", "accounts_cut.jsonl", '{"network": "twitter", "account_id": "j1", "handle": "a"}\n{"network": "tw')
    add("truncated", "tweets_cut.jsonl", '{"id_str": "1", "user": {"id_str": "9", "screen_name": "x"}, "text": "hi')
    add("truncated", "posts_header_only.csv", POSTS)
    add("truncated", "empty.csv", "")
    # Wrong encoding.
    add("encoding", "accounts_latin1.csv", (ACCOUNTS + "twitter,e1,jose,café crème,1\n").encode("latin-1"))
    add("encoding", "accounts_utf16.csv", (ACCOUNTS + "twitter,e2,anna,hi,1\n").encode("utf-16"))
    add("encoding", "accounts_utf16be.csv", b"\xfe\xff" + (ACCOUNTS + "twitter,e3,b,c,1\n").encode("utf-16-be"))
    add("encoding", "accounts_cp1252.csv", (ACCOUNTS + "twitter,e4,q,\u201cquoted\u201d,1\n").encode("cp1252"))
    add("encoding", "accounts_binary.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)
    add("encoding", "accounts_nul.csv", ACCOUNTS + "twitter,e5,nul\x00byte,bio,1\n")
    late = "".join(f"twitter,n{n},h{n},fine,{n}\n" for n in range(1000))  # NUL past the first 8 KB
    add("encoding", "accounts_nul_late.csv", ACCOUNTS + late + "twitter,e6,nul\x00late,bio,1\n")
    rows = "".join(json.dumps({"network": "twitter", "account_id": f"j{n}", "handle": "h"}) + "\n" for n in range(200))
    add("encoding", "accounts_nul_late.jsonl", rows + '{"network": "twitter", "handle": "\x00"}\n')
    add("encoding", "edges_nul_late.txt", "1 2 1341100972 RT\n" * 1000 + "3 4 1341100973 MT\x00\n")
    # Huge fields.
    add("huge_field", "accounts_huge_bio.csv", ACCOUNTS + f"twitter,h1,big,{'x' * 500_000},1\n")
    add("huge_field", "posts_huge_text.csv", POSTS + f"twitter,hp1,bad1,2024-05-01,{'word ' * 100_000}\n")
    add("huge_field", "accounts_huge_handle.jsonl", json.dumps({"network": "twitter", "account_id": "h2",
                                                                 "handle": "y" * 300_000}) + "\n")  # fmt: skip
    add("huge_field", "accounts_huge_id.csv", ACCOUNTS + f"twitter,{'9' * 200_000},big,bio,1\n")
    # Wrong types and values.
    add("wrong_type", "accounts_followers_text.csv", ACCOUNTS + "twitter,w1,a,b,12k\n")
    add("wrong_type", "accounts_followers_negative.csv", ACCOUNTS + "twitter,w2,a,b,-5\n")
    add("wrong_type", "accounts_followers_float.csv", ACCOUNTS + "twitter,w3,a,b,1.5\n")
    add("wrong_type", "accounts_network_unknown.csv", ACCOUNTS + "myspace,w4,a,b,1\n")
    add("wrong_type", "posts_date_words.csv", POSTS + "twitter,wp1,bad1,yesterday,hello\n")
    add("wrong_type", "posts_date_future.csv", POSTS + "twitter,wp2,bad1,2999-01-01,hello\n")
    add("wrong_type", "interactions_type_unknown.csv", INTERACTIONS + "twitter,bad1,bad2,love,2024-05-01,\n")
    add("wrong_type", "interactions_unknown_account.csv", INTERACTIONS + "twitter,nobody1,nobody2,like,2024-05-01,\n")
    add("wrong_type", "accounts_missing_column.csv", "network,handle\ntwitter,a\n")
    add("wrong_type", "accounts_duplicate_id.csv", ACCOUNTS + "twitter,d1,a,b,1\ntwitter,d1,c,d,2\n")
    add("wrong_type", "accounts_types.parquet", _parquet(pl.DataFrame({"network": [1, 2], "account_id": [3.5, 4.5],
                                                                       "handle": [True, False]})))  # fmt: skip
    add("wrong_type", "accounts_list.json", '[{"network": "twitter", "account_id": "1", "handle": "a"}]')
    add("wrong_type", "tweets_wrong_types.jsonl", json.dumps({"id_str": 5, "user": "not an object", "text": 3}) + "\n")
    add("wrong_type", "edges_weighted.txt", "1 2 3\n4 5 6\n")
    add("wrong_type", "edges_user_not_a_number.txt", "1 2 1341100972 RT\n12x 99 1341100972 RT\n")
    add("wrong_type", "edges_user_negative.txt", "1 2 1341100972 RT\n5 -6 1341100974 RE\n")
    for label, value in (("nan", float("nan")), ("inf", float("inf")), ("1e20", 1e20)):
        frame = pl.DataFrame({"network": ["twitter"] * 2, "account_id": [f"pf{label}", f"pg{label}"],
                              "handle": ["h", "h"], "followers": [10.0, value]})  # fmt: skip
        add("wrong_type", f"accounts_followers_{label}.parquet", _parquet(frame))
    add("wrong_type", "accounts_followers_1e20.jsonl", '{"network": "twitter", "account_id": "j9", "handle": "h", '
                                                       '"followers": 1e20}\n')  # fmt: skip
    add("wrong_type", "accounts_followers_nan.jsonl", '{"network": "twitter", "account_id": "j8", "handle": "h", '
                                                      '"followers": NaN}\n')  # fmt: skip
    add("wrong_type", "accounts_key_twice.jsonl", '{"network": "twitter", "account_id": "k1", "handle": "a", '
                                                  '"handle": "b"}\n')  # fmt: skip
    add("wrong_type", "tweets_key_twice.jsonl", '{"id_str": "1", "user": {"id_str": "9", "screen_name": "x", '
                                                '"id_str": "10"}, "text": "hi", "created_at": '
                                                '"Wed Jan 07 11:06:08 +0000 2015"}\n')  # fmt: skip
    add("wrong_type", "notes.txt", "just some notes\nnothing to import\n")
    # Injection strings in fields that are checked: refused, naming the value, nothing run.
    for number, text in enumerate(INJECTIONS):
        quoted = '"' + text.replace('"', '""') + '"'
        add("injection", f"accounts_inject_network_{number}.csv", ACCOUNTS + f"{quoted},i{number},h,b,1\n")
        interaction = f"twitter,bad1,bad2,{quoted},2024-05-01,\n"
        add("injection", f"interactions_inject_type_{number}.csv", INTERACTIONS + interaction)
    add("injection", "accounts_inject_followers.csv", ACCOUNTS + "twitter,i9,h,b,1; DROP TABLE accounts\n")
    # Decompression bombs and archives.
    add("bomb", "accounts_bomb.csv.gz", _bomb(ACCOUNTS.encode() + b"twitter,z,z,", b"A", 4 << 30))
    add("bomb", "accounts_zeros.csv.gz", _bomb(b"", b"\0", 1 << 30))
    add("bomb", "accounts_nested.csv.gz", gzip.compress(_bomb(b"", b"\0", 1 << 30), 9))
    add("bomb", "accounts.zip", b"PK\x03\x04" + b"\0" * 1000)
    # 5.4 GB of bios in a few KB, as in the security review; the prefix bomb is built decoded, so smaller.
    add("bomb", "accounts_dictionary_bomb.parquet", _parquet_bomb("dictionary", 60_000))
    add("bomb", "accounts_prefix_bomb.parquet", _parquet_bomb("DELTA_BYTE_ARRAY", 1_000))
    add("bomb", "accounts_many_rows.parquet", _parquet_many_rows(5_000_001))
    add("bomb", "edges_many_lines.txt", b"1 2 1 RT\n" * 5_000_001)  # 45 MB, under every limit but the lines
    return files


def valid_with_injections() -> tuple[str, bytes]:
    """A valid accounts file whose free-text fields hold injection strings: they must be stored verbatim."""
    lines = [ACCOUNTS.strip()]
    for number, text in enumerate(INJECTIONS):
        quoted = '"' + text.replace('"', '""') + '"'
        lines.append(f"twitter,inj{number},{'inj_' + str(number)},{quoted},{number}")
    return "accounts_injection_text.csv", ("\n".join(lines) + "\n").encode()


class Cleaned(NamedTuple):
    """A valid file with invisible characters, the (handle, display name, bio) each account must be stored
    with, and the control and text-direction characters the report must count."""

    name: str
    content: bytes
    stored: dict[str, tuple[str, str, str | None]]
    controls: int
    direction: int


def valid_with_invisible_characters() -> list[Cleaned]:
    """Valid accounts files whose text holds control and text-direction characters: stored without them."""
    csv = ('network,account_id,handle,display_name,bio\n'
           'twitter,cc1,ma\x1bra,"\u202eMara\x07 Lind","Home cook\x0b\nin Lisbon"\n'
           'twitter,cc2,jo\u2066nas\u2069,Jonas\x1f,\n')  # fmt: skip
    parquet = _parquet(pl.DataFrame({"network": ["twitter"], "account_id": ["cc3"], "handle": ["an\x00a"],
                                     "display_name": ["Ana\u202d"], "bio": ["x\x01y"]}))  # fmt: skip
    return [
        Cleaned("accounts_control_chars.csv", csv.encode(),
                {"cc1": ("mara", "Mara Lind", "Home cook\nin Lisbon"), "cc2": ("jonas", "Jonas", None)}, 4, 3),
        Cleaned("accounts_control_chars.parquet", parquet, {"cc3": ("ana", "Ana", "xy")}, 2, 1),
    ]  # fmt: skip


def fingerprint(con) -> dict[str, str]:
    """A digest of every table's full contents: equal fingerprints mean nothing changed."""
    tables = warehouse.rows(
        con, "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' ORDER BY 1"
    )
    digest = "SELECT count(*)::VARCHAR || md5(coalesce(string_agg(x::VARCHAR, chr(1) ORDER BY x::VARCHAR), '')) "
    return {t: warehouse.scalar(con, digest + f'FROM "{t}" x') for (t,) in tables}


def _judge(con, path: Path, name: str, before: dict[str, str], check: Callable[[ImportReport], bool] | None) -> str:
    """'clean' (refused with a precise message, nothing changed; or valid and stored as `check` wants), or what
    went wrong."""
    try:
        report = import_files(con, [path])
    except InputError as error:
        if not str(error).startswith(name):
            return f"message does not name the file: {error}"
        if fingerprint(con) != before:
            return "refused but the warehouse changed"
        return "clean"
    except Exception as error:  # anything but an InputError is a failure of the importer
        return f"crashed with {type(error).__name__}: {error}"
    if check is not None:
        return "clean" if check(report) else "accepted but not stored as it should be"
    return "accepted a malformed file"


def main() -> int:
    started = time.perf_counter()
    results: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="sway-bad-inputs-") as folder:
        db = Path(folder) / "bench.duckdb"
        build_demo_warehouse(db, people=300, seed=5)
        con = warehouse.connect(db)
        try:
            for category, name, content in corpus():
                path = Path(folder) / name
                path.write_bytes(content)
                before = fingerprint(con)
                t0 = time.perf_counter()
                verdict = _judge(con, path, name, before, None)
                path.unlink()
                results.append((category, name, verdict))
                print(f"{category:<11} {name:<38} {time.perf_counter() - t0:6.2f} s  {verdict[:110]}")
            name, content = valid_with_injections()
            path = Path(folder) / name
            path.write_bytes(content)
            people = warehouse.scalar(con, "SELECT count(*) FROM people")

            def stored_verbatim(_: ImportReport) -> bool:
                bios = dict(warehouse.rows(con, "SELECT external_id, bio FROM accounts WHERE external_id LIKE 'inj%'"))
                intact = warehouse.scalar(con, "SELECT count(*) FROM people") == people + len(INJECTIONS)
                return intact and all(bios.get(f"inj{n}") == text for n, text in enumerate(INJECTIONS))

            verdict = _judge(con, path, name, {}, stored_verbatim)
            results.append(("injection_text", name, verdict))
            print(f"{'injection':<11} {name:<38} {'':>8}  {verdict} (valid file: stored verbatim, nothing else run)")
            for case in valid_with_invisible_characters():
                path = Path(folder) / case.name
                path.write_bytes(case.content)

                def stored_cleaned(report: ImportReport, case: Cleaned = case) -> bool:
                    stored = {
                        account: warehouse.rows(
                            con, "SELECT handle, display_name, bio FROM accounts WHERE external_id = ?", [account]
                        )
                        for account in case.stored
                    }
                    counted = (report.controls_removed, report.direction_removed) == (case.controls, case.direction)
                    return counted and all(stored[a] == [row] for a, row in case.stored.items())

                verdict = _judge(con, path, case.name, {}, stored_cleaned)
                results.append(("invisible_text", case.name, verdict))
                print(
                    f"{'invisible':<11} {case.name:<38} {'':>8}  {verdict} (valid file: stored without them, counted)"
                )
        finally:
            con.close()
    clean = [r for r in results if r[2] == "clean"]
    by_category = Counter(c for c, _, _ in results)
    clean_by_category = Counter(c for c, _, _ in clean)
    print()
    for category, total in by_category.items():
        print(f"{category:<15} {clean_by_category[category]:>3} of {total:>3} handled cleanly")
    failures = [f"{name}: {verdict}" for _, name, verdict in results if verdict != "clean"]
    for failure in failures:
        print(f"NOT CLEAN  {failure}", file=sys.stderr)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(clean)} of {len(results)} bad files handled cleanly in {time.perf_counter() - started:.1f} s; "
          f"peak memory {peak_mb:,.0f} MB")  # fmt: skip
    print(json.dumps({
        "bench": "bad_inputs", "files": len(results), "handled_cleanly": len(clean), "not_clean": failures,
        "by_category": {c: [clean_by_category[c], n] for c, n in by_category.items()},
        "seconds": round(time.perf_counter() - started, 1), "peak_rss_mb": round(peak_mb),
    }))  # fmt: skip
    return 0 if not failures else 1


if __name__ == "__main__":
    raise SystemExit(main())
