"""What the lists a collector's first sight writes cost ingest, and what they buy, at a watch-list restart.

    python -m bench.restart_lists [--people 1000] [--posts 200] [--likes 5]

A watch list's backfill (each watched person's posts and who liked them, found by look-ups) is loaded into a new
warehouse; then a restart's backfill, after the oldest like of every post was taken back while the collector was
stopped, is loaded on top. Both are done twice: with the `listed` rows a first sight writes (core/collect/recheck.py)
and without them, as before they existed. Prints the seconds and the likes left, then one JSON line. No target: the
lists trade ingest time at a restart for deleting what was taken back meanwhile, which without them stays.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import datetime
from pathlib import Path

from core.collect import lake
from core.collect.events import Row, empty_row, to_batch
from core.collect.ingest import BATCH_EVENTS, ingest
from core.collect.recheck import listing
from core.db import warehouse

NETWORK = "bluesky"


def backfill(people: int, posts: int, likes: int, at_us: int, *, taken_back: bool, lists: bool) -> list[Row]:
    """The lake rows of one backfill: each post, its looked-up likes (the oldest gone when `taken_back`) and, with
    `lists`, the like and repost lists a first sight names."""
    rows: list[Row] = []
    for p in range(people):
        author = f"did:plc:w{p:022d}"
        for k in range(posts):
            post = f"at://{author}/app.bsky.feed.post/{k:013d}"
            made = empty_row(NETWORK, at_us - 10**9 + k, author, "post")
            made.update(uri=post, text=f"post {k}", created_at=datetime(2026, 11, 1), langs=[], mentions=[], tags=[])
            rows.append(made | {"links": []})
            fans = [f"did:plc:f{(p * 7 + k + j) % 50_000:022d}" for j in range(likes)][1 if taken_back else 0 :]
            for fan in fans:
                liked = empty_row(NETWORK, at_us + 10, fan, "like")
                key = f"at://{fan}/app.bsky.feed.like/lookup:{post}"
                liked.update(uri=key, subject=post, subject_did=author, created_at=datetime(2026, 12, 1))
                rows.append(liked)
            if lists:
                subject = {"subject": post, "subject_did": author}
                rows.append(listing(NETWORK, "like", frozenset(fans), at_us, **subject))
                rows.append(listing(NETWORK, "repost", frozenset(), at_us, **subject))
    return rows


def run(people: int, posts: int, likes: int, *, lists: bool) -> dict[str, float | int]:
    """Load a backfill, then a restart's, into a new warehouse: seconds of each, likes left and deleted."""
    folder = Path(tempfile.mkdtemp(prefix="sway_lists_"))
    con = warehouse.connect(folder / "sway.duckdb")
    root = lake.lake_dir(folder / "sway.duckdb")
    found: dict[str, float | int] = {}
    start_us = int(time.time() * 1e6)
    try:
        for step, at_us, taken_back in (("first", start_us, False), ("restart", start_us + 10_000_000, True)):
            rows = backfill(people, posts, likes, at_us, taken_back=taken_back, lists=lists)
            for at in range(0, len(rows), BATCH_EVENTS):
                lake.write_segment(root, NETWORK, to_batch(rows[at : at + BATCH_EVENTS]), stream=False)
            began = time.perf_counter()
            with warehouse.transaction(con):
                report = ingest(con, root, NETWORK)
            found[f"{step}_s"] = round(time.perf_counter() - began, 1)
            found[f"{step}_rows"] = len(rows)
        found["likes_left"] = warehouse.scalar(con, "SELECT count(*) FROM interactions WHERE type = 'like'")
        found["deleted_at_restart"] = report.deleted
    finally:
        con.close()
    return found


def main() -> int:
    """Load both ways and print the table, then one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000)
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--likes", type=int, default=5)
    args = parser.parse_args()
    results = {name: run(args.people, args.posts, args.likes, lists=name == "with") for name in ("with", "without")}
    print(f"{'lists':<10}{'backfill s':>12}{'restart s':>12}{'likes left':>12}{'deleted':>10}")
    for name, r in results.items():
        print(f"{name:<10}{r['first_s']:>12}{r['restart_s']:>12}{r['likes_left']:>12,}{r['deleted_at_restart']:>10,}")
    taken_back = args.people * args.posts
    print(
        f"\n{args.people:,} watched people x {args.posts} posts x {args.likes} looked-up likes; the oldest like "
        f"of every post ({taken_back:,}) was taken back while the collector was stopped. With lists they leave Sway "
        "at the restart; without, they stay."
    )
    print(json.dumps({"people": args.people, "posts": args.posts, "likes": args.likes, **results}, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
