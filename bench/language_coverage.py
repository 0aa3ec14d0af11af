"""How well the light language detector keeps the topic classifier to the languages it covers, on labelled tweets.

    python -m bench.language_coverage

Reads X-Topic (English, Spanish, Greek and Japanese tweets) and the TweetEval emoji tweets (English) from
../shared/data ($SWAY_SHARED_DATA if set) and runs core.topics.language on them without source tags, as for a
post whose network gives no language. For each set it prints the share the classifier would tag (covered) and
the languages found; for English the goal is all covered, for the others none. Then its speed on a million
texts, and one JSON line.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
import time
from pathlib import Path

import polars as pl

from core.topics.language import languages

# ../shared/data beside the checkout, as for the other benchmarks; $SWAY_SHARED_DATA points elsewhere.
DATA = Path(os.environ.get("SWAY_SHARED_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data")
SETS = {
    "X-Topic en": ("en", "x-topic-tweettopicxl/en/en_train.jsonl.gz"),
    "X-Topic es": ("es", "x-topic-tweettopicxl/es/es_1000.jsonl.gz"),
    "X-Topic el": ("el", "x-topic-tweettopicxl/gr/gr_1000.jsonl.gz"),
    "X-Topic ja": ("ja", "x-topic-tweettopicxl/ja/ja_1000.jsonl.gz"),
    "TweetEval en": ("en", "tweeteval/datasets/emoji/train_text.txt.gz"),
}


def read_texts(path: Path) -> list[str]:
    """Tweet texts of a gzipped JSON-lines file (field `text`) or plain text file (one per line)."""
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        if path.name.endswith(".jsonl.gz"):
            return [json.loads(line)["text"] for line in lines if line.strip()]
        return [line.rstrip("\n") for line in lines]


def main() -> int:
    """Run the detector on every set and print the table and the JSON line."""
    missing = [str(DATA / rel) for _, rel in SETS.values() if not (DATA / rel).exists()]
    if missing:
        sys.exit(f"error: the labelled tweets are missing ({missing[0]}); this benchmark needs ../shared/data.")
    print(f"{'set':<14}{'tweets':>8}{'covered':>9}{'right':>8}  languages found (top 4)")
    metrics: dict[str, dict[str, float]] = {}
    for name, (truth, rel) in SETS.items():
        texts = pl.Series(read_texts(DATA / rel))
        found = languages(pl.Series([None] * len(texts), dtype=pl.String), texts)
        covered = float(found["covered"].mean())
        right = covered if truth == "en" else 1 - covered  # English tagged; the others not guessed
        top = ", ".join(f"{lang} {n}" for lang, n in found["language"].value_counts(sort=True).head(4).iter_rows())
        print(f"{name:<14}{len(texts):>8,}{covered:>9.1%}{right:>8.1%}  {top}")
        metrics[name] = {"tweets": len(texts), "covered": round(covered, 4), "right": round(right, 4)}
    sample = pl.Series(read_texts(DATA / SETS["TweetEval en"][1]))
    texts = pl.concat([sample] * (1_000_000 // len(sample) + 1)).head(1_000_000)
    start = time.perf_counter()
    languages(pl.Series([None] * len(texts), dtype=pl.String), texts)
    per_second = len(texts) / (time.perf_counter() - start)
    print(f"\nSpeed: {per_second:,.0f} texts/s on {len(texts):,} tweets (one process).")
    print(json.dumps({"sets": metrics, "texts_per_s": round(per_second)}, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
