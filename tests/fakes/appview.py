"""A local stand-in for Bluesky's AppView XRPC queries the collector makes, shaped after the app.bsky lexicons.

getProfiles answers from a dict of profiles; the first `rate_limited` calls get HTTP 429 with RateLimit-* headers,
and the first `dropped` calls of any kind have their connection closed without an answer, as a load balancer may.
getAuthorFeed, getLikes, getRepostedBy, getQuotes and getPostThread answer from small lists given to it.
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
    ) -> None:
        self.profiles = profiles
        self.rate_limited = rate_limited
        self.dropped = dropped
        self.feeds = feeds or {}
        self.likes = likes or {}
        self.calls: list[tuple[str, dict]] = []
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
        if method == "app.bsky.actor.getProfiles":
            if self.rate_limited > 0:
                self.rate_limited -= 1
                reset = str(int(time.time()) + 1)
                limits = {"RateLimit-Limit": "3000", "RateLimit-Remaining": "0", "RateLimit-Reset": reset}
                return 429, {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}, limits
            found = [self.profiles[a] for a in query.get("actors", []) if a in self.profiles]
            return 200, {"profiles": found}, {}
        if method == "app.bsky.feed.getAuthorFeed":
            return 200, {"feed": [{"post": p} for p in self.feeds.get(query["actor"][0], [])]}, {}
        if method == "app.bsky.feed.getLikes":
            return 200, {"uri": query["uri"][0], "likes": self.likes.get(query["uri"][0], [])}, {}
        if method in ("app.bsky.feed.getRepostedBy", "app.bsky.feed.getQuotes"):
            key = "repostedBy" if method.endswith("RepostedBy") else "posts"
            return 200, {"uri": query["uri"][0], key: []}, {}
        return 400, {"error": "MethodNotImplemented", "message": method}, {}

    def start(self) -> FakeAppView:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
