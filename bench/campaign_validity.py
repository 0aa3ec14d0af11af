"""Does Results measure campaign lift honestly? Runs the demo world's past campaigns, whose true lift is planted.

    python -m bench.campaign_validity [--people 20000] [--seeds 7 8 9 10 11]

For each seed a demo world is built into a temp file, scored, given topics from the people's planted interests
(standing in for the topic step, so this measures the campaign maths, not the topic classifier), its Discover
tables built and its past campaigns loaded as campaigns (core.campaigns.demo). Each campaign is then measured by
core.results exactly as the Results page does, and its measured lift with the 95% interval is printed next to
the planted lift (demo_campaigns.true_lift: members mention the brand (1 + lift) times as often during the
campaign and its follow-up). Targets: the planted lift lies inside the interval for at least 90% of campaigns,
and a planted zero-effect campaign is reported as "no detectable lift". Ends with one JSON line of metrics.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np

from core.campaigns.demo import DEMO_ACCESS, import_demo_campaigns
from core.db import warehouse
from core.demo.world import build_demo_warehouse
from core.discover import build_discovery
from core.results.compute import campaign_results
from core.scoring.refresh import refresh

TARGET_COVERAGE = 0.90


def _planted_topics(con: duckdb.DuckDBPyConnection) -> None:
    """Topic influence from the planted interests, ordered like the topic step would give it."""
    con.execute(
        """
        INSERT INTO topic_influence (run_id, person_id, topic, influence, raw, posts, reactions, distinct_reactors,
                                     share)
        SELECT s.run_id, t.person_id, u.topic, greatest(1, s.score - 3 * (u.i - 1))::SMALLINT, 1, 3, 10, 5, 0.5
        FROM truth_people t, unnest(t.topics) WITH ORDINALITY AS u(topic, i)
        JOIN scores s ON s.person_id = t.person_id AND s.network = 'all'
        """
    )


def _inside(planted: float, low: float | None, high: float | None) -> bool:
    return low is not None and high is not None and low <= planted <= high


def _interval(low: float | None, high: float | None) -> str:
    if low is None:
        return "n/a"
    return f"[{low:+.2f}, {'inf' if high == float('inf') else f'{high:+.2f}'}]"


def measure_world(people: int, seed: int, folder: Path) -> list[dict]:
    """Build one demo world and measure each of its campaigns against the planted lift."""
    path = folder / f"demo-{seed}.duckdb"
    build_demo_warehouse(path, people=people, seed=seed)
    con = warehouse.connect(path)
    try:
        refresh(con)
        _planted_topics(con)
        build_discovery(con)
        import_demo_campaigns(con)
        planted = dict(warehouse.rows(con, "SELECT 'demo:' || campaign_id, true_lift FROM demo_campaigns"))
        out = []
        for campaign_id, source, name in warehouse.rows(
            con, "SELECT campaign_id, source, name FROM campaigns ORDER BY starts_on, campaign_id"
        ):
            results = campaign_results(con, DEMO_ACCESS, campaign_id)
            b, c = results.lift_baseline, results.lift_control
            out.append(
                {
                    "seed": seed,
                    "campaign": name,
                    "members": results.totals["members"],
                    "planted": planted[source],
                    "lift": b.lift,
                    "low": b.low,
                    "high": b.high,
                    "detected": results.detected,
                    "measurable": b.measurable,
                    "control_lift": c.lift,
                    "control_low": c.low,
                    "control_high": c.high,
                    "controls": results.controls,
                    "spearman": results.spearman,
                }
            )
        return out
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 8, 9, 10, 11])
    args = parser.parse_args()
    started = time.perf_counter()
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as folder:
        for seed in args.seeds:
            rows += measure_world(args.people, seed, Path(folder))

    print(
        f"{'seed':>4} {'campaign':<46} {'members':>7} {'planted':>7} {'measured':>8} {'95% interval':>17} "
        f"{'in':>3} {'vs control':>10} {'95% interval':>17} {'in':>3}"
    )
    for r in rows:
        lift = "n/a" if r["lift"] is None else f"{r['lift']:+.2f}"
        clift = "n/a" if r["control_lift"] is None else f"{r['control_lift']:+.2f}"
        print(
            f"{r['seed']:>4} {r['campaign'][:46]:<46} {r['members']:>7} {r['planted']:>+7.2f} {lift:>8} "
            f"{_interval(r['low'], r['high']):>17} {'yes' if _inside(r['planted'], r['low'], r['high']) else 'NO':>3} "
            f"{clift:>10} {_interval(r['control_low'], r['control_high']):>17} "
            f"{'yes' if _inside(r['planted'], r['control_low'], r['control_high']) else 'NO':>3}"
        )
    coverage = float(np.mean([_inside(r["planted"], r["low"], r["high"]) for r in rows]))
    control_coverage = float(np.mean([_inside(r["planted"], r["control_low"], r["control_high"]) for r in rows]))
    zero = [r for r in rows if r["planted"] == 0]
    zero_quiet = float(np.mean([not r["detected"] for r in zero])) if zero else None
    effect = [r for r in rows if r["planted"] > 0]
    power = float(np.mean([r["detected"] for r in effect])) if effect else None
    spearman = [r["spearman"] for r in rows if r["spearman"] is not None]
    print(
        f"\nPlanted lift inside the 95% interval (own baseline, the headline): {coverage:.0%} of {len(rows)} campaigns "
        f"(target >= {TARGET_COVERAGE:.0%}); against the control group: {control_coverage:.0%}."
    )
    print(
        f"Zero-effect campaigns reported as no detectable lift: {sum(not r['detected'] for r in zero)} of {len(zero)}."
    )
    print(
        f"Campaigns with a planted lift where a lift was detected: {sum(r['detected'] for r in effect)} of "
        f"{len(effect)} (small lifts on small campaigns are honestly reported as not detectable)."
    )
    if spearman:
        print(f"Expected vs actual mentions per member, mean Spearman: {np.mean(spearman):.2f}")
    metrics = {
        "campaigns": len(rows),
        "seeds": args.seeds,
        "people": args.people,
        "coverage_baseline": round(coverage, 4),
        "coverage_control": round(control_coverage, 4),
        "coverage_target_met": coverage >= TARGET_COVERAGE,
        "zero_effect_campaigns": len(zero),
        "zero_effect_no_detectable_lift": None if zero_quiet is None else round(zero_quiet, 4),
        "detection_rate_with_lift": None if power is None else round(power, 4),
        "mean_spearman_expected_vs_actual": round(float(np.mean(spearman)), 4) if spearman else None,
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(metrics))


if __name__ == "__main__":
    main()
