"""Speed of Discover searches and Profile assembly on the 1,000,000-person demo world.

    python -m bench.discover_speed [--runs 30] [--rebuild]

Works on a private copy of the scoring benchmark's cached world (data/bench_1m.duckdb, built by
bench/score_speed.py if missing), refreshed from it whenever that file is newer, so this benchmark never
locks or changes the shared one. The copy gets the app's full refresh (scores, topics, Discover tables)
if it has no topic influence yet; otherwise the discovery tables are rebuilt (timed) when stale.

Each of 20 typical filter combinations is run once on a freshly opened connection (cold) and then `runs`
times (warm); a search is the count plus the page as a polars frame, exactly what the Discover page calls.
The topic combinations run again as a workspace that marked REMOVALS topics as wrong for people who have them
(the search then joins those removals). Prints p50/p95 per combination and overall, profile assembly times,
then one JSON line.
Targets (2-core reference machine): warm p50 < 20 ms and p95 < 50 ms; profile assembly < 100 ms.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from collections.abc import Callable

import duckdb

from bench.score_speed import CACHE, ensure_world
from core.db import warehouse
from core.discover import Filters, build_discovery, facets, is_stale, search
from core.profile import profile
from core.progress import to_stderr

COPY = CACHE.with_name("bench_discover_1m.duckdb")
TARGET_P50_MS, TARGET_P95_MS, TARGET_PROFILE_MS = 20.0, 50.0, 100.0
# The workspace whose marketers marked topics as wrong for REMOVALS people (a fixed sample of topic holders).
REMOVING_WORKSPACE, REMOVALS = 900_001, 30


def _combinations(topics: list[str], name_word: str) -> dict[str, Filters]:
    """The fixed mix: score, topic, network, audience, engagement, authenticity, place, language and text."""
    t = topics + ["music"] * 4  # the demo world's topics, most common first
    return {
        "default (score order)": Filters(),
        "score 40-100": Filters(score_min=40),
        "score 20-60, page 3": Filters(score_min=20, score_max=60, page=3),
        "one topic": Filters(topics=(t[0],)),
        "two topics (any), by topic influence": Filters(topics=(t[0], t[1]), sort="topic_influence"),
        "two topics (all), influence >= 30": Filters(topics=(t[2], t[3]), topic_mode="all", min_topic_influence=30),
        "topic + score 30-80 + hide flagged": Filters(topics=(t[1],), score_min=30, score_max=80, hide_flagged=True),
        "tiktok score 30+": Filters(score_network="tiktok", score_min=30),
        "instagram|youtube, audience 10k-1M, by audience": Filters(
            networks=("instagram", "youtube"), audience_min=10_000, audience_max=1_000_000, sort="audience"
        ),
        "engagement 1-10 %, by engagement": Filters(engagement_min=1, engagement_max=10, sort="engagement"),
        "authenticity 80+, hide flagged": Filters(min_authenticity=80, hide_flagged=True),
        "location 'london'": Filters(location="london"),
        "languages de, fr": Filters(languages=("de", "fr")),
        "text 'runner'": Filters(text="runner"),
        "text: a name": Filters(text=name_word),
        "text 'coffee' + topic": Filters(text="coffee", topics=(t[0],)),
        "topic + location 'usa' + audience 1k+": Filters(topics=(t[2],), location="usa", audience_min=1000),
        "everything at once, by engagement": Filters(
            topics=(t[1],),
            score_min=20,
            score_max=90,
            networks=("instagram",),
            audience_min=100,
            audience_max=100_000,
            engagement_min=0.5,
            hide_flagged=True,
            languages=("en",),
            sort="engagement",
        ),
        "by audience, page 10": Filters(sort="audience", page=10),
        "youtube 10-50 + topic, by topic influence": Filters(
            score_network="youtube", score_min=10, score_max=50, topics=(t[3],), sort="topic_influence"
        ),
    }


def prepare_copy(rebuild: bool) -> dict:
    """The private copy, scored, with topics and current discovery tables; returns what had to be done."""
    ensure_world(CACHE, 1_000_000, 7, False)
    done: dict = {"copied": False, "refresh_s": None, "build_s": None}
    if not COPY.exists() or COPY.stat().st_mtime < CACHE.stat().st_mtime:
        print(f"Copying {CACHE.name} to {COPY.name}…", file=sys.stderr)
        COPY.with_name(COPY.name + ".wal").unlink(missing_ok=True)
        shutil.copyfile(CACHE, COPY)
        done["copied"] = True
    con = warehouse.connect(COPY)
    try:
        if not warehouse.scalar(con, "SELECT count(*) FROM topic_influence"):
            from core.ops.pipeline import refresh_all

            start = time.perf_counter()
            refresh_all(con, progress=to_stderr)  # scores, topics and the Discover tables, as the app does
            done["refresh_s"] = round(time.perf_counter() - start, 1)
        elif rebuild or is_stale(con):
            start = time.perf_counter()
            build_discovery(con, progress=to_stderr)
            done["build_s"] = round(time.perf_counter() - start, 2)
        _mark_removals(con)
    finally:
        con.close()
    return done


def _mark_removals(con: duckdb.DuckDBPyConnection) -> None:
    """The removing workspace's decisions, the same each run: REMOVALS sampled (person, topic) attributions."""
    con.execute("DELETE FROM person_topic_removals WHERE workspace_id = ?", [REMOVING_WORKSPACE])
    con.execute(
        """
        INSERT INTO person_topic_removals (workspace_id, person_id, topic, action, correction_ids, decided_by,
                                           decided_at)
        SELECT ?, person_id, topic, 'remove', [], 'bench', now()
        FROM (SELECT person_id, topic FROM topic_influence ORDER BY hash(person_id, topic) LIMIT ?)
        """,
        [REMOVING_WORKSPACE, REMOVALS],
    )


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _search_times(filters: Filters, runs: int, workspace_id: int | None = None) -> tuple[int, float, list[float]]:
    """(matches, cold seconds, warm seconds) of one combination, on a freshly opened connection."""
    con = warehouse.connect(COPY, read_only=True)
    try:
        start = time.perf_counter()
        total = search(con, filters, workspace_id)[0]
        cold = time.perf_counter() - start
        return total, cold, [_timed(lambda: search(con, filters, workspace_id)) for _ in range(runs)]
    finally:
        con.close()


def _profile_times() -> dict:
    """Cold and warm assembly of the top 3 people and 7 sampled ones."""
    con = warehouse.connect(COPY, read_only=True)
    try:
        ids = [r[0] for r in warehouse.rows(con, "SELECT person_id FROM discovery ORDER BY score DESC LIMIT 3")]
        ids += [r[0] for r in warehouse.rows(con, "SELECT person_id FROM discovery USING SAMPLE 7 ROWS (reservoir, 7)")]
        cold = [_timed(lambda p=p: profile(con, p)) for p in ids]
        warm = [_timed(lambda p=p: profile(con, p)) for p in ids for _ in range(5)]
    finally:
        con.close()
    return {
        "people": len(ids),
        "cold_p50_ms": _ms(statistics.median(cold)),
        "cold_max_ms": _ms(max(cold)),
        "warm_p50_ms": _ms(_pct(warm, 0.5)),
        "warm_p95_ms": _ms(_pct(warm, 0.95)),
    }


def main() -> int:
    """Prepare the world, time the searches and profiles, print the table and the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="warm runs per combination")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the discovery tables even if current")
    args = parser.parse_args()
    prepared = prepare_copy(args.rebuild)

    con = warehouse.connect(COPY, read_only=True)
    people = warehouse.scalar(con, "SELECT count(*) FROM discovery")
    top_name = warehouse.scalar(con, "SELECT name FROM discovery ORDER BY score DESC, person_id LIMIT 1")
    combos = _combinations(facets(con).topics, top_name.split()[0].lower())
    con.close()

    results, warm_all, cold_all = {}, [], []
    print(f"\n{'combination':<50}{'matches':>10}{'cold ms':>10}{'p50 ms':>9}{'p95 ms':>9}")
    for name, filters in combos.items():
        total, cold, warm = _search_times(filters, args.runs)
        warm_all += warm
        cold_all.append(cold)
        r = {"matches": total, "cold_ms": _ms(cold), "p50_ms": _ms(_pct(warm, 0.5)), "p95_ms": _ms(_pct(warm, 0.95))}
        results[name] = r
        print(f"{name:<50}{total:>10,}{r['cold_ms']:>10.1f}{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}")
    overall = {
        "warm_p50_ms": _ms(_pct(warm_all, 0.5)),
        "warm_p95_ms": _ms(_pct(warm_all, 0.95)),
        "cold_p50_ms": _ms(_pct(cold_all, 0.5)),
        "cold_p95_ms": _ms(_pct(cold_all, 0.95)),
    }
    print(
        f"overall: cold p50 {overall['cold_p50_ms']:.1f} p95 {overall['cold_p95_ms']:.1f} ms (one run per "
        f"combination) · warm p50 {overall['warm_p50_ms']:.1f} p95 {overall['warm_p95_ms']:.1f} ms (all runs)"
    )
    removing, removing_warm = {}, []
    con = warehouse.connect(COPY, read_only=True)
    removed = {t for (t,) in warehouse.rows(con, "SELECT DISTINCT topic FROM person_topic_removals "
                                                 "WHERE workspace_id = ?", [REMOVING_WORKSPACE])}  # fmt: skip
    con.close()
    print(f"\nas a workspace with {REMOVALS} (person, topic) removals; 'joins': the search joins them (a removed "
          "topic is chosen, or the order is by topic influence)")  # fmt: skip
    topical = {n: f for n, f in combos.items() if f.topics or f.sort == "topic_influence"}
    for name, filters in (topical | {"by topic influence, no topic": Filters(sort="topic_influence")}).items():
        total, cold, warm = _search_times(filters, args.runs, REMOVING_WORKSPACE)
        removing_warm += warm
        joins = filters.sort == "topic_influence" or bool(removed & set(filters.topics))
        r = {"matches": total, "joins": joins, "p50_ms": _ms(_pct(warm, 0.5)), "p95_ms": _ms(_pct(warm, 0.95))}
        removing[name] = r
        label = f"{name} ({'joins' if joins else 'no join'})"
        print(f"{label:<50}{total:>10,}{_ms(cold):>10.1f}{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}")
    removing_overall = {"warm_p50_ms": _ms(_pct(removing_warm, 0.5)), "warm_p95_ms": _ms(_pct(removing_warm, 0.95))}
    print(f"with removals: warm p50 {removing_overall['warm_p50_ms']:.1f} p95 {removing_overall['warm_p95_ms']:.1f} ms")
    prof = _profile_times()
    print(
        f"profile assembly ({prof['people']} people incl. the top 3): cold p50 {prof['cold_p50_ms']:.1f} "
        f"(max {prof['cold_max_ms']:.1f}) · warm p50 {prof['warm_p50_ms']:.1f} p95 {prof['warm_p95_ms']:.1f} ms"
    )
    met = {
        "search_p50": overall["warm_p50_ms"] < TARGET_P50_MS,
        "search_p95": overall["warm_p95_ms"] < TARGET_P95_MS,
        "profile": prof["warm_p95_ms"] < TARGET_PROFILE_MS,
    }
    verdict = {k: "met" if v else "MISSED" for k, v in met.items()}
    print(
        f"targets: warm p50 < {TARGET_P50_MS:.0f} ms {verdict['search_p50']}, warm p95 < {TARGET_P95_MS:.0f} ms "
        f"{verdict['search_p95']}, profile p95 < {TARGET_PROFILE_MS:.0f} ms {verdict['profile']}"
    )
    summary = {"people": people, "runs": args.runs, "prepared": prepared, "overall": overall}
    summary |= {"with_removals": removing_overall | {"combinations": removing}}
    print(json.dumps(summary | {"combinations": results, "profile": prof, "targets_met": met}, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
