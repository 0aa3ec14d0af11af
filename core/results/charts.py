"""The Results charts as altair specs, shared by the page and the exported report."""

from __future__ import annotations

import math

import altair as alt
import polars as pl

from core.results.compute import Results

WIDTH = 640


def mentions_over_time(results: Results) -> alt.LayerChart:
    """Daily mentions by members and others, with the campaign and follow-up windows shaded."""
    p = results.periods
    windows = pl.DataFrame(
        {"window": ["Campaign", "Follow-up"], "start": [p.start, p.campaign_end], "end": [p.campaign_end, p.end]}
    ).filter(pl.col("end") > pl.col("start"))
    shade = (
        alt.Chart(windows)
        .mark_rect(opacity=0.15)
        .encode(
            x="start:T",
            x2="end:T",
            color=alt.Color("window:N", title="Window", scale=alt.Scale(range=["#f58518", "#bbb"])),
        )
    )
    lines = (
        alt.Chart(results.daily)
        .mark_bar()
        .encode(
            # One date format: Vega's default mixes "Mon 31", "Sep 27" and "October", and they collide in exports.
            x=alt.X("day:T", title="Day", axis=alt.Axis(format="%d %b", tickCount={"interval": "week", "step": 1})),
            y=alt.Y("mentions:Q", title="Mentions", stack=True),
            color=alt.Color("group:N", title="Who", scale=alt.Scale(range=["#4c78a8", "#9ecae9"])),
            tooltip=[alt.Tooltip("day:T", title="Day", format="%d %b %Y"), "group:N", "mentions:Q"],
        )
    )
    return (
        alt.layer(shade, lines)
        .resolve_scale(color="independent")
        .properties(width=WIDTH, height=260, title="Mentions per day (UTC)")
    )


def lift_chart(results: Results) -> alt.LayerChart:
    """The lift estimates that can be measured, as points with their 95% intervals, against the line of no change."""
    rows = []
    for label, lift in (
        ("Against own baseline", results.lift_baseline),
        ("Against control group", results.lift_control),
    ):
        if lift.lift is None or not lift.measurable:  # "too small to tell" is not drawn as if it were an estimate
            continue
        if lift.unbounded:  # no mentions before: a lower bound with no point estimate, drawn as far as that bound
            rows.append({"estimate": label, "lift": None, "low": 100 * lift.low, "high": 100 * lift.low})
            continue
        high = lift.high if lift.high is not None and math.isfinite(lift.high) else max(lift.lift, 0) + 5
        rows.append({"estimate": label, "lift": 100 * lift.lift, "low": 100 * lift.low, "high": 100 * high})
    frame = pl.DataFrame(
        rows, schema={"estimate": pl.String, "lift": pl.Float64, "low": pl.Float64, "high": pl.Float64}
    )
    base = alt.Chart(frame)
    estimate = alt.Y("estimate:N", title=None, sort=None, axis=alt.Axis(labelLimit=220))
    zero = base.mark_rule(strokeDash=[4, 4], color="#888").encode(x=alt.datum(0))
    bars = base.mark_rule(strokeWidth=3).encode(y=estimate, x=alt.X("low:Q", title="Lift in mentions (%)"), x2="high:Q")
    points = base.mark_point(filled=True, size=120).encode(
        y=estimate,
        x="lift:Q",
        tooltip=[
            "estimate:N",
            alt.Tooltip("lift:Q", format=".0f"),
            alt.Tooltip("low:Q", format=".0f"),
            alt.Tooltip("high:Q", format=".0f"),
        ],
    )
    return alt.layer(zero, bars, points).properties(width=WIDTH, height=alt.Step(48), title="Lift with 95% interval")


# Mentions are whole: no 0.5 ticks on their axes, however few there are.
_WHOLE = alt.Axis(tickMinStep=1, format="d")


def top_members(results: Results, n: int = 15) -> alt.Chart:
    """The members with the most mentions."""
    top = results.members.filter(pl.col("mentions") > 0).head(n).with_columns(pl.col("name").fill_null("(unnamed)"))
    return (
        alt.Chart(top)
        .mark_bar()
        .encode(
            x=alt.X("mentions:Q", title="Mentions", axis=_WHOLE),
            y=alt.Y("name:N", sort="-x", title=None),
            tooltip=["name:N", "mentions:Q", "reach:Q", "reactions:Q"],
        )
        # A band per member: Streamlit fits a fixed height around the title and axes too, which squeezed
        # eight bars into 25 pixels and hid all but two names.
        .properties(width=WIDTH, height=alt.Step(20), title="Top members")
    )


def expected_vs_actual(results: Results) -> alt.LayerChart:
    """Each member's expected mentions against what they delivered, with the line where both agree."""
    frame = results.members.filter(pl.col("expected_mentions").is_not_null()).with_columns(
        pl.col("name").fill_null("(unnamed)")
    )
    top = max(1.0, float(frame["expected_mentions"].max() or 0), float(frame["mentions"].max() or 0))
    diagonal = (
        alt.Chart(pl.DataFrame({"x": [0.0, top], "y": [0.0, top]}))
        .mark_line(strokeDash=[4, 4], color="#888")
        .encode(x="x:Q", y="y:Q")
    )
    points = (
        alt.Chart(frame)
        .mark_circle(size=60, opacity=0.7)
        .encode(
            x=alt.X("expected_mentions:Q", title="Expected mentions"),
            y=alt.Y("mentions:Q", title="Actual mentions", axis=_WHOLE),
            tooltip=["name:N", alt.Tooltip("expected_mentions:Q", format=".1f"), "mentions:Q"],
        )
    )
    return alt.layer(diagonal, points).properties(width=WIDTH, height=300, title="Expected vs actual mentions")


def share_of_voice(results: Results) -> alt.Chart:
    """Brand mentions per 1,000 posts in the baseline, the campaign and the follow-up."""
    return (
        alt.Chart(results.share_of_voice)
        .mark_bar()
        .encode(
            x=alt.X("period:N", sort=["Baseline", "Campaign", "Follow-up"], title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("per_1000_posts:Q", title="Mentions per 1,000 posts"),
            tooltip=["period:N", "brand_mentions:Q", "posts:Q", alt.Tooltip("per_1000_posts:Q", format=".2f")],
        )
        .properties(width=WIDTH // 2, height=220, title="Share of voice")
    )


def all_charts(results: Results) -> dict[str, alt.TopLevelMixin]:
    """Every chart of the report, by file-friendly name."""
    return {
        "mentions_over_time": mentions_over_time(results),
        "lift": lift_chart(results),
        "top_members": top_members(results),
        "expected_vs_actual": expected_vs_actual(results),
        "share_of_voice": share_of_voice(results),
    }


def nothing_to_draw(results: Results) -> dict[str, str]:
    """Chart name -> what to say instead, for each chart with no data to draw (an empty chart shows only stray
    axis labels such as '0.000000')."""
    empty = {
        "lift": (
            not any(
                lift.lift is not None and lift.measurable for lift in (results.lift_baseline, results.lift_control)
            ),
            "No lift to draw yet: neither comparison has enough mentions to measure.",
        ),
        "mentions_over_time": (results.daily.is_empty(), "No mentions of the tracking terms in these weeks yet."),
        "top_members": (
            results.members.filter(pl.col("mentions") > 0).is_empty(),
            "No member has mentioned the campaign yet.",
        ),
        "expected_vs_actual": (
            results.members.filter(pl.col("expected_mentions").is_not_null()).is_empty(),
            "No invited member with an expected number of mentions yet.",
        ),
        "share_of_voice": (
            results.share_of_voice.is_empty() or results.share_of_voice["brand_mentions"].sum() == 0,
            "No post mentioned the brand in these weeks, so it has no share of voice to draw.",
        ),
    }
    return {name: text for name, (missing, text) in empty.items() if missing}


def drawable(results: Results) -> list[str]:
    """The names of the charts that have data to draw (the ones a report or a download can show)."""
    missing = nothing_to_draw(results)
    return [name for name in all_charts(results) if name not in missing]
