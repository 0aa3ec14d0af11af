"""A local stand-in for Bluesky's AppView XRPC queries the collector makes, shaped after the app.bsky lexicons.

getProfiles answers from a dict of profiles; the first `rate_limited` calls get HTTP 429 with RateLimit-* headers,
and the first `dropped` calls of any kind have their connection closed without an answer, as a load balancer may.
getAuthorFeed, getLikes, getRepostedBy, getQuotes and getPostThread answer from small dicts given to it, which a
test may change while it runs (the network moving on); the reaction look-ups answer in pages with a cursor, as the
lexicons say. getPosts shows the posts of all of those and of `unlisted` (posts that exist but are in no list: a
hidden reply, a detached quote), leaving out URIs it does not know, as the AppView leaves out deleted posts; every
call is recorded in `calls`.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


def profile(did: str, handle: str, **fields: Any) -> dict:
    """An app.bsky.actor.defs#profileViewDetailed."""
    return {"did": did, "handle": handle, "createdAt": "2024-03-01T10:00:00.000Z", **fields}


def like(actor: dict, created: str, indexed: str) -> dict:
    """An app.bsky.feed.getLikes#like."""
    return {"actor": {"did": actor["did"], "handle": actor["handle"]}, "createdAt": created, "indexedAt": indexed}


def repost_item(post: dict, by: dict, indexed: str, uri: str | None = None) -> dict:
    """An app.bsky.feed.defs#feedViewPost of `by`'s repost of `post` (reasonRepost; its record's `uri` if given)."""
    reason = {"$type": "app.bsky.feed.defs#reasonRepost", "by": {"did": by["did"], "handle": by["handle"]}}
    return {"post": post, "reason": reason | {"indexedAt": indexed} | ({"uri": uri, "cid": "bafyfake"} if uri else {})}


def post_view(uri: str, author: dict, text: str, created: str, **counts: int) -> dict:
    """An app.bsky.feed.defs#postView with its app.bsky.feed.post record."""
    return {
        "uri": uri,
        "cid": "bafyreifake",
        "author": {"did": author["did"], "handle": author["handle"]},
        "record": {"$type": "app.bsky.feed.post", "text": text, "createdAt": created, "langs": ["en"]},
        "indexedAt": created,
        **{f"{k}Count": v for k, v in counts.items()},
    }


def _page(
    items: list[dict],
    field: str,
    query: dict[str, list[str]],
    trailing: bool = False,
    dropped: bool = False,
    repeated: bool = False,
) -> dict:
    """One page of `items` (newest first) as the lexicons give it: `limit` (default 50) from the opaque `cursor`
    on, with a cursor for the next page while any remain (`trailing`: on every page that has items, as some
    AppViews do, so the end is an empty page; `dropped`: the page comes back empty, its items filtered out, with
    its cursor as the AppView sends one when every item of a page was blocked or taken down; `repeated`: the page
    gives back the cursor it was asked with, which the AppView's own page filling reads as the end)."""
    start = int(query.get("cursor", ["0"])[0])
    end = start + int(query.get("limit", ["50"])[0])
    page = items[start:end]
    more = {"cursor": str(end)} if end < len(items) or (trailing and page) else {}
    if repeated:
        more = {"cursor": query.get("cursor", [""])[0]}
    return {field: [] if dropped else page} | more


class FakeAppView:
    """Serves the queries above on a free loopback port; start() runs it on a background thread."""

    def __init__(
        self,
        profiles: dict[str, dict],
        *,
        rate_limited: int = 0,
        dropped: int = 0,
        feeds: dict[str, list[dict]] | None = None,
        likes: dict[str, list[dict]] | None = None,
        reposts: dict[str, list[dict]] | None = None,
        quotes: dict[str, list[dict]] | None = None,
        replies: dict[str, list[dict]] | None = None,
        unlisted: list[dict] | None = None,
    ) -> None:
        self.profiles = profiles
        self.rate_limited = rate_limited
        self.dropped = dropped
        self.feeds = feeds or {}  # DID -> post views (their posts) and feed items (repost_item)
        self.likes = likes or {}  # post URI -> getLikes#like
        self.reposts = reposts or {}  # post URI -> profiles of who reposted it
        self.quotes = quotes or {}  # post URI -> post views quoting it
        self.replies = replies or {}  # post URI -> post views replying to it
        self.unlisted = unlisted or []  # post views getPosts shows that no list does
        self.calls: list[tuple[str, dict]] = []
        self.broken_cursors: set[str] = set()  # reaction pages at these cursors answer HTTP 500 (a test sets it)
        self.broken_methods: set[str] = set()  # these methods answer HTTP 500 (a test sets it)
        self.trailing_cursor = False  # a reaction list's last page carries a cursor too (the next page is empty)
        self.dropped_cursors: set[str] = set()  # pages at these cursors come back empty, with a cursor (_page)
        self.repeated_cursors: set[str] = set()  # reaction pages at these cursors give that cursor back (_page)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                method = parts.path.rsplit("/", 1)[-1]
                query = parse_qs(parts.query)
                fake.calls.append((method, query))
                if fake.dropped > 0:
                    fake.dropped -= 1
                    self.close_connection = True  # no status line: the client sees the connection end
                    return
                status, body, headers = fake.answer(method, query)
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                """Quiet: tests read `calls` instead."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, method: str, query: dict[str, list[str]]) -> tuple[int, dict, dict[str, str]]:
        """(status, JSON body, extra headers) for one query."""
        if method in self.broken_methods:
            return 500, {"error": "InternalServerError", "message": "Internal Server Error"}, {}
        if method == "app.bsky.actor.getProfiles":
            if self.rate_limited > 0:
                self.rate_limited -= 1
                reset = str(int(time.time()) + 1)
                limits = {"RateLimit-Limit": "3000", "RateLimit-Remaining": "0", "RateLimit-Reset": reset}
                return 429, {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}, limits
            found = [self.profiles[a] for a in query.get("actors", []) if a in self.profiles]
            return 200, {"profiles": found}, {}
        if method == "app.bsky.feed.getAuthorFeed":
            items = [i if "post" in i else {"post": i} for i in self.feeds.get(query["actor"][0], [])]
            return 200, _page(items, "feed", query, dropped=self._dropped(query)), {}
        if method == "app.bsky.feed.getPosts":
            return 200, {"posts": [p for uri in query.get("uris", []) if (p := self._post(uri)) is not None]}, {}
        uri = query.get("uri", [""])[0]
        if query.get("cursor", [""])[0] in self.broken_cursors:
            return 500, {"error": "InternalServerError", "message": "Internal Server Error"}, {}
        cursor = query.get("cursor", [""])[0]
        paging = {
            "trailing": self.trailing_cursor,
            "dropped": self._dropped(query),
            "repeated": cursor in self.repeated_cursors,
        }
        if method == "app.bsky.feed.getLikes":
            return 200, {"uri": uri} | _page(self.likes.get(uri, []), "likes", query, **paging), {}
        if method == "app.bsky.feed.getRepostedBy":
            return 200, {"uri": uri} | _page(self.reposts.get(uri, []), "repostedBy", query, **paging), {}
        if method == "app.bsky.feed.getQuotes":
            return 200, {"uri": uri} | _page(self.quotes.get(uri, []), "posts", query, **paging), {}
        if method == "app.bsky.feed.getPostThread":
            return 200, {"thread": self._thread(uri)}, {}
        return 400, {"error": "MethodNotImplemented", "message": method}, {}

    def _dropped(self, query: dict[str, list[str]]) -> bool:
        return query.get("cursor", [""])[0] in self.dropped_cursors

    def _post(self, uri: str) -> dict | None:
        """The view of the post `uri` wherever the fake holds it, or None."""
        feeds = (item.get("post", item) for feed in self.feeds.values() for item in feed)
        lists = (p for posts in (*self.quotes.values(), *self.replies.values()) for p in posts)
        return next((p for p in (*feeds, *lists, *self.unlisted) if p["uri"] == uri), None)

    def _thread(self, uri: str) -> dict:
        """An app.bsky.feed.defs#threadViewPost of a post in the feeds, with its replies one level deep."""
        post = next(p.get("post", p) for feed in self.feeds.values() for p in feed if p.get("post", p)["uri"] == uri)
        kind = "app.bsky.feed.defs#threadViewPost"
        return {"$type": kind, "post": post, "replies": [{"$type": kind, "post": r} for r in self.replies.get(uri, [])]}

    def start(self) -> FakeAppView:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
