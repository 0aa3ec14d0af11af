"""The influence score on small hand-made graphs where the right order is obvious."""

import pytest

from core.db.warehouse import rows
from core.scoring.params import ScoreParams
from core.scoring.refresh import refresh
from tests.unit.scoring_world import World, warehouse_with


def _all_scores(con) -> dict[int, tuple[int, float]]:
    return {p: (s, r) for p, s, r in rows(con, "SELECT person_id, score, raw FROM scores WHERE network = 'all'")}


def _crowd(world: World, n: int, prefix: str) -> list[int]:
    """n ordinary people who each post a little and react to each other a little (a background population)."""
    people = [world.person(f"{prefix}{i}") for i in range(n)]
    for i, p in enumerate(people):
        world.react(people[(i + 1) % n], p, kind="like", day=3 + i % 5)
    return people


def test_a_retweet_ring_does_not_beat_a_person_reacted_to_by_many_independent_influential_people():
    w = World()
    crowd = _crowd(w, 60, "c")
    # Six influential people: each is reposted by ten of the crowd.
    influencers = [w.person(f"inf{i}") for i in range(6)]
    for i, inf in enumerate(influencers):
        for fan in crowd[i * 10 : i * 10 + 10]:
            w.react(fan, inf, day=5)
    star = w.person("star")
    for inf in influencers:
        w.react(inf, star, day=10)
    # A ring of six reposting each other's every post, day after day.
    ring = [w.person(f"ring{i}") for i in range(6)]
    for day in range(20, 50):
        for a in ring:
            post = w.post(a, day=day)
            for b in ring:
                if b != a:
                    w.react(b, a, post=post, day=day + 0.01)
    con = warehouse_with(w)
    refresh(con)
    scores = _all_scores(con)
    assert scores[star][1] > max(scores[r][1] for r in ring)
    assert scores[star][0] > max(scores[r][0] for r in ring)


def test_many_distinct_reactors_beat_the_same_reactions_from_a_few():
    w = World()
    _crowd(w, 30, "c")
    fans = [w.person(f"fan{i}") for i in range(12)]
    broad, narrow = w.person("broad"), w.person("narrow")
    for fan in fans:
        w.react(fan, broad, day=5)
    for day in range(12):
        w.react(fans[day % 2], narrow, day=5 + day)
    con = warehouse_with(w)
    refresh(con)
    scores = _all_scores(con)
    assert scores[broad][1] > 1.5 * scores[narrow][1]


def test_doubling_one_persons_reactions_from_a_single_account_barely_moves_them():
    def world(repeats: int) -> World:
        w = World()
        _crowd(w, 30, "c")
        fans = [w.person(f"fan{i}") for i in range(15)]
        target = w.person("target")
        for fan in fans:
            w.react(fan, target, day=5)
        for day in range(repeats):
            w.react(fans[0], target, day=6 + day)
        return w

    once, twice = (warehouse_with(world(n)) for n in (5, 10))
    refresh(once)
    refresh(twice)
    target = len(world(0).people)
    (s1, r1), (s2, r2) = _all_scores(once)[target], _all_scores(twice)[target]
    assert r2 < 1.05 * r1  # twice the reactions from that one account add under 5%
    assert s2 - s1 <= 1


def test_a_person_with_no_reactions_gets_the_floor_and_reacting_does_not_help():
    w = World()
    crowd = _crowd(w, 20, "c")
    lurker = w.person("lurker")
    for p in crowd:
        w.react(lurker, p, kind="repost", day=8)
    silent = w.person("silent")
    con = warehouse_with(w)
    refresh(con)
    scores = _all_scores(con)
    assert scores[silent] == (1, 0.0)
    assert scores[lurker] == (1, 0.0)
    per_network = rows(con, "SELECT score FROM scores WHERE person_id = ? AND network = 'twitter'", [silent])
    assert per_network == [(1,)]


def test_follower_counts_do_not_move_the_score():
    def world(followers: int) -> World:
        w = World()
        crowd = _crowd(w, 20, "c")
        target = w.person("target", followers=followers)
        for p in crowd[:5]:
            w.react(p, target, day=4)
        return w

    small, huge = warehouse_with(world(10)), warehouse_with(world(5_000_000))
    refresh(small)
    refresh(huge)
    assert _all_scores(small) == _all_scores(huge)


def test_same_data_gives_the_same_scores_every_refresh():
    w = World()
    crowd = _crowd(w, 40, "c")
    for i, p in enumerate(crowd):
        for q in crowd[i + 1 : i + 4]:
            w.react(q, p, kind=("repost", "like", "reply")[i % 3], day=2 + i % 7)
    con = warehouse_with(w)
    refresh(con)
    first = rows(con, "SELECT person_id, network, score, raw FROM scores ORDER BY ALL")
    history = rows(con, "SELECT * FROM score_history ORDER BY ALL")
    refresh(con)
    assert rows(con, "SELECT person_id, network, score, raw FROM scores ORDER BY ALL") == first
    assert rows(con, "SELECT * FROM score_history ORDER BY ALL") == history  # same day: replaced, not doubled
    other = warehouse_with(w)
    refresh(other)
    assert rows(other, "SELECT person_id, network, score, raw FROM scores ORDER BY ALL") == first


def test_per_network_scores_and_combined_score():
    w = World()
    crowd = _crowd(w, 20, "c")
    target = w.person("target")
    insta = w.account(target, network="instagram")
    for p in crowd[:8]:
        w.react(p, target, day=4)
    fan_insta = [w.account(p, network="instagram") for p in crowd[8:12]]
    for a in fan_insta:
        w.react(a, insta, kind="like", day=5)
    con = warehouse_with(w)
    refresh(con)
    by_network = dict(rows(con, "SELECT network, raw FROM scores WHERE person_id = ?", [target]))
    assert set(by_network) == {"all", "twitter", "instagram"}
    assert by_network["twitter"] > by_network["instagram"] > 0
    assert by_network["all"] == pytest.approx(by_network["twitter"] + by_network["instagram"], rel=1e-9)


def test_explanation_points_add_up_to_the_score_and_name_the_driving_posts():
    w = World()
    crowd = _crowd(w, 30, "c")
    target = w.person("target")
    hit = w.post(target, day=3)
    for p in crowd[:12]:
        w.react(p, target, kind="repost", post=hit, day=3.5)
    for p in crowd[12:16]:
        w.react(p, target, kind="like", day=6)
    con = warehouse_with(w)
    refresh(con)
    [(score,)] = rows(con, "SELECT score FROM scores WHERE person_id = ? AND network = 'all'", [target])
    signals = dict(
        rows(con, "SELECT signal, points FROM score_explanations WHERE person_id = ? AND network = 'all'", [target])
    )
    assert set(signals) == {"repost", "like"}
    assert signals["repost"] > signals["like"] > 0
    assert abs(1 + sum(signals.values()) - score) <= 0.5
    top = rows(
        con,
        "SELECT post_id, reactions FROM score_top_posts WHERE person_id = ? AND network = 'all' ORDER BY rank",
        [target],
    )
    assert top[0] == (hit, 12)
    [(reactors,)] = rows(
        con,
        "SELECT distinct_reactors FROM score_explanations WHERE person_id = ? AND network = 'all' "
        "AND signal = 'repost'",
        [target],
    )
    assert reactors == 12


def test_a_heavier_weight_on_a_reaction_type_raises_those_it_favours():
    w = World()
    crowd = _crowd(w, 30, "c")
    liked, reposted = w.person("liked"), w.person("reposted")
    for p in crowd[:10]:
        w.react(p, liked, kind="like", day=4)
        w.react(p, reposted, kind="repost", day=4)
    con = warehouse_with(w)
    refresh(con)
    assert _all_scores(con)[reposted][1] > _all_scores(con)[liked][1]
    refresh(con, params=ScoreParams(weight_like=2.0))
    assert _all_scores(con)[liked][1] > _all_scores(con)[reposted][1]


def test_following_back_is_courtesy_and_earns_nothing_while_being_followed_first_counts():
    w = World()
    crowd = _crowd(w, 30, "c")
    trader, earner = w.person("trader"), w.person("earner")
    for p in crowd[:10]:
        w.react(trader, p, kind="follow", day=3)  # the trader follows first ...
        w.react(p, trader, kind="follow", day=3.2)  # ... and they follow back
        w.react(p, earner, kind="follow", day=3.2)  # nobody was followed by the earner: these are earned
    con = warehouse_with(w)
    refresh(con)
    scores = _all_scores(con)
    assert scores[trader] == (1, 0.0)
    assert scores[earner][1] > 0 and scores[earner][0] > 1
    # Following first is not a follow-back, so the people the trader followed keep what it gave them.
    assert sum(scores[p][1] for p in crowd[:10]) > 1.2 * sum(scores[p][1] for p in crowd[10:20])
