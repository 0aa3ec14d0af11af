"""The Mastodon connector: an instance's public hashtag and account timelines through mastodon-py, as lake rows.

Keys are the instance's own: a status is <instance>/statuses/<id>, an account <instance>/accounts/<id>, because
replies name their parent and its author by these ids only. Hashtags come live from the streaming API (server-sent
events, a connection per hashtag on a thread of its own): a tagged post is a row within seconds, a deleted one a
delete row. Every timeline is also polled, paging forward with min_id from the newest status seen until a page
comes back short (since_id would return only a burst's newest page): polling catches up what a stream missed while
it reconnected or where the instance refuses it, and reads the watched accounts, which have no public stream. The
first poll takes the latest page; after a restart each timeline is read on from the stored cursor rewound
RESUME_REWIND_SECONDS, and ingest de-duplicates. Favourites, boosts and replies of the watched accounts' posts are
looked up when a post is first seen and again whenever its counts have changed (recent posts are re-read every
RECHECK_SECONDS; core/collect/recheck.py: an unfavourite, unboost or deleted reply is seen when its count falls, and
deleted; replies come from the status's context, which shows anyone at most PUBLIC_DESCENDANTS of a thread).
Polling needs no login; since Mastodon 4.2 the stream needs a user access token (read:statuses), which is used for
the stream only, so the polled timelines stay what anyone can see.
"""

from __future__ import annotations

import asyncio
import html
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from contextlib import suppress
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from mastodon import (
    Mastodon,
    MastodonError,
    MastodonNetworkError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    StreamListener,
)

from core.collect import recheck
from core.collect.connector import Link
from core.collect.events import Row, empty_row, now_us
from core.collect.params import DEFAULT_PARAMS, CollectParams
from core.collect.recheck import Seen, look

NETWORK = "mastodon"
POLL_SECONDS = 30.0  # timelines are polled this often (a public timeline changes by the minute, not the second)
PAGE = 40  # statuses per request: Mastodon's largest page
MAX_PAGES = 25  # per timeline and poll: a longer backlog is read on by the next polls
# A restart reads each timeline on from the stored cursor rewound this far. The cursor is the newest row stored, and
# profile rows carry the time they were read, so it can be ahead of the last status actually read (a status the
# instance showed late, a poll cut short by MAX_PAGES): a quarter of an hour is a few pages to read again, and
# ingest drops what was already stored.
RESUME_REWIND_SECONDS = 15 * 60.0
# The watched accounts' latest page is read again this often, for favourites and boosts that come after a post was
# first seen: one request per account, little of the 300 per 5 minutes Mastodon allows an address.
RECHECK_SECONDS = 120.0
# Descendants a status's context shows without a token (the polled timelines stay what anyone can see): a thread with
# as many is not read whole, so a fall in a post's replies then deletes nothing.
PUBLIC_DESCENDANTS = 60
# Mastodon's streaming server sends a heartbeat every 15 s: this long without a byte means the connection is dead.
STREAM_TIMEOUT = 60.0
# An instance that refused a stream (no token, a bad one, streaming off) is asked again this seldom; the hashtag is
# polled meanwhile.
STREAM_RETRY_SECONDS = 600.0
# The authors of this many of the latest statuses seen are remembered, so that the stream's deletion of one (which
# names the status alone) names its author too and leaves Sway with them when they are erased (about 250 bytes each).
REMEMBERED_AUTHORS = 100_000
# What a status of an unexpected shape raises while it is read (a field missing, or a value of another type).
MALFORMED = (KeyError, TypeError, ValueError, AttributeError)
# Where the command line finds an access token when --token is not given (an environment variable keeps it out of
# the process list).
TOKEN_ENV = "SWAY_MASTODON_TOKEN"  # noqa: S105 (the variable's name, not a token)
_TAG = re.compile(r"<[^>]+>")

# A watched account's posts: status id -> what the last look saw of its favourites ("like") and boosts ("repost").
Looks = dict[Any, dict[str, Seen]]


def plain_text(content: str) -> str:
    """A status's HTML content as plain text (paragraphs and line breaks kept as new lines)."""
    text = re.sub(r"</p>\s*<p>|<br\s*/?>", "\n", content or "")
    return html.unescape(_TAG.sub("", text)).strip()


def _us(when: Any) -> int:
    """A status time (datetime from mastodon-py) in microseconds since 1970."""
    if isinstance(when, datetime):
        stamp = when if when.tzinfo else when.replace(tzinfo=UTC)
        return int(stamp.timestamp() * 1e6)
    return now_us()


def _naive(when: Any) -> datetime | None:
    return datetime.fromtimestamp(_us(when) / 1e6, UTC).replace(tzinfo=None) if when is not None else None


class MastodonConnector:
    """Streams one instance's hashtags and polls its hashtag and account timelines; looks up favourites and boosts
    of watched posts."""

    network = NETWORK

    def __init__(
        self,
        instance: str,
        *,
        tags: Sequence[str] = (),
        accounts: Sequence[str] = (),
        token: str | None = None,
        params: CollectParams = DEFAULT_PARAMS,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.instance = instance.rstrip("/")
        # Host names are case-blind: one spelling keys an account the same however --instance was typed, so an
        # erased person's suppressed keys still match.
        self.host = (urlsplit(self.instance).netloc or self.instance).lower()
        self.api = Mastodon(api_base_url=self.instance, version_check_mode="none", request_timeout=30)
        self.tags = [t.lstrip("#") for t in tags]
        self.accounts = list(accounts)
        self.params = params
        self.poll_seconds = poll_seconds
        self.recheck_seconds = RECHECK_SECONDS
        self.link = Link(endpoint=self.instance)
        self.since: dict[str, Any] = {}  # timeline -> newest status id read (a datetime: read on from that time)
        self.looks: dict[str, Looks] = {}  # per watched account
        self.rechecked_at = time.monotonic()  # the first poll sees every post for the first time anyway
        self._token = token  # for the stream only; kept off every row, log line and state file
        self._authors: OrderedDict[str, str] = OrderedDict()  # status key -> author's key, least recently seen first
        self._authors_lock = threading.Lock()  # the event loop's thread (streams) and the polls' thread both write it
        self._account_ids: dict[str, Any] = {}

    def streaming_client(self) -> Mastodon:
        """A client for one stream's thread (a requests session is not shared between threads), with the token."""
        return Mastodon(
            api_base_url=self.instance, access_token=self._token, version_check_mode="none", request_timeout=30
        )

    def _status_key(self, status_id: Any) -> str:
        return f"{self.host}/statuses/{status_id}"

    def _account_key(self, account_id: Any) -> str:
        return f"{self.host}/accounts/{account_id}"

    async def stream(self, cursor: int | None, out: asyncio.Queue[Row]) -> None:
        """Stream the hashtags and poll every timeline until cancelled, from `cursor` (the last stored row's time)
        when restarting; failures are noted on the link and retried with backoff."""
        if cursor is not None:
            self.resume_from(cursor)
        loop = asyncio.get_running_loop()
        streams = [TagStream(self, tag, loop, out).start() for tag in self.tags]
        try:
            await self._poll_forever(out)
        finally:
            for tag_stream in streams:
                tag_stream.close()

    def resume_from(self, cursor_us: int) -> None:
        """Have each timeline's next poll read on from `cursor_us` rewound RESUME_REWIND_SECONDS, not take the
        latest page (mastodon-py turns a datetime min_id into the status id of that moment)."""
        start = datetime.fromtimestamp(cursor_us / 1e6 - RESUME_REWIND_SECONDS, UTC)
        for timeline in [f"#{tag}" for tag in self.tags] + self.accounts:
            self.since.setdefault(timeline, start)

    async def _poll_forever(self, out: asyncio.Queue[Row]) -> None:
        attempt = 0
        while True:
            rows: list[Row] = []
            try:
                await asyncio.to_thread(self.poll_into, rows)
            except MastodonRatelimitError as exc:
                self.link.rate_limited += 1
                self.link.last_error = f"{self.instance}: rate limited: {exc}"[:300]
                attempt += 1
            except (MastodonError, OSError) as exc:
                self.link.connected = False
                self.link.last_error = f"{self.instance}: {type(exc).__name__}: {exc}"[:300]
                self.link.reconnects += 1
                attempt += 1
            else:
                self.link.connected, attempt = True, 0
            if rows:  # what a poll read before failing is kept (the timeline that failed is read again)
                self.link.heard_at = time.monotonic()
            for row in rows:
                await out.put(row)
            backoff = min(self.params.backoff_seconds * 2**attempt, self.params.backoff_max_seconds) if attempt else 0
            await asyncio.sleep(self.poll_seconds + backoff)

    async def lookups(self, out: asyncio.Queue[Row]) -> None:
        """Profiles come with every status on Mastodon: nothing to look up separately."""

    def poll(self) -> list[Row]:
        """New statuses of every hashtag and account timeline (and reactions to the watched accounts' posts)."""
        rows: list[Row] = []
        self.poll_into(rows)
        return rows

    def poll_into(self, rows: list[Row]) -> None:
        """Add new statuses of every timeline to `rows`, with the watched posts' reactions (re-checked when due).

        A timeline's position moves only once its rows are all in `rows`, so one that fails part-way is read again
        by the next poll, and what earlier timelines gave is not lost with it."""
        for tag in self.tags:
            self._read(f"#{tag}", partial(self.api.timeline_hashtag, tag), rows, None)
        recheck = time.monotonic() - self.rechecked_at >= self.recheck_seconds
        for handle in self.accounts:
            account_id = self._account_ids.get(handle)
            if account_id is None:
                account_id = self._account_ids[handle] = self.api.account_lookup(handle)["id"]
            self._read(handle, partial(self.api.account_statuses, account_id), rows, self.looks.setdefault(handle, {}))
            if recheck:
                self._recheck(handle, account_id, rows)
        if recheck:
            self.rechecked_at = time.monotonic()

    def _read(self, timeline: str, fetch: Callable[..., list[Any]], rows: list[Row], watched: Looks | None) -> None:
        found = self._newer(timeline, fetch)
        self._statuses(found, rows, watched)
        if found:
            self.since[timeline] = max((s["id"] for s in found), key=int)

    def _newer(self, timeline: str, fetch: Callable[..., list[Any]]) -> list[Any]:
        """The timeline's statuses after the newest one read, page by page forward (min_id); the latest page when
        none was read yet."""
        seen = self.since.get(timeline)
        if seen is None:
            return list(fetch(limit=PAGE))
        found: list[Any] = []
        for _ in range(MAX_PAGES):
            page = list(fetch(min_id=seen, limit=PAGE))
            found += page
            if len(page) < PAGE:
                break
            seen = max((s["id"] for s in page), key=int)
        return found

    def _statuses(
        self, statuses: list[Any], rows: list[Row], watched: Looks | None, malformed: str = "malformed status"
    ) -> None:
        """Rows of `statuses` added to `rows`; with `watched` (a watched account's counts; None for a hashtag) who
        reacted to its posts too. A status of an unexpected shape is counted under `malformed` and left out."""
        for status in statuses:
            try:
                made = [self.profile(status["account"])]
                boosted = status.get("reblog")
                if boosted is not None:
                    made.append(self._reaction("repost", status["account"], boosted, status["created_at"]))
                else:
                    made.append(self.post(status))
                    if watched is not None:
                        made += self._reactions_to(status, watched)
            except MALFORMED:
                # One odd status (a field missing or of another type) is counted, never stops the timeline.
                self.link.tally.skip(malformed, status)  # the sample keeps its shape only
                continue
            rows += made

    def _recheck(self, handle: str, account_id: Any, rows: list[Row]) -> None:
        """Read the account's latest page again and add who reacted to each of its posts within the scoring window
        whose favourites or boosts changed (ingest drops the reactions already stored). Posts that left the page are
        forgotten: what is kept stays one page per account."""
        oldest_us = (time.time() - self.params.backfill_days * 86_400) * 1e6
        latest = self.api.account_statuses(account_id, limit=PAGE)
        recent = [s for s in latest if s.get("reblog") is None and _us(s["created_at"]) >= oldest_us]
        watched = self.looks.setdefault(handle, {})
        for status in recent:
            rows += self._reactions_to(status, watched)
        self.looks[handle] = {s["id"]: watched[s["id"]] for s in recent}

    def post(self, status: Any) -> Row:
        """A status as a post row (a reply when it answers another)."""
        account = self._account_key(status["account"]["id"])
        # An edited status's time is its edit's, so its versions are ordered as made (ingest keeps the latest).
        row = empty_row(NETWORK, _us(status.get("edited_at") or status["created_at"]), account, "post")
        parent = status.get("in_reply_to_id")
        self._remember_author(self._status_key(status["id"]), account)
        row.update(
            uri=self._status_key(status["id"]),
            created_at=_naive(status["created_at"]),
            text=plain_text(status.get("content") or ""),
            langs=[status["language"]] if status.get("language") else [],
            parent_uri=self._status_key(parent) if parent else None,
            subject_did=self._account_key(status["in_reply_to_account_id"]) if parent else None,
            mentions=[self._account_key(m["id"]) for m in status.get("mentions") or []],
            tags=[t["name"] for t in status.get("tags") or []],
            links=[status["card"]["url"]] if status.get("card") else [],
            web_url=status.get("url") or status.get("uri"),
        )
        return row

    def deletion(self, status_id: Any) -> Row:
        """A delete row for a status the stream says is gone (ingest removes the post and what it made). The event
        names the status only: its author is named when this collector saw the status (else ingest looks them up)."""
        key = self._status_key(status_id)
        with self._authors_lock:
            author = self._authors.get(key)
        row = empty_row(NETWORK, now_us(), "", "delete")
        row.update(did=author, uri=key)
        return row

    def _remember_author(self, key: str, account: str) -> None:
        with self._authors_lock:
            self._authors[key] = account
            self._authors.move_to_end(key)  # seen again: now the latest
            if len(self._authors) > REMEMBERED_AUTHORS:
                self._authors.popitem(last=False)

    def profile(self, account: Any) -> Row:
        """An account object (every status carries its author's) as a profile row."""
        acct = account["acct"] if "@" in account["acct"] else f"{account['acct']}@{self.host}"
        row = empty_row(NETWORK, now_us(), self._account_key(account["id"]), "profile")
        row.update(
            handle=acct,
            display_name=account.get("display_name") or None,
            bio=plain_text(account.get("note") or "") or None,
            followers=account.get("followers_count"),
            following=account.get("following_count"),
            posts=account.get("statuses_count"),
            account_created_at=_naive(account.get("created_at")),
        )
        return row

    def _reaction(self, kind: str, actor: Any, status: Any, when: Any) -> Row:
        """A favourite ("like") or boost ("repost") of `status` at `when`, keyed by who reacted to what
        (events.LOOKUP_KEY: Mastodon names no favourite) and stamped when it was seen."""
        row = empty_row(NETWORK, now_us(), self._account_key(actor["id"]), kind)
        row.update(
            uri=f"{self.host}/{kind}/{status['id']}/{actor['id']}",
            created_at=_naive(when),
            subject=self._status_key(status["id"]),
            subject_did=self._account_key(status["account"]["id"]),
        )
        return row

    def _reactions_to(self, status: Any, watched: Looks) -> list[Row]:
        """Who favourited, boosted and replied to a watched post: looked up at its first sight when it has any, and
        again when a count has changed since (core/collect/recheck.look; what was seen is noted in `watched` for the
        next look). A reply missing from a later look is deleted only when the instance no longer shows it.

        Mastodon gives no time for either. Those there at the post's first sight take the post's time: most come
        soon after a post, and a new post is seen within a poll of being made. Those found later take the time they
        were first seen, within RECHECK_SECONDS of the truth, where the post's time would put a favourite of last
        week's post into last week. A restart is a first sight again: what came while it was down takes the post's
        time."""
        before = watched.get(status["id"], {})
        kinds = (
            ("like", status.get("favourites_count") or 0, self.api.status_favourited_by),
            ("repost", status.get("reblogs_count") or 0, self.api.status_reblogged_by),
            ("reply", status.get("replies_count") or 0, None),
        )
        rows: list[Row] = []
        seen: dict[str, Seen] = {}
        subject = {"subject": self._status_key(status["id"]), "subject_did": self._account_key(status["account"]["id"])}
        remember, whole_every = self.params.reaction_pages * PAGE, self.params.whole_list_hours * 3600
        gone = partial(recheck.deletion, NETWORK, **subject)
        for kind, count, lookup in kinds:
            when = status["created_at"] if kind not in before else datetime.now(UTC)
            if lookup is None:  # replies: posts, whose own times they carry
                read, shown, listed = partial(self._replies, status), self._shown, None
            else:
                read, shown = partial(self._who, kind, lookup, status, when), None
                listed = partial(recheck.listing, NETWORK, kind, **subject)
            found, now = look(before.get(kind), count, read, gone, remember, shown, listed, whole_every)
            rows += found
            if now is not None:
                seen[kind] = now
        watched[status["id"]] = seen
        return rows

    def _who(
        self, kind: str, lookup: Callable[[Any], Any], status: Any, when: Any, wanted: int | None
    ) -> tuple[list[Row], int, bool, frozenset[str]]:
        """Who gave `status` a favourite or boost (`lookup`: favourited_by or reblogged_by, newest first, 40 a
        page, then the pages its Link header names) until `wanted` are read (None: all), the pages end or
        reaction_pages were read: their profile and reaction rows, how many, whether the pages ended, and who."""
        page, pages = lookup(status["id"]), 1
        found = list(page)
        while True:
            ended = not page or self.api.get_pagination_info(page, "next") is None  # no Link to a next page
            if ended or pages >= self.params.reaction_pages or (wanted is not None and len(found) >= wanted):
                break
            page, pages = self.api.fetch_next(page), pages + 1
            found += page or []
        rows: list[Row] = []
        for actor in found:
            rows += [self.profile(actor), self._reaction(kind, actor, status, when)]
        return rows, len(found), ended, frozenset(self._account_key(actor["id"]) for actor in found)

    def _replies(self, status: Any, _wanted: int | None) -> tuple[list[Row], int, bool, frozenset[str]]:
        """The direct replies to `status` its context shows (one call: all of the thread up to PUBLIC_DESCENDANTS),
        as post rows with their authors' profiles; how many, whether the thread was shown whole, and who wrote them."""
        descendants = self.api.status_context(status["id"])["descendants"]
        direct = [reply for reply in descendants if str(reply.get("in_reply_to_id")) == str(status["id"])]
        rows: list[Row] = []
        for reply in direct:
            rows += [self.profile(reply["account"]), self.post(reply)]
        authors = frozenset(self._account_key(reply["account"]["id"]) for reply in direct)
        return rows, len(direct), len(descendants) < PUBLIC_DESCENDANTS, authors

    def _shown(self, records: list[tuple[str, str]]) -> set[str] | None:
        """Of the replies `records` (status key, author key), those the instance still shows and those whose author
        it does not or reports suspended (their statuses may come back): only a status gone while its author is
        there is gone for good. None when a call failed."""
        shown: set[str] = set()
        try:
            for uri, author in records:
                try:
                    self.api.status(uri.rsplit("/", 1)[1])
                except MastodonNotFoundError:
                    pass
                else:
                    shown.add(uri)
                    continue
                try:
                    found = self.api.account(author.rsplit("/", 1)[1])
                except MastodonNotFoundError:
                    found = {"suspended": True}
                if found.get("suspended"):
                    shown.add(uri)
        except MastodonError:
            return None
        return shown

    async def streamed(self, event: str, payload: Any, out: asyncio.Queue[Row]) -> None:
        """Put the rows of one streamed event on `out` (in the loop, so the link and the queue stay the loop's): a
        status's, or a delete row for a deleted status's id. One that does not have a status's shape is counted."""
        self.link.heard_at = time.monotonic()
        rows: list[Row] = []
        try:
            if event == "delete":
                rows.append(self.deletion(payload))
            else:
                self._statuses([payload], rows, None, "malformed streamed status")
        except MALFORMED:
            self.link.tally.skip("malformed streamed status", payload)  # the sample keeps its shape only
            return
        for row in rows:
            await out.put(row)

    def stream_dropped(self) -> None:
        """Count a stream connection lost (or not made) as a reconnect; polling covers the gap."""
        self.link.reconnects += 1

    def stream_refused(self, tag: str, exc: Exception) -> None:
        """Say on the link, for whoever reads the Data page, that #tag is polled instead of streamed, and what to do."""
        if self._token:
            fix = "Check that the access token given is still valid and has the read:statuses scope."
        else:
            fix = (
                f"To get posts within seconds, create an access token on {self.host} (Preferences > Development, "
                f"scope read:statuses) and restart the collector with --token or {TOKEN_ENV}."
            )
        self.link.last_error = (
            f"Hashtags are checked every {self.poll_seconds:g} s, not live: {self.host} refused the live feed of "
            f"#{tag} ({str(exc)[:80]}). {fix}"
        )


class TagStream(StreamListener):
    """One hashtag's stream on a daemon thread: mastodon-py reads the server-sent events, and each update, edit and
    delete is handed to the connector in the loop (the thread waits while the queue is full).

    The thread reconnects by itself. mastodon-py's own background mode (run_async) is not used: it retries a refused
    connection forever without telling its listener, so a missing token could never be reported.
    """

    def __init__(
        self, connector: MastodonConnector, tag: str, loop: asyncio.AbstractEventLoop, out: asyncio.Queue[Row]
    ) -> None:
        super().__init__()
        self.connector, self.tag, self.loop, self.out = connector, tag, loop, out
        self.api = connector.streaming_client()
        self.stopped = threading.Event()
        self.response: Any = None  # the open connection's response, for close()

    def start(self) -> TagStream:
        """Connect and read on a daemon thread (the collector never waits for it on the way out)."""
        threading.Thread(target=self._run, name=f"mastodon #{self.tag}", daemon=True).start()
        return self

    def close(self) -> None:
        """Stop streaming: the thread ends once the connection it reads is closed under it."""
        self.stopped.set()
        if self.response is not None:
            self.response.close()

    def _run(self) -> None:
        attempt = 0
        while not self.stopped.is_set():
            self.response = None
            try:
                self.api.stream_hashtag(self.tag, self, timeout=STREAM_TIMEOUT)  # until the connection ends
            except Exception as exc:
                if self.stopped.is_set():
                    return  # close() shut the connection under the reader: whatever that raised is expected
                if not isinstance(exc, MastodonError | OSError):
                    raise  # a bug, not the network: the traceback goes to stderr and the hashtag is still polled
                if self.response is None and isinstance(exc, MastodonNetworkError):  # answered, but not with 200
                    self._tell(self.connector.stream_refused, self.tag, exc)
                    self.stopped.wait(STREAM_RETRY_SECONDS)
                    continue
            attempt = 0 if self.response is not None else attempt + 1  # dropped after connecting: try again soon
            self._tell(self.connector.stream_dropped)
            params = self.connector.params
            self.stopped.wait(min(params.backoff_seconds * 2**attempt, params.backoff_max_seconds))

    def handle_stream(self, response: Any) -> None:
        """Read one connection's events with mastodon-py's parser, keeping the response so close() can end it."""
        self.response = response
        if not self.stopped.is_set():
            super().handle_stream(response)

    def on_update(self, status: Any) -> None:
        self._hand_over("update", status)

    def on_status_update(self, status: Any) -> None:
        """An edit: it replaces the stored version (core/collect/mapping.edits), and a post that gains the hashtag by
        one comes this way."""
        self._hand_over("update", status)

    def on_delete(self, status_id: Any) -> None:
        self._hand_over("delete", status_id)

    def _hand_over(self, event: str, payload: Any) -> None:
        asyncio.run_coroutine_threadsafe(self.connector.streamed(event, payload, self.out), self.loop).result()

    def _tell(self, note: Callable[..., None], *args: Any) -> None:
        """Run `note` in the loop, which owns the link; once the loop is closed there is no one left to tell."""
        with suppress(RuntimeError):
            self.loop.call_soon_threadsafe(note, *args)
