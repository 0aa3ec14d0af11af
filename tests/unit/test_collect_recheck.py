"""The look-again rule on hand-made answers: a count that grew reads its growth, one that fell reads the whole list
and deletes who is missing, an unchanged count costs no call, a failed call changes nothing, and a first sight that
reads a list whole names everyone it shows."""

import time

import pytest

from core.collect.events import empty_row
from core.collect.recheck import Seen, deletion, listing, look

POST, AUTHOR = "at://did:plc:ana/app.bsky.feed.post/1", "did:plc:ana"


def _like(actor: str) -> dict:
    row = empty_row("bluesky", 1, actor, "like")
    row["uri"] = f"at://{actor}/app.bsky.feed.like/lookup:{POST}"
    return row


def _gone(uri: str, did: str) -> dict:
    return deletion("bluesky", uri, did, POST, AUTHOR)


class Answers:
    """A reader that answers from a list (newest first), `cap` at most, and notes what each call wanted."""

    def __init__(self, actors: list[str], *, cap: int = 100, failing: bool = False) -> None:
        self.actors, self.cap, self.failing, self.asked = actors, cap, failing, []

    def __call__(self, wanted: int | None) -> tuple[list[dict], int, bool, frozenset[str]] | None:
        self.asked.append(wanted)
        if self.failing:
            return None
        shown = self.actors[: min(self.cap, len(self.actors) if wanted is None else wanted)]
        return [_like(a) for a in shown], len(shown), len(shown) == len(self.actors), frozenset(shown)


def _look(before: Seen | None, count: int, answers: Answers, remember: int = 100):
    return look(before, count, answers, _gone, remember)


def test_a_first_sight_reads_every_reaction_and_remembers_them():
    rows, seen = _look(None, 2, Answers(["b", "a"]))
    assert [r["did"] for r in rows] == ["b", "a"]
    assert seen.count == 2 and {did for _, did in seen.records} == {"a", "b"}


def test_growth_reads_only_the_newest_and_adds_them_to_what_was_seen():
    _, seen = _look(None, 2, Answers(["b", "a"]))
    answers = Answers(["d", "c", "b", "a"])
    rows, later = _look(seen, 4, answers)
    assert answers.asked == [2] and [r["did"] for r in rows] == ["d", "c"]
    assert {did for _, did in later.records} == {"a", "b", "c", "d"}


def test_an_unchanged_count_costs_no_call():
    _, seen = _look(None, 1, Answers(["a"]))
    answers = Answers(["a"])
    assert _look(seen, 1, answers) == ([], seen) and answers.asked == []


def test_a_fall_reads_the_whole_list_deletes_who_is_missing_and_adds_only_who_is_new():
    _, seen = _look(None, 3, Answers(["c", "b", "a"]))
    answers = Answers(["d", "a"])  # b and c took theirs back; d's like came between the looks
    rows, later = _look(seen, 2, answers)
    assert answers.asked == [None]
    assert [(r["kind"], r["did"]) for r in rows] == [("like", "d"), ("delete", "b"), ("delete", "c")]
    gone = rows[1]
    assert gone["uri"] == f"at://b/app.bsky.feed.like/lookup:{POST}"
    assert (gone["subject"], gone["subject_did"]) == (POST, AUTHOR)  # an erasure of the author finds the row
    assert {did for _, did in later.records} == {"a", "d"}


def test_a_fall_that_cannot_be_read_whole_deletes_nobody_and_forgets_the_records():
    _, seen = _look(None, 3, Answers(["c", "b", "a"]))
    rows, later = _look(seen, 2, Answers(["c", "a"], cap=1))
    assert rows == [] and later == Seen(2, None)
    # Without the records a later fall cannot know who left either, and costs no call.
    answers = Answers(["a"])
    assert _look(later, 1, answers) == ([], Seen(1, None)) and answers.asked == []


@pytest.mark.parametrize("remember", [0, 2])
def test_more_reactions_than_a_look_remembers_are_never_diffed(remember):
    rows, seen = _look(None, 3, Answers(["c", "b", "a"]), remember=remember)
    assert len(rows) == 3 and seen == Seen(3, None)
    answers = Answers(["c", "a"])
    assert _look(seen, 2, answers, remember=remember) == ([], Seen(2, None)) and answers.asked == []


def test_a_growth_not_read_whole_forgets_the_records():
    _, seen = _look(None, 1, Answers(["a"]))
    rows, later = _look(seen, 4, Answers(["d", "c", "b", "a"], cap=2))
    assert [r["did"] for r in rows] == ["d", "c"] and later == Seen(4, None)


def test_a_failed_call_keeps_what_the_last_look_saw():
    _, seen = _look(None, 2, Answers(["b", "a"]))
    assert _look(seen, 1, Answers(["a"], failing=True)) == ([], seen)
    assert _look(None, 2, Answers(["b", "a"], failing=True)) == ([], None)


def _listed(actors: frozenset[str], at_us: int) -> dict:
    return listing("bluesky", "like", actors, at_us, subject=POST, subject_did=AUTHOR)


def test_a_first_sight_read_whole_names_everyone_the_list_shows_from_before_the_read():
    before = time.time() * 1e6
    rows, _ = look(None, 2, Answers(["b", "a"]), _gone, 100, listed=_listed)
    assert [r["kind"] for r in rows] == ["like", "like", "listed"]
    listed = rows[-1]
    assert (listed["uri"], listed["subject"], listed["subject_did"]) == (f"{POST}#like", POST, AUTHOR)
    assert listed["mentions"] == ["a", "b"] and before <= listed["time_us"] <= time.time() * 1e6


def test_a_first_sight_of_no_reactions_names_no_one_without_a_call():
    answers = Answers([])
    rows, seen = look(None, 0, answers, _gone, 100, listed=_listed)
    assert [(r["kind"], r["mentions"]) for r in rows] == [("listed", [])] and answers.asked == []
    assert seen == Seen(0, frozenset())


def test_no_list_is_named_when_it_was_not_read_whole_or_was_seen_before():
    rows, seen = look(None, 3, Answers(["c", "b", "a"], cap=2), _gone, 100, listed=_listed)
    assert [r["kind"] for r in rows] == ["like", "like"]  # two of three read: who is missing is unknown
    rows, seen = look(None, 3, Answers(["c", "b", "a"]), _gone, 2, listed=_listed)
    assert [r["kind"] for r in rows] == ["like"] * 3  # more than a look remembers
    _, seen = look(None, 1, Answers(["a"]), _gone, 100, listed=_listed)
    rows, _ = look(seen, 2, Answers(["b", "a"]), _gone, 100, listed=_listed)
    assert [r["kind"] for r in rows] == ["like"]  # a growth: the first sight named the list already


def test_a_post_missing_from_its_list_is_deleted_only_when_the_network_no_longer_shows_it():
    _, seen = _look(None, 3, Answers(["c", "b", "a"]))
    hidden = f"at://b/app.bsky.feed.like/lookup:{POST}"  # the record key of b's, which the network still shows
    asked = []

    def exists(records: list[tuple[str, str]]) -> set[str]:
        asked.append(records)
        return {hidden}

    rows, later = look(seen, 1, Answers(["a"]), _gone, 100, exists)
    assert [(r["kind"], r["did"]) for r in rows] == [("delete", "c")] and len(asked[0]) == 2
    assert {did for _, did in later.records} == {"a", "b"}  # b is kept, and not asked about again unless it falls
    assert look(seen, 1, Answers(["a"]), _gone, 100, lambda uris: None) == ([], seen)  # a failed check: look again


DAY = 86_400.0


def test_a_swap_that_leaves_the_count_as_it_was_is_seen_once_the_list_is_due_to_be_read_whole():
    _, seen = _look(None, 2, Answers(["b", "a"]))
    answers = Answers(["c", "a"])  # b took theirs back and c gave one: still two
    assert look(seen, 2, answers, _gone, 100, whole_every=DAY) == ([], seen) and answers.asked == []  # read today
    day_old = Seen(seen.count, seen.records, time.monotonic() - DAY)
    rows, later = look(day_old, 2, answers, _gone, 100, whole_every=DAY)
    assert answers.asked == [None] and [(r["kind"], r["did"]) for r in rows] == [("like", "c"), ("delete", "b")]
    assert {did for _, did in later.records} == {"a", "c"} and time.monotonic() - later.read_at < 60


def test_a_list_never_read_whole_or_empty_is_not_read_again_when_due():
    answers = Answers(["a"])
    never = Seen(3, None)
    assert look(never, 3, answers, _gone, 100, whole_every=0) == ([], never)
    empty = Seen(0, frozenset(), time.monotonic() - DAY)
    assert look(empty, 0, answers, _gone, 100, whole_every=DAY) == ([], empty) and answers.asked == []
