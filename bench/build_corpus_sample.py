"""Rebuild the compact labelled-text samples shipped in core/corpus/ from ../shared/data.

The app, the CLI and the tests only ever read the shipped sample; this script is the
one place that reads the full public corpora, so the sample is reproducible.

    python -m bench.build_corpus_sample [--per-label N]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polars as pl

from bench.shared_data import SHARED
from core.corpus.samples import CORPUS_PATH, HEADLINES_PATH

REDDIT = SHARED / "reddit-top-2.5m-niches" / "reddit_top2013_niches.jsonl.gz"
HUFFPOST = SHARED / "huffpost-news-category" / "News_Category_Dataset_v3_first10000.jsonl.gz"
HUFFPOST_MAP = SHARED / "huffpost-news-category" / "category_to_tweettopic.csv"
HUFFPOST_BALANCED = SHARED / "huffpost-news-category" / "huffpost_bao2020_36900.jsonl.gz"
# Headlines kept per label: news_&_social_concern has 9,000 (ten sections) and would swamp the other labels.
HEADLINES_PER_LABEL = 1800
MAX_CHARS = 280  # a post-sized text, like a tweet


def shared_or_exit(*paths: Path) -> None:
    """Stop with a clear message when ../shared/data is not beside this checkout."""
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        sys.exit(
            "bench.build_corpus_sample needs the public corpora in ../shared/data, "
            f"which this machine does not have (missing: {', '.join(missing)})."
        )


def first_per_label(frame: pl.DataFrame, per_label: int, order: str | None = None) -> pl.DataFrame:
    """Texts of at least 20 characters, each once, then the first `per_label` of each label (by `order` if given)."""
    kept = frame.filter(pl.col("text").str.len_chars() >= 20).unique(subset="text", keep="first", maintain_order=True)
    if order is not None:
        kept = kept.sort(order)
    return kept.group_by("tweettopic_label", maintain_order=True).head(per_label)


def reddit_sample(per_label: int) -> pl.DataFrame:
    """Top Reddit posts per TweetTopic label; deterministic: smallest md5 of the id first."""
    df = pl.read_ndjson(REDDIT, infer_schema_length=None).select(
        "tweettopic_label", "subreddit", "id", "title", "selftext"
    )
    text = (
        pl.when(pl.col("selftext").str.len_chars() > 0)
        .then(pl.col("title") + pl.lit(" ") + pl.col("selftext"))
        .otherwise(pl.col("title"))
    )
    frame = df.with_columns(
        text=text.str.replace_all(r"\s+", " ").str.slice(0, MAX_CHARS).str.strip_chars(),
        order=(pl.col("subreddit") + "/" + pl.col("id")).hash(seed=7),
    )
    return first_per_label(frame, per_label, order="order").select(
        topic="tweettopic_label",
        text="text",
        source=pl.lit("reddit"),
        source_ref=pl.lit("r/") + pl.col("subreddit") + "/" + pl.col("id"),
    )


def huffpost_sample(per_label: int) -> pl.DataFrame:
    """HuffPost v3 headlines plus short descriptions, mapped to TweetTopic labels (CC BY 4.0)."""
    mapping = pl.read_csv(HUFFPOST_MAP).filter(pl.col("tweettopic_label").is_not_null())
    frame = (
        pl.read_ndjson(HUFFPOST)
        .join(mapping, on="category")
        .with_columns(
            text=(pl.col("headline") + pl.lit(". ") + pl.col("short_description"))
            .str.replace_all(r"\s+", " ")
            .str.slice(0, MAX_CHARS)
            .str.strip_chars()
        )
    )
    return first_per_label(frame, per_label).select(
        topic="tweettopic_label", text="text", source=pl.lit("huffpost"), source_ref="link"
    )


def headline_sample(known: pl.Series) -> pl.DataFrame:
    """Bao et al.'s balanced HuffPost headlines (CC BY 4.0), mapped, without those already in the posts sample."""
    mapping = pl.read_csv(HUFFPOST_MAP).filter(pl.col("tweettopic_label").is_not_null())
    frame = (
        pl.read_ndjson(HUFFPOST_BALANCED)
        .with_row_index("row")
        .join(mapping, left_on="label", right_on="bao2020_label_id", maintain_order="left")
        .with_columns(text=pl.col("raw").str.replace_all(r"\s+", " ").str.strip_chars())
        .filter(~pl.col("text").is_in(known.str.to_lowercase().str.split(". ").list.first().implode()))
    )
    return (
        first_per_label(frame, HEADLINES_PER_LABEL)
        .select(
            topic="tweettopic_label",
            text="text",
            source=pl.lit("huffpost_headline"),
            source_ref=pl.lit("huffpost_bao2020 row ") + pl.col("row").cast(pl.String),
        )
        .sort("topic", "source_ref")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-label", type=int, default=3000, help="Reddit posts kept per label")
    args = parser.parse_args()
    shared_or_exit(REDDIT, HUFFPOST, HUFFPOST_MAP, HUFFPOST_BALANCED)
    parts = [reddit_sample(args.per_label), huffpost_sample(args.per_label // 2)]
    sample = pl.concat(parts).sort("topic", "source", "source_ref")
    CORPUS_PATH.parent.mkdir(parents=True, exist_ok=True)
    sample.write_parquet(CORPUS_PATH, compression="zstd", compression_level=19)
    counts = sample.group_by("topic", "source").len().sort("topic", "source")
    print(counts.pivot(on="source", index="topic", values="len").fill_null(0))
    print(f"{sample.height} texts, {CORPUS_PATH.stat().st_size / 1e6:.2f} MB -> {CORPUS_PATH}")
    headlines = headline_sample(sample.filter(pl.col("source") == "huffpost")["text"])
    headlines.write_parquet(HEADLINES_PATH, compression="zstd", compression_level=19)
    print(headlines.group_by("topic").len().sort("topic"))
    print(f"{headlines.height} headlines, {HEADLINES_PATH.stat().st_size / 1e6:.2f} MB -> {HEADLINES_PATH}")


if __name__ == "__main__":
    main()
