"""Why a person scores what they score: the stored explanation rows as a table and as plain sentences."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from core.discover.columns import NETWORK_LABELS
from core.numbers import count_of, whole_percent
from core.vocabulary import SIGNAL_NAMES

SENTENCE_SIGNALS = 3  # reaction types described one by one; the rest are summed up
_MIN_DISCOUNT = 0.05  # smaller discounts are not worth a clause


@dataclass(frozen=True)
class Breakdown:
    """The score explanation of one person on every scope ('all' = combined, or a network)."""

    scores: pl.DataFrame  # network, score, reactions, distinct_reactors, mean_reactor_influence, authenticity
    # network, signal, label, reactions, distinct_reactors, mean_reactor_influence, discount, discount_text, points,
    # share (discount_text as whole_percent writes it: never a false 0% or 100%)
    signals: pl.DataFrame
    top_posts: pl.DataFrame  # network, rank, post_id, reactions, points (+ the post_texts columns, see profile)


def breakdown(con: duckdb.DuckDBPyConnection, person_id: int) -> Breakdown:
    """The stored scores, explanation rows and top posts of a person (empty before the first refresh)."""
    scores = con.sql(
        "SELECT network, score, reactions, distinct_reactors, mean_reactor_influence, authenticity "
        "FROM scores WHERE person_id = ?",
        params=[person_id],
    ).pl()
    signals = con.sql(
        "SELECT network, signal, reactions, distinct_reactors, mean_reactor_influence, discount, points "
        "FROM score_explanations WHERE person_id = ?",
        params=[person_id],
    ).pl()
    gain = pl.when(pl.col("points") > 0).then(pl.col("points"))
    signals = signals.sort(["network", "points"], descending=[False, True]).with_columns(
        label=pl.col("signal").replace_strict(SIGNAL_NAMES, default=pl.col("signal")),
        share=gain / gain.sum().over("network"),
        discount_text=pl.col("discount").map_elements(whole_percent, return_dtype=pl.String),
    )
    top = con.sql(
        "SELECT network, rank, post_id, reactions, points FROM score_top_posts WHERE person_id = ?",
        params=[person_id],
    ).pl()
    return Breakdown(scores.sort("network"), signals, top.sort("network", "rank"))


def _short(text: str | None, limit: int = 90) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def times(ratio: float | None) -> str:
    """A multiple of the average in words: '2.1×'; below 0.1 'under 0.1×' (0.0× would read as none at all)."""
    value = ratio or 0.0
    return f"{value:.1f}×" if value >= 0.1 or value == 0 else "under 0.1×"


def sentences(b: Breakdown, network: str = "all") -> list[str]:
    """The breakdown of one scope in plain English, most important first."""
    score = b.scores.filter(pl.col("network") == network)
    if not score.height:
        return ["No score yet on this network: scores have not been computed (run a refresh on the Data page)."]
    s = score.row(0, named=True)
    if s["score"] <= 1 and not s["reactions"]:
        return ["No reactions from others in the scoring window, so the score stays at the floor of 1."]
    rows = b.signals.filter(pl.col("network") == network)
    # Follows are counted apart, so the reactions here are the header's "Reactions" (received, on posts).
    follows = int(rows.filter(pl.col("signal") == "follow")["reactions"].sum() or 0)
    received = count_of(s["reactions"] - follows, "reaction")
    if follows:
        received += f" and {count_of(follows, 'follow')}"
    told = [
        f"Score {s['score']} of 100: {s['score'] - 1} points above the floor of 1, from {received} "
        f"by {count_of(s['distinct_reactors'], 'distinct account')} whose influence averages "
        f"{times(s['mean_reactor_influence'])} the average person's."
    ]
    gains = rows.filter(pl.col("points") > 0)
    discounted = False
    for r in gains.head(SENTENCE_SIGNALS).iter_rows(named=True):
        line = (
            f"{r['share']:.0%} of the points come from {r['label']}: {r['reactions']:,} by "
            f"{count_of(r['distinct_reactors'], 'distinct account')} whose influence averages "
            f"{times(r['mean_reactor_influence'])} the average person's"
        )
        if (r["discount"] or 0) >= _MIN_DISCOUNT:
            line += f" ({whole_percent(r['discount'])} discounted)"
            discounted = True
        told.append(line + ".")
    if gains.height > SENTENCE_SIGNALS:
        rest = gains.slice(SENTENCE_SIGNALS)
        told.append(f"{rest['share'].sum():.0%} come from {', '.join(rest['label'])}.")
    if discounted:
        # Recency is on by default, so age is usually part of a discount, and the repetition cap trims even a
        # single reaction (at cap 1 the first counts 0.63): the sentence names every cause, not only repeats.
        told.append(
            "Discounts: older reactions count less, one account adds at most a capped amount however often it "
            "reacts, and accounts that react to almost everything or are flagged as inauthentic count less."
        )
    for r in rows.filter(pl.col("signal") == "authenticity").iter_rows(named=True):
        told.append(
            f"{-r['points']:.0f} points were taken off because one of their own accounts was flagged as inauthentic "
            f"(its value was cut by {whole_percent(r['discount'])}; authenticity rating {s['authenticity']})."
        )
    posts = b.top_posts.filter(pl.col("network") == network)
    if posts.height:
        p = posts.row(0, named=True)
        where = NETWORK_LABELS.get(p["post_network"], p["post_network"])
        told.append(
            f"The post that drove the most, on {where} ({p['posted_at']:%d %b}): "
            f"“{_short(p['text'])}” — {count_of(p['reactions'], 'reaction')}, +{p['points']:.1f} points."
        )
    return told
