"""Does the plan check tell the truth before perks go out? Runs it on the demo world's past campaigns.

    python -m bench.campaign_plan [--db data/sway.duckdb]

Reads a warehouse with the demo campaigns loaded (`python -m core demo` builds one; the file is only read from a
temporary copy). For each demo campaign it prints what the plan check (core.results.plan) says before the perks
went out: expected member mentions with their 80% range, the smallest detectable lift (80% power, 5% level) and
unique reach with audience overlap; next to it what happened: the planted lift (demo_campaigns.true_lift), the
members' actual mentions and whether Results detected a change. Targets: the actual mentions fall inside the
80% range for about 80% of campaigns, and a planted lift at or above the detectable one is detected more often
than one below it. Ends with one JSON line of metrics.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from core.campaigns.demo import DEMO_ACCESS
from core.db import warehouse
from core.results.compute import campaign_results
from core.results.plan import plan


def measure(path: Path) -> list[dict]:
    """One row per demo campaign with members: the plan check and the results."""
    con = warehouse.connect(path)
    try:
        planted = dict(warehouse.rows(con, "SELECT 'demo:' || campaign_id, true_lift FROM demo_campaigns"))
        out = []
        for campaign_id, source, name in warehouse.rows(
            con, "SELECT campaign_id, source, name FROM campaigns WHERE source LIKE 'demo:%' ORDER BY starts_on"
        ):
            checked = plan(con, DEMO_ACCESS, campaign_id)
            if not checked.people:
                continue
            results = campaign_results(con, DEMO_ACCESS, campaign_id)
            out.append(
                {
                    "campaign": name,
                    "people": checked.people,
                    "planted": planted[source],
                    "expected": checked.expected,
                    "low": checked.low,
                    "high": checked.high,
                    "actual": results.totals["member_mentions"],
                    "detectable": checked.power.detectable if checked.power.measurable else None,
                    "detected": results.detected,
                    "unique_reach": checked.reach.unique,
                    "overlap": checked.reach.overlap,
                }
            )
        return out
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=warehouse.DEFAULT_PATH)
    args = parser.parse_args()
    if not args.db.exists():
        raise SystemExit(f"No warehouse at {args.db}: build the demo first with `python -m core demo`.")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "sway.duckdb"
        shutil.copy(args.db, copy)
        rows = measure(copy)
    print(
        f"{'campaign':<44} {'people':>6} {'planted':>7} {'expected (80% range)':>22} {'actual':>6} "
        f"{'detectable':>10} {'detected':>8} {'reach':>6} {'overlap':>7}"
    )
    for r in rows:
        detectable = "n/a" if r["detectable"] is None else f"{r['detectable']:+.0%}"
        print(
            f"{r['campaign'][:44]:<44} {r['people']:>6} {r['planted']:>+7.0%} "
            f"{r['expected']:>8.1f} ({r['low']:>4.0f}-{r['high']:>4.0f}) {r['actual']:>9} {detectable:>10} "
            f"{'yes' if r['detected'] else 'no':>8} {r['unique_reach']:>6} {r['overlap']:>7.0%}"
        )
    inside = [r["low"] <= r["actual"] <= r["high"] for r in rows]
    powered = [r for r in rows if r["detectable"] is not None and r["planted"] >= r["detectable"]]
    underpowered = [r for r in rows if r not in powered]
    print(
        json.dumps(
            {
                "campaigns": len(rows),
                "actual_inside_80pct_range": round(sum(inside) / len(rows), 3) if rows else None,
                "planted_at_or_above_detectable": len(powered),
                "detected_when_powered": round(sum(r["detected"] for r in powered) / len(powered), 3)
                if powered
                else None,
                "detected_when_underpowered": round(sum(r["detected"] for r in underpowered) / len(underpowered), 3)
                if underpowered
                else None,
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
