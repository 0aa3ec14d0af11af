"""What blanking an erased person's @handle in others' words costs on the 1,000,000-person demo world.

    python -m bench.erasure_blanking

Works on bench.discover_speed's private copy (scored, with Discover tables; prepared by it if missing). Each case
runs privacy.blank_erased_mentions, as an erasure does, inside a transaction that is rolled back, so the copy is
left as it was: once for a handle nobody mentions (the cost of listing and hashing every post's and bio's
mentions) and once for the handle the most posts mention (a brand's, standing in for a much-mentioned person:
every such post is rewritten, leaves the word index and has its copies blanked). Prints a table, then one JSON line.
"""

from __future__ import annotations

import json
import time
from datetime import datetime

import duckdb

from bench.discover_speed import COPY, prepare_copy
from core import privacy
from core.db import warehouse
from core.mention_redaction import MENTION, TRAILING
from core.vocabulary import NETWORKS

# The handle the most posts mention, by the blanking's own rule (core/mention_redaction.py).
_MOST_MENTIONED = """
    SELECT network, handle, count(DISTINCT post_id) AS posts FROM (
        SELECT post_id, network::VARCHAR AS network,
               lower(rtrim(unnest(regexp_extract_all(text, $pattern, 1)), $trailing)) AS handle
        FROM posts WHERE contains(text, '@')
    ) GROUP BY ALL ORDER BY posts DESC LIMIT 1
"""


def _blank(con: duckdb.DuckDBPyConnection, network: str, handle: str) -> tuple[int, float]:
    """(rows blanked, seconds) for erasing someone with `handle` on `network`, rolled back."""
    con.execute("BEGIN")
    try:
        secret = privacy.ensure_secret(con)
        con.execute(  # nobody's own account: only others' words are looked at
            "CREATE OR REPLACE TEMP TABLE erase_accounts AS "
            "SELECT account_id, network, external_id, handle FROM accounts WHERE false"
        )
        con.execute(
            "INSERT OR IGNORE INTO suppressed_keys SELECT sha256(? || '|handle|' || ? || '|' || ?), ?",
            [secret, network, handle, datetime.now()],
        )
        start = time.perf_counter()
        blanked = privacy.blank_erased_mentions(con)
        return blanked, time.perf_counter() - start
    finally:
        con.execute("ROLLBACK")


def main() -> int:
    """Time both cases and print them."""
    prepare_copy(rebuild=False)
    con = warehouse.connect(COPY)
    try:
        posts, mentioning = warehouse.rows(
            con, "SELECT count(*), count(*) FILTER (WHERE contains(text, '@')) FROM posts"
        )[0]
        found = con.execute(_MOST_MENTIONED, {"pattern": MENTION, "trailing": TRAILING}).fetchall()
        network, handle, expected = found[0]
        cases = {
            "handle nobody mentions": _blank(con, NETWORKS[0], "zz-nobody-zz"),
            f"most mentioned (@{handle} on {network})": _blank(con, network, handle),
        }
    finally:
        con.close()
    print(f"{posts:,} posts, {mentioning:,} with an @; the most mentioned handle is in {expected:,} posts\n")
    print(f"{'case':<48}{'rows blanked':>14}{'seconds':>10}")
    for case, (blanked, seconds) in cases.items():
        print(f"{case:<48}{blanked:>14,}{seconds:>10.2f}")
    (quiet_rows, quiet_s), (busy_rows, busy_s) = cases.values()
    assert quiet_rows == 0 and busy_rows == expected, "the blanking missed or over-reached the posts counted"
    print(
        json.dumps(
            {
                "posts": posts,
                "posts_with_at": mentioning,
                "unmentioned_seconds": round(quiet_s, 2),
                "most_mentioned_posts": expected,
                "most_mentioned_blanked": busy_rows,
                "most_mentioned_seconds": round(busy_s, 2),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
