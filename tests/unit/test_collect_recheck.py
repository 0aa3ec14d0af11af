"""The look-again rule on hand-made answers: a count that grew reads its growth, one that fell reads the whole list
and deletes who is missing, an unchanged count costs no call, and a failed call changes nothing."""

import pytest

from core.collect.events import empty_row
from core.collect.recheck import Seen, deletion, look

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

    def __call__(self, wanted: int | None) -> tuple[list[dict], int, bool] | None:
        self.asked.append(wanted)
        if self.failing:
            return None
        shown = self.actors[: min(self.cap, len(self.actors) if wanted is None else wanted)]
        return [_like(a) for a in shown], len(shown), len(shown) == len(self.actors)


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
