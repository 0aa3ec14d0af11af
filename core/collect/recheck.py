"""How a connector looks again at who reacted to a watched post, the same rule on every network.

A network shows a post's count of each kind of reaction and, page by page, who gave them, newest first. When a count
grew, the newest as many as it grew are read (all of them at the post's first sight). When a count fell, someone took
theirs back (an unlike, an unboost, a reply or quote deleted): the whole list is read again and each reaction an
earlier look found that is missing now is deleted, so it leaves Sway as one deleted on the stream does. A reply or
quote also leaves its list when it is hidden or detached, and is still a post then: one missing from the list is
deleted only when the network no longer shows it either (`Exists`). A count as it was costs no call, except once a
day (`whole_every`): a reaction taken back and another given between two looks leave the count as it was, so a list
not read whole for that long is read whole and diffed again, which also finds new reactions a count's net change hid
past the first page. A first sight (of a new post, or of every post after a restart) has nothing to compare with: it
reads each list to its end, and for a like or repost list adds a `listed` row naming everyone the list shows; ingest
deletes the looked-up reactions it holds of that kind on that post by anyone else, so what was taken back while the
collector was stopped leaves Sway too. A kind whose count is over what a look may remember (its list could not be
read whole) deletes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from core.collect.events import Row, empty_row, now_us


@dataclass(frozen=True)
class Seen:
    """One kind of reaction to one post, as the last look left it."""

    count: int  # the network's count then
    # The reactions look-ups found, (record key, acting account): every one behind the count, or None when a fall
    # cannot be told apart (more than a look remembers, or not all of them read), and a fall then deletes nothing
    # until the post is forgotten or the collector restarts (a first sight reads them all again).
    records: frozenset[tuple[str, str]] | None
    # When the list was last read whole (time.monotonic()), None when never: bookkeeping, left out of comparisons.
    read_at: float | None = field(default=None, compare=False)


# Reads the newest `wanted` reactions of one kind (None: all, as far as the pages allowed): their rows (profile rows
# may come with them), how many the network listed (the rows may leave some out: a watched person's own, which the
# stream brings), whether the list ended, and everyone it listed (acting accounts); None when a call failed.
Read = Callable[[int | None], tuple[list[Row], int, bool, frozenset[str]] | None]
# A delete row for a reaction (record key, acting account) a look found before and no longer shows.
Deletion = Callable[[str, str], Row]
# Of the records given (record key, acting account), the keys of those the network still shows (a hidden reply, a
# detached quote) or cannot say are gone; None when a call failed.
Exists = Callable[[list[tuple[str, str]]], set[str] | None]
# A `listed` row: everyone (acting accounts) a whole list showed, as read from the time given (microseconds).
Listed = Callable[[frozenset[str], int], Row]


def look(
    before: Seen | None,
    count: int,
    read: Read,
    deletion: Deletion,
    remember: int,
    exists: Exists | None = None,
    listed: Listed | None = None,
    whole_every: float | None = None,
) -> tuple[list[Row], Seen | None]:
    """The rows one look at one kind of reaction adds (new reactions, deletions of those taken back), and what to
    remember for the next look: `before` when a call failed, so the same look is made again next time.

    `remember`: the most reactions of this kind whose records are kept to tell a fall apart (0: never).
    `exists`: for reactions that are posts, which of those missing from the list the network still shows; they are
    kept, not deleted (None: a reaction missing from the list is gone).
    `listed`: at a first sight that reads the list whole, the row naming everyone it shows (None: no such row).
    `whole_every`: seconds after which a list last read whole is read whole and diffed again, its count changed or
    not (None: only when it falls).
    """
    had = before.count if before is not None else 0
    now = time.monotonic()
    due = (
        whole_every is not None
        and before is not None
        and before.records is not None
        and 0 < count <= remember
        and (before.read_at is None or now - before.read_at >= whole_every)
    )
    if before is not None and count == had and not due:
        return [], before
    if before is None and count == 0:
        return [listed(frozenset(), now_us())] if listed is not None else [], Seen(0, frozenset(), now)
    if before is not None and (count < had or due):
        if before.records is None:
            return [], Seen(count, None)  # nothing to compare with: no call
        got = read(None)
        if got is None:
            return [], before
        rows, _, ended, _ = got
        if not ended:
            return [], Seen(count, None)
        found = _records(rows)
        missing = before.records - found
        if missing and exists is not None:
            shown = exists(sorted(missing))
            if shown is None:
                return [], before
            found |= {record for record in missing if record[0] in shown}
            missing = {record for record in missing if record[0] not in shown}
        new = found - before.records
        added = {did for _, did in new}
        fresh = [r for r in rows if _record(r) in new or (r["kind"] == "profile" and r["did"] in added)]
        return fresh + [deletion(uri, did) for uri, did in sorted(missing)], Seen(count, found, now)
    began = now_us()  # before reading: what the read finds is stamped later
    # A first sight reads to the list's end (a count may lag its list, so as many as it says may not be all of it);
    # a growth, the newest as many as it grew.
    got = read(count - had) if before is not None else read(None)
    if got is None:
        return [], before
    rows, shown, ended, actors = got
    whole = ended or shown >= count - had
    earlier = before.records if before is not None else frozenset()
    if not whole or count > remember or earlier is None:
        return rows, Seen(count, None)
    found = _records(rows) | earlier
    if before is None and ended and listed is not None:
        rows = [*rows, listed(actors, began)]
    read_at = now if ended else before.read_at if before is not None else None
    return rows, Seen(count, found, read_at)


def deletion(network: str, uri: str, did: str, subject: str, subject_did: str) -> Row:
    """A delete row for `did`'s reaction `uri` to the post `subject` by `subject_did`, at the time it was noticed
    (the post and its author are named, as on the reaction's own row, so an erasure of either finds it)."""
    row = empty_row(network, now_us(), did, "delete")
    row.update(uri=uri, subject=subject, subject_did=subject_did)
    return row


def listing(network: str, kind: str, actors: frozenset[str], at_us: int, *, subject: str, subject_did: str) -> Row:
    """A `listed` row: everyone who gave the post `subject` (by `subject_did`) a `kind` ("like" or "repost") as a list
    read whole from `at_us` showed them. Its record key is the post's with the kind as fragment (no record's own key
    has one); ingest deletes the looked-up reactions of that kind to the post by anyone else seen before then."""
    row = empty_row(network, at_us, "", "listed")
    row.update(did=None, uri=f"{subject}#{kind}", subject=subject, subject_did=subject_did, mentions=sorted(actors))
    return row


def _record(row: Row) -> tuple[str, str]:
    return str(row["uri"]), str(row["did"])


def _records(rows: list[Row]) -> frozenset[tuple[str, str]]:
    return frozenset(_record(r) for r in rows if r["kind"] != "profile")
