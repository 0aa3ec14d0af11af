"""Reading Gilani et al. 2017's labelled bot/human Twitter accounts (../shared/data/gilani2017-bot-vs-human)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from bench.shared_data import SHARED

GILANI = SHARED / "gilani2017-bot-vs-human"
BANDS = ("1k", "100k", "1M", "10M")


def read_gilani(folder: Path = GILANI) -> pl.DataFrame:
    """All accounts with `bot` (1/0) and `band` (popularity by followers); raises FileNotFoundError when absent."""
    frames = []
    for label in ("bots", "humans"):
        for band in BANDS:
            raw = pl.read_csv(folder / f"{label}.{band}.csv", infer_schema_length=0)
            raw = raw.with_columns(pl.all().str.strip_chars())
            numeric = [c for c in raw.columns if c not in ("screen_name", "source_identity")]
            frames.append(
                raw.with_columns(pl.col(numeric).cast(pl.Float64), bot=pl.lit(int(label == "bots")), band=pl.lit(band))
            )
    return pl.concat(frames)
