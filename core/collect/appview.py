"""Look-ups on Bluesky's AppView through the atproto SDK: profiles in batches of 25, and backfill of watched people.

Rate limits are honoured: a 429 waits until the RateLimit-Reset time the AppView sends (or backs off, doubling,
when it sends none) and tries the same call again. A failed connection is tried again a few times after the
reconnect backoff; every failure is counted and noted on the link, and a call that still fails is skipped.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from atproto import Client
from atproto_client import models
from atproto_client.exceptions import AtProtocolError, NetworkError, RateLimitExceededError
from atproto_client.models.utils import get_model_as_dict

from core.collect import bluesky
from core.collect.connector import Link
from core.collect.events import Row, Tally, empty_row
from core.collect.params import CollectParams

MAX_PENDING = 100_000  # people waiting for a profile look-up; more are picked up when they act again
MAX_RATE_LIMIT_WAIT = 300.0  # never sleep longer than this on one reset header
# Connection failures: the SDK wraps timeouts and some network errors, and lets others through as httpx's own
# (a connection dropped without a response is an httpx.RemoteProtocolError).
_CONNECTION_ERRORS = (NetworkError, httpx.HTTPError)


def _now_us() -> int:
    return int(time.time() * 1e6)


class Profiles:
    """Which people need a profile, and the AppView calls that fetch them (and backfill watched people)."""

    def __init__(
        self, base_url: str, params: CollectParams, link: Link, *, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.client = Client(base_url=base_url.rstrip("/") + "/xrpc")
        self.params = params
        self.link = link
        self.sleep = sleep
        self.pending: OrderedDict[str, None] = OrderedDict()
        self.fetched: dict[str, float] = {}  # DID -> time.monotonic() of its last look-up

    def saw(self, row: Row) -> None:
        """Note the people a stream row names, so their profiles are looked up when due."""
        for did in (row["did"], row["subject_did"], *(row["mentions"] or ())):
            if did and did not in self.pending and len(self.pending) < MAX_PENDING and self._due(did):
                self.pending[did] = None

    def _due(self, did: str) -> bool:
        fetched = self.fetched.get(did)
        return fetched is None or time.monotonic() - fetched > self.params.profile_max_age_hours * 3600

    def fetch_due(self) -> list[Row]:
        """One getProfiles call for the next people due (at most 25): their profiles as lake rows."""
        batch = []
        while self.pending and len(batch) < self.params.profiles_per_call:
            did, _ = self.pending.popitem(last=False)
            if self._due(did):
                batch.append(did)
        if not batch:
            return []
        response = self.call(self.client.app.bsky.actor.get_profiles, {"actors": batch})
        if response is None:
            return []
        now = time.monotonic()
        for did in batch:  # a person the AppView does not know is not asked for again today either
            self.fetched[did] = now
        return [profile_row(p) for p in response.profiles]

    def call(self, method: Callable[..., Any], params: dict[str, Any]) -> Any:
        """Call the AppView, waiting out rate limits and retrying failed connections; None (counted and noted on the
        link) when it fails otherwise or keeps failing."""
        wait = self.params.rate_limit_wait_seconds
        retries = 0
        while True:
            try:
                return method(params)
            except RateLimitExceededError as exc:
                self.link.rate_limited += 1
                self.sleep(_reset_wait(exc, wait))
                wait = min(wait * 2, MAX_RATE_LIMIT_WAIT)
            except (*_CONNECTION_ERRORS, AtProtocolError) as exc:
                self.link.failed_lookups += 1
                self.link.last_error = f"AppView: {type(exc).__name__}: {exc}"[:300]
                if not isinstance(exc, _CONNECTION_ERRORS) or retries >= self.params.lookup_retries:
                    return None
                self.sleep(min(self.params.backoff_seconds * 2**retries, self.params.backoff_max_seconds))
                retries += 1

    def backfill(self, dids: Sequence[str]) -> list[Row]:
        """Recent posts of each watched person within the window, and who liked, reposted, replied to or quoted them."""
        since = datetime.now(UTC) - timedelta(days=self.params.backfill_days)
        rows: list[Row] = []
        for did in dids:
            rows.extend(self._backfill_person(did, since))
        return rows

    def _backfill_person(self, did: str, since: datetime) -> list[Row]:
        rows: list[Row] = []
        cursor = None
        while len(rows) < self.params.backfill_posts_per_person:
            page = self.call(
                self.client.app.bsky.feed.get_author_feed,
                {"actor": did, "limit": 100, "cursor": cursor, "filter": "posts_with_replies"},
            )
            if page is None or not page.feed:
                break
            for item in page.feed:
                if item.reason is not None or item.post.author.did != did:
                    continue  # a repost by them shows someone else's post
                row = post_row(item.post, self.link.tally)
                if row is None:
                    continue
                if row["created_at"] < since.replace(tzinfo=None):
                    return rows
                rows.append(row)
                rows.extend(self._reactions(item.post))
            cursor = page.cursor
            if cursor is None:
                break
        return rows

    def _reactions(self, post: models.AppBskyFeedDefs.PostView) -> list[Row]:
        """Who liked, reposted, quoted and replied to `post` (first page of each)."""
        rows: list[Row] = []
        author = post.author.did
        if post.like_count:
            likes = self.call(self.client.app.bsky.feed.get_likes, {"uri": post.uri, "limit": 100})
            for like in likes.likes if likes else ():
                rows.append(_reaction("like", like.actor.did, post.uri, author, like.created_at))
        if post.repost_count:
            reposts = self.call(self.client.app.bsky.feed.get_reposted_by, {"uri": post.uri, "limit": 100})
            for actor in reposts.reposted_by if reposts else ():
                rows.append(_reaction("repost", actor.did, post.uri, author, actor.indexed_at or post.indexed_at))
        if post.quote_count:
            quotes = self.call(self.client.app.bsky.feed.get_quotes, {"uri": post.uri, "limit": 100})
            rows.extend(r for q in (quotes.posts if quotes else ()) if (r := post_row(q, self.link.tally)))
        if post.reply_count:
            thread = self.call(self.client.app.bsky.feed.get_post_thread, {"uri": post.uri, "depth": 1})
            replies = getattr(thread.thread, "replies", None) if thread else None
            for reply in replies or ():
                if (found := getattr(reply, "post", None)) and (row := post_row(found, self.link.tally)):
                    rows.append(row)
        return rows


def _reset_wait(exc: RateLimitExceededError, fallback: float) -> float:
    """Seconds until the AppView's RateLimit-Reset (epoch seconds), else `fallback`."""
    headers = exc.response.headers if exc.response is not None else {}
    reset = headers.get("ratelimit-reset")
    try:
        return min(max(float(reset) - time.time(), 0.0), MAX_RATE_LIMIT_WAIT) if reset else fallback
    except ValueError:
        return fallback


def profile_row(profile: models.AppBskyActorDefs.ProfileViewDetailed) -> Row:
    """A profile from getProfiles as a lake row (its time is the look-up's, never a stream cursor)."""
    row = empty_row(bluesky.NETWORK, _now_us(), profile.did, "profile")
    row.update(
        handle=None if profile.handle == bluesky.INVALID_HANDLE else profile.handle,  # None keeps the stored one
        display_name=profile.display_name,
        bio=profile.description,
        followers=profile.followers_count,
        following=profile.follows_count,
        posts=profile.posts_count,
        account_created_at=bluesky.record_time(profile.created_at),
    )
    return row


def post_row(post: models.AppBskyFeedDefs.PostView, tally: Tally) -> Row | None:
    """A post from a feed look-up as a lake row, read from its record exactly as a stream event would be."""
    record = get_model_as_dict(post.record)
    did, rkey = post.author.did, post.uri.rsplit("/", 1)[-1]
    frame = {
        "did": did,
        "time_us": _now_us(),
        "kind": "commit",
        "commit": {"operation": "create", "collection": bluesky.POST, "rkey": rkey, "record": record},
    }
    row = bluesky.parse_event(frame, tally)
    if row is not None:
        row["time_us"] = int(row["created_at"].replace(tzinfo=UTC).timestamp() * 1e6)
    return row


def _reaction(kind: str, actor: str, subject: str, author: str, when: str | None) -> Row:
    """A like or repost found by a look-up. The AppView does not name the like's own record, so its key is made
    from who reacted to what: replays match, though a later deletion on the stream cannot name it."""
    row = empty_row(bluesky.NETWORK, 0, actor, kind)
    created = bluesky.parse_time(when, _now_us())
    row.update(
        uri=f"at://{actor}/{bluesky.LIKE if kind == 'like' else bluesky.REPOST}/lookup:{subject}",
        created_at=created,
        subject=subject,
        subject_did=author,
        time_us=int(created.replace(tzinfo=UTC).timestamp() * 1e6),
    )
    return row
