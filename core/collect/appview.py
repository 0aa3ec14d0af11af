"""Look-ups on Bluesky's AppView through the atproto SDK: one client whose calls honour rate limits, and profiles
in batches of 25 (the watched people's posts and reactions are core/collect/watchlist.py's).

Rate limits are honoured: a 429 waits until the RateLimit-Reset time the AppView sends (or backs off, doubling,
when it sends none) and tries the same call again. A failed connection is tried again a few times after the
reconnect backoff; every failure is counted and noted on the link, and a call that still fails is skipped.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import httpx
from atproto import Client
from atproto_client import models
from atproto_client.exceptions import AtProtocolError, NetworkError, RateLimitExceededError

from core.collect import bluesky
from core.collect.connector import Link
from core.collect.events import Row, empty_row, now_us
from core.collect.params import CollectParams

MAX_PENDING = 100_000  # people waiting for a profile look-up; more are picked up when they act again
MAX_RATE_LIMIT_WAIT = 300.0  # never sleep longer than this on one reset header
# Connection failures: the SDK wraps timeouts and some network errors, and lets others through as httpx's own
# (a connection dropped without a response is an httpx.RemoteProtocolError).
_CONNECTION_ERRORS = (NetworkError, httpx.HTTPError)


class AppView:
    """One AppView client and the calls through it, shared by profile look-ups and the watch list."""

    def __init__(
        self, base_url: str, params: CollectParams, link: Link, *, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.client = Client(base_url=base_url.rstrip("/") + "/xrpc")
        self.params = params
        self.link = link
        self.sleep = sleep

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


class Profiles:
    """Which people need a profile, and the getProfiles calls that fetch them."""

    def __init__(self, appview: AppView) -> None:
        self.appview = appview
        self.params = appview.params
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
        response = self.appview.call(self.appview.client.app.bsky.actor.get_profiles, {"actors": batch})
        if response is None:
            return []
        now = time.monotonic()
        for did in batch:  # a person the AppView does not know is not asked for again today either
            self.fetched[did] = now
        return [profile_row(p) for p in response.profiles]


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
    row = empty_row(bluesky.NETWORK, now_us(), profile.did, "profile")
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
