"""The signals added for real data (recency, the score's interval and its too-little-data mark) on hand-made cases."""

import numpy as np

from core.db.warehouse import rows
from core.scoring.params import ScoreParams
from core.scoring.reactions import MENTION, REPLY, freshness, reply_mentions
from core.scoring.refresh import refresh
from core.scoring.uncertainty import evidence_note, interval, reactor_variance
from tests.unit.scoring_world import World, warehouse_with

RECENT = ScoreParams(recency_half_life_share=0.25)
FLAT = ScoreParams(recency_half_life_share=0)


def _combined(con) -> dict[int, dict]:
    found = rows(
        con,
        "SELECT person_id, score, raw, score_low, score_high, too_little_data FROM scores WHERE network = 'all'",
    )
    keys = ("score", "raw", "low", "high", "uncertain")
    return {person: dict(zip(keys, values, strict=True)) for person, *values in found}


def _fans(world: World, target: int, n: int, prefix: str, *, day: float) -> None:
    for i in range(n):
        world.react(world.person(f"{prefix}{i}"), target, day=day)


def test_recency_weight_is_one_at_the_end_of_the_window_and_halves_every_half_life():
    window = 100.0
    weights = freshness(np.array([100.0, 75.0, 50.0, 0.0]), window, 0.25)
    assert np.allclose(weights, [1.0, 0.5, 0.25, 1 / 16])
    assert np.allclose(freshness(np.array([0.0, 100.0]), window, 0.0), 1.0)


def test_with_recency_the_same_reactions_last_week_beat_those_two_months_ago():
    w = World()
    early, late = w.person("early"), w.person("late")
    _fans(w, early, 8, "e", day=5)
    _fans(w, late, 8, "l", day=85)
    w.react(w.person("anchor"), w.person("sink"), day=90)  # the window ends on day 90 for both
    con = warehouse_with(w)
    refresh(con, window_days=90, params=FLAT)
    flat = _combined(con)
    assert flat[early]["raw"] == flat[late]["raw"]  # off: the day of a reaction does not matter
    refresh(con, window_days=90, params=RECENT)
    recent = _combined(con)
    assert recent[late]["raw"] > 4 * recent[early]["raw"]


def test_with_recency_the_explanation_still_adds_up_to_the_score():
    w = World()
    target = w.person("target")
    _fans(w, target, 10, "old", day=3)
    _fans(w, target, 10, "new", day=80)
    con = warehouse_with(w)
    refresh(con, window_days=90, params=RECENT)
    [(score,)] = rows(con, "SELECT score FROM scores WHERE person_id = ? AND network = 'all'", [target])
    [(points,)] = rows(
        con, "SELECT sum(points) FROM score_explanations WHERE person_id = ? AND network = 'all'", [target]
    )
    assert abs(1 + points - score) <= 0.5


def test_the_interval_of_a_sum_of_reactors_narrows_with_more_of_them():
    few = interval(np.array([2.0]), reactor_variance(np.array([1.0, 1.0]), np.array([0, 0]), 1), 1.96)
    many_values = np.full(200, 0.01)
    many = interval(np.array([2.0]), reactor_variance(many_values, np.zeros(200, dtype=int), 1), 1.96)
    assert few[0][0] < many[0][0] <= many[1][0] < few[1][0]
    assert interval(np.array([0.0]), np.array([0.0]), 1.96) == (np.array([1]), np.array([1]))


def test_a_score_from_many_reactors_has_a_narrower_range_than_the_same_score_from_one():
    w = World()
    broad, single = w.person("broad"), w.person("single")
    _fans(w, broad, 40, "b", day=5)
    fan = w.person("fan")
    for day in range(5, 45):
        w.react(fan, single, day=day)
    loner = w.person("loner")
    w.react(loner, w.person("other"), day=50)
    con = warehouse_with(w)
    refresh(con)
    scores = _combined(con)
    b, s = scores[broad], scores[single]
    assert b["low"] <= b["score"] <= b["high"] and s["low"] <= s["score"] <= s["high"]
    assert b["high"] - b["low"] < s["high"] - s["low"]
    assert not b["uncertain"]
    assert s["uncertain"]  # one account reacting, however often, is too little to rank on
    assert scores[loner]["uncertain"] and (scores[loner]["low"], scores[loner]["high"]) == (1, 1)


def test_what_a_score_lacks_is_said_in_words():
    params = ScoreParams()
    assert "no one reacted" in evidence_note(1, 0, 0, 1, 1, True, params)
    assert "the 4 reactions from 3 accounts" in evidence_note(1, 4, 3, 1, 2, True, params)
    assert "only 2 accounts reacted" in evidence_note(20, 5, 2, 3, 40, True, params)
    assert "anywhere from 10 to 50" in evidence_note(30, 30, 12, 10, 50, True, params)
    assert evidence_note(44, 300, 120, 40, 48, False, params).startswith("Likely range 40-48")


def test_a_replys_own_mention_is_not_a_second_reaction_and_mentions_inside_replies_are_found():
    actor = np.array([1, 1, 1, 2, 2])
    target = np.array([5, 5, 6, 5, 7])
    kind = np.array([REPLY, MENTION, MENTION, MENTION, MENTION])
    t = np.array([10, 10, 10, 10, 99])
    in_reply, echo = reply_mentions(actor, target, kind, t)
    assert echo.tolist() == [False, True, False, False, False]  # 1's @5 is its reply to 5
    assert in_reply.tolist() == [False, True, True, False, False]  # 2 replied to no one: its mentions stand alone


def test_with_a_thread_weight_a_conversation_started_beats_the_same_replies_collected_in_another_thread():
    w = World()
    starter, chatter, host = w.person("starter"), w.person("chatter"), w.person("host")
    own = w.post(starter, day=3)
    w.post(host, day=3)
    in_thread = w.post(chatter, day=3.5)
    w.posts[-1]["kind"] = "reply"  # chatter's post answers the host's: a reply in someone else's thread
    for i in range(6):
        fan = w.person(f"fan{i}")
        w.react(fan, starter, kind="reply", post=own, day=4)
        w.react(fan, chatter, kind="reply", post=in_thread, day=4)
    con = warehouse_with(w)
    refresh(con, params=ScoreParams())
    same = _combined(con)
    assert same[starter]["raw"] == same[chatter]["raw"]
    refresh(con, params=ScoreParams(thread_weight=0.25))
    weighted = _combined(con)
    # Each fan's quarter-weight reply saturates less under the repetition cap: 1 - e^-0.25 against 1 - e^-1.
    assert weighted[starter]["raw"] > 2.5 * weighted[chatter]["raw"] > 0
