"""How well the influence score finds real influence: on the demo world's planted truth and on real Twitter data.

    python -m bench.score_validity [--people 20000] [--seed 7]

Demo world (built into a temp file): Spearman of score vs planted latent influence (the organic reactions each
person can expect in the window, see core.demo.world; against follower count and raw reaction count, overall
and by how much people posted, next to the ceiling a model fitted to the truth reaches), how many people sit
tied at the floor score of 1, planted gaming accounts among the top 1% by each, precision and recall of each
authenticity flag against truth_gaming, and the first-start time (demo build + refresh + history backfill).
SNAP Higgs (../shared/data/snap-higgs-twitter): score people on 1-3 July 2012, then check how well that ranks the
reactions they receive on 5-7 July (Spearman and top-100 overlap), against raw reaction count and in-degree.
Prints tables, then one JSON line of all metrics. Exits 1 when the Higgs data is missing.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
from scipy.stats import spearmanr

from core.db import warehouse
from core.scoring.params import ScoreParams
from core.scoring.refresh import backfill_history, refresh

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
HIGGS = SHARED / "snap-higgs-twitter" / "higgs-activity_time.txt.gz"
HIGGS_SCORED_UNTIL = datetime(2012, 7, 3, 23, 59, 59)  # score on 1-3 July (a 3-day window)
HIGGS_FUTURE = (datetime(2012, 7, 4, 23, 59, 59), datetime(2012, 7, 7, 23, 59, 59))  # reactions on 5-7 July
GAMING_KINDS = ("follow_farm", "react_all", "pod", "bought_burst")


def _table(title: str, frame: pl.DataFrame) -> None:
    print(f"\n{title}")
    with pl.Config(tbl_rows=-1, tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True, float_precision=3):
        print(frame)


def demo_metrics(people: int, seed: int) -> dict[str, float]:
    """Build a demo world, refresh and backfill it, and compare scores and flags with the planted truth."""
    from core.demo.world import build_demo_warehouse

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.duckdb"
        t0 = time.perf_counter()
        build_demo_warehouse(path, people=people, seed=seed)
        built = time.perf_counter() - t0
        con = warehouse.connect(path)
        try:
            report = refresh(con)
            backfill = backfill_history(con, days=90)
            print(f"Demo world ({people:,} people, seed {seed}) built in {built:.1f} s.")
            print(report.summary())
            print(backfill.summary())
            metrics = _demo_compare(con)
        finally:
            con.close()
    metrics |= {
        "demo_build_s": round(built, 1),
        "demo_refresh_s": round(report.seconds, 2),
        "demo_backfill_s": round(backfill.seconds, 1),
        "demo_backfill_days": len(backfill.days),
        "demo_first_start_s": round(built + report.seconds + backfill.seconds, 1),
        "demo_median_score": report.median_score,
        "demo_share_50_plus": round(report.share_50_plus, 4),
    }
    return metrics


def _ceiling(people: pl.DataFrame) -> float:
    """Spearman a model fitted to the truth itself reaches from observable per-person counts (2-fold cross-fit).

    An optimistic bound for any score built from this data: it may also use what a fair score must not
    (posting and reacting volume), and it learns the generator's own shape.
    """
    from sklearn.ensemble import HistGradientBoostingRegressor

    features = people.select("raw", "reactions", "reactors", "follows_in", "posts", "given", "followers").to_numpy()
    target = np.log1p(people["latent_influence"].to_numpy())  # an expected count: 0 for bots that never post
    fold = np.random.default_rng(0).random(len(target)) < 0.5
    predicted = np.empty(len(target))
    for test in (fold, ~fold):
        model = HistGradientBoostingRegressor(max_iter=300, random_state=0).fit(features[~test], target[~test])
        predicted[test] = model.predict(features[test])
    return float(spearmanr(predicted, target).statistic)


def _demo_compare(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    people = con.sql(
        """
        WITH run AS (
            SELECT as_of - to_days(window_days) AS start, as_of FROM score_runs
            WHERE kind = 'refresh' AND status = 'ok' ORDER BY run_id DESC LIMIT 1
        ), window_interactions AS (
            SELECT i.* FROM interactions i, run WHERE i.occurred_at > run.start AND i.occurred_at <= run.as_of
        ), received AS (
            SELECT a.person_id, count(*) FILTER (WHERE i.type <> 'follow') AS reactions,
                   count(DISTINCT i.actor_account_id) FILTER (WHERE i.type <> 'follow') AS reactors,
                   count(*) FILTER (WHERE i.type = 'follow') AS follows_in
            FROM window_interactions i JOIN accounts a ON a.account_id = i.target_account_id GROUP BY ALL
        ), given AS (
            SELECT a.person_id, count(*) AS given
            FROM window_interactions i JOIN accounts a ON a.account_id = i.actor_account_id GROUP BY ALL
        ), written AS (
            SELECT a.person_id, count(*) AS posts
            FROM posts p JOIN accounts a USING (account_id), run
            WHERE p.posted_at > run.start AND p.posted_at <= run.as_of GROUP BY ALL
        ), followers AS (
            SELECT person_id, sum(followers) AS followers FROM accounts GROUP BY person_id
        ), gamers AS (
            SELECT DISTINCT a.person_id FROM truth_gaming g JOIN accounts a USING (account_id)
        )
        SELECT t.person_id, t.latent_influence, s.score, s.raw, coalesce(f.followers, 0) AS followers,
               coalesce(r.reactions, 0) AS reactions, coalesce(r.reactors, 0) AS reactors,
               coalesce(r.follows_in, 0) AS follows_in, coalesce(g.given, 0) AS given,
               coalesce(w.posts, 0) AS posts, x.person_id IS NOT NULL AS gamer
        FROM truth_people t
        JOIN scores s USING (person_id)
        LEFT JOIN followers f USING (person_id)
        LEFT JOIN received r USING (person_id)
        LEFT JOIN given g USING (person_id)
        LEFT JOIN written w USING (person_id)
        LEFT JOIN gamers x USING (person_id)
        WHERE s.network = 'all'
        """
    ).pl()
    top_n = max(len(people) // 100, 1)
    rows = []
    metrics: dict[str, float] = {}
    # The score's own ranking uses its raw value (the 1-100 score is its rounded log, with ties).
    for name, column, key in (
        ("score (1-100)", "score", "score"),
        ("score raw value", "raw", "score_raw"),
        ("followers", "followers", "followers"),
        ("raw reactions", "reactions", "reactions"),
    ):
        rho = float(spearmanr(people[column], people["latent_influence"]).statistic)
        order = "raw" if column == "score" else column
        top = people.sort([order, "person_id"], descending=[True, False]).head(top_n)
        gamers = int(top["gamer"].sum())
        rows.append({"ranking": name, "spearman_vs_latent": rho, "gamers_in_top_1pct": gamers, "top_1pct": top_n})
        metrics[f"demo_spearman_{key}"] = round(rho, 4)
        metrics[f"demo_gaming_share_top1pct_{key}"] = round(gamers / top_n, 4)
    _table("Demo world: rankings vs planted latent influence (all people)", pl.DataFrame(rows))
    floor = people.filter(pl.col("score") == 1)
    metrics["demo_share_at_floor"] = round(floor.height / people.height, 4)
    print(
        f"{floor.height:,} people ({floor.height / people.height:.1%}) sit tied at the floor score of 1 (their median "
        f"true influence is {floor['latent_influence'].median():.2f} expected reactions, against "
        f"{people['latent_influence'].median():.2f} for everyone): the 1-100 score's ties cost "
        f"{metrics['demo_spearman_score_raw'] - metrics['demo_spearman_score']:+.4f} of Spearman against its raw value."
    )

    levels = []
    for least in (0, 1, 5, 20):
        some = people.filter(pl.col("posts") >= least)
        levels.append(
            {
                "posts in window": f">= {least}",
                "people": some.height,
                "spearman_score": float(spearmanr(some["score"], some["latent_influence"]).statistic),
                "spearman_raw_reactions": float(spearmanr(some["reactions"], some["latent_influence"]).statistic),
            }
        )
        metrics[f"demo_spearman_score_posts_ge_{least}"] = round(levels[-1]["spearman_score"], 4)
    ceiling = _ceiling(people)
    metrics["demo_spearman_ceiling_model"] = round(ceiling, 4)
    _table(
        f"Demo world: score vs latent influence by how much a person posted (ceiling of a model fitted to the "
        f"truth from observable counts: {ceiling:.3f})",
        pl.DataFrame(levels),
    )

    flags = con.sql(
        """
        WITH truth AS (SELECT DISTINCT account_id, kind::VARCHAR AS flag FROM truth_gaming),
        found AS (SELECT DISTINCT account_id, flag FROM authenticity_flags),
        kinds AS (SELECT unnest(?::VARCHAR[]) AS flag)
        SELECT k.flag,
               (SELECT count(*) FROM truth t WHERE t.flag = k.flag) AS planted,
               (SELECT count(*) FROM found f WHERE f.flag = k.flag) AS flagged,
               (SELECT count(*) FROM found f JOIN truth t USING (account_id, flag) WHERE f.flag = k.flag) AS correct
        FROM kinds k ORDER BY k.flag
        """,
        params=[list(GAMING_KINDS)],
    ).pl()
    flags = flags.with_columns(
        precision=pl.when(pl.col("flagged") > 0).then(pl.col("correct") / pl.col("flagged")),
        recall=pl.when(pl.col("planted") > 0).then(pl.col("correct") / pl.col("planted")),
    )
    _table("Demo world: authenticity flags vs truth_gaming", flags)
    for row in flags.iter_rows(named=True):
        for what in ("precision", "recall"):
            if row[what] is not None:
                metrics[f"demo_{row['flag']}_{what}"] = round(row[what], 4)
    return metrics


def load_higgs(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Load the Higgs activity file as one Twitter account per user (A reacts to B) into a migrated warehouse."""
    events = pl.read_csv(
        path,
        separator=" ",
        has_header=False,
        new_columns=["actor", "target", "ts", "kind"],
        schema_overrides={"actor": pl.Int64, "target": pl.Int64, "ts": pl.Int64, "kind": pl.Utf8},
    )
    # SNAP lists every reply a second time as a mention at the same second: keep the reply only.
    replies = events.filter(pl.col("kind") == "RE").select("actor", "target", "ts").unique()
    events = pl.concat(
        [
            events.filter(pl.col("kind") != "MT"),
            events.filter(pl.col("kind") == "MT").join(replies, on=["actor", "target", "ts"], how="anti"),
        ]
    ).with_columns(
        occurred_at=pl.from_epoch("ts"),
        type=pl.col("kind").replace_strict({"RT": "repost", "MT": "mention", "RE": "reply"}),
    )
    users = pl.concat([events["actor"], events["target"]]).unique().sort().to_frame("user")
    con.register("_higgs_users", users)
    con.register("_higgs_events", events)
    with warehouse.transaction(con):
        con.execute("INSERT INTO people SELECT user, user::VARCHAR, NULL FROM _higgs_users")
        con.execute(
            "INSERT INTO accounts (account_id, person_id, network, external_id, handle) "
            "SELECT user, user, 'twitter', user::VARCHAR, 'u' || user FROM _higgs_users"
        )
        con.execute(
            "INSERT INTO interactions SELECT actor, target, NULL, type, occurred_at, 'twitter' FROM _higgs_events"
        )
    con.unregister("_higgs_users")
    con.unregister("_higgs_events")


def higgs_metrics(path: Path) -> dict[str, float]:
    """Score Higgs users on 1-3 July and check the ranking against reactions received on 5-7 July."""
    con = duckdb.connect(":memory:")
    warehouse.migrate(con)
    load_higgs(con, path)
    report = refresh(con, window_days=3, as_of=HIGGS_SCORED_UNTIL, params=ScoreParams())
    print(report.summary())
    people = con.sql(
        """
        WITH scored AS (
            SELECT actor_account_id AS user FROM interactions WHERE occurred_at <= $until
            UNION SELECT target_account_id FROM interactions WHERE occurred_at <= $until
        ), past AS (
            SELECT target_account_id AS user, count(*) AS reactions, count(DISTINCT actor_account_id) AS in_degree
            FROM interactions WHERE occurred_at <= $until AND actor_account_id <> target_account_id GROUP BY ALL
        ), future AS (
            SELECT target_account_id AS user, count(*) AS future
            FROM interactions
            WHERE occurred_at > $f0 AND occurred_at <= $f1 AND actor_account_id <> target_account_id
            GROUP BY ALL
        )
        SELECT u.user, s.raw, s.score, coalesce(p.reactions, 0) AS reactions, coalesce(p.in_degree, 0) AS in_degree,
               coalesce(f.future, 0) AS future
        FROM scored u
        JOIN scores s ON s.person_id = u.user AND s.network = 'all'
        LEFT JOIN past p USING (user)
        LEFT JOIN future f USING (user)
        """,
        params={"until": HIGGS_SCORED_UNTIL, "f0": HIGGS_FUTURE[0], "f1": HIGGS_FUTURE[1]},
    ).pl()
    con.close()
    future_top = set(people.sort(["future", "user"], descending=[True, False]).head(100)["user"])
    rows = []
    metrics: dict[str, float] = {"higgs_people_scored": people.height}
    for name, column in (("score", "raw"), ("raw reactions", "reactions"), ("in-degree", "in_degree")):
        rho = float(spearmanr(people[column], people["future"]).statistic)
        top = set(people.sort([column, "user"], descending=[True, False]).head(100)["user"])
        overlap = len(top & future_top) / 100
        rows.append({"ranking (1-3 Jul)": name, "spearman_vs_5_7_jul": rho, "top100_overlap": overlap})
        key = "score" if column == "raw" else column
        metrics[f"higgs_spearman_{key}"] = round(rho, 4)
        metrics[f"higgs_top100_overlap_{key}"] = overlap
    _table(f"SNAP Higgs: {people.height:,} people active 1-3 July, vs reactions received 5-7 July", pl.DataFrame(rows))
    return metrics


def main() -> int:
    """Run both validations and print the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not HIGGS.exists():
        print(
            f"error: the SNAP Higgs data is missing: {HIGGS} not found. Put the shared data folder "
            "(../shared/data/snap-higgs-twitter) beside this checkout, then rerun.",
            file=sys.stderr,
        )
        return 1
    metrics = demo_metrics(args.people, args.seed)
    metrics |= higgs_metrics(HIGGS)
    print(json.dumps(metrics, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
