"""Profile assembly on the small known warehouse: header, history with model changes, breakdown sentences,
topics with evidence and corrections, flags, amplifiers with their layout, recent posts."""

from datetime import timedelta

import duckdb
import numpy as np
import polars as pl
import pytest

from core import privacy
from core.db.warehouse import record_load, rows
from core.profile import (
    ProfileNotFound,
    TopicCorrectionError,
    assemble,
    in_workspace,
    mark_topic_wrong,
    profile,
    undo_topic_wrong,
)
from core.profile import campaigns as profile_campaigns
from core.profile.breakdown import Breakdown, sentences, times
from core.profile.layout import force_layout
from core.topics.corrections import correct_post
from core.workspace import operators
from core.workspace.access import LOCAL, Access, PermissionDenied
from tests.unit import discover_world as world
from tests.unit.discover_world import AS_OF, CARL, EVIL, MIRA, QUIET, ZOE
from tests.unit.workspace_world import store_members

EDITOR = Access(user="ed@brand.example", workspace_id=1, role="editor")
OTHER_WORKSPACE = Access(user="ann@agency.example", workspace_id=2, role="admin")


@pytest.fixture(scope="module")
def con():
    return world.memory_warehouse()


def test_header_has_the_headline_numbers(con):
    h = profile(con, MIRA).header
    assert (h.name, h.score, h.network_scores) == ("Mira Torvalen", 80, {"twitter": 75, "instagram": 60})
    assert h.handles == "mira_t (twitter), mira.t (instagram)"
    assert (h.audience, h.posts, h.reactions, h.authenticity, h.flagged) == (1500, 4, 5, 100, False)
    assert h.engagement_rate == pytest.approx(5 / (2 * 1000 + 2 * 500))  # pooled over her two accounts
    accounts = profile(con, MIRA).accounts
    assert accounts["handle"].to_list() == ["mira_t", "mira.t"]  # in network order: twitter first


def test_unknown_person_is_a_clear_error(con):
    with pytest.raises(ProfileNotFound, match="no person 999"):
        profile(con, 999)


def test_a_part_that_fails_fails_the_profile_with_its_own_error(con, monkeypatch):
    # The parts are read on threads: a failure there must reach the caller, not be lost or leave it waiting.
    def broken(*_args: object) -> None:
        raise duckdb.IOException("IO Error: could not read block")

    monkeypatch.setattr(assemble, "recent_posts", broken)
    with pytest.raises(duckdb.IOException, match="could not read block"):
        profile(con, MIRA)
    monkeypatch.undo()
    assert profile(con, MIRA).header.name == "Mira Torvalen"  # the connection still serves


def test_history_and_the_day_the_scoring_model_changed(con):
    p = profile(con, MIRA)
    combined = p.history.filter(network="all")
    assert combined["day"].to_list() == [AS_OF.date() - timedelta(days=d) for d in (14, 7, 0)]
    assert combined["score"].to_list() == [78, 79, 80]
    assert p.model_changes.height == 1
    change = p.model_changes.row(0, named=True)
    assert change["day"] == AS_OF.date() and change["run_id"] == 3
    assert change["change"] == "What a like is worth, in reposts: 0.4 → 0.2"  # in the words of the Data page


def test_breakdown_sentences_say_where_the_points_come_from(con):
    p = profile(con, MIRA)
    text = " ".join(p.explanation["all"])
    assert "Score 80 of 100: 79 points above the floor of 1" in text
    assert "62% of the points come from reposts: 410 by 140 distinct accounts whose influence averages 2.3×" in text
    assert "(12% discounted)" in text and "Discounts: older reactions count less" in text
    assert "38% of the points come from likes" in text and "likes: 900 by 300" in text
    assert "The post that drove the most, on Twitter" in text  # the network as people write it
    assert "“Morning 10k done”" in text and "+20.0 points" in text
    signals = p.breakdown.signals.filter(network="all")
    assert signals["label"].to_list() == ["reposts", "likes"] and signals["share"].sum() == pytest.approx(1)
    assert p.breakdown.top_posts["text"].to_list() == ["Morning 10k done", "Trail photos"]


def test_an_influence_far_below_average_is_not_written_as_none():
    assert (times(2.26), times(0.1), times(0.0067), times(0.0)) == ("2.3×", "0.1×", "under 0.1×", "0.0×")


def _told(score: int, reactions: int, reactors: int, signals: dict[str, list]) -> list[str]:
    """The sentences of a hand-made combined breakdown: one score row, the given signal rows, no top posts."""
    scores = pl.DataFrame(
        {"network": ["all"], "score": [score], "reactions": [reactions], "distinct_reactors": [reactors],
         "mean_reactor_influence": [1.5], "authenticity": [100]}
    )  # fmt: skip
    rows = pl.DataFrame(signals).with_columns(network=pl.lit("all"), mean_reactor_influence=pl.lit(1.0))
    return sentences(Breakdown(scores, rows, pl.DataFrame({"network": []})))


def test_follows_are_told_apart_from_reactions_so_the_count_matches_reactions_received():
    like = {"signal": ["like"], "label": ["likes"], "reactions": [100], "distinct_reactors": [55],
            "discount": [0.0], "points": [30.0], "share": [0.77]}  # fmt: skip
    follow = {"signal": ["follow"], "label": ["follows"], "reactions": [10], "distinct_reactors": [10],
              "discount": [0.0], "points": [9.0], "share": [0.23]}  # fmt: skip
    both = {key: like[key] + follow[key] for key in like}
    assert "from 100 reactions and 10 follows by 60 distinct accounts" in _told(40, 110, 60, both)[0]
    assert "from 110 reactions by 60 distinct accounts" in _told(40, 110, 60, like)[0]


def test_one_follow_reads_singular_and_a_near_total_discount_never_reads_as_all_of_it():
    told = _told(
        14, 2, 1,
        {"signal": ["repost", "follow"], "label": ["reposts", "follows"], "reactions": [1, 1],
         "distinct_reactors": [1, 1], "discount": [0.996, 0.0], "points": [2.0, 1.0], "share": [0.67, 0.33]},
    )  # fmt: skip
    assert "from 1 reaction and 1 follow by 1 distinct account whose" in told[0]
    # The reposts still earned 2 points, so their discount is not all of their value.
    assert "67% of the points come from reposts: 1 by 1 distinct account whose" in told[1]
    assert "(>99% discounted)" in told[1] and "100%" not in " ".join(told)


def test_own_flag_is_explained_as_points_taken_off(con):
    text = " ".join(profile(con, EVIL).explanation["all"])
    assert "20 points were taken off" in text and "authenticity rating 30" in text


def test_floor_and_unscored_people_are_explained_plainly():
    unscored = world.memory_warehouse(scored=False)
    p = profile(unscored, MIRA)
    assert p.header.score == 1 and p.explanation == {} and p.history.height == 0
    assert profile(unscored, QUIET).amplifiers.table.height == 0


def test_topics_with_evidence_posts(con):
    p = profile(con, MIRA)
    assert p.topics["topic"].to_list() == ["fitness_&_health", "food_&_dining"]
    assert p.topics["influence"].to_list() == [70, 40]
    fitness = p.evidence.filter(topic="fitness_&_health")
    assert fitness["text"].to_list() == ["Morning 10k done", "Trail photos"]


def test_marking_a_topic_wrong_writes_remove_corrections_once():
    con = world.memory_warehouse()
    store_members(con, EDITOR, OTHER_WORKSPACE)
    assert mark_topic_wrong(con, EDITOR, MIRA, "fitness_&_health") == 2
    assert mark_topic_wrong(con, EDITOR, MIRA, "fitness_&_health") == 0  # a second click adds nothing
    assert mark_topic_wrong(con, EDITOR, EVIL, "music") == 1
    found = rows(
        con,
        "SELECT correction_id, workspace_id, post_id, topic, action, text, corrected_by FROM topic_corrections "
        "ORDER BY 1",
    )
    assert found == [
        (1, 1, 101, "fitness_&_health", "remove", "Morning 10k done", "ed@brand.example"),
        (2, 1, 103, "fitness_&_health", "remove", "Trail photos", "ed@brand.example"),
        (3, 1, 201, "music", "remove", "Buy followers here", "ed@brand.example"),
    ]
    correct_post(con, EDITOR, 101, add=["fitness_&_health"])
    # The topic is already removed from the person in this workspace: marking it again changes nothing.
    assert mark_topic_wrong(con, EDITOR, MIRA, "fitness_&_health") == 0
    # Another workspace's word is its own: its first click is recorded even though workspace 1 said the same.
    assert mark_topic_wrong(con, OTHER_WORKSPACE, MIRA, "fitness_&_health") == 2
    assert rows(con, "SELECT count(*) FROM audit_log WHERE action = 'topic.correct'") == [(4,)]


def test_marking_a_topic_wrong_needs_the_editor_role():
    con = world.memory_warehouse()
    viewer = Access(user="vi@brand.example", workspace_id=1, role="viewer")
    store_members(con, viewer)
    with pytest.raises(PermissionDenied, match="editor role"):
        mark_topic_wrong(con, viewer, MIRA, "fitness_&_health")
    assert rows(con, "SELECT count(*) FROM topic_corrections") == [(0,)]


def test_flags_with_their_evidence(con):
    flags = profile(con, EVIL).flags
    assert flags.select("network", "flag", "severity").rows() == [("tiktok", "pod", 0.7)]
    assert '"pod_id":7' in flags["evidence"][0].replace(" ", "")
    assert profile(con, MIRA).flags.height == 0


def test_amplifiers_table_and_network(con):
    amp = profile(con, MIRA).amplifiers
    # Zoe reacted 4 times (3 on posts, 1 follow), Evil once, Carl once: ties broken by person id.
    assert amp.table.select("person_id", "reactions", "likes", "follows").rows() == [
        (ZOE, 4, 2, 1),
        (EVIL, 1, 1, 0),
        (CARL, 1, 0, 0),
    ]
    assert amp.nodes["person_id"].to_list() == [MIRA, ZOE, EVIL, CARL]
    assert amp.nodes.row(0, named=True)["is_self"] and (amp.nodes[0, "x"], amp.nodes[0, "y"]) == (0.0, 0.0)
    assert amp.nodes["reactions"][0] == 5  # the person's own node: all reactions received
    edges = {(s, t): n for s, t, n in amp.edges.select("source", "target", "reactions").iter_rows()}
    # Mira liked Evil's post and Zoe liked it too; Evil followed Zoe; reactions to Mira are edges as well.
    assert edges[(ZOE, MIRA)] == 4 and edges[(MIRA, EVIL)] == 1 and edges[(ZOE, EVIL)] == 1 and edges[(EVIL, ZOE)] == 1
    assert amp.edges.filter(source=ZOE, target=MIRA)[0, "x2"] == 0.0


def test_an_amplifier_s_accounts_are_summed_before_the_top_is_taken():
    # 250 one-account people react 3 times each; Carl reacts 6 times from three accounts, 3 (with his reply) + 2 + 1,
    # so two of his accounts rank below 200 others on their own: he still amplifies Mira most.
    con = world.memory_warehouse()
    crowd = range(1000, 1250)
    con.executemany(
        "INSERT INTO people (person_id, external_id, name) VALUES (?, ?, ?)", [(p, f"c{p}", "") for p in crowd]
    )
    con.executemany(
        "INSERT INTO accounts (account_id, person_id, network, external_id, handle) VALUES (?, ?, 'twitter', ?, ?)",
        [(p * 10, p, f"c{p}", f"c{p}") for p in crowd] + [(52, CARL, "c52", "carl2"), (53, CARL, "c53", "carl3")],
    )
    reactions = [(11, p * 10) for p in crowd for _ in range(3)] + [(11, 51), (11, 51), (12, 52), (11, 52), (12, 53)]
    con.executemany("INSERT INTO profile_reactions VALUES (?, ?, NULL, 'like')", reactions)
    table = profile(con, MIRA).amplifiers.table
    assert table.select("person_id", "reactions", "likes", "replies").row(0) == (CARL, 6, 5, 1)


def test_recent_posts_newest_first_with_reactions_by_type(con):
    posts = profile(con, MIRA).recent_posts
    assert posts["post_id"].to_list() == [104, 103, 102, 101]
    assert posts.filter(post_id=101).select("reactions", "reposts", "likes").row(0) == (2, 1, 1)
    assert posts.filter(post_id=104).select("reactions", "replies").row(0) == (1, 1)


def test_layout_is_deterministic_centred_and_bounded():
    edges = [(i, 0, float(10 - i)) for i in range(1, 9)] + [(1, 2, 3.0)]
    a, b = force_layout(9, edges), force_layout(9, edges)
    assert np.array_equal(a, b)
    assert tuple(a[0]) == (0.0, 0.0) and np.abs(a).max() == pytest.approx(1.0)
    distances = np.linalg.norm(a[:, None] - a[None], axis=2) + np.eye(9)
    assert distances.min() > 0.1  # no two nodes on top of each other
    assert np.linalg.norm(a[1]) < np.linalg.norm(a[8])  # the strongest amplifier sits closer
    assert force_layout(1, []).tolist() == [[0.0, 0.0]] and force_layout(0, []).shape == (0, 2)


def test_no_amplifier_settles_on_the_person_s_node():
    # Amplifier 3 reacts strongly to 1 and 5 as well as to the person: pulled from both sides, it settled at a
    # quarter of the radius, its name over the person's node.
    edges = [(1, 0, 4.0), (2, 0, 2.0), (3, 0, 9.0), (4, 0, 4.0), (5, 0, 3.0), (5, 3, 9.0), (1, 3, 9.0)]
    pos = force_layout(6, edges)
    assert np.linalg.norm(pos[1:], axis=1).min() >= 0.3
    assert np.linalg.norm(pos[3]) == np.linalg.norm(pos[1:], axis=1).min()  # still the closest


def test_a_topic_marked_wrong_stays_removed_in_that_workspace_until_undone():
    con = world.memory_warehouse()
    store_members(con, EDITOR, OTHER_WORKSPACE)
    mark_topic_wrong(con, EDITOR, MIRA, "fitness_&_health")
    world.rewrite_topics(con)  # a refresh recomputes the person's topics: the marketer's word still holds
    seen = in_workspace(con, profile(con, MIRA), EDITOR.workspace_id)
    assert seen.topics["topic"].to_list() == ["food_&_dining"]
    assert set(seen.evidence["topic"]) == {"food_&_dining"}
    assert seen.removed_topics == ("fitness_&_health",)
    other = in_workspace(con, profile(con, MIRA), OTHER_WORKSPACE.workspace_id)
    assert other.topics["topic"].to_list() == ["fitness_&_health", "food_&_dining"]
    assert other.removed_topics == ()
    # The evidence posts still feed training while the removal holds.
    assert rows(con, "SELECT post_id FROM topic_corrections WHERE action = 'remove' ORDER BY 1") == [(101,), (103,)]

    assert undo_topic_wrong(con, EDITOR, MIRA, "fitness_&_health") == 2
    back = in_workspace(con, profile(con, MIRA), EDITOR.workspace_id)
    assert back.topics["topic"].to_list() == ["fitness_&_health", "food_&_dining"]
    assert back.removed_topics == ()
    assert rows(con, "SELECT count(*) FROM topic_corrections") == [(0,)]
    actions = rows(con, "SELECT action FROM audit_log WHERE action LIKE 'topic.%' ORDER BY 1")
    assert actions == [("topic.correct",), ("topic.person_remove",), ("topic.person_restore",), ("topic.withdraw",)]


def test_undo_keeps_other_workspaces_corrections_and_refuses_when_nothing_is_removed():
    con = world.memory_warehouse()
    store_members(con, EDITOR, OTHER_WORKSPACE)
    mark_topic_wrong(con, EDITOR, MIRA, "fitness_&_health")
    mark_topic_wrong(con, OTHER_WORKSPACE, MIRA, "fitness_&_health")
    assert mark_topic_wrong(con, EDITOR, MIRA, "fitness_&_health") == 0  # a second click changes nothing
    undo_topic_wrong(con, EDITOR, MIRA, "fitness_&_health")
    assert rows(con, "SELECT DISTINCT workspace_id FROM topic_corrections") == [(2,)]
    assert in_workspace(con, profile(con, MIRA), 2).removed_topics == ("fitness_&_health",)
    with pytest.raises(TopicCorrectionError, match="nothing to undo"):
        undo_topic_wrong(con, EDITOR, MIRA, "fitness_&_health")
    with pytest.raises(TopicCorrectionError, match="Unknown topic"):
        mark_topic_wrong(con, EDITOR, MIRA, "astrology")


def test_an_operators_topic_marked_wrong_stays_the_workspaces_view_and_its_editors_can_undo_it():
    con = world.memory_warehouse()
    operator = Access(user="op@sway.example", workspace_id=1, role="editor")
    store_members(con, EDITOR, operator)
    operators.grant(con, operator.user)
    assert mark_topic_wrong(con, operator, MIRA, "fitness_&_health") == 2
    assert rows(con, "SELECT DISTINCT shared FROM topic_corrections") == [(False,)]  # no post changes for everyone
    assert undo_topic_wrong(con, EDITOR, MIRA, "fitness_&_health") == 2
    assert rows(con, "SELECT count(*) FROM topic_corrections") == [(0,)]


def test_an_operator_saying_for_everyone_what_an_editor_said_for_the_workspace_is_recorded():
    con = world.memory_warehouse()
    operator = Access(user="op@sway.example", workspace_id=1, role="editor")
    store_members(con, EDITOR, operator)
    operators.grant(con, operator.user)
    assert correct_post(con, EDITOR, 101, remove=["music"]) == 1
    assert correct_post(con, operator, 101, remove=["music"]) == 1  # the same word, now for every workspace
    assert correct_post(con, operator, 101, remove=["music"]) == 0  # said for everyone already
    assert rows(con, "SELECT corrected_by, shared FROM topic_corrections ORDER BY correction_id") == [
        (EDITOR.user, False),
        (operator.user, True),
    ]


def test_the_campaigns_table_dates_only_a_post_that_was_made(demo_copy):
    con = duckdb.connect(demo_copy)
    [(posted, didnt)] = rows(
        con,
        "SELECT any_value(person_id) FILTER (WHERE status = 'posted'), "
        "any_value(person_id) FILTER (WHERE status = 'no_post') FROM campaign_members",
    )
    from_posted = profile_campaigns.campaigns_of(con, LOCAL, posted).filter(pl.col("status") == "Posted")
    assert from_posted.height and from_posted["posted_at"].null_count() == 0
    # "Didn't post" keeps the day it was decided in posted_at: the Profile must not show it as a posting date.
    from_didnt = profile_campaigns.campaigns_of(con, LOCAL, didnt).filter(pl.col("status") == "Didn't post")
    assert from_didnt.height and from_didnt["posted_at"].null_count() == from_didnt.height


def test_a_profile_says_when_data_changed_after_its_scores_were_computed():
    con = world.memory_warehouse()
    assert profile(con, MIRA).header.changed_since == ""
    record_load(con, "import", ["brand.csv"], {"people": 1})
    told = profile(con, MIRA).header.changed_since
    assert told.startswith("Since these scores were computed (") and "), files were imported: the counts" in told
    privacy.erase_person(con, LOCAL, QUIET)
    told = profile(con, MIRA).header.changed_since
    assert "files were imported and a person was erased on request: the counts above already show it" in told
    assert told.endswith("only after the next refresh.")
