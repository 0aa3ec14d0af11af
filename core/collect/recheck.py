"""How a connector looks again at who reacted to a watched post, the same rule on every network.

A network shows a post's count of each kind of reaction and, page by page, who gave them, newest first. When a count
grew, the newest as many as it grew are read (all of them at the post's first sight). When it fell, someone took
theirs back (an unlike, an unboost, a deleted reply): the whole list is read again and each record an earlier look
found that is missing now is deleted, so a reaction taken back leaves Sway as one deleted on the stream does. A
count as it was costs no call: a reaction taken back and another given between two looks stay unseen until the
count next changes, and what was taken back while the collector was stopped is not seen (a restart is a first
sight).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from core.collect.events import Row, empty_row


@dataclass(frozen=True)
class Seen:
    """One kind of reaction to one post, as the last look left it."""

    count: int  # the network's count then
    # The records look-ups found, (uri, acting account): every one behind the count, or None when they did not all
    # fit in the pages read (a viral post), and a fall then deletes nothing.
    records: frozenset[tuple[str, str]] | None


# Reads the newest `wanted` reactions of one kind (None: all, as far as the pages allowed): their rows (profile rows
# may come with them) and whether the list was read to its end; None when a call failed.
Read = Callable[[int | None], tuple[list[Row], bool] | None]


def look(network: str, before: Seen | None, count: int, read: Read) -> tuple[list[Row], Seen | None]:
    """The rows one look at one kind of reaction adds (new reactions, deletions of those taken back), and what to
    remember for the next look: `before` when a call failed, so the same look is made again next time."""
    had = before.count if before is not None else 0
    if before is not None and count == had:
        return [], before
    if before is None and count == 0:
        return [], Seen(0, frozenset())
    fell = count < had
    got = read(None if fell else count - had)
    if got is None:
        return [], before
    rows, ended = got
    found = frozenset((str(r["uri"]), str(r["did"])) for r in rows if r["kind"] != "profile")
    if fell:
        if not ended:
            return rows, Seen(count, None)
        gone = before.records - found if before is not None and before.records is not None else frozenset()
        return rows + [_deletion(network, uri, did) for uri, did in sorted(gone)], Seen(count, found)
    whole = ended or len(found) >= count - had
    if not whole or (before is not None and before.records is None):
        return rows, Seen(count, None)
    return rows, Seen(count, found | (before.records if before is not None else frozenset()))


def _deletion(network: str, uri: str, did: str) -> Row:
    """A delete row for a reaction a look-up found before and no longer shows, at the time it was noticed."""
    row = empty_row(network, int(time.time() * 1e6), did, "delete")
    row["uri"] = uri
    return row
