"""How counts and rates read on a marketer's screen: short enough for a metric card, never falsely zero."""

from __future__ import annotations

import math

import polars as pl

_HALF_UP = "half_away_from_zero"  # as the browser rounds the tables' "compact" numbers: 112,500 is 113K there


def _trimmed(value: pl.Expr, suffix: str) -> pl.Expr:
    """One decimal without a trailing '.0', then the suffix: 1.2K, 2K."""
    return value.round(1, mode=_HALF_UP).cast(pl.String).str.replace(r"\.0$", "") + pl.lit(suffix)


def compact(count: pl.Expr) -> pl.Expr:
    """A count as 156, 1.2K, 166K, 2.5M or 12M: as Streamlit's "compact" table columns write it, so a card and a
    table beside it agree."""
    return (
        pl.when(count < 1_000)
        .then(count.cast(pl.Int64).cast(pl.String))
        .when(count < 9_950)
        .then(_trimmed(count / 1_000, "K"))
        .when(count < 999_500)
        .then((count / 1_000).round(0, mode=_HALF_UP).cast(pl.Int64).cast(pl.String) + pl.lit("K"))
        .when(count < 9_950_000)
        .then(_trimmed(count / 1_000_000, "M"))
        .otherwise((count / 1_000_000).round(0, mode=_HALF_UP).cast(pl.Int64).cast(pl.String) + pl.lit("M"))
    )


def compact_count(n: int) -> str:
    """The same for one count, for a metric card (a full 11,994,302 is cut to '11,994,…' there)."""
    return pl.select(compact(pl.lit(n, dtype=pl.Int64))).item()


UNKNOWN = "–"  # shown for a value that does not exist or is not known (tables' empty cells too), never "None"


def rate_text(rate: float | None, digits: int = 2) -> str:
    """A share as a percentage with `digits` significant digits: 2.3%, 0.08%, 0.00089% ('–' when unknown).

    Two decimals would show a 12-million audience's real 0.0009% as 0.00%, which reads as "nobody reacts".
    """
    if rate is None or math.isnan(rate):
        return UNKNOWN
    text = f"{rate * 100:.{rate_decimals(rate, digits)}f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"


def rate_decimals(rate: float, digits: int = 2) -> int:
    """How many decimals a share in percent needs to show `digits` significant digits (none for 0)."""
    if rate == 0:
        return 0
    return max(0, digits - 1 - math.floor(math.log10(abs(rate * 100))))


def rate_texts(rate: pl.Expr) -> pl.Expr:
    """rate_text of each share in a column, for tables and CSV files (missing ones stay empty)."""
    return rate.map_elements(rate_text, return_dtype=pl.String)


CARD_FLOOR = 0.0001  # 0.01%: below it a metric card shows "<0.01%" (0.00074% is cut to "0.0007…" there)


def rate_card(rate: float | None) -> str:
    """A share for a metric card: rate_text down to 0.01%, "<0.01%" below (the exact figure goes in its help)."""
    if rate is not None and not math.isnan(rate) and 0 < rate < CARD_FLOOR:
        return "<0.01%"
    return rate_text(rate)


def whole_percent(share: float) -> str:
    """A share in whole percent that is never falsely 0% or 100%: '<1%' and '>99%' at the edges.

    A 99.6% discount read as "100% discounted" beside points the discounted reactions still earned.
    """
    if 0 < share < 0.01:
        return "<1%"
    if 0.99 < share < 1:
        return ">99%"
    return f"{share:.0%}"


def count_of(n: int, noun: str, plural: str | None = None) -> str:
    """'1 follow', '2,174 follows': the count with its noun in the right number."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"
