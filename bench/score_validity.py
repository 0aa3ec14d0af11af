"""How well the influence score finds real influence: on the demo world's planted truth and on real Twitter data.

    python -m bench.score_validity [--people 20000] [--seed 7] [--set NAME=VALUE ...] [--real-only]

Demo world (built into a temp file): Spearman of score vs planted latent influence (the organic reactions each
person can expect in the window, see core.demo.world; against follower count and raw reaction count, overall
and by how much people posted, next to the ceiling a model fitted to the truth reaches), how many people sit
tied at the floor score of 1, planted gaming accounts among the top 1% by each, precision and recall of each
authenticity flag against truth_gaming, and the first-start time (demo build + refresh + history backfill).
Real data, on several early/late splits of each (so nothing is tuned to one): SNAP Higgs
(../shared/data/snap-higgs-twitter; the issue's split scores 1-3 July 2012 and counts 5-7 July) and PHEME Charlie
Hebdo (../shared/data/pheme-rnr-charliehebdo, imported by the product's own Twitter v1.1 importer; splits in time
across its threads). People active in the early window are ranked by the score's raw value and by each counting
baseline (reactions, distinct reactors, posts that drew reactions); against the reactions and the distinct reactors
each receives in the later window: Spearman, the difference to the best baseline with its 95% paired bootstrap
interval (people resampled), and top-100 overlap with the paired bootstrap interval of its difference. --set
scores with other parameters (to measure a candidate). Prints tables, then one JSON line of all metrics. Exits 1
when real data is missing (SWAY_SHARED_DATA points elsewhere).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
from scipy.stats import rankdata, spearmanr

from core.db import warehouse
from core.ingest import import_files
from core.scoring.params import ScoreParams
from core.scoring.refresh import backfill_history, compute, refresh

SHARED = Path(os.environ.get("SWAY_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
HIGGS = SHARED / "snap-higgs-twitter" / "higgs-activity_time.txt.gz"
PHEME = SHARED / "pheme-rnr-charliehebdo" / "tweets-raw-v1.1.jsonl.gz"
GAMING_KINDS = ("follow_farm", "react_all", "pod", "bought_burst")


def _table(title: str, frame: pl.DataFrame) -> None:
    print(f"\n{title}")
    with pl.Config(
        tbl_rows=-1,
        tbl_cols=-1,
        tbl_width_chars=250,
        fmt_str_lengths=40,
        tbl_hide_dataframe_shape=True,
        tbl_hide_column_data_types=True,
        float_precision=3,
    ):
        print(frame)


def demo_metrics(people: int, seed: int, params: ScoreParams) -> dict[str, float]:
    """Build a demo world, refresh and backfill it, and compare scores and flags with the planted truth."""
    from core.demo.world import build_demo_warehouse

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.duckdb"
        t0 = time.perf_counter()
        build_demo_warehouse(path, people=people, seed=seed)
        built = time.perf_counter() - t0
        con = warehouse.connect(path)
        try:
            report = refresh(con, params=params)
            backfill = backfill_history(con, days=90, params=params)
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

    # What the floor lacks: any reaction at all, or reactions worth enough to lift the score above 1.
    nothing = floor.filter((pl.col("reactions") == 0) & (pl.col("follows_in") == 0)).height
    metrics["demo_floor_share_without_reactions"] = round(nothing / max(floor.height, 1), 4)
    print(
        f"Of those at the floor, {nothing:,} ({nothing / max(floor.height, 1):.1%}) received no reaction at all in the "
        "window; the rest drew too little to lift them above 1 (a like or two, often from accounts that react to "
        "hundreds, or reactions the discounts remove). Their Profile says so in words; all are marked too little data."
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


@dataclass(frozen=True)
class Split:
    """Score people on (start, end], then count the reactions they receive in (future_start, future_end]."""

    start: datetime
    end: datetime
    future_start: datetime
    future_end: datetime

    @property
    def name(self) -> str:
        """e.g. '07-01 00h..07-04 00h > 07-05 00h..07-08 00h': the scored window, then the later one."""
        return (
            f"{self.start:%m-%d %H}h..{self.end:%m-%d %H}h > {self.future_start:%m-%d %H}h..{self.future_end:%m-%d %H}h"
        )

    @property
    def window_days(self) -> float:
        """Length of the scoring window in days."""
        return (self.end - self.start).total_seconds() / 86400


# Several early/late pairs per dataset, so a change is not tuned to one of them. Higgs: the announcement on
# 4 July multiplies activity tenfold; PHEME: the shooting on 7 January, with most threads in its first 3 days.
HIGGS_SPLITS = (
    Split(datetime(2012, 7, 1), datetime(2012, 7, 4), datetime(2012, 7, 5), datetime(2012, 7, 8)),  # the issue's
    Split(datetime(2012, 7, 1), datetime(2012, 7, 3), datetime(2012, 7, 3), datetime(2012, 7, 5)),
    Split(datetime(2012, 7, 3), datetime(2012, 7, 5), datetime(2012, 7, 5), datetime(2012, 7, 7)),
    Split(datetime(2012, 7, 4), datetime(2012, 7, 6), datetime(2012, 7, 6), datetime(2012, 7, 8)),
)
PHEME_SPLITS = (
    Split(datetime(2015, 1, 7), datetime(2015, 1, 8), datetime(2015, 1, 8), datetime(2015, 1, 9)),
    Split(datetime(2015, 1, 7, 12), datetime(2015, 1, 8, 12), datetime(2015, 1, 8, 12), datetime(2015, 1, 10)),
    Split(datetime(2015, 1, 7), datetime(2015, 1, 9), datetime(2015, 1, 9), datetime(2015, 1, 23)),
    Split(datetime(2015, 1, 8, 12), datetime(2015, 1, 9, 12), datetime(2015, 1, 9, 12), datetime(2015, 1, 23)),
)
BASELINES = {"reactions": "reactions", "distinct reactors": "reactors", "posts that drew reactions": "posts"}
OUTCOMES = {"reactions": "future_reactions", "distinct reactors": "future_reactors"}
BOOTSTRAP = 200
TOP = 100  # the top-N whose overlap with the later top-N is compared
CANDIDATES = 1_000  # paired_top_interval follows only people this high by one of the orders


def _ranks(values: np.ndarray) -> np.ndarray:
    return rankdata(values).astype(np.float64)


def paired_spearman_interval(a: np.ndarray, b: np.ndarray, y: np.ndarray, seed: int = 0) -> tuple[float, float]:
    """95% paired bootstrap interval of Spearman(a, y) - Spearman(b, y), resampling people (ranks kept once)."""
    ra, rb, ry = _ranks(a), _ranks(b), _ranks(y)
    rng = np.random.default_rng(seed)
    diffs = []
    for _ in range(BOOTSTRAP):
        pick = rng.integers(0, len(y), len(y))
        x, z = ry[pick], np.column_stack([ra[pick], rb[pick]])
        x = x - x.mean()
        z = z - z.mean(axis=0)
        r = (z.T @ x) / np.sqrt((z**2).sum(axis=0) * (x**2).sum())
        diffs.append(r[0] - r[1])
    low, high = np.percentile(diffs, [2.5, 97.5])
    return float(low), float(high)


def _top(frame: pl.DataFrame, column: str) -> set[int]:
    return set(frame.sort([column, "person_id"], descending=[True, False]).head(TOP)["person_id"])


def _ranked(values: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Positions in rank order: highest value first, equal values by id (as _top orders them)."""
    return np.lexsort((ids, -values))


def paired_top_interval(
    a: np.ndarray, b: np.ndarray, y: np.ndarray, ids: np.ndarray, seed: int = 0
) -> tuple[float, float]:
    """95% paired bootstrap interval of top-TOP overlap of `a` minus that of `b`, each with the top TOP of `y`
    (people resampled with replacement; a person drawn twice holds two places).

    Only the candidates that could reach a resample's top TOP by any of the three orders are followed: the top
    CANDIDATES of each (a person below that in all three would need more than CANDIDATES - TOP people above them
    all left out of the resample).
    """
    n = len(y)
    picked = np.unique(np.concatenate([_ranked(v, ids)[:CANDIDATES] for v in (a, b, y)]))
    rng = np.random.default_rng(seed)
    diffs = []
    for _ in range(BOOTSTRAP):
        drawn = np.bincount(rng.integers(0, n, n), minlength=n)[picked]
        rows = np.repeat(picked, drawn)
        top = {name: set(_ranked(v[rows], ids[rows])[:TOP]) for name, v in (("a", a), ("b", b), ("y", y))}
        diffs.append((len(top["a"] & top["y"]) - len(top["b"] & top["y"])) / TOP)
    low, high = np.percentile(diffs, [2.5, 97.5])
    return float(low), float(high)


def split_people(con: duckdb.DuckDBPyConnection, split: Split, params: ScoreParams) -> pl.DataFrame:
    """People active in the early window: score raw value, counting baselines, and what they receive later."""
    days = max(round(split.window_days), 1)  # splits are whole days
    start = split.end - timedelta(days=days)
    scored = compute(con, as_of=split.end, window_days=days, params=params, with_explanations=False)
    raw = scored.scores.filter(pl.col("network") == "all").select("person_id", "raw")
    counts = con.sql(
        """
        WITH active AS (
            SELECT a.person_id FROM interactions i JOIN accounts a ON a.account_id = i.actor_account_id
            WHERE i.occurred_at > $start AND i.occurred_at <= $end
            UNION SELECT a.person_id FROM interactions i JOIN accounts a ON a.account_id = i.target_account_id
            WHERE i.occurred_at > $start AND i.occurred_at <= $end
        ), reactions AS (
            SELECT t.person_id, i.occurred_at > $future_start AS later, i.occurred_at <= $end AS early,
                   i.actor_account_id AS reactor, i.post_id
            FROM interactions i JOIN accounts t ON t.account_id = i.target_account_id
            JOIN accounts s ON s.account_id = i.actor_account_id
            WHERE i.occurred_at > $start AND i.occurred_at <= $future_end AND s.person_id <> t.person_id
        ), received AS (
            SELECT person_id,
                   count(*) FILTER (WHERE early) AS reactions,
                   count(DISTINCT reactor) FILTER (WHERE early) AS reactors,
                   count(DISTINCT post_id) FILTER (WHERE early) AS posts,
                   count(*) FILTER (WHERE later) AS future_reactions,
                   count(DISTINCT reactor) FILTER (WHERE later) AS future_reactors
            FROM reactions GROUP BY person_id
        )
        SELECT person_id, coalesce(reactions, 0) AS reactions, coalesce(reactors, 0) AS reactors,
               coalesce(posts, 0) AS posts, coalesce(future_reactions, 0) AS future_reactions,
               coalesce(future_reactors, 0) AS future_reactors
        FROM active LEFT JOIN received USING (person_id)
        """,
        params={"start": start, "end": split.end, "future_start": split.future_start, "future_end": split.future_end},
    ).pl()
    return counts.join(raw, on="person_id", how="left").with_columns(pl.col("raw").fill_null(0.0))


def compare_split(people: pl.DataFrame) -> list[dict]:
    """Per outcome: the score against the best counting baseline, with the paired bootstrap interval."""
    found = []
    for outcome, column in OUTCOMES.items():
        y = people[column].to_numpy()
        future_top = _top(people, column)
        rho = {name: float(spearmanr(people[c], y).statistic) for name, c in BASELINES.items() if people[c].std()}
        best = max(rho, key=rho.__getitem__)
        score_rho = float(spearmanr(people["raw"], y).statistic)
        score, baseline = people["raw"].to_numpy(), people[BASELINES[best]].to_numpy()
        low, high = paired_spearman_interval(score, baseline, y)
        top_low, top_high = paired_top_interval(score, baseline, y, people["person_id"].to_numpy())
        found.append(
            {
                "outcome": outcome,
                "people": people.height,
                "score": score_rho,
                "best_baseline": best,
                "baseline": rho[best],
                "diff": score_rho - rho[best],
                "diff_low": low,
                "diff_high": high,
                "top100_score": len(_top(people, "raw") & future_top) / TOP,
                "top100_baseline": len(_top(people, BASELINES[best]) & future_top) / TOP,
                "top100_diff_low": top_low,
                "top100_diff_high": top_high,
            }
        )
    return found


def real_metrics(con: duckdb.DuckDBPyConnection, key: str, splits: tuple[Split, ...], params: ScoreParams) -> dict:
    """The score against counting on every split of one real dataset; metrics keyed by dataset, split and outcome."""
    rows = []
    metrics: dict[str, float] = {}
    for number, split in enumerate(splits, start=1):
        for row in compare_split(split_people(con, split, params)):
            rows.append({"split": split.name} | row)
            prefix = f"{key}_split{number}_{row['outcome'].replace(' ', '_')}"
            for name in (
                "score", "baseline", "diff", "diff_low", "diff_high",
                "top100_score", "top100_baseline", "top100_diff_low", "top100_diff_high",
            ):  # fmt: skip
                metrics[f"{prefix}_{name}"] = round(row[name], 4)
    table = pl.DataFrame(rows)
    _table(f"{key}: score on the early window vs counting, ranking what people receive later", table)
    metrics[f"{key}_splits_beating_counting"] = int((table["diff_low"] > 0).sum())
    metrics[f"{key}_top100_worse_than_counting"] = int((table["top100_diff_high"] < 0).sum())
    metrics[f"{key}_comparisons"] = table.height
    return metrics


def higgs_connection(path: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse holding the Higgs activity."""
    con = duckdb.connect(":memory:")
    warehouse.migrate(con)
    load_higgs(con, path)
    return con


def pheme_connection(path: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse holding PHEME Charlie Hebdo, imported by the product's own Twitter v1.1 importer."""
    con = duckdb.connect(":memory:")
    warehouse.migrate(con)
    import_files(con, [path], now=datetime(2016, 1, 1))
    return con


def main() -> int:
    """Run both validations and print the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="score with this parameter")
    parser.add_argument("--real-only", action="store_true", help="skip the demo world (real datasets only)")
    args = parser.parse_args()
    missing = [path for path in (HIGGS, PHEME) if not path.exists()]
    if missing:
        print(
            f"error: real data is missing: {', '.join(map(str, missing))} not found. Put the shared data folder "
            "beside this checkout (or set SWAY_SHARED_DATA to it), then rerun.",
            file=sys.stderr,
        )
        return 1
    params = ScoreParams().with_overrides(dict(pair.split("=", 1) for pair in args.set))
    metrics: dict[str, float] = {}
    if not args.real_only:
        metrics |= demo_metrics(args.people, args.seed, params)
    for key, connect, path, splits in (
        ("higgs", higgs_connection, HIGGS, HIGGS_SPLITS),
        ("pheme", pheme_connection, PHEME, PHEME_SPLITS),
    ):
        con = connect(path)
        try:
            metrics |= real_metrics(con, key, splits, params)
        finally:
            con.close()
    print(json.dumps(metrics, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
