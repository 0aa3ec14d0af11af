"""The results report: an XLSX of the tables, each chart as PNG or SVG, and a one-page HTML with the charts inline.

Spreadsheet cells go through Discover's export neutralisation (a cell starting with =, +, -, @ is never a
formula); the HTML escapes every value. Charts are rendered offline by vl-convert (no browser, no network).
"""

from __future__ import annotations

import html
import math
from datetime import timedelta

import polars as pl
import vl_convert

from core.campaigns.model import STATUSES
from core.campaigns.money import money
from core.campaigns.terms import terms_text
from core.discover.export import export_xlsx_sheets
from core.numbers import UNKNOWN, rate_text, rate_texts
from core.results.charts import all_charts, nothing_to_draw
from core.results.compute import CPM_USD, ENGAGEMENT_USD, Results
from core.results.lift import Lift

_MEMBER_LABELS = {
    "name": "Name",
    "handles": "Handles",
    "status": "Status",
    "mentions": "Mentions",
    "reach": "Reach",
    "reactions": "Reactions",
    "engagement_rate": "Engagement on mentions",
    "expected_mentions": "Expected mentions",
    "before": "Baseline mentions",
    "suggested_rank": "Suggested rank",
    "person_id": "Sway person id",
}


def _number(value: float | None, fmt: str = ",.0f") -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return UNKNOWN
    return format(value, fmt)


def summary_rows(results: Results) -> list[tuple[str, str]]:
    """(what, value) lines of the headline numbers, for the page, the XLSX and the HTML."""
    t, spec = results.totals, results.campaign.spec
    p = results.periods
    return [
        ("Campaign", results.campaign.name),
        ("Brand", spec.brand),
        ("Tracking terms", terms_text(spec.terms)),
        (
            "Campaign window",
            f"{spec.starts_on:%d %b %Y} – {spec.ends_on:%d %b %Y} (+{spec.follow_up_days} days follow-up; days in UTC)",
        ),
        # The window is [baseline_start, start): its last day is the one before the campaign's first.
        (
            "Baseline window",
            f"{p.baseline_start:%d %b %Y} – {p.start - timedelta(days=1):%d %b %Y} ({p.baseline_days:.0f} days)",
        ),
        ("Members measured", _number(t["members"])),
        ("Members with a tracked mention", _number(t["members_posting"])),
        ("Mentions by members", _number(t["member_mentions"])),
        ("Mentions by others", _number(t["other_mentions"])),
        ("Expected mentions", _number(t["expected_mentions"], ",.1f")),
        ("Reach", _number(t["reach"])),
        ("Reactions", _number(t["reactions"])),
        ("Engagement on mentions", rate_text(t["engagement_rate"])),
        ("Perk cost", money(t["cost"], results.currency)),
        ("Cost per mention", money(t["cost_per_mention"], results.currency)),
        ("Cost per engagement", money(t["cost_per_engagement"], results.currency)),
        ("Earned media value (estimate)", money(t["emv"], "USD")),
        ("EMV method", f"reach / 1000 × {CPM_USD:g} USD CPM + reactions × {ENGAGEMENT_USD:g} USD per engagement"),
        ("Verdict", results.verdict()),
        ("Lift against own baseline", results.lift_baseline.verdict()),
        ("Lift against control group", _control_text(results)),
        ("Did the estimate predict who delivered?", prediction_text(results)),
    ]


def _control_text(results: Results) -> str:
    lift: Lift = results.lift_control
    if lift.lift is None:
        return "No control group could be matched."
    span = results.periods
    return (
        f"{lift.verdict()} The controls are {results.controls:,} similar people who were not invited. Counted as "
        f"if there were one control per member, they made {lift.control_during:,.1f} mentions in the "
        f"{_days(span.measured_days)} of the campaign and its follow-up and {lift.control_before:,.1f} in the "
        f"{_days(span.baseline_days)} before it (mentions per day are compared)."
    )


def _days(days: float) -> str:
    """'28 days', '1 day', '20.5 days' (the data may end within a day)."""
    shown = f"{days:.0f}" if abs(days - round(days)) < 0.05 else f"{days:.1f}"
    return f"{shown} day{'' if shown == '1' else 's'}"


def prediction_text(results: Results) -> str:
    """How well the expected mentions ranked the members by what they delivered."""
    if results.spearman is None:
        return "Not enough members with estimates and mentions to compare."
    strength = "strongly" if results.spearman >= 0.5 else "somewhat" if results.spearman >= 0.2 else "hardly"
    return (
        f"The expected mentions {strength} predicted who delivered (agreement of the two orders of members: "
        f"{results.spearman:.2f}, where 1 is the same order, 0 none at all; Spearman's rank correlation)."
    )


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _percent(fraction: float | None) -> float | None:
    """A lift as the screen says it, in percent to one decimal (-0.4117 -> -41.2); None where it has no bound."""
    value = _finite(fraction)
    return None if value is None else round(100 * value, 1)


def posted_without_mentions(results: Results) -> str | None:
    """A note when members marked Posted by hand have no tracked mention, which the results count; None if none."""
    unseen = results.members.filter((pl.col("status") == "posted") & (pl.col("mentions") == 0)).height
    if not unseen:
        return None
    who = "1 member is" if unseen == 1 else f"{unseen:,} members are"
    return (
        f"{who} marked Posted on the Campaigns page, but no post of theirs in Sway mentions the campaign's tracking "
        "terms in its dates, so the results count no mention from them. Their post may be on a network Sway does "
        "not watch, or use other words: add those words or handles to the campaign's terms."
    )


def member_rows(results: Results) -> pl.DataFrame:
    """Per-member results with readable headers."""
    m = results.members.with_columns(
        pl.col("status").replace_strict(STATUSES, default=pl.col("status")),
        rate_texts(pl.col("engagement_rate")),  # 0.0012%, never a rounded 0.0
        pl.col("expected_mentions").round(2),
    )
    return m.select([pl.col(c).alias(label) for c, label in _MEMBER_LABELS.items() if c in m.columns])


def results_xlsx(results: Results) -> bytes:
    """Summary, members, mentions per day, share of voice and lift as sheets of one workbook."""
    lift = pl.DataFrame(
        [
            {
                "Estimate": name,
                "Lift (%)": _percent(est.lift),
                "Low (95%, %)": _percent(est.low),
                "High (95%, %)": _percent(est.high),  # empty when the data cannot bound it
                "Members during": est.during,
                "Members before": est.before,
                "Controls during": est.control_during,
                "Controls before": est.control_before,
                "Verdict": est.verdict(),
            }
            for name, est in (("Own baseline", results.lift_baseline), ("Control group", results.lift_control))
        ],
        schema_overrides={c: pl.Float64 for c in ("Lift (%)", "Low (95%, %)", "High (95%, %)")},
    )
    sheets = {
        "Summary": pl.DataFrame(summary_rows(results), schema=["What", "Value"], orient="row"),
        "Members": member_rows(results),
        "Mentions per day": results.daily.rename({"day": "Day", "group": "Who", "mentions": "Mentions"}),
        "Share of voice": results.share_of_voice.select(
            pl.col("period").alias("Period"),
            pl.col("brand_mentions").alias("Brand mentions"),
            pl.col("posts").alias("All posts"),
            pl.col("per_1000_posts").round(2).alias("Brand mentions per 1,000 posts"),
            pl.col("per_day").round(2).alias("Brand mentions per day"),
        ),
        "Lift": lift,
    }
    return export_xlsx_sheets(sheets)


def chart_image(results: Results, name: str, fmt: str) -> bytes:
    """One chart of all_charts as 'png' or 'svg' bytes."""
    spec = all_charts(results)[name].to_dict()
    if fmt == "png":
        return vl_convert.vegalite_to_png(spec, scale=2)
    if fmt == "svg":
        return vl_convert.vegalite_to_svg(spec).encode("utf-8")
    raise ValueError(f"Unknown image format {fmt!r}; use 'png' or 'svg'.")


def results_html(results: Results) -> bytes:
    """A self-contained one-page report: headline numbers, notes, every chart (inline SVG, or why it has none) and
    every member."""
    esc = html.escape
    lines = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in summary_rows(results))
    notes = "".join(f"<li>{esc(n)}</li>" for n in results.notes)
    # A chart without data is a sentence saying why, as on the Results page, not empty axes.
    missing = nothing_to_draw(results)
    charts = "".join(
        f"<p class='chart'>{esc(missing[name])}</p>"
        if name in missing
        else f"<div class='chart'>{vl_convert.vegalite_to_svg(chart.to_dict())}</div>"
        for name, chart in all_charts(results).items()
    )
    listed = member_rows(results)  # every member: a report that says 60 were measured lists 60
    head = "".join(f"<th>{esc(c)}</th>" for c in listed.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{esc('' if v is None else str(v))}</td>" for v in row) + "</tr>"
        for row in listed.iter_rows()
    )
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>{esc(results.campaign.name)} — results</title>
<style>body{{font-family:sans-serif;max-width:900px;margin:2em auto;color:#222}}table{{border-collapse:collapse}}
th,td{{text-align:left;padding:3px 8px;border-bottom:1px solid #ddd;font-size:13px}}.chart{{margin:1em 0}}</style>
</head><body><h1>{esc(results.campaign.name)}</h1><p><b>{esc(results.verdict())}</b></p>
<table>{lines}</table>{f"<ul>{notes}</ul>" if notes else ""}{charts}<h2>Members</h2>
<table><tr>{head}</tr>{body}</table></body></html>"""
    return page.encode("utf-8")
