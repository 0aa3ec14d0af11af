"""A topic a workspace marked as wrong for a person is gone from that person in that workspace's campaigns: its
targeting no longer picks them for it and its lists no longer show it; other workspaces still see it."""

from datetime import date

import polars as pl
import pytest

from core.campaigns import members, records, suggest
from core.campaigns.model import CampaignError, CampaignSpec
from core.campaigns.terms import parse_terms
from core.profile import mark_topic_wrong, undo_topic_wrong
from core.workspace.access import Access
from tests.unit import discover_world as world
from tests.unit.discover_world import MIRA, ZOE
from tests.unit.workspace_world import store_members

EDITOR = Access(user="ed@brand.example", workspace_id=1, role="editor")
OTHER = Access(user="ann@agency.example", workspace_id=2, role="admin")
FITNESS, FOOD, MUSIC = "fitness_&_health", "food_&_dining", "music"


@pytest.fixture
def con():
    connection = world.memory_warehouse()
    store_members(connection, EDITOR, OTHER)
    mark_topic_wrong(connection, EDITOR, MIRA, FITNESS)  # Mira: fitness 70 and food 40 before this
    return connection


def _spec(*topics: str) -> CampaignSpec:
    return CampaignSpec(
        name="Trail week",
        brand="Trailmark",
        perk="boots",
        cost_per_perk=80,
        perks=3,
        starts_on=date(2024, 4, 1),
        ends_on=date(2024, 4, 14),
        terms=parse_terms("#trailmark"),
        target_topics=topics,
    )


def _suggested(con, access: Access, *topics: str) -> list[int]:
    campaign_id = records.create_campaign(con, access, _spec(*topics))
    suggest.suggest_list(con, access, campaign_id, 1)
    return members.members(con, access, campaign_id)["person_id"].to_list()


def test_targeting_the_removed_topic_no_longer_picks_them_in_that_workspace(con):
    assert MIRA not in suggest.targeted(con, _spec(FITNESS), 1)
    assert MIRA in suggest.targeted(con, _spec(FITNESS), 2)
    assert MIRA in suggest.targeted(con, _spec(FITNESS, FOOD), 1)  # through a topic still theirs
    assert suggest.targeted(con, _spec(FITNESS, MUSIC), 1) == [ZOE]  # Evil, the other musician, is flagged


def test_the_suggested_list_leaves_them_out_in_that_workspace_only(con):
    # Zoe (music) is targeted too, but without posts nobody expects a mention from her.
    assert _suggested(con, OTHER, FITNESS, MUSIC) == [MIRA]
    assert _suggested(con, EDITOR, FITNESS, MUSIC) == []
    with pytest.raises(CampaignError, match="Nobody matches"):
        _suggested(con, EDITOR, FITNESS)  # Mira was the only one with it


def test_an_undo_targets_them_again(con):
    undo_topic_wrong(con, EDITOR, MIRA, FITNESS)
    assert MIRA in suggest.targeted(con, _spec(FITNESS), 1)
    assert MIRA in _suggested(con, EDITOR, FITNESS)


def test_the_campaign_list_shows_their_topics_as_the_workspace_sees_them(con):
    listed = {}
    for access in (EDITOR, OTHER):
        campaign_id = records.create_campaign(con, access, _spec())
        members.add_members(con, access, campaign_id, [MIRA], 1)
        listed[access.workspace_id] = members.members(con, access, campaign_id).filter(pl.col("person_id") == MIRA)
    assert listed[1]["topics"].to_list() == [[FOOD]]
    assert listed[2]["topics"].to_list() == [[FITNESS, FOOD]]


def test_the_estimate_reads_their_strongest_topic_as_the_workspace_sees_it(con):
    def topic_of(workspace_id: int | None) -> str:
        people = suggest.estimate(con, _spec(), [MIRA], workspace_id=workspace_id).people
        return people.filter(pl.col("person_id") == MIRA)["topic"].item()

    assert topic_of(1) == FOOD  # fitness, her strongest, was marked wrong in workspace 1
    assert topic_of(2) == FITNESS
    assert topic_of(None) == FITNESS
