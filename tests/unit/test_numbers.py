"""Counts and rates as the screens show them."""

import polars as pl
import pytest

from core.numbers import compact_count, count_of, rate_card, rate_text, rate_texts, whole_percent


@pytest.mark.parametrize(
    ("n", "text"),
    [(0, "0"), (156, "156"), (999, "999"), (1_000, "1K"), (1_234, "1.2K"), (1_250, "1.3K"), (9_960, "10K"),
     (10_400, "10K"), (112_500, "113K"), (166_000, "166K"), (999_400, "999K"), (999_600, "1M"),
     (2_500_000, "2.5M"), (11_994_302, "12M")],
)  # fmt: skip
def test_counts_fit_a_card_and_read_as_the_tables_beside_them(n, text):
    assert compact_count(n) == text


@pytest.mark.parametrize(
    ("rate", "text"),
    [(None, "–"), (0.0, "0%"), (0.023, "2.3%"), (0.1, "10%"), (0.0008, "0.08%"), (0.00045, "0.045%"),
     (0.0000089, "0.00089%"), (1.0, "100%")],
)  # fmt: skip
def test_small_rates_keep_their_digits(rate, text):
    assert rate_text(rate) == text


@pytest.mark.parametrize(
    ("rate", "text"),
    [(None, "–"), (float("nan"), "–"), (0.0, "0%"), (0.0001, "0.01%"), (0.000099, "<0.01%"), (0.0000074, "<0.01%"),
     (0.023, "2.3%")],
)  # fmt: skip
def test_a_metric_card_shows_tiny_rates_as_below_a_floor_not_cut_off(rate, text):
    assert rate_card(rate) == text


@pytest.mark.parametrize(
    ("share", "text"),
    [
        (0.0, "0%"),
        (0.004, "<1%"),
        (0.009, "<1%"),
        (0.01, "1%"),
        (0.68, "68%"),
        (0.99, "99%"),
        (0.994, ">99%"),
        (1.0, "100%"),
    ],
)
def test_a_whole_percent_is_never_falsely_none_or_all(share, text):
    assert whole_percent(share) == text


def test_a_count_takes_its_noun_in_the_right_number():
    assert [count_of(1, "follow"), count_of(2174, "follow"), count_of(0, "person", "people")] == [
        "1 follow", "2,174 follows", "0 people",
    ]  # fmt: skip


def test_a_column_of_rates_reads_like_one_rate():
    rates = pl.DataFrame({"rate": [0.0000089, 0.023, None, float("nan")]})
    shown = rates.select(rate_texts(pl.col("rate")))["rate"].to_list()
    assert shown == ["0.00089%", "2.3%", None, "–"]
