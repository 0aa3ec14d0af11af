"""The look-again rule on hand-made answers: a count that grew reads its growth, one that fell reads the whole list
and deletes who is missing, an unchanged count costs no call, and a failed call changes nothing."""

from core.collect.events import empty_row
from core.collect.recheck import Seen, look


def _like(actor: str) -> dict:
    row = empty_row("bluesky", 1, actor, "like")
    row["uri"] = f"at://{actor}/app.bsky.feed.like/lookup:post"
    return row


class Answers:
    """A reader that answers from a list (newest first) and notes what each call wanted."""

    def __init__(self, actors: list[str], *, cap: int = 100, failing: bool = False) -> None:
        self.actors, self.cap, self.failing, self.asked = actors, cap, failing, []

    def __call__(self, wanted: int | None) -> tuple[list[dict], bool] | None:
        self.asked.append(wanted)
        if self.failing:
            return None
        shown = self.actors[: min(self.cap, len(self.actors) if wanted is None else wanted)]
        return [_like(a) for a in shown], len(shown) == len(self.actors)


def test_a_first_sight_reads_every_reaction_and_remembers_them():
    rows, seen = look("bluesky", None, 2, Answers(["b", "a"]))
    assert [r["did"] for r in rows] == ["b", "a"]
    assert seen.count == 2 and {did for _, did in seen.records} == {"a", "b"}


def test_growth_reads_only_the_newest_and_adds_them_to_what_was_seen():
    _, seen = look("bluesky", None, 2, Answers(["b", "a"]))
    answers = Answers(["d", "c", "b", "a"])
    rows, later = look("bluesky", seen, 4, answers)
    assert answers.asked == [2] and [r["did"] for r in rows] == ["d", "c"]
    assert {did for _, did in later.records} == {"a", "b", "c", "d"}


def test_an_unchanged_count_costs_no_call():
    _, seen = look("bluesky", None, 1, Answers(["a"]))
    answers = Answers(["a"])
    assert look("bluesky", seen, 1, answers) == ([], seen) and answers.asked == []


def test_a_fall_reads_the_whole_list_and_deletes_who_is_missing():
    _, seen = look("bluesky", None, 3, Answers(["c", "b", "a"]))
    answers = Answers(["c", "a"])
    rows, later = look("bluesky", seen, 2, answers)
    assert answers.asked == [None]
    deleted = [(r["did"], r["uri"]) for r in rows if r["kind"] == "delete"]
    assert deleted == [("b", "at://b/app.bsky.feed.like/lookup:post")]
    assert {did for _, did in later.records} == {"a", "c"}


def test_a_fall_that_cannot_be_read_whole_deletes_nobody_and_forgets_the_records():
    _, seen = look("bluesky", None, 3, Answers(["c", "b", "a"]))
    rows, later = look("bluesky", seen, 2, Answers(["c", "a"], cap=1))
    assert [r for r in rows if r["kind"] == "delete"] == [] and later == Seen(2, None)
    # Without the records a later fall cannot know who left either.
    rows, _ = look("bluesky", later, 1, Answers(["a"]))
    assert [r for r in rows if r["kind"] == "delete"] == []


def test_a_failed_call_keeps_what_the_last_look_saw():
    _, seen = look("bluesky", None, 2, Answers(["b", "a"]))
    assert look("bluesky", seen, 1, Answers(["a"], failing=True)) == ([], seen)
    assert look("bluesky", None, 2, Answers(["b", "a"], failing=True)) == ([], None)
