"""Bluesky's watch list: the watched people's posts within the scoring window and who reacted to them.

With --dids, Jetstream sends only the watched people's own records (wantedDids filters by the repository that acts),
so a like, repost, reply or quote of their posts by anyone else never streams. The watch list makes up for it through
the AppView (core/collect/appview.py): at start it backfills each watched person's recent posts and who reacted to
them, then every RECHECK_SECONDS it reads their latest posts again and looks up who reacted to those whose counts
changed since it last looked (core/collect/recheck.py: what grew is read; a count that fell is diffed, so an unlike,
an unrepost or a deleted reply or quote by someone not watched is seen).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from atproto_client import models
from atproto_client.models.utils import get_model_as_dict

from core.collect import bluesky, recheck
from core.collect.appview import AppView
from core.collect.events import Row, Tally, empty_row, now_us
from core.collect.recheck import Read, Seen, look

# The watched people's latest posts are read again this often for reactions by people not watched, which the
# stream never brings: a reaction reaches Sway within ten minutes (and a load), and a thousand watched people cost
# a feed page each, a sixth of the public AppView's 3,000 calls per 5 minutes, plus a page per 100 that a count grew.
RECHECK_SECONDS = 600.0
# Items per getAuthorFeed, getLikes, getRepostedBy and getQuotes call: the lexicons' maximum. A re-check reads one
# feed page per watched person (more only when the AppView sends empty pages with a cursor), and of each kind of
# reaction that grew, as many pages as it grew; of a like or repost count that fell, the whole list (at most
# CollectParams.reaction_pages each).
PAGE = 100
# Empty pages in a row, each with a new cursor, after which a feed read stops, taken as not read to its end.
EMPTY_PAGES = 3
# The kinds of reaction a post view counts, in the order of _counts.
KINDS = ("like", "repost", "reply", "quote")
# The kinds that are posts: one missing from its list (hidden or detached as well as deleted) is deleted only when
# getPosts no longer shows it while getProfiles shows its author (core/collect/recheck.py, Watchlist._shown).
POSTS = ("reply", "quote")
# URIs per getPosts call: the lexicon's maximum.
POSTS_PER_CALL = 25
# A watched person's posts that left their latest page, while within the window (and among their latest
# backfill_posts_per_person), are re-checked this often: their counts come from getPosts, 25 a call, so a campaign post
# stays followed however much its author posts after it, for eight calls an hour per person at most.
OLDER_RECHECK_SECONDS = 3600.0
# A post's like, repost, reply and quote counts as the AppView shows them.
Counts = tuple[int | None, int | None, int | None, int | None]
# Post URI -> what the last look saw of each kind of reaction to it (KINDS).
Looks = dict[str, dict[str, Seen]]


def _ended(asked: str | None, cursor: str | None) -> bool:
    """Whether a page ends its list: it gives no cursor (or an empty one), or gives back the cursor it was asked with,
    as the AppView's own page filling reads them. An empty page with a new cursor is mid-list: the AppView dropped
    every item of it (blocked or taken-down accounts), and later pages still hold some."""
    return not cursor or cursor == asked


def _utc_now() -> datetime:
    """Now as naive UTC, as the lake's times are."""
    return datetime.now(UTC).replace(tzinfo=None)


def _us(when: datetime) -> int:
    """A naive UTC time in microseconds since 1970."""
    return int(when.replace(tzinfo=UTC).timestamp() * 1e6)


class Watchlist:
    """The watched people's posts within the scoring window and who reacted to them: backfilled once, then re-checked
    every `recheck_seconds` for the posts whose counts changed (the ingest drops what it already holds; a like or
    repost taken back, or a reply or quote deleted, is deleted: core/collect/recheck.py).

    A like carries its own time (createdAt). A repost found by getRepostedBy has none: at the post's first sight (the
    backfill, or a post new since the last look) it takes the post's time, as most reposts come soon after a post;
    found by a later re-check, the time it was first seen, within RECHECK_SECONDS of the truth, where the post's time
    would put a repost of last month's post into last month. The Mastodon connector times favourites and boosts by
    the same rule; a restart is a first sight again (core/collect/recheck.py: it names each list it reads whole, so
    ingest drops what was taken back meanwhile). A watched person's own reposts come from their feed, timed when
    the AppView indexed them.
    """

    def __init__(self, appview: AppView, dids: Sequence[str]) -> None:
        self.appview = appview
        self.params = appview.params
        self.dids = tuple(dids)
        self.recheck_seconds = RECHECK_SECONDS
        self.older_seconds = OLDER_RECHECK_SECONDS
        self.page = PAGE  # feed items read per person at a re-check
        self.checked_at = self.older_checked_at = time.monotonic()
        self.seen: dict[str, Looks] = {}  # per watched DID, newest post first
        self.on_page: dict[str, set[str]] = {}  # per watched DID: the posts its last feed read reached
        self.posted_at: dict[str, datetime] = {}  # when each remembered post was made

    def backfill(self) -> list[Row]:
        """Each watched person's posts and reposts within the window (at most backfill_posts_per_person), and who
        liked, reposted, quoted and replied to the posts."""
        rows = [row for did in self.dids for row in self._read(did, self.params.backfill_posts_per_person, True)]
        self.checked_at = time.monotonic()
        return rows

    def recheck_due(self) -> bool:
        """Whether `recheck_seconds` (RECHECK_SECONDS unless a test sets it) have passed since the last look."""
        return time.monotonic() - self.checked_at >= self.recheck_seconds

    def recheck(self) -> list[Row]:
        """Who reacted, or took a reaction back, since the last look at each watched person's latest posts (one feed
        page, within the window), and once every `older_seconds` at their earlier posts still remembered: only a
        count that changed is looked up again. Their posts and reposts themselves come from the stream."""
        rows = [row for did in self.dids for row in self._read(did, self.page, False)]
        if time.monotonic() - self.older_checked_at >= self.older_seconds:
            rows += [row for did in self.dids for row in self._recheck_older(did)]
            self.older_checked_at = time.monotonic()
        remembered = {uri for posts in self.seen.values() for uri in posts}
        self.posted_at = {uri: when for uri, when in self.posted_at.items() if uri in remembered}
        self.checked_at = time.monotonic()
        return rows

    def _read(self, did: str, limit: int, backfill: bool) -> list[Row]:
        """Rows of `did`'s latest `limit` feed items: reactions to their posts (with the posts and their reposts on
        the backfill). What was seen of posts this read did not reach is kept while they are within the window and
        among the person's latest backfill_posts_per_person, for _recheck_older; a kind of reaction whose look-up
        failed keeps what the look before saw, to be looked up again next time."""
        rows: list[Row] = []
        last, seen = self.seen.get(did, {}), Looks()
        items, whole = self._feed(did, limit)
        for item in items:
            post = item.post
            if item.reason is None and post.author.did == did:
                if backfill and (row := post_row(post, self.appview.link.tally)) is not None:
                    rows.append(row)
                self.posted_at[post.uri] = _posted_at(post)
                found, looked = self._reactions(post, last.get(post.uri, {}))
                rows += found
                if looked:
                    seen[post.uri] = looked
            elif backfill and _reposted_by(item, did):
                rows.append(_own_repost(did, item.reason, post))
        self.on_page[did] = set(seen)
        self.seen[did] = seen | self._earlier(last, seen) if whole else last | seen
        return rows

    def _earlier(self, last: Looks, read: Looks) -> Looks:
        """Of the posts remembered before, those a read did not reach that are still within the window, newest first,
        as many as backfill_posts_per_person leaves room for beside the `read` ones."""
        since = _utc_now() - timedelta(days=self.params.backfill_days)
        room = max(self.params.backfill_posts_per_person - len(read), 0)
        kept = [uri for uri in last if uri not in read and self.posted_at.get(uri, since) >= since]
        kept.sort(key=lambda uri: self.posted_at.get(uri, since), reverse=True)
        return {uri: last[uri] for uri in kept[:room]}

    def _recheck_older(self, did: str) -> list[Row]:
        """Reactions to `did`'s remembered posts that their last feed read did not reach: each one's counts from
        getPosts (25 a call), then a look-up of each kind that changed. A post getPosts no longer shows is forgotten
        while the AppView shows its author (a deleted one's deletion comes from the stream; a deactivated person's
        posts may come back with them); a failed call leaves its posts for the next time."""
        seen = self.seen.get(did, {})
        older = [uri for uri in seen if uri not in self.on_page.get(did, set())]
        rows: list[Row] = []
        for start in range(0, len(older), POSTS_PER_CALL):
            batch = older[start : start + POSTS_PER_CALL]
            found = self.appview.call(self.appview.client.app.bsky.feed.get_posts, {"uris": batch})
            if found is None:
                continue
            shown = {post.uri: post for post in found.posts}
            if len(shown) < len(batch) and not self._present({did}):
                continue  # they are away (or the look-up failed): keep what was seen until they are back
            for uri in batch:
                if uri not in shown:
                    del seen[uri]
                    continue
                more, looked = self._reactions(shown[uri], seen[uri])
                rows += more
                if looked:
                    seen[uri] = looked
        return rows

    def _feed(self, did: str, limit: int) -> tuple[list[models.AppBskyFeedDefs.FeedViewPost], bool]:
        """`did`'s posts, replies and reposts, newest first, back to the start of the window (at most `limit`), and
        whether they were read as far as that (False when a call failed on the way, or after EMPTY_PAGES empty pages
        in a row)."""
        since = _utc_now() - timedelta(days=self.params.backfill_days)
        items: list[models.AppBskyFeedDefs.FeedViewPost] = []
        cursor, empty = None, 0
        while len(items) < limit:
            page = self.appview.call(
                self.appview.client.app.bsky.feed.get_author_feed,
                {
                    "actor": did,
                    "limit": min(PAGE, limit - len(items)),
                    "cursor": cursor,
                    "filter": "posts_with_replies",
                },
            )
            if page is None:
                return items, False
            for item in page.feed:
                if len(items) >= limit or _item_time(item) < since:
                    return items, True
                items.append(item)
            asked, cursor = cursor, page.cursor
            if _ended(asked, cursor):
                break
            empty = empty + 1 if not page.feed else 0
            if empty >= EMPTY_PAGES:
                return items, False
        return items, True

    def _reactions(
        self, post: models.AppBskyFeedDefs.PostView, before: dict[str, Seen]
    ) -> tuple[list[Row], dict[str, Seen]]:
        """Who liked, reposted, replied to and quoted `post`, of each kind whose count changed since `before`
        (core/collect/recheck.look), and what this look saw of each kind (a kind whose first look failed is left
        out, to be looked at again as new)."""
        rows: list[Row] = []
        seen: dict[str, Seen] = {}
        for kind, count in zip(KINDS, _counts(post), strict=True):
            unknown = _posted_at(post) if kind not in before else _utc_now()  # a reaction's time when it gives none
            remember = self.params.reaction_pages * PAGE
            subject = {"subject": post.uri, "subject_did": post.author.did}
            gone = partial(recheck.deletion, bluesky.NETWORK, **subject)
            shown = self._shown if kind in POSTS else None
            # A count the AppView leaves out reads as none, but names no list: it cannot say everyone took theirs back.
            named = kind not in POSTS and count is not None
            listed = partial(recheck.listing, bluesky.NETWORK, kind, **subject) if named else None
            read = self._reader(kind, post, unknown)
            whole_every = self.params.whole_list_hours * 3600
            found, now = look(before.get(kind), count or 0, read, gone, remember, shown, listed, whole_every)
            rows += found
            if now is not None:
                seen[kind] = now
        return rows, seen

    def _reader(self, kind: str, post: models.AppBskyFeedDefs.PostView, unknown: datetime) -> Read:
        """The look-up of one kind of reaction to `post`, newest first; `unknown` times a like or repost that gives
        no time of its own."""
        if kind == "like":
            return partial(self._likes, post, unknown)
        if kind == "repost":
            return partial(self._reposts, post, unknown)
        if kind == "quote":
            return partial(self._quotes, post)
        return partial(self._replies, post)

    def _pages(
        self, method: Callable[..., Any], uri: str, field: str, wanted: int | None
    ) -> tuple[list[Any], bool] | None:
        """The items of a paged look-up of `uri` (newest first), page after page until `wanted` are read (None: all),
        the pages end or reaction_pages were read, and whether they ended; None when a call failed."""
        items: list[Any] = []
        cursor = None
        for _ in range(self.params.reaction_pages):
            page = self.appview.call(method, {"uri": uri, "limit": PAGE, "cursor": cursor})
            if page is None:
                return None
            found = getattr(page, field)
            items += found
            asked, cursor = cursor, page.cursor
            if _ended(asked, cursor):
                return items, True
            if wanted is not None and len(items) >= wanted:
                break
        return items, False

    def _likes(
        self, post: models.AppBskyFeedDefs.PostView, unknown: datetime, wanted: int | None
    ) -> tuple[list[Row], int, bool, frozenset[str]] | None:
        """The likes getLikes shows, each at its createdAt (else when the AppView indexed it, else `unknown`), how
        many, whether they are all, and who gave them; None when a call failed."""
        found = self._pages(self.appview.client.app.bsky.feed.get_likes, post.uri, "likes", wanted)
        if found is None:
            return None
        likes, ended = found
        return (
            [
                _reaction("like", like.actor.did, post, _first_time((like.created_at, like.indexed_at), unknown))
                for like in likes
            ],
            len(likes),
            ended,
            frozenset(like.actor.did for like in likes),
        )

    def _reposts(
        self, post: models.AppBskyFeedDefs.PostView, unknown: datetime, wanted: int | None
    ) -> tuple[list[Row], int, bool, frozenset[str]] | None:
        """The reposts getRepostedBy shows (profiles only: each at `unknown`), how many it listed, whether they are
        all, and who reposted; None when a call failed. A watched person's own come from the stream and their feed,
        with their record and time, so they are left to those (but named among who reposted)."""
        found = self._pages(self.appview.client.app.bsky.feed.get_reposted_by, post.uri, "reposted_by", wanted)
        if found is None:
            return None
        actors, ended = found
        rows = [_reaction("repost", actor.did, post, unknown) for actor in actors if actor.did not in self.dids]
        return rows, len(actors), ended, frozenset(actor.did for actor in actors)

    def _quotes(
        self, post: models.AppBskyFeedDefs.PostView, wanted: int | None
    ) -> tuple[list[Row], int, bool, frozenset[str]] | None:
        """The posts getQuotes shows quoting `post`, how many, whether they are all, and their authors; None when a
        call failed."""
        found = self._pages(self.appview.client.app.bsky.feed.get_quotes, post.uri, "posts", wanted)
        if found is None:
            return None
        quotes, ended = found
        return self._posts(quotes), len(quotes), ended, frozenset(quote.author.did for quote in quotes)

    def _replies(
        self, post: models.AppBskyFeedDefs.PostView, _wanted: int | None
    ) -> tuple[list[Row], int, bool, frozenset[str]] | None:
        """The direct replies to `post` that getPostThread shows (depth 1: one call shows them all), how many, and
        their authors; None when the call failed."""
        thread = self.appview.call(self.appview.client.app.bsky.feed.get_post_thread, {"uri": post.uri, "depth": 1})
        if thread is None:
            return None
        replies = getattr(thread.thread, "replies", None) or ()  # none when the post is gone or blocked
        views = [view for reply in replies if (view := getattr(reply, "post", None)) is not None]
        return self._posts(views), len(replies), True, frozenset(view.author.did for view in views)

    def _shown(self, records: list[tuple[str, str]]) -> set[str] | None:
        """Of the posts `records` (URI, author), those the AppView still shows (getPosts, 25 a call) and those whose
        author it does not (getProfiles: a deactivated or taken-down account may come back with its posts, so they
        are kept); only a post gone while its author is there is gone for good. None when a call failed."""
        uris = [uri for uri, _ in records]
        shown: set[str] = set()
        for start in range(0, len(uris), POSTS_PER_CALL):
            found = self.appview.call(
                self.appview.client.app.bsky.feed.get_posts, {"uris": uris[start : start + POSTS_PER_CALL]}
            )
            if found is None:
                return None
            shown |= {post.uri for post in found.posts}
        missing = [uri for uri in uris if uri not in shown]
        present = self._present({_author(uri) for uri in missing})
        return None if present is None else shown | {uri for uri in missing if _author(uri) not in present}

    def _present(self, dids: set[str]) -> set[str] | None:
        """Of `dids`, those whose profile the AppView shows (getProfiles, 25 a call: a deactivated, taken-down or
        deleted account is left out); None when a call failed."""
        wanted, present = sorted(dids), set[str]()
        for start in range(0, len(wanted), self.params.profiles_per_call):
            found = self.appview.call(
                self.appview.client.app.bsky.actor.get_profiles,
                {"actors": wanted[start : start + self.params.profiles_per_call]},
            )
            if found is None:
                return None
            present |= {profile.did for profile in found.profiles}
        return present

    def _posts(self, found: Iterable[models.AppBskyFeedDefs.PostView]) -> list[Row]:
        """Post views as lake rows (those malformed counted and skipped)."""
        return [row for post in found if (row := post_row(post, self.appview.link.tally)) is not None]


def post_row(post: models.AppBskyFeedDefs.PostView, tally: Tally) -> Row | None:
    """A post from a feed look-up as a lake row, read from its record exactly as a stream event would be."""
    record = get_model_as_dict(post.record)
    did, rkey = post.author.did, post.uri.rsplit("/", 1)[-1]
    frame = {
        "did": did,
        "time_us": now_us(),
        "kind": "commit",
        "commit": {"operation": "create", "collection": bluesky.POST, "rkey": rkey, "record": record},
    }
    row = bluesky.parse_event(frame, tally)
    if row is not None:
        row["time_us"] = _us(row["created_at"])
    return row


def _author(uri: str) -> str:
    """The DID whose repository holds the record at://<did>/<collection>/<rkey>."""
    return uri.removeprefix("at://").split("/", 1)[0]


def _counts(post: models.AppBskyFeedDefs.PostView) -> Counts:
    """The like, repost, reply and quote counts the AppView shows for `post` (None: left out)."""
    return (post.like_count, post.repost_count, post.reply_count, post.quote_count)


def _posted_at(post: models.AppBskyFeedDefs.PostView) -> datetime:
    """The post's createdAt as naive UTC, read as the stream reads it (now when absent, unreadable or ahead)."""
    return bluesky.parse_time(getattr(post.record, "created_at", None), now_us())


def _reposted_by(item: models.AppBskyFeedDefs.FeedViewPost, did: str) -> bool:
    """Whether the feed item is `did`'s repost of a post."""
    reason = item.reason
    return isinstance(reason, models.AppBskyFeedDefs.ReasonRepost) and reason.by.did == did


def _item_time(item: models.AppBskyFeedDefs.FeedViewPost) -> datetime:
    """When a feed item happened: a repost when the AppView indexed it, a post when it was made."""
    if isinstance(item.reason, models.AppBskyFeedDefs.ReasonRepost):
        return _first_time((item.reason.indexed_at,), _posted_at(item.post))
    return _posted_at(item.post)


def _first_time(values: Sequence[object], fallback: datetime) -> datetime:
    """The first of `values` that is a readable time not impossibly ahead (a client's clock), else `fallback`."""
    latest = _utc_now() + bluesky.MAX_CLOCK_AHEAD
    for value in values:
        stamp = bluesky.record_time(value)
        if stamp is not None and stamp <= latest:
            return stamp
    return fallback


def _own_repost(did: str, reason: models.AppBskyFeedDefs.ReasonRepost, post: models.AppBskyFeedDefs.PostView) -> Row:
    """A watched person's repost from their feed: keyed by its own record when the AppView names it (so a deletion
    on the stream reaches it), at the time the AppView indexed it."""
    own = reason.uri if reason.uri and reason.uri.startswith(f"at://{did}/{bluesky.REPOST}/") else None
    return _reaction("repost", did, post, _first_time((reason.indexed_at,), _posted_at(post)), own)


def _reaction(
    kind: str, actor: str, post: models.AppBskyFeedDefs.PostView, when: datetime, uri: str | None = None
) -> Row:
    """A like or repost of `post` found by a look-up, at `when`. Its key is its record's `uri` when known; else (the
    AppView names no like's record, nor a repost's in getRepostedBy) one made from who reacted to what
    (events.LOOKUP_KEY): replays match, though a later deletion on the stream cannot name it, and the row is stamped
    when it was looked up, so a like given again after an unlike a look-up noticed is loaded again."""
    made = f"at://{actor}/{bluesky.LIKE if kind == 'like' else bluesky.REPOST}/lookup:{post.uri}"
    row = empty_row(bluesky.NETWORK, _us(when) if uri else now_us(), actor, kind)
    row.update(uri=uri or made, created_at=when, subject=post.uri, subject_did=post.author.did)
    return row
