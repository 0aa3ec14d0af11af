"""A local stand-in for the public Mastodon endpoints the collector uses (shapes of Mastodon's API docs): hashtag and
account timelines with since_id, min_id and limit, account lookup, who favourited or boosted a status (in pages
with a Link header), a status's context (its replies), a status or an account by id, the instance (v2, naming the
streaming server) and the hashtag stream as server-sent events."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

HEARTBEAT_SECONDS = 0.5  # Mastodon's streaming server sends `:thump` every 15 s; tests cannot wait that long


def account(account_id: str, acct: str, **fields: Any) -> dict:
    """A Mastodon Account entity."""
    return {
        "id": account_id,
        "username": acct.split("@")[0],
        "acct": acct,
        "display_name": fields.pop("display_name", ""),
        "note": fields.pop("note", ""),
        "url": f"https://social.example/@{acct}",
        "created_at": "2023-05-01T00:00:00.000Z",
        "followers_count": fields.pop("followers_count", 10),
        "following_count": 5,
        "statuses_count": 3,
        **fields,
    }


def status(status_id: str, author: dict, content: str, created: str, **fields: Any) -> dict:
    """A Mastodon Status entity."""
    return {
        "id": status_id,
        "uri": f"https://social.example/users/{author['username']}/statuses/{status_id}",
        "url": f"https://social.example/@{author['username']}/{status_id}",
        "created_at": created,
        "account": author,
        "content": content,
        "language": "en",
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "reblog": None,
        "mentions": [],
        "tags": [],
        "card": None,
        "favourites_count": 0,
        "reblogs_count": 0,
        **fields,
    }


def snowflake(created: str, sequence: int = 0) -> str:
    """A status id as Mastodon makes them: milliseconds since 1970 of `created` (ISO 8601), shifted 16 bits, plus a
    sequence number."""
    millis = int(datetime.fromisoformat(created.replace("Z", "+00:00")).timestamp() * 1000)
    return str((millis << 16) + sequence)


class FakeMastodon:
    """Serves `tags` and `accounts` timelines (newest first), favourites/boosts and the hashtag stream; start() runs
    it on a thread. The stream sends what push() is given after a client connected; with `stream_token` set it
    refuses (401) a client without that bearer token, as Mastodon 4.2 and later do."""

    def __init__(
        self,
        *,
        tags: dict[str, list[dict]],
        accounts: dict[str, dict],
        statuses: dict[str, list[dict]],
        favourites: dict[str, list[dict]],
        boosts: dict[str, list[dict]] | None = None,
        replies: dict[str, list[dict]] | None = None,
        stream_token: str | None = None,
    ) -> None:
        self.tags, self.accounts, self.statuses, self.favourites = tags, accounts, statuses, favourites
        self.boosts = boosts or {}
        self.replies = replies or {}  # status id -> the statuses replying to it (its context's descendants)
        self.hidden: list[dict] = []  # statuses a look-up by id still finds that no list shows
        self.suspended: set[str] = set()  # account ids the instance reports suspended
        self.failing = False  # statuses and accounts looked up by id answer HTTP 500 (a test sets it)
        self.stream_token = stream_token
        self.calls: list[str] = []
        self.pushed: dict[str, list[tuple[str, str]]] = {}  # tag -> (event, data) in the order pushed
        self.opened: dict[str, int] = {}  # tag -> stream connections accepted so far
        self.changed = threading.Condition()
        self.stopping = False
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                fake.calls.append(self.path)
                if parts.path.rstrip("/") == "/api/v1/streaming/hashtag":
                    self.stream(parse_qs(parts.query)["tag"][0])
                    return
                self.reply(*fake.answer(parts.path, parse_qs(parts.query)))

            def reply(self, code: int, body: Any, headers: dict[str, str] | None = None) -> None:
                payload = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)

            def stream(self, tag: str) -> None:
                """Server-sent events as Mastodon's streaming server sends them: chunked, open until the server
                stops or the client leaves."""
                if fake.stream_token and self.headers.get("Authorization") != f"Bearer {fake.stream_token}":
                    self.reply(401, {"error": "This method requires an authenticated user"})
                    return
                self.protocol_version = "HTTP/1.1"
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                self.close_connection = True
                try:
                    for text in fake.events(tag):
                        data = text.encode()
                        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                    self.wfile.write(b"0\r\n\r\n")
                except OSError:
                    return  # the client left

            def log_message(self, *args: Any) -> None:
                """Quiet: tests read `calls` instead."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, Any] | tuple[int, Any, dict[str, str]]:
        limit = int(query.get("limit", ["20"])[0])

        def newer(found: list[dict]) -> list[dict]:
            """Mastodon's pages, newest first: since_id gives the newest `limit` after it, min_id the `limit`
            immediately after it (paging forward). Ids compare as numbers, as Mastodon's snowflakes do."""
            if "min_id" in query:
                after = int(query["min_id"][0])
                return sorted((s for s in found if int(s["id"]) > after), key=lambda s: int(s["id"]))[:limit][::-1]
            since = int(query.get("since_id", ["0"])[0])
            return sorted((s for s in found if int(s["id"]) > since), key=lambda s: -int(s["id"]))[:limit]

        parts = path.strip("/").split("/")
        if parts == ["api", "v2", "instance"]:
            # Where mastodon-py finds the streaming server (configuration.urls.streaming): here, as a WebSocket URL.
            return 200, {"domain": "social.example", "configuration": {"urls": {"streaming": f"ws{self.url[4:]}"}}}
        if parts[:3] == ["api", "v1", "timelines"] and parts[3] == "tag":
            return 200, newer(self.tags.get(parts[4], []))
        if parts[:3] == ["api", "v1", "accounts"] and parts[3] == "lookup":
            found = self.accounts.get(query["acct"][0])
            return (200, found) if found else (404, {"error": "Record not found"})
        if self.failing and parts[:3] in (["api", "v1", "accounts"], ["api", "v1", "statuses"]) and len(parts) == 4:
            return 500, {"error": "Internal server error"}
        if parts[:3] == ["api", "v1", "accounts"] and len(parts) == 4:
            people = {x["account"]["id"]: x["account"] for x in self._all_statuses()}
            people |= {person["id"]: person for person in self.accounts.values()}
            found = people.get(parts[3])
            return (200, found | {"suspended": parts[3] in self.suspended}) if found else (404, {"error": "Not found"})
        if parts[:3] == ["api", "v1", "accounts"] and parts[4] == "statuses":
            return 200, newer(self.statuses.get(parts[3], []))
        if parts[:3] == ["api", "v1", "statuses"] and parts[4:] == ["context"]:
            return 200, {"ancestors": [], "descendants": self.replies.get(parts[3], [])[:60]}  # 60 without a token
        if parts[:3] == ["api", "v1", "statuses"] and len(parts) == 4:
            found = next((x for x in self._all_statuses() if x["id"] == parts[3]), None)
            return (200, found) if found else (404, {"error": "Record not found"})
        if parts[:3] == ["api", "v1", "statuses"] and parts[4] in ("favourited_by", "reblogged_by"):
            # Newest first, `limit` (default 40) a page; the next page's max_id (opaque to clients) in a Link header.
            start = int(query.get("max_id", ["0"])[0])
            end = start + int(query.get("limit", ["40"])[0])
            found = (self.favourites if parts[4] == "favourited_by" else self.boosts).get(parts[3], [])
            more = {"Link": f'<{self.url}{path}?max_id={end}>; rel="next"'} if end < len(found) else {}
            return 200, found[start:end], more
        return 404, {"error": "Record not found"}

    def _all_statuses(self) -> list[dict]:
        """Every status the fake holds: timelines, replies and hidden ones."""
        lists = (*self.tags.values(), *self.statuses.values(), *self.replies.values(), self.hidden)
        return [x for found in lists for x in found]

    def events(self, tag: str) -> Iterator[str]:
        """The text of one stream connection: each event pushed from now on (`event:` and `data:` lines, then a
        blank line), and a `:thump` comment whenever HEARTBEAT_SECONDS pass without one; ends when stop() is called."""
        with self.changed:
            self.opened[tag] = self.opened.get(tag, 0) + 1
            sent = len(self.pushed.setdefault(tag, []))
            self.changed.notify_all()
        while True:
            with self.changed:
                self.changed.wait_for(
                    lambda sent=sent: self.stopping or len(self.pushed[tag]) > sent, HEARTBEAT_SECONDS
                )
                if self.stopping:
                    return
                new = self.pushed[tag][sent:]
            sent += len(new)
            yield "".join(f"event: {event}\ndata: {data}\n\n" for event, data in new) if new else ":thump\n"

    def push(self, tag: str, event: str, data: str) -> None:
        """Send an event to every client streaming `tag` (`update` with a Status as JSON, `delete` with an id)."""
        with self.changed:
            self.pushed.setdefault(tag, []).append((event, data))
            self.changed.notify_all()

    def wait_for_stream(self, tag: str, opened: int = 1, timeout: float = 10.0) -> bool:
        """Whether the `opened`-th stream connection for `tag` was accepted within `timeout` seconds (events pushed
        before a connection opens never reach it)."""
        with self.changed:
            return self.changed.wait_for(lambda: self.opened.get(tag, 0) >= opened, timeout)

    def start(self) -> FakeMastodon:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        with self.changed:
            self.stopping = True
            self.changed.notify_all()
        self.server.shutdown()
        self.server.server_close()
