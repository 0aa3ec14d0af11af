"""A generated Jetstream stream in the wire's shape, with the counts a warehouse should end up with.

Posts (some replies, some with hashtags and mentions), likes and reposts of earlier posts, follows, and deletions
of some earlier likes; frames are `step_us` apart (a millisecond by default).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime

START_US = 1_764_921_600_000_000  # 2025-12-05 08:00 UTC


@dataclass(frozen=True)
class Stream:
    frames: list[str]
    posts: int  # distinct posts the warehouse should hold
    interactions: int  # interactions it should hold (deleted likes excluded)


def _did(i: int) -> str:
    return f"did:plc:gen{i:021d}"


def _created(us: int) -> str:
    return datetime.fromtimestamp(us / 1e6, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _commit(did: str, us: int, collection: str, rkey: str, record: dict | None, op: str = "create") -> str:
    commit = {"rev": rkey, "operation": op, "collection": collection, "rkey": rkey}
    if record is not None:
        commit |= {"record": {"$type": collection, "createdAt": _created(us), **record}, "cid": "bafyrei" + rkey}
    return json.dumps({"did": did, "time_us": us, "kind": "commit", "commit": commit}, separators=(",", ":"))


def generate(
    events: int, *, people: int = 2_000, seed: int = 1, start_us: int = START_US, step_us: int = 1_000
) -> Stream:
    """`events` frames of a busy network of `people` accounts, `step_us` apart."""
    rng = random.Random(seed)
    frames: list[str] = []
    posts: list[tuple[str, str]] = []  # (uri, author)
    live: set[str] = set()  # records that make an interaction and are not deleted
    likes: list[tuple[str, str]] = []  # (actor, rkey) of likes that may still be deleted
    for n in range(events):
        us = start_us + n * step_us
        did = _did(rng.randrange(people))
        rkey = f"3k{n:011d}"
        roll = rng.random()
        if roll < 0.3 or not posts:
            record: dict = {"text": f"Post {n} about running #trail{n % 7}", "langs": ["en"]}
            if posts and rng.random() < 0.3:
                parent, parent_author = rng.choice(posts)
                record["reply"] = {"parent": {"uri": parent, "cid": "x"}, "root": {"uri": parent, "cid": "x"}}
                if parent_author != did:
                    live.add(rkey)
            frames.append(_commit(did, us, "app.bsky.feed.post", rkey, record))
            posts.append((f"at://{did}/app.bsky.feed.post/{rkey}", did))
        elif roll < 0.8:
            subject, author = rng.choice(posts)
            kind = "like" if roll < 0.7 else "repost"
            frames.append(_commit(did, us, f"app.bsky.feed.{kind}", rkey, {"subject": {"uri": subject, "cid": "x"}}))
            if author != did:
                live.add(rkey)
                if kind == "like":
                    likes.append((did, rkey))
        elif roll < 0.95 or not likes:
            target = _did(rng.randrange(people))
            frames.append(_commit(did, us, "app.bsky.graph.follow", rkey, {"subject": target}))
            if target != did:
                live.add(rkey)
        else:
            actor, like_rkey = likes.pop(rng.randrange(len(likes)))
            frames.append(_commit(actor, us, "app.bsky.feed.like", like_rkey, None, op="delete"))
            live.discard(like_rkey)
    return Stream(frames, len(posts), len(live))
