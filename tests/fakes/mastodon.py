"""A local stand-in for the public Mastodon REST endpoints the collector polls (shapes of Mastodon's API docs):
hashtag and account timelines with since_id, min_id and limit, account lookup, who favourited or boosted a status."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


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


class FakeMastodon:
    """Serves `tags` and `accounts` timelines (newest first) and favourites/boosts; start() runs it on a thread."""

    def __init__(
        self,
        *,
        tags: dict[str, list[dict]],
        accounts: dict[str, dict],
        statuses: dict[str, list[dict]],
        favourites: dict[str, list[dict]],
    ) -> None:
        self.tags, self.accounts, self.statuses, self.favourites = tags, accounts, statuses, favourites
        self.calls: list[str] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                fake.calls.append(self.path)
                code, body = fake.answer(parts.path, parse_qs(parts.query))
                payload = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                """Quiet: tests read `calls` instead."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, Any]:
        limit = int(query.get("limit", ["20"])[0])

        def newer(found: list[dict]) -> list[dict]:
            """Mastodon's pages, newest first: since_id gives the newest `limit` after it, min_id the `limit`
            immediately after it (paging forward)."""
            if "min_id" in query:
                after = int(query["min_id"][0])
                return sorted((s for s in found if int(s["id"]) > after), key=lambda s: int(s["id"]))[:limit][::-1]
            since = int(query.get("since_id", ["0"])[0])
            return sorted((s for s in found if int(s["id"]) > since), key=lambda s: -int(s["id"]))[:limit]
        parts = path.strip("/").split("/")
        if parts[:3] == ["api", "v1", "timelines"] and parts[3] == "tag":
            return 200, newer(self.tags.get(parts[4], []))
        if parts[:3] == ["api", "v1", "accounts"] and parts[3] == "lookup":
            found = self.accounts.get(query["acct"][0])
            return (200, found) if found else (404, {"error": "Record not found"})
        if parts[:3] == ["api", "v1", "accounts"] and parts[4] == "statuses":
            return 200, newer(self.statuses.get(parts[3], []))
        if parts[:3] == ["api", "v1", "statuses"] and parts[4] == "favourited_by":
            return 200, self.favourites.get(parts[3], [])
        if parts[:3] == ["api", "v1", "statuses"] and parts[4] == "reblogged_by":
            return 200, []
        return 404, {"error": "Record not found"}

    def start(self) -> FakeMastodon:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
