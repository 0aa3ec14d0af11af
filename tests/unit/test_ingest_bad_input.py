"""Bad input: every case raises one InputError naming file, line and field, and leaves the warehouse as it was."""

import gzip
import io
import json
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

import polars as pl
import pytest

from core.db import warehouse
from core.ingest import InputError, import_files

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
INTERCHANGE = [FIXTURES / "interchange" / n for n in ("accounts.csv", "posts.csv", "interactions.csv")]
TWEET_LINES = (FIXTURES / "twitter_v1_sample.jsonl").read_text(encoding="utf-8").splitlines()
NOW = datetime(2025, 1, 1)

ACCOUNTS = "network,account_id,handle,followers\n"
POSTS = "network,post_id,account_id,posted_at,text\n"
INTERACTIONS = "network,actor_account_id,target_account_id,type,occurred_at,post_id\n"


def tweets(change: int, edit) -> bytes:
    """The tweet fixture with line `change` (1-based) edited by `edit(tweet) -> tweet or raw text`."""
    lines = list(TWEET_LINES[:6])
    edited = edit(json.loads(lines[change - 1]))
    lines[change - 1] = edited if isinstance(edited, str) else json.dumps(edited)
    return ("\n".join(lines) + "\n").encode()


def parquet(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()


class Case(NamedTuple):
    files: dict[str, bytes]
    file: str
    line: int | None
    field: str | None
    says: tuple[str, ...]


CASES = {
    "missing column": Case(
        {"accounts.csv": b"network,account_id\ntwitter,1\n"},
        "accounts.csv",
        1,
        None,
        ("'handle'", "is missing", "network, account_id, handle (required)"),
    ),
    "misspelt column": Case(
        {"accounts.csv": b"network,account_id,handle,folowers\ntwitter,1,a,5\n"},
        "accounts.csv",
        1,
        "folowers",
        ("not a column", "Did you mean 'followers'?"),
    ),
    "word for a number": Case(
        {"accounts.csv": (ACCOUNTS + "twitter,1,a,10\ntwitter,2,b,many\n").encode()},
        "accounts.csv",
        3,
        "followers",
        ("'many' is not a whole number", "digits only"),
    ),
    "negative number": Case(
        {"accounts.csv": (ACCOUNTS + "twitter,1,a,-5\n").encode()}, "accounts.csv", 2, "followers", ("'-5'",)
    ),
    "same problem on many rows": Case(
        {"accounts.csv": (ACCOUNTS + "twitter,1,a,x\ntwitter,2,b,y\ntwitter,3,c,z\n").encode()},
        "accounts.csv",
        2,
        "followers",
        ("'x'", "and 2 more rows like this"),
    ),
    "unknown network": Case(
        {"accounts.csv": (ACCOUNTS + "facebook,1,a,1\n").encode()},
        "accounts.csv",
        2,
        "network",
        ("'facebook' is not a known network", "twitter, instagram, youtube, tiktok, blog"),
    ),
    "unknown interaction type": Case(
        {"interactions.csv": (INTERACTIONS + "instagram,ig-200,ig-100,retweet,2024-05-01,\n").encode()},
        "interactions.csv",
        2,
        "type",
        ("'retweet'", "repost, reply, mention, like, click, follow"),
    ),
    "empty post text": Case(
        {"posts.csv": (POSTS + "instagram,p7,ig-100,2024-05-01,Hello\ninstagram,p8,ig-100,2024-05-01,  \n").encode()},
        "posts.csv",
        3,
        "text",
        ("no text", "Fill it in"),
    ),
    "unreadable date": Case(
        {"posts.csv": (POSTS + "instagram,p7,ig-100,05/01/2024,Hello\n").encode()},
        "posts.csv",
        2,
        "posted_at",
        ("'05/01/2024' is not a date", "ISO 8601"),
    ),
    "time in the future": Case(
        {"posts.csv": (POSTS + "instagram,p7,ig-100,2030-01-01T10:00:00Z,Hello\n").encode()},
        "posts.csv",
        2,
        "posted_at",
        ("2030-01-01 10:00:00 is in the future", "UTC"),
    ),
    "account id twice in a file": Case(
        {"accounts.csv": (ACCOUNTS + "twitter,1,a,1\ntwitter,2,b,1\ntwitter,1,c,1\n").encode()},
        "accounts.csv",
        4,
        "account_id",
        ("'1' was already given on line 2", "one row per id"),
    ),
    "post id twice in a file": Case(
        {"posts.csv": (POSTS + "instagram,p7,ig-100,2024-05-01,A\ninstagram,p7,ig-100,2024-05-02,B\n").encode()},
        "posts.csv",
        3,
        "post_id",
        ("'p7' was already given on line 2",),
    ),
    # Files get fixed top to bottom: the earliest line's problem is named, whichever check finds it.
    "a time in the future above a bad date": Case(
        {
            "posts.csv": (
                POSTS + "instagram,p6,ig-100,2030-01-01T10:00:00Z,Hi\ninstagram,p7,ig-100,05/01/2024,Hello\n"
            ).encode()
        },
        "posts.csv",
        2,
        "posted_at",
        ("2030-01-01 10:00:00 is in the future",),
    ),
    "a repeated id above a bad count": Case(
        {"accounts.csv": (ACCOUNTS + "twitter,1,a,1\ntwitter,1,b,1\ntwitter,2,c,many\n").encode()},
        "accounts.csv",
        3,
        "account_id",
        ("'1' was already given on line 2",),
    ),
    "a tweet from the future above a bad count": Case(
        {
            "tweets.jsonl": tweets(4, lambda t: t | {"user": t["user"] | {"followers_count": "many"}}).replace(
                json.loads(TWEET_LINES[1])["created_at"].encode(), b"Tue Jan 07 11:06:08 +0000 2031", 1
            )
        },
        "tweets.jsonl",
        2,
        "created_at",
        ("2031-01-07 11:06:08 is in the future",),
    ),
    "post by an unknown account": Case(
        {"posts.csv": (POSTS + "instagram,p7,ig-100,2024-05-01,A\ninstagram,p8,nobody,2024-05-01,B\n").encode()},
        "posts.csv",
        3,
        "account_id",
        ("no instagram account 'nobody' in this import or in Sway", "Import the accounts file"),
    ),
    "account known on another network only": Case(
        {"posts.csv": (POSTS + "tiktok,p7,ig-100,2024-05-01,A\n").encode()},
        "posts.csv",
        2,
        "account_id",
        ("no tiktok account 'ig-100'",),
    ),
    "interaction by an unknown account": Case(
        {"interactions.csv": (INTERACTIONS + "instagram,ghost,ig-100,like,2024-05-01,\n").encode()},
        "interactions.csv",
        2,
        "actor_account_id",
        ("'ghost'",),
    ),
    "interaction with an unknown post": Case(
        {"interactions.csv": (INTERACTIONS + "instagram,ig-200,ig-100,like,2024-05-01,p404\n").encode()},
        "interactions.csv",
        2,
        "post_id",
        ("no instagram post 'p404'", "Import the posts file"),
    ),
    "broken JSON line": Case(
        {"accounts.jsonl": b'{"network": "blog", "account_id": "x", "handle": "x"}\n{"network": "blog", "acc\n'},
        "accounts.jsonl",
        2,
        None,
        ("not valid JSON", "one complete JSON object"),
    ),
    "broken tweet line": Case(
        {"tweets.jsonl": tweets(5, lambda t: json.dumps(t)[:200])},
        "tweets.jsonl",
        5,
        None,
        ("not valid JSON",),
    ),
    "not UTF-8": Case(
        {"accounts.csv": (ACCOUNTS + "twitter,1,a,1\ntwitter,2,André,1\n").encode("latin-1")},
        "accounts.csv",
        3,
        None,
        ("not saved as UTF-8", "save it as UTF-8"),
    ),
    "UTF-16": Case(
        {"accounts.csv": (ACCOUNTS + "twitter,1,a,1\n").encode("utf-16")}, "accounts.csv", None, None, ("UTF-16",)
    ),
    "empty file": Case({"accounts.csv": b""}, "accounts.csv", None, None, ("the file is empty",)),
    "header only": Case({"accounts.csv": ACCOUNTS.encode()}, "accounts.csv", None, None, ("no rows",)),
    "image": Case(
        {"accounts.csv": b"\x89PNG\r\n\x1a\n" + bytes(200)}, "accounts.csv", None, None, ("a PNG image", "CSV UTF-8")
    ),
    "Excel workbook": Case({"accounts.xlsx": b"PK\x03\x04" + bytes(200)}, "accounts.xlsx", None, None, ("Excel",)),
    "damaged gzip": Case({"accounts.csv.gz": b"\x1f\x8b\x08\x00garbage"}, "accounts.csv.gz", None, None, ("damaged",)),
    "extra values on a line": Case(
        {"accounts.csv": (ACCOUNTS + "twitter,1,a,1\ntwitter,2,b,1,oops\n").encode()},
        "accounts.csv",
        3,
        None,
        ("5 values but the header names 4 columns", "double quotes"),
    ),
    "line breaks inside quotes keep line numbers right": Case(
        {"accounts.csv": b'network,account_id,handle,bio,followers\ntwitter,1,a,"x\ny\nz",1\ntwitter,2,b,ok,many\n'},
        "accounts.csv",
        5,
        "followers",
        ("'many'",),
    ),
    "values under a blank header cell": Case(
        {"accounts.csv": (ACCOUNTS[:-1] + ",\ntwitter,1,a,1,\ntwitter,2,b,1,note\n").encode()},
        "accounts.csv",
        3,
        None,
        ("column 5 has no name but holds values",),
    ),
    "semicolons": Case(
        {"accounts.csv": b"network;account_id;handle\ntwitter;1;a\n"}, "accounts.csv", 1, None, ("semicolons",)
    ),
    "unrecognised file": Case(
        {"notes.txt": b"hello world\nthis is not data\n"},
        "notes.txt",
        None,
        None,
        ("doesn't recognise", "Twitter API v1.1", "SNAP"),
    ),
    "one JSON list": Case({"accounts.json": b'[{"network": "blog"}]'}, "accounts.json", None, None, ("JSON Lines",)),
    "kind unclear": Case(
        {"export.csv": b"network,account_id\nblog,x\n"}, "export.csv", None, None, ("accounts, posts or interactions",)
    ),
    "tweet without author": Case(
        {"tweets.jsonl": tweets(3, lambda t: {k: v for k, v in t.items() if k != "user"} | {"id_str": t["id_str"]})},
        "tweets.jsonl",
        3,
        "user.id_str",
        ("no author",),
    ),
    "tweet author with a word for followers": Case(
        {"tweets.jsonl": tweets(4, lambda t: t | {"user": t["user"] | {"followers_count": "many"}})},
        "tweets.jsonl",
        4,
        "user.followers_count",
        ("'many' is not a whole number",),
    ),
    "tweet from the future": Case(
        {"tweets.jsonl": tweets(2, lambda t: t | {"created_at": "Tue Jan 07 11:06:08 +0000 2031"})},
        "tweets.jsonl",
        2,
        "created_at",
        ("2031-01-07 11:06:08 is in the future",),
    ),
    "tweet whose user is text": Case(
        {"tweets.jsonl": tweets(3, lambda t: t | {"user": "bob"})},
        "tweets.jsonl",
        3,
        "user",
        ("holds text where an object is expected",),
    ),
    "tweet whose mentions are not objects": Case(
        {"tweets.jsonl": tweets(2, lambda t: t | {"entities": {"hashtags": [], "user_mentions": ["x"]}})},
        "tweets.jsonl",
        2,
        "entities.user_mentions[0]",
        ("holds text where an object is expected",),
    ),
    "interchange field holding an object on one line": Case(
        {
            "accounts.jsonl": b'{"network": "blog", "account_id": "a", "handle": "a"}\n'
            b'{"network": "blog", "account_id": "b", "handle": {"x": 1}}\n'
        },
        "accounts.jsonl",
        2,
        "handle",
        ("holds an object", "one plain value"),
    ),
    "tweet with an unreadable time": Case(
        {"tweets.jsonl": tweets(2, lambda t: t | {"created_at": "2015-01-07"})},
        "tweets.jsonl",
        2,
        "created_at",
        ("not a Twitter time",),
    ),
    "unknown edge type": Case(
        {"higgs.txt": b"1 2 1341100972 RT\n3 4 1341100973 MT\n5 6 1341100974 LIKE\n"},
        "higgs.txt",
        3,
        "type",
        ("'LIKE'", "RT (retweet), MT (mention) or RE (reply)"),
    ),
    "edge from the future": Case(
        {"higgs.txt": b"# comment\n1 2 1341100972 RT\n3 4 4102444800 MT\n"},
        "higgs.txt",
        3,
        "timestamp",
        ("2100-01-01 00:00:00 is in the future",),
    ),
    "an edge from the future above an unknown type": Case(
        {"higgs.txt": b"1 2 1341100972 RT\n3 4 4102444800 MT\n5 6 1341100973 LIKE\n"},
        "higgs.txt",
        2,
        "timestamp",
        ("2100-01-01 00:00:00 is in the future",),
    ),
    "edge time in milliseconds": Case(
        {"higgs.txt": b"1 2 1341100972 RT\n3 4 1341100973000 MT\n5 6 1341100973000000 RE\n"},
        "higgs.txt",
        2,
        "timestamp",
        ("'1341100973000' is too large for a Unix time in seconds", "divide by 1,000", "and 1 more row"),
    ),
    "stray quote in an edge list": Case(
        {"higgs.txt": b'1 2 1341100972 RT\n3 "4 1341100001 MT\n5 6 1341100974 RE\n'},
        "higgs.txt",
        2,
        "userB",
        ("'\"4' is not a SNAP user id",),
    ),
    "edge time past any calendar": Case(
        {"higgs.txt": b"1 2 99999999999999 RT\n"}, "higgs.txt", 1, "timestamp", ("'99999999999999' is too large",)
    ),
    "date past the year 9999 once in UTC": Case(
        {
            "posts.csv": (
                POSTS + "instagram,p7,ig-100,2024-05-01,Hi\ninstagram,p8,ig-100,9999-12-31T23:59:59-05:00,Hello\n"
            ).encode()
        },
        "posts.csv",
        3,
        "posted_at",
        ("'9999-12-31T23:59:59-05:00' is not a date", "ISO 8601"),
    ),
    "long id stored as a decimal number": Case(
        {
            "accounts.jsonl": b'{"network": "blog", "account_id": 5.0, "handle": "a"}\n'
            b'{"network": "blog", "account_id": 1234567890123456789, "handle": "b"}\n'
        },
        "accounts.jsonl",
        2,
        "account_id",
        ("1234567890123456768 is stored as a decimal number", "ids in quotes"),
    ),
    "edge with too many values": Case(
        {"higgs.txt": b"1 2 1341100972 RT\n3 4 1341100973 MT extra\n"}, "higgs.txt", 2, None, ("more than 4 values",)
    ),
    "edge with too few values": Case(
        {"higgs.txt": b"1 2 1341100972 RT\n3 4\n"}, "higgs.txt", 2, None, ("fewer than 4 values",)
    ),
    "edge from a user id that is not a number": Case(
        {"higgs.txt": b"1 2 1341100972 RT\n12x 99 1341100972 RT\n"},
        "higgs.txt",
        2,
        "userA",
        ("'12x' is not a SNAP user id", "userA userB unix_time TYPE"),
    ),
    "edge to a user id that is not a number": Case(
        {"higgs.txt": b"# users\n1 2 1341100972 RT\n3 4 1341100973 MT\n5 -6 1341100974 RE\n"},
        "higgs.txt",
        4,
        "userB",
        ("'-6' is not a SNAP user id",),
    ),
    "first edge with a user id that is not a number": Case(
        {"higgs.txt": b"u1 2 1341100972 RT\n3 4 1341100973 MT\n"}, "higgs.txt", 1, "userA", ("'u1'",)
    ),
    "a key twice in a JSON Lines row": Case(
        {"accounts.jsonl": b'{"network": "blog", "account_id": "x", "handle": "x"}\n{"handle": "a", "handle": "b"}'},
        "accounts.jsonl",
        2,
        "handle",
        ("the key 'handle' appears twice in one object", "Keep one of them"),
    ),
    "a key twice in a tweet": Case(
        {"tweets.jsonl": tweets(3, lambda t: json.dumps(t)[:-1] + ', "id_str": "1"}')},
        "tweets.jsonl",
        3,
        "id_str",
        ("'id_str' appears twice",),
    ),
    "a key twice in a tweet's author": Case(
        {"tweets.jsonl": tweets(4, lambda t: json.dumps(t).replace('"user": {', '"user": {"screen_name": "x", ', 1))},
        "tweets.jsonl",
        4,
        "screen_name",
        ("'screen_name' appears twice",),
    ),
    "NaN in JSON Lines": Case(
        {"accounts.jsonl": b'{"network": "blog", "account_id": "y", "handle": "h", "followers": NaN}\n'},
        "accounts.jsonl",
        1,
        "followers",
        ("NaN is not a number JSON allows", "digits"),
    ),
    "Infinity in a tweet": Case(
        {"tweets.jsonl": tweets(2, lambda t: json.dumps(t | {"favorite_count": float("inf")}))},
        "tweets.jsonl",
        2,
        "favorite_count",
        ("Infinity is not a number JSON allows",),
    ),
    "-Infinity in a list of a tweet": Case(
        {"tweets.jsonl": tweets(5, lambda t: json.dumps(t | {"coordinates": {"coordinates": [float("-inf"), 1.0]}}))},
        "tweets.jsonl",
        5,
        "coordinates",
        ("-Infinity is not a number JSON allows",),
    ),
    "Parquet rows are named as rows": Case(
        {
            "accounts.parquet": parquet(
                pl.DataFrame(
                    {"network": ["blog", "blog"], "account_id": ["a", "b"], "handle": ["a", "b"]}
                ).with_columns(followers=pl.Series(["1", "many"]))
            )
        },
        "accounts.parquet",
        None,
        "followers",
        ("in row 2, 'many'",),
    ),
    "damaged Parquet": Case(
        {"accounts.parquet": b"PAR1" + bytes(range(256)) + b"PAR1"}, "accounts.parquet", None, None, ("can't be read",)
    ),
    "a list in a cell": Case(
        {"accounts.jsonl": b'{"network": "blog", "account_id": "x", "handle": ["a", "b"]}\n'},
        "accounts.jsonl",
        1,
        "handle",
        ("holds a list", "one plain value"),
    ),
    "all or nothing: a good file and a bad one": Case(
        {
            "accounts_new.csv": (ACCOUNTS + "blog,new-1,fresh,1\n").encode(),
            "posts_new.csv": (POSTS + "blog,np1,new-1,2024-05-01,Hi\nblog,np2,new-1,2024-05-01,\n").encode(),
        },
        "posts_new.csv",
        3,
        "text",
        ("no text",),
    ),
}


@pytest.fixture
def con(tmp_path):
    """A warehouse that already holds the interchange fixture, so 'unchanged' means something."""
    con = warehouse.connect(tmp_path / "w.duckdb")
    import_files(con, INTERCHANGE, now=NOW)
    yield con
    con.close()


def snapshot(con) -> dict[str, list[tuple]]:
    tables = (*warehouse.CORE_TABLES, "load_log")
    return {t: sorted(warehouse.rows(con, f"SELECT * FROM {t}"), key=repr) for t in tables}  # noqa: S608


def refused(con, paths: list[Path], **kwargs) -> InputError:
    before = snapshot(con)
    with pytest.raises(InputError) as caught:
        import_files(con, paths, now=NOW, **kwargs)
    assert snapshot(con) == before
    assert caught.value.fix.strip()
    return caught.value


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input_is_refused_with_a_precise_message(con, tmp_path, case):
    paths = []
    for name, data in case.files.items():
        paths.append(tmp_path / name)
        paths[-1].write_bytes(data)

    error = refused(con, paths)

    assert (error.file, error.line, error.field) == (case.file, case.line, case.field)
    message = str(error)
    expected_start = case.file + (f", line {case.line}" if case.line else "")
    assert message.startswith(expected_start)
    for words in case.says:
        assert words in message


def test_uploads_are_named_by_their_display_names(con, tmp_path):
    upload = tmp_path / "tmpk2j4.csv"
    upload.write_text(ACCOUNTS + "twitter,1,a,many\n", encoding="utf-8")
    error = refused(con, [upload], display_names=["My influencers.csv"])
    assert str(error).startswith("My influencers.csv, line 2, field 'followers'")


def test_every_bad_file_of_an_import_is_named_at_once(con, tmp_path):
    # Three files refused together named only the first: fixing it showed the next, one try at a time.
    dates, networks, good = tmp_path / "accounts_dates.csv", tmp_path / "accounts_net.csv", tmp_path / "posts.csv"
    dates.write_text("network,account_id,handle,created_at\ntwitter,1,a,31/02/2021\n", encoding="utf-8")
    networks.write_text(ACCOUNTS + "myspace,2,b,1\n", encoding="utf-8")
    good.write_bytes(INTERCHANGE[1].read_bytes())
    before = warehouse.scalar(con, "SELECT count(*) FROM posts")
    error = refused(con, [dates, good, networks])
    lines = str(error).splitlines()
    assert lines[0] == "2 files have problems:"
    assert lines[1].startswith("- accounts_dates.csv, line 2, field 'created_at'")
    assert lines[2].startswith("- accounts_net.csv, line 2, field 'network'")
    assert (error.file, error.line, error.field) == ("accounts_dates.csv", 2, "created_at")  # the first, as before
    assert warehouse.scalar(con, "SELECT count(*) FROM posts") == before  # the good file is not loaded alone


def test_a_file_from_another_tool_names_every_wrong_and_missing_column_at_once(con, tmp_path):
    # Only 'platform' was named: renaming it showed 'username', then 'followers_count', one try each.
    path = tmp_path / "accounts_export.csv"
    path.write_text("platform,username,followers_count,Email\ninstagram,maya.bakes,24500,maya@example.com\n")
    error = refused(con, [path])
    assert (error.file, error.line, error.field) == ("accounts_export.csv", 1, "platform")
    assert str(error).startswith(
        "accounts_export.csv, line 1, field 'platform': 'platform', 'username', 'followers_count' and 'email' are not "
        "columns of accounts files, and the columns 'network', 'account_id' and 'handle' are missing. Rename or "
        "delete them, and add the missing ones. Did you mean 'followers' for 'followers_count'?"
    )


def test_a_missing_file_is_named(con, tmp_path):
    error = refused(con, [INTERCHANGE[0], tmp_path / "accounts_gone.csv"])
    assert error.file == "accounts_gone.csv" and "can't find" in str(error)


def test_gzipped_files_report_lines_of_the_unzipped_text(con, tmp_path):
    path = tmp_path / "accounts.csv.gz"
    path.write_bytes(gzip.compress((ACCOUNTS + "twitter,1,a,1\nmyspace,2,b,1\n").encode()))
    error = refused(con, [path])
    assert (error.line, error.field) == (3, "network")


def _accounts_file(folder: Path, form: str, followers: list) -> Path:
    """An accounts file in `form` whose rows have these followers (a typed column in Parquet and JSON)."""
    frame = pl.DataFrame({"network": "blog", "account_id": [f"f{n}" for n in range(len(followers))], "handle": "h",
                          "followers": followers})  # fmt: skip
    path = folder / f"accounts.{form}"
    if form == "parquet":
        frame.write_parquet(path)
    elif form == "jsonl":
        frame.write_ndjson(path)
    else:
        path.write_text(ACCOUNTS + "".join(f"blog,f{n},h,{v}\n" for n, v in enumerate(followers)), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("form", "value", "shown"),
    [
        ("csv", "NaN", "'NaN'"),
        ("csv", "inf", "'inf'"),
        ("csv", "1e20", "'1e20'"),
        ("parquet", float("nan"), "'NaN'"),
        ("parquet", float("inf"), "'inf'"),
        ("parquet", float("-inf"), "'-inf'"),
        ("parquet", 1e20, "'1e+20'"),
        ("parquet", 1.5, "'1.5'"),
        ("jsonl", 1e20, "'1e+20'"),  # NaN and Infinity are not JSON: see the JSON Lines cases
        ("jsonl", 1.5, "'1.5'"),
    ],
)
def test_followers_that_are_not_a_whole_number_are_refused_alike_in_every_format(con, tmp_path, form, value, shown):
    followers = [10.0, value] if form != "csv" else ["10", value]
    error = refused(con, [_accounts_file(tmp_path, form, followers)])
    where = {"csv": 3, "jsonl": 2, "parquet": None}[form]
    assert (error.line, error.field) == (where, "followers")
    assert f"{shown} is not a whole number of 0 or more" in error.problem
    assert form != "parquet" or error.problem.startswith("in row 2, ")


@pytest.mark.parametrize("form", ["parquet", "jsonl"])
def test_whole_numbers_stored_as_floats_are_whole_numbers(con, tmp_path, form):
    """pandas writes a count column with gaps as floats (1200.0); JSON writers may too."""
    import_files(con, [_accounts_file(tmp_path, form, [1200.0, None, 0.0])], now=NOW)
    stored = warehouse.rows(con, "SELECT external_id, followers FROM accounts WHERE external_id LIKE 'f%' ORDER BY 1")
    assert stored == [("f0", 1200), ("f1", None), ("f2", 0)]
