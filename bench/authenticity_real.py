"""The automation signal on real accounts: cross-validated against Gilani et al. 2017's labels, and run on real imports.

    python -m bench.authenticity_real

1. Gilani et al. 2017 (../shared/data/gilani2017-bot-vs-human, 3,431 Twitter accounts labelled bot or human):
   5-fold stratified cross-validation (out-of-fold probabilities, the shipped recipe refitted per fold), ROC AUC,
   and precision and recall at the shipped flag cut and at 0.5, per popularity band and overall, against a
   one-feature baseline (the same classifier on posts per day alone, the best single feature) and a reference
   that adds the number of posting clients (which Sway's imports do not keep).
2. How many accounts the shipped model flags on real imports: SNAP Higgs, PHEME Charlie Hebdo (Twitter v1.1
   JSON through Sway's importer), and the Bluesky Jetstream fixture (tests/fixtures/jetstream, through the
   collector's lake and ingest, as a live network lands in a warehouse).
Prints tables, then one JSON line. Exits 1 when the Gilani data is missing.
"""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
from sklearn.metrics import precision_score, recall_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from bench.build_automation_model import make_model
from bench.gilani import BANDS, GILANI, read_gilani
from bench.score_validity import load_higgs
from bench.shared_data import SHARED
from core.collect import bluesky, lake
from core.collect.events import Tally, to_batch
from core.collect.ingest import ingest
from core.db import warehouse
from core.db.warehouse import REPO_ROOT
from core.ingest import import_files
from core.scoring import automation

HIGGS = SHARED / "snap-higgs-twitter" / "higgs-activity_time.txt.gz"
PHEME = SHARED / "pheme-rnr-charliehebdo" / "tweets-raw-v1.1.jsonl.gz"
JETSTREAM = REPO_ROOT / "tests" / "fixtures" / "jetstream" / "events.jsonl"
FOLDS = 5


def _table(title: str, frame: pl.DataFrame) -> None:
    print(f"\n{title}")
    with pl.Config(
        tbl_rows=-1,
        tbl_cols=-1,
        tbl_width_chars=400,
        tbl_hide_dataframe_shape=True,
        tbl_hide_column_data_types=True,
        float_precision=3,
    ):
        print(frame)


def cross_validated(data: pl.DataFrame) -> pl.DataFrame:
    """Per band and overall: AUC, precision and recall of the model, the baseline and the reference, out of fold."""
    y = data["bot"].to_numpy()
    x = automation.training_features(data)
    with_clients = np.column_stack([x, data["sources_count"].to_numpy()])
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=0)
    p = {
        "model": cross_val_predict(make_model(), x, y, cv=folds, method="predict_proba")[:, 1],
        "baseline": cross_val_predict(make_model(), x[:, :1], y, cv=folds, method="predict_proba")[:, 1],
        "with_clients": cross_val_predict(make_model(), with_clients, y, cv=folds, method="predict_proba")[:, 1],
    }
    cut = automation.AUTOMATION.flag_at
    rows = []
    bands = data["band"].to_numpy()
    for band in (*BANDS, "all"):
        m = np.ones(len(y), bool) if band == "all" else bands == band
        row: dict[str, object] = {"band": band, "accounts": int(m.sum()), "bots": int(y[m].sum())}
        for name, q in p.items():
            row[f"auc_{name}"] = roc_auc_score(y[m], q[m])
        for name in ("model", "baseline"):
            for label, at in (("cut", cut), ("half", 0.5)):
                hit = p[name][m] >= at
                row[f"precision_{name}_{label}"] = precision_score(y[m], hit, zero_division=0)
                row[f"recall_{name}_{label}"] = recall_score(y[m], hit, zero_division=0)
        rows.append(row)
    return pl.DataFrame(rows)


def _flag_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Accounts, accounts with enough posts to judge, and accounts flagged, over the whole imported period."""
    first, last = con.sql("SELECT min(posted_at), max(posted_at) FROM posts").fetchall()[0]
    start = first or datetime(1970, 1, 1)
    as_of = last or datetime(1970, 1, 2)
    days = (as_of - start).total_seconds() / 86400
    ids = con.sql("SELECT account_id FROM accounts ORDER BY account_id").pl()
    accounts = ids.with_columns(aidx=pl.int_range(pl.len(), dtype=pl.Int32))
    features = automation.account_features(con, ids["account_id"].to_numpy(), start, as_of, days)
    flagged = automation.flags(con, accounts, start, as_of, days)
    return {
        "accounts": accounts.height,
        "judged": int((features["posts"] >= automation.AUTOMATION.min_posts).sum()),
        "flagged": flagged.height,
    }


def _jetstream_counts(fixture: Path) -> dict[str, int]:
    """Flag counts on the Jetstream fixture, landed as the collector lands it: a lake segment, then ingest."""
    tally = Tally()
    parsed = [bluesky.parse(line.rstrip("\n"), tally) for line in fixture.open(encoding="utf-8")]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "sway.duckdb.lake"
        lake.write_segment(root, "bluesky", to_batch([row for row in parsed if row is not None]))
        con = warehouse.connect(Path(tmp) / "sway.duckdb")
        try:
            with warehouse.transaction(con):
                ingest(con, root, "bluesky")
            return _flag_counts(con)
        finally:
            con.close()


def real_imports() -> tuple[pl.DataFrame, list[str]]:
    """Flag counts on each real import that is present; the list names what was skipped and why."""
    rows, skipped = [], []
    for name, path in (("SNAP Higgs", HIGGS), ("PHEME Charlie Hebdo", PHEME)):
        if not path.exists():
            skipped.append(f"{name}: {path} is missing, so no count.")
            continue
        con = duckdb.connect(":memory:")
        try:
            warehouse.migrate(con)
            if path == HIGGS:
                load_higgs(con, path)
            else:
                import_files(con, [path], now=datetime(2100, 1, 1))
            rows.append({"import": name} | _flag_counts(con))
        finally:
            con.close()
    rows.append({"import": "Bluesky Jetstream fixture"} | _jetstream_counts(JETSTREAM))
    return pl.DataFrame(rows), skipped


def main() -> int:
    if not GILANI.exists():
        print(
            f"Gilani et al. 2017 data not found at {GILANI}: place ../shared/data beside this checkout "
            "(or set SWAY_SHARED_DATA), then rerun."
        )
        return 1
    table = cross_validated(read_gilani())
    cut = automation.AUTOMATION.flag_at
    _table(
        f"Gilani et al. 2017, {FOLDS}-fold cross-validation (model: 6 import features; baseline: posts per day "
        f"alone; with_clients: + number of posting clients, not kept by imports). 'cut' = flag at p >= {cut}.",
        table,
    )
    imports, skipped = real_imports()
    _table(
        f"Accounts flagged 'automated' on real imports (judged = at least {automation.AUTOMATION.min_posts} posts)",
        imports,
    )
    for line in skipped:
        print(line)
    overall = table.filter(pl.col("band") == "all").row(0, named=True)
    metrics: dict[str, object] = {
        f"{k}_{r['band']}": round(float(r[k]), 4)
        for r in table.iter_rows(named=True)
        for k in ("auc_model", "auc_baseline", "precision_model_cut", "recall_model_cut")
    }
    metrics |= {
        "auc_with_clients_all": round(float(overall["auc_with_clients"]), 4),
        "precision_baseline_cut_all": round(float(overall["precision_baseline_cut"]), 4),
        "recall_baseline_cut_all": round(float(overall["recall_baseline_cut"]), 4),
        "flag_at": cut,
    }
    metrics |= {f"flagged_{r['import'].split()[0].lower()}": r["flagged"] for r in imports.iter_rows(named=True)}
    metrics |= {f"judged_{r['import'].split()[0].lower()}": r["judged"] for r in imports.iter_rows(named=True)}
    print(json.dumps(metrics))
    return 0


if __name__ == "__main__":
    sys.exit(main())
