"""The Mastodon connector: an instance's public hashtag and account timelines through mastodon-py, as lake rows.

Keys are the instance's own: a status is <instance>/statuses/<id>, an account <instance>/accounts/<id>, because
replies name their parent and its author by these ids only. Statuses are polled per timeline, paging forward with
min_id from the newest one seen until a page comes back short, so a burst larger than one page between polls is
read whole (since_id would return only its newest page); the first poll, and a restart, take the latest page and
ingest de-duplicates. Favourites and boosts of the watched accounts' posts are looked up for each new post.
Statuses are public: no login is needed.
"""

from __future__ import annotations

import asyncio
import html
import re
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from mastodon import Mastodon, MastodonError, MastodonRatelimitError

from core.collect.connector import Link
from core.collect.events import Row, empty_row
from core.collect.params import DEFAULT_PARAMS, CollectParams

NETWORK = "mastodon"
POLL_SECONDS = 30.0  # timelines are polled this often (a public timeline changes by the minute, not the second)
PAGE = 40  # statuses per request: Mastodon's largest page
MAX_PAGES = 25  # per timeline and poll: a longer backlog is read on by the next polls
_TAG = re.compile(r"<[^>]+>")


def plain_text(content: str) -> str:
    """A status's HTML content as plain text (paragraphs and line breaks kept as new lines)."""
    text = re.sub(r"</p>\s*<p>|<br\s*/?>", "\n", content or "")
    return html.unescape(_TAG.sub("", text)).strip()


def _us(when: Any) -> int:
    """A status time (datetime from mastodon-py) in microseconds since 1970."""
    if isinstance(when, datetime):
        stamp = when if when.tzinfo else when.replace(tzinfo=UTC)
        return int(stamp.timestamp() * 1e6)
    return int(time.time() * 1e6)


def _naive(when: Any) -> datetime | None:
    return datetime.fromtimestamp(_us(when) / 1e6, UTC).replace(tzinfo=None) if when is not None else None


class MastodonConnector:
    """Polls one instance's hashtag and account timelines; looks up favourites and boosts of watched posts."""

    network = NETWORK

    def __init__(
        self,
        instance: str,
        *,
        tags: Sequence[str] = (),
        accounts: Sequence[str] = (),
        params: CollectParams = DEFAULT_PARAMS,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.instance = instance.rstrip("/")
        self.host = urlsplit(self.instance).netloc or self.instance
        self.api = Mastodon(api_base_url=self.instance, version_check_mode="none", request_timeout=30)
        self.tags = [t.lstrip("#") for t in tags]
        self.accounts = list(accounts)
        self.params = params
        self.poll_seconds = poll_seconds
        self.link = Link(endpoint=self.instance)
        self.since: dict[str, Any] = {}  # timeline -> newest status id seen
        self._account_ids: dict[str, Any] = {}

    def _status_key(self, status_id: Any) -> str:
        return f"{self.host}/statuses/{status_id}"

    def _account_key(self, account_id: Any) -> str:
        return f"{self.host}/accounts/{account_id}"

    async def stream(self, cursor: int | None, out: asyncio.Queue[Row]) -> None:
        """Poll every timeline until cancelled; failures are noted on the link and retried with backoff."""
        attempt = 0
        while True:
            try:
                rows = await asyncio.to_thread(self.poll)
            except MastodonRatelimitError as exc:
                self.link.rate_limited += 1
                self.link.last_error = f"{self.instance}: rate limited: {exc}"[:300]
                rows, attempt = [], attempt + 1
            except (MastodonError, OSError) as exc:
                self.link.connected = False
                self.link.last_error = f"{self.instance}: {type(exc).__name__}: {exc}"[:300]
                self.link.reconnects += 1
                rows, attempt = [], attempt + 1
            else:
                self.link.connected, attempt = True, 0
                if rows:
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
        for tag in self.tags:
            found = self._newer(f"#{tag}", lambda tag=tag, **page: self.api.timeline_hashtag(tag, **page))
            rows += self._statuses(f"#{tag}", found, watched=False)
        for handle in self.accounts:
            account_id = self._account_ids.get(handle)
            if account_id is None:
                account_id = self._account_ids[handle] = self.api.account_lookup(handle)["id"]
            found = self._newer(handle, lambda account=account_id, **page: self.api.account_statuses(account, **page))
            rows += self._statuses(handle, found, watched=True)
        return rows

    def _newer(self, timeline: str, fetch: Callable[..., list[Any]]) -> list[Any]:
        """The timeline's statuses after the newest one seen, page by page forward (min_id); the latest page when
        none was seen yet."""
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

    def _statuses(self, timeline: str, statuses: list[Any], *, watched: bool) -> list[Row]:
        if statuses:
            self.since[timeline] = max((s["id"] for s in statuses), key=int)
        rows: list[Row] = []
        for status in statuses:
            rows.append(self.profile(status["account"]))
            boosted = status.get("reblog")
            if boosted is not None:
                rows.append(self._reaction("repost", status["account"], boosted, status["created_at"]))
                continue
            rows.append(self.post(status))
            if watched:
                rows += self._reactions_to(status)
        return rows

    def post(self, status: Any) -> Row:
        """A status as a post row (a reply when it answers another)."""
        account = self._account_key(status["account"]["id"])
        row = empty_row(NETWORK, _us(status["created_at"]), account, "post")
        parent = status.get("in_reply_to_id")
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

    def profile(self, account: Any) -> Row:
        """An account object (every status carries its author's) as a profile row."""
        acct = account["acct"] if "@" in account["acct"] else f"{account['acct']}@{self.host}"
        row = empty_row(NETWORK, int(time.time() * 1e6), self._account_key(account["id"]), "profile")
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
        row = empty_row(NETWORK, _us(when), self._account_key(actor["id"]), kind)
        row.update(
            uri=f"{self.host}/{kind}/{status['id']}/{actor['id']}",
            created_at=_naive(when),
            subject=self._status_key(status["id"]),
            subject_did=self._account_key(status["account"]["id"]),
        )
        return row

    def _reactions_to(self, status: Any) -> list[Row]:
        """Who favourited and boosted a watched post (Mastodon gives no time for these: the post's is used)."""
        rows: list[Row] = []
        if status.get("favourites_count"):
            for actor in self.api.status_favourited_by(status["id"]):
                rows += [self.profile(actor), self._reaction("like", actor, status, status["created_at"])]
        if status.get("reblogs_count"):
            for actor in self.api.status_reblogged_by(status["id"]):
                rows += [self.profile(actor), self._reaction("repost", actor, status, status["created_at"])]
        return rows
