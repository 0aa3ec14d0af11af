"""A topic a workspace marked as wrong for a person no longer finds that person in that workspace's Discover."""

import pytest

from core.discover.filters import Filters
from core.discover.search import result_rows, search
from core.profile import mark_topic_wrong, undo_topic_wrong
from core.topics.removals import removals_version
from core.workspace.access import Access
from tests.unit import discover_world as world
from tests.unit.discover_world import MIRA
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
