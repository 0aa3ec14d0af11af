"""A topic a workspace marked as wrong for a person is gone from that person in that workspace's Discover: it no
longer finds them, their rows and exports no longer list it or use its influence; other workspaces still see it."""

import polars as pl
import pytest

from core.discover.export import export_csv, readable
from core.discover.filters import Filters
from core.discover.search import people_rows, result_rows, search
from core.profile import mark_topic_wrong, undo_topic_wrong
from core.topics.removals import removals_version
from core.workspace.access import Access
from tests.unit import discover_world as world
from tests.unit.discover_world import EVIL, MIRA, ZOE
from tests.unit.workspace_world import store_members

EDITOR = Access(user="ed@brand.example", workspace_id=1, role="editor")
OTHER = Access(user="ann@agency.example", workspace_id=2, role="admin")
FITNESS, FOOD = "fitness_&_health", "food_&_dining"


@pytest.fixture
def con():
    connection = world.memory_warehouse()
    store_members(connection, EDITOR, OTHER)
    mark_topic_wrong(connection, EDITOR, MIRA, FITNESS)  # Mira: fitness 70 and food 40 before this
    return connection


def found(con, workspace_id, **filters) -> dict[int, int | None]:
    """person_id -> topic influence shown, for everyone the search finds."""
    _, page = search(con, Filters(page_size=100, **filters), workspace_id)
    return dict(zip(page["person_id"], page["topic_influence"], strict=True))


def test_the_removed_topic_does_not_find_them_in_that_workspace_only(con):
    assert MIRA not in found(con, 1, topics=(FITNESS,))
    assert found(con, 2, topics=(FITNESS,))[MIRA] == 70
    assert found(con, None, topics=(FITNESS,))[MIRA] == 70
    assert MIRA not in result_rows(con, Filters(topics=(FITNESS,)), 100, 1)["person_id"].to_list()  # exports


def test_another_chosen_topic_still_finds_them_with_its_own_influence(con):
    assert found(con, 1, topics=(FITNESS, FOOD), topic_mode="any")[MIRA] == 40
    assert MIRA not in found(con, 1, topics=(FITNESS, FOOD), topic_mode="all")
    assert MIRA not in found(con, 1, topics=(FITNESS, FOOD), topic_mode="any", min_topic_influence=50)
    assert found(con, 2, topics=(FITNESS, FOOD), topic_mode="any", min_topic_influence=50)[MIRA] == 70


def test_an_undo_brings_them_back_and_every_decision_changes_the_cache_key(con):
    removed = removals_version(con, 1)
    assert removed > removals_version(con, 2) == 0
    undo_topic_wrong(con, EDITOR, MIRA, FITNESS)
    assert removals_version(con, 1) > removed
    assert found(con, 1, topics=(FITNESS,))[MIRA] == 70


def shown(con, workspace_id, **filters) -> list[tuple[int, list[str], int | None]]:
    """(person_id, topics, topic influence) of every row the search shows, in its order."""
    _, page = search(con, Filters(page_size=100, **filters), workspace_id)
    return list(zip(page["person_id"], page["topics"].to_list(), page["topic_influence"], strict=True))


def test_the_rows_of_that_workspace_lose_the_topic_and_its_influence(con):
    assert (MIRA, [FOOD], 40) in shown(con, 1)
    assert (MIRA, [FITNESS, FOOD], 70) in shown(con, 2)
    assert (MIRA, [FOOD], 40) in shown(con, 1, topics=(FOOD,))
    assert (MIRA, [FOOD], 40) in shown(con, 1, text="runner")  # a word search reads the same rows


def test_sorting_by_topic_influence_uses_the_kept_topics_only(con):
    # Evil's music is 55, Zoe's gaming 35: Mira drops from first (fitness 70) to between them (food 40).
    assert [p for p, *_ in shown(con, 1, sort="topic_influence")][:3] == [EVIL, MIRA, ZOE]
    assert [p for p, *_ in shown(con, 2, sort="topic_influence")][:3] == [MIRA, EVIL, ZOE]


def test_with_every_topic_removed_the_row_has_none(con):
    mark_topic_wrong(con, EDITOR, MIRA, FOOD)
    assert (MIRA, [], None) in shown(con, 1)
    assert [p for p, *_ in shown(con, 1, sort="topic_influence")][:2] == [EVIL, ZOE]


def test_exports_of_the_selection_and_the_result_leave_the_topic_out(con):
    selection = readable(people_rows(con, [MIRA], 1))
    assert selection.select("Topics", "Topic influence").row(0) == (["Food & dining"], 40)
    assert "Fitness" not in export_csv(selection).decode()
    result = readable(result_rows(con, Filters(), 100, 1)).filter(pl.col("Sway person id") == MIRA)
    assert result.select("Topics", "Topic influence").row(0) == (["Food & dining"], 40)
    other = readable(people_rows(con, [MIRA], 2))
    assert other.select("Topics", "Topic influence").row(0) == (["Fitness & health", "Food & dining"], 70)


def test_an_undo_gives_the_rows_their_topic_back(con):
    undo_topic_wrong(con, EDITOR, MIRA, FITNESS)
    assert (MIRA, [FITNESS, FOOD], 70) in shown(con, 1)
    assert people_rows(con, [MIRA], 1).select("topics", "topic_influence").row(0) == ([FITNESS, FOOD], 70)


def test_a_search_joined_to_the_removals_pages_in_the_order_of_one_long_page(con):
    whole = [p for p, *_ in shown(con, 1, sort="topic_influence")]
    paged = []
    for number in (1, 2, 3):  # the last page holds one
        _, page = search(con, Filters(page_size=2, page=number, sort="topic_influence"), 1)
        paged += page["person_id"].to_list()
    assert len(whole) == 5 and paged == whole


def test_a_word_search_joined_to_the_removals_shows_its_relevance_and_matching_post(con):
    # Choosing the removed topic joins the removals: the text's relevance and post come through that page too.
    for workspace_id, influence in ((1, 40), (2, 70)):
        _, page = search(con, Filters(text="flat white", topics=(FITNESS, FOOD)), workspace_id)
        row = page.row(0, named=True)
        assert (row["person_id"], row["topic_influence"]) == (MIRA, influence)
        assert row["relevance"] > 0 and row["matching_post"] == "Best flat white in town"


def test_pages_of_a_network_scoped_filter_with_removals_joined_follow_the_whole_result(con):
    # Mira (twitter 1,000), Evil (tiktok 2,000) and Zoe (youtube 300) hold the chosen topics; fitness is joined.
    chosen = {"networks": ("twitter", "tiktok", "youtube"), "audience_min": 1, "topics": (FITNESS, "music", "gaming")}
    everyone = result_rows(con, Filters(**chosen), 1_000, 1)
    assert everyone["person_id"].to_list() == [EVIL, ZOE]  # Mira had only fitness among them, removed here
    assert search(con, Filters(**chosen), 2)[0] == 3  # another workspace still finds her
    pages = [search(con, Filters(page=n, page_size=1, **chosen), 1)[1] for n in range(1, everyone.height + 1)]
    assert [page.row(0) for page in pages] == everyone.rows()
