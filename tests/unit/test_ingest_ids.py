"""Ids are never handed out twice: a person erased, or a post deleted, does not lend their id to someone new."""

from pathlib import Path

import polars as pl

from core import privacy
from core.db import warehouse
from core.ingest import import_files
from core.ingest.load import remove_posts
from core.workspace.access import LOCAL


def _import(con, folder: Path, name: str, accounts: list[str], posts: list[tuple[str, str]] = ()) -> None:
    (folder / f"accounts_{name}.csv").write_text(
        "network,account_id,handle\n" + "".join(f"blog,{a},{a}_handle\n" for a in accounts), encoding="utf-8"
    )
    paths = [folder / f"accounts_{name}.csv"]
    if posts:
        (folder / f"posts_{name}.csv").write_text(
            "network,post_id,account_id,posted_at,text\n"
            + "".join(f"blog,{p},{a},2026-11-01T10:00:00,post {p}\n" for p, a in posts),
            encoding="utf-8",
        )
        paths.append(folder / f"posts_{name}.csv")
    with warehouse.transaction(con):
        import_files(con, paths)


def _id(con, sql: str, key: str) -> int:
    return warehouse.scalar(con, sql, [key])


def test_an_erased_persons_ids_go_to_no_one_else(tmp_path):
    con = warehouse.connect(tmp_path / "sway.duckdb")
    _import(con, tmp_path, "first", ["a-1", "a-2"], [("p-1", "a-1"), ("p-2", "a-2")])
    person = _id(con, "SELECT person_id FROM accounts WHERE external_id = ?", "a-2")
    account = _id(con, "SELECT account_id FROM accounts WHERE external_id = ?", "a-2")
    post = _id(con, "SELECT post_id FROM posts WHERE external_id = ?", "p-2")
    assert person == max(r[0] for r in warehouse.rows(con, "SELECT person_id FROM people"))  # the highest ids
    privacy.erase_person(con, LOCAL, person)

    _import(con, tmp_path, "later", ["a-3"], [("p-3", "a-3")])
    assert _id(con, "SELECT person_id FROM accounts WHERE external_id = ?", "a-3") > person
    assert _id(con, "SELECT account_id FROM accounts WHERE external_id = ?", "a-3") > account
    assert _id(con, "SELECT post_id FROM posts WHERE external_id = ?", "p-3") > post
    con.close()


def test_a_deleted_posts_id_goes_to_no_other_post(tmp_path):
    con = warehouse.connect(tmp_path / "sway.duckdb")
    _import(con, tmp_path, "first", ["a-1"], [("p-1", "a-1"), ("p-2", "a-1")])
    deleted = _id(con, "SELECT post_id FROM posts WHERE external_id = ?", "p-2")
    with warehouse.transaction(con):
        remove_posts(con, pl.DataFrame({"network": ["blog"], "external_id": ["p-2"]}))  # deleted on its network
    _import(con, tmp_path, "later", ["a-1"], [("p-3", "a-1")])
    assert _id(con, "SELECT post_id FROM posts WHERE external_id = ?", "p-3") > deleted
    con.close()


def test_erasing_the_newest_person_of_a_world_built_without_marks_frees_no_id(demo_copy, tmp_path):
    con = warehouse.connect(demo_copy)  # the demo world is generated, not loaded: it has no issued marks
    newest = warehouse.scalar(con, "SELECT max(person_id) FROM people")
    privacy.erase_person(con, LOCAL, newest)
    _import(con, tmp_path, "later", ["a-9"])
    assert _id(con, "SELECT person_id FROM accounts WHERE external_id = ?", "a-9") > newest
    con.close()
