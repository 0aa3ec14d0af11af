"""Discover's word index costs what changed: a build indexes only new posts and people whose texts changed, drops
what left, and ends exactly where a whole rebuild would; it is rebuilt whole when the way words are cut changes
or appended rows pile up."""

import duckdb
import polars as pl
import pytest

from core.db import warehouse
from core.db.warehouse import get_meta, rows, scalar, set_meta
from core.discover import index, words
from core.discover.build import build_discovery
from core.discover.filters import Filters
from core.discover.search import search
from core.ingest.load import remove_posts

INDEX_TABLES = ("discovery_terms", "discovery_documents", "discovery_text_stats")


def _index_rows(con) -> dict[str, list[tuple]]:
    return {t: sorted(rows(con, f"SELECT * FROM {t}"), key=repr) for t in INDEX_TABLES}  # noqa: S608 - fixed names


def _rebuilt_whole(con) -> dict[str, list[tuple]]:
    set_meta(con, {"discover_index_version": "an older way of cutting words"})
    build_discovery(con)
    return _index_rows(con)


def _found(con, text: str) -> set[int]:
    _, page = search(con, Filters(text=text, page_size=200))
    return set(page["person_id"].to_list())


def test_a_build_indexes_only_what_changed_and_ends_where_a_whole_rebuild_would(demo_copy):
    con = warehouse.connect(demo_copy)
    try:
        build_discovery(con)
        sorted_docs = int(get_meta(con)["discover_index_sorted"])
        (renamed, bio_account), (mover, moved_account) = rows(
            con, "SELECT person_id, min(account_id) FROM accounts GROUP BY ALL ORDER BY 1 LIMIT 2"
        )
        receiver = scalar(con, "SELECT max(person_id) FROM people")
        assert len({renamed, mover, receiver}) == 3
        # Three people's texts change: a new bio, and an account moving from one person to another.
        con.execute("UPDATE accounts SET bio = 'now into kitesurfing' WHERE account_id = ?", [bio_account])
        con.execute("UPDATE accounts SET person_id = ? WHERE account_id = ?", [receiver, moved_account])
        moved_posts = scalar(
            con,
            "SELECT count(*) FROM posts WHERE account_id = ? AND posted_at > "
            "(SELECT window_start FROM discovery_builds) AND posted_at <= (SELECT window_end FROM discovery_builds)",
            [moved_account],
        )
        [(post_id, network, external_id)] = rows(
            con,
            "SELECT p.post_id, p.network::VARCHAR, p.external_id FROM posts p JOIN discovery_documents d "
            "USING (post_id) WHERE p.account_id NOT IN (?, ?) AND d.length > 3 ORDER BY p.post_id LIMIT 1",
            [bio_account, moved_account],
        )
        remove_posts(con, pl.DataFrame({"network": [network], "external_id": [external_id]}))
        assert _found(con, "kitesurfing") == set()  # not before the build

        build_discovery(con)
        meta = get_meta(con)
        assert int(meta["discover_index_added"]) == 3 + moved_posts  # three people's texts and the moved posts
        assert int(meta["discover_index_sorted"]) == sorted_docs
        assert renamed in _found(con, "kitesurfing")
        assert scalar(con, "SELECT count(*) FROM discovery_terms WHERE post_id = ?", [post_id]) == 0
        owners = rows(
            con,
            "SELECT DISTINCT person_id FROM discovery_terms WHERE post_id IN "
            "(SELECT post_id FROM posts WHERE account_id = ?)",
            [moved_account],
        )
        assert owners == ([(receiver,)] if moved_posts else [])  # the moved posts are found as the receiver's

        assert _index_rows(con) == _rebuilt_whole(con)
    finally:
        con.close()


def test_piled_up_appends_or_a_new_way_of_cutting_words_rebuild_the_index_whole(demo_copy, monkeypatch):
    con = warehouse.connect(demo_copy)
    try:
        build_discovery(con)
        documents = scalar(con, "SELECT count(*) FROM discovery_documents")
        set_meta(con, {"discover_index_added": str(int(index.REINDEX_SHARE * documents) + 1)})
        build_discovery(con)
        assert get_meta(con)["discover_index_added"] == "0"  # re-sorted whole
        assert int(get_meta(con)["discover_index_sorted"]) == documents

        build_discovery(con)  # nothing changed: nothing indexed
        assert get_meta(con)["discover_index_added"] == "0"

        build_discovery(con)  # a day's worth appended, then the stemming rules change
        set_meta(con, {"discover_index_added": "1"})
        monkeypatch.setattr(words, "_RULES", (*words._RULES, (r"^(\p{L}{3,})ly$", "${1}")))
        monkeypatch.setattr(index, "INDEX_VERSION", words.rules_fingerprint())
        build_discovery(con)
        assert get_meta(con)["discover_index_version"] == words.rules_fingerprint()
        assert get_meta(con)["discover_index_added"] == "0"  # rebuilt whole under the new rules
    finally:
        con.close()


def test_a_failure_inside_the_index_update_is_the_error_raised_not_the_aborted_cleanup(demo_copy, monkeypatch):
    con = warehouse.connect(demo_copy)
    try:
        # Any statement failing inside the refresh's transaction, as a full disk does while the words are written.
        set_meta(con, {"discover_index_version": "an older way of cutting words"})  # every document is read again
        monkeypatch.setattr(index, "split_sql", lambda column: f"error('No space left on device: ' || {column})")
        with pytest.raises(duckdb.InvalidInputException, match="No space left on device"), warehouse.transaction(con):
            index.update_index(con, None, None)
        assert scalar(con, "SELECT count(*) FROM discovery_terms") > 0  # rolled back: the index is as it was
    finally:
        con.close()
