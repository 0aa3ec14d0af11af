"""Each authenticity flag on a planted example, its evidence, and what a flag does to scores."""

import json

from core.db.warehouse import rows
from core.scoring.params import ScoreParams
from core.scoring.refresh import refresh
from tests.unit.scoring_world import World, warehouse_with


def _crowd(world: World, n: int) -> list[int]:
    """Ordinary people who each post and get a couple of reactions from their neighbours."""
    people = [world.person(f"c{i}") for i in range(n)]
    for i, p in enumerate(people):
        world.react(people[(i + 1) % n], p, kind="like", day=2 + i % 9)
        world.react(people[(i + 3) % n], p, kind="repost", day=3 + i % 7)
    return people


def _flags(con) -> dict[int, dict[str, dict]]:
    found: dict[int, dict[str, dict]] = {}
    for account, flag, evidence in rows(con, "SELECT account_id, flag, evidence FROM authenticity_flags"):
        found.setdefault(account, {})[flag] = json.loads(evidence)
    return found


def test_an_ordinary_world_raises_no_flags():
    w = World()
    _crowd(w, 80)
    con = warehouse_with(w)
    refresh(con)
    assert _flags(con) == {}
    assert rows(con, "SELECT min(rating), max(rating), count(*) FROM authenticity") == [(100, 100, 80)]


def test_follow_back_farm():
    w = World()
    crowd = _crowd(w, 120)
    farm = w.person("farm", following=4000, followers=3500)
    mass_follower = w.person("keen", following=4000, followers=40)  # follows a lot, but nobody follows back
    for i, p in enumerate(crowd[:100]):
        w.react(farm, p, kind="follow", day=1 + i * 0.5)
        w.react(mass_follower, p, kind="follow", day=1 + i * 0.5)
        if i % 3 == 0:
            w.react(p, farm, kind="follow", day=2 + i * 0.5)
    con = warehouse_with(w)
    refresh(con)
    flags = _flags(con)
    assert set(flags) == {farm}
    evidence = flags[farm]["follow_farm"]
    assert evidence["follows_given"] == 100
    assert evidence["followed_back"] == 34
    assert evidence["following"] == 4000 and evidence["followers"] == 3500


def test_react_to_everything_account():
    w = World()
    crowd = _crowd(w, 200)
    bot = w.person("liker")
    fan = w.person("fan")  # reacts to many, but returns to the same few
    for p in crowd[:170]:
        w.react(bot, p, kind="like", day=4)
    for day in range(40):
        for p in crowd[:5]:
            w.react(fan, p, kind="like", day=2 + day)
    con = warehouse_with(w)
    refresh(con)
    flags = _flags(con)
    assert set(flags) == {bot}
    assert flags[bot]["react_all"]["distinct_accounts_reacted_to"] == 170
    assert flags[bot]["react_all"]["share_reacted_to_only_once"] == 1.0
    assert flags[bot]["react_all"]["share_rarely_reacted_to_by_others"] > 0.5


def test_engagement_pod_including_a_member_who_never_posts():
    w = World()
    crowd = _crowd(w, 60)
    pod = [w.person(f"pod{i}") for i in range(5)]
    lurking_member = w.person("pod-lurker")
    for day in range(10, 40, 3):
        for author in pod:
            post = w.post(author, day=day)
            for member in [*pod, lurking_member]:
                if member != author:
                    w.react(member, author, kind="like", post=post, day=day + 0.01)
    w.react(crowd[0], pod[0], kind="like", day=12)
    con = warehouse_with(w)
    refresh(con)
    flags = _flags(con)
    assert set(flags) == {*pod, lurking_member}
    evidence = flags[pod[0]]["pod"]
    assert evidence["members"] == 6
    assert evidence["density"] == 1.0
    assert evidence["share_from_inside"] > 0.9
    assert flags[lurking_member]["pod"]["joined_by_reacting"] is True


def test_bought_burst_flags_the_buyer_and_the_silent_accounts_not_a_popular_post():
    w = World()
    crowd = _crowd(w, 100)
    buyer, popular = w.person("buyer"), w.person("popular")
    bots = [w.person(f"bot{i}") for i in range(40)]
    boosted = w.post(buyer, day=20)
    for i, bot in enumerate(bots):
        w.react(bot, buyer, kind="like", post=boosted, day=20 + (i + 1) / 24 / 60)  # 40 likes in 40 minutes
    hit = w.post(popular, day=30)
    for i, p in enumerate(crowd[:40]):  # as fast, but from people who are active elsewhere too
        w.react(p, popular, kind="like", post=hit, day=30 + (i + 1) / 24 / 60)
    con = warehouse_with(w)
    refresh(con)
    flags = _flags(con)
    assert flags[buyer] == {
        "bought_burst": flags[buyer]["bought_burst"],
    }
    burst = flags[buyer]["bought_burst"]
    assert burst["largest_burst_post_id"] == boosted
    assert burst["largest_burst_reactions"] == 40
    assert burst["from_near_silent_accounts"] == 40
    assert {a for a, f in flags.items() if "burst_reactor" in f} == set(bots)
    assert popular not in flags


def test_of_two_equal_bought_bursts_the_evidence_names_the_newer_post_with_its_own_minutes_and_start():
    w = World()
    _crowd(w, 100)
    buyer = w.person("buyer")
    bots = [w.person(f"bot{i}") for i in range(40)]
    older, newer = w.post(buyer, day=20), w.post(buyer, day=25)
    for i, bot in enumerate(bots):
        w.react(bot, buyer, kind="like", post=older, day=20 + (i + 1) / 24 / 60)  # over 40 minutes
        w.react(bot, buyer, kind="like", post=newer, day=25 + (i + 1) / 24 / 60 / 2)  # over 20 minutes
    con = warehouse_with(w)
    refresh(con)
    burst = _flags(con)[buyer]["bought_burst"]
    assert burst["bursts"] == 2 and burst["largest_burst_reactions"] == 40
    assert burst["largest_burst_post_id"] == newer > older
    assert burst["largest_burst_minutes"] == 19.5  # the newer burst's first to last reaction, not the older's 39
    assert burst["largest_burst_started"] == "2024-01-26 00:00"


def test_flags_discount_the_reactions_given_and_the_flagged_persons_own_score():
    w = World()
    crowd = _crowd(w, 200)
    bot = w.person("liker")
    for p in crowd[:170]:
        w.react(bot, p, kind="repost", day=4)
    honest = w.person("honest")
    w.react(honest, crowd[180], kind="repost", day=5)
    # The react-all account itself is popular: 30 people repost it.
    for p in crowd[100:130]:
        w.react(p, bot, kind="repost", day=6)
    twin = w.person("twin")  # the same 30 reposts, unflagged
    for p in crowd[100:130]:
        w.react(p, twin, kind="repost", day=6)
    con = warehouse_with(w)
    # Recency off: the people compared drew their neighbours' reactions on different days.
    refresh(con, params=ScoreParams(recency_half_life_share=0))
    value = dict(rows(con, "SELECT person_id, raw FROM scores WHERE network = 'all'"))
    gain_from_bot = value[crowd[0]] - value[crowd[185]]
    gain_from_honest = value[crowd[180]] - value[crowd[185]]
    assert 0 <= gain_from_bot < 0.05 * gain_from_honest
    [(rating, flags)] = rows(con, "SELECT rating, flags FROM authenticity WHERE account_id = ?", [bot])
    assert rating == 20 and flags == ["react_all"]
    assert value[bot] < 0.05 * value[twin]
    own = rows(
        con,
        "SELECT points FROM score_explanations WHERE person_id = ? AND network = 'all' AND signal = 'authenticity'",
        [bot],
    )
    assert own and own[0][0] < 0
