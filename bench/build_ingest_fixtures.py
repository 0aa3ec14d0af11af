"""Cut the importer test fixtures in tests/fixtures/ from the real files in ../shared/data.

Tests only read the small cuts; this script is the one place that reads the full files, so the
fixtures are reproducible. Lines are copied byte for byte.

    python -m bench.build_ingest_fixtures
"""

from __future__ import annotations

import gzip
import json
import sys
from itertools import islice

from core.db.warehouse import REPO_ROOT

SHARED = REPO_ROOT.parent / "shared" / "data"
PHEME = SHARED / "pheme-rnr-charliehebdo" / "tweets-raw-v1.1.jsonl.gz"
HIGGS = SHARED / "snap-higgs-twitter" / "higgs-activity_time.txt.gz"
FIXTURES = REPO_ROOT / "tests" / "fixtures"
# A conversation with replies to replies, self-replies and mentions of accounts outside the cut.
THREAD_ROOT = "552850925510225920"
TWEETS = 30
EDGES = 300


def thread_lines() -> list[bytes]:
    """The thread's root tweet and its earliest replies (the file is sorted by id, so by time)."""
    lines = [line for line in gzip.decompress(PHEME.read_bytes()).split(b"\n") if line.strip()]
    parents = {}
    for line in lines:
        tweet = json.loads(line)
        parents[tweet["id_str"]] = tweet.get("in_reply_to_status_id_str")

    def in_thread(tweet_id: str) -> bool:
        while tweet_id != THREAD_ROOT:
            tweet_id = parents.get(tweet_id)
            if tweet_id is None:
                return False
        return True

    return [line for line in lines if in_thread(json.loads(line)["id_str"])][:TWEETS]


def main() -> None:
    missing = [str(p) for p in (PHEME, HIGGS) if not p.exists()]
    if missing:
        sys.exit(f"bench.build_ingest_fixtures needs ../shared/data, which this machine lacks: {', '.join(missing)}")
    FIXTURES.mkdir(parents=True, exist_ok=True)
    tweets = FIXTURES / "twitter_v1_sample.jsonl"
    tweets.write_bytes(b"\n".join(thread_lines()) + b"\n")
    edges = FIXTURES / "snap_higgs_sample.txt"
    with gzip.open(HIGGS) as higgs:
        edges.write_bytes(b"".join(islice(higgs, EDGES)))
    for path in (tweets, edges):
        print(f"{path.relative_to(REPO_ROOT)}: {path.stat().st_size / 1000:.0f} KB")


if __name__ == "__main__":
    main()
