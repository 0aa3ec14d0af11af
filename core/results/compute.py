"""A campaign's results: its mentions, per-member and total metrics, lift, and how well the estimate predicted.

Periods (whole days): the baseline is the BASELINE_DAYS before the start (fewer if the data starts later);
the measured period is the campaign plus its follow-up window, cut at the latest data. Members are the people
core.campaigns.members counts (contacted and did not decline); its rules also say whose perk is spent and who
the brand approached (never a control).

Earned media value (EMV) is an estimate, not money received: EMV = reach / 1000 × CPM + reactions × value
per engagement, with the rule-of-thumb defaults CPM_USD and ENGAGEMENT_USD; reach is the audience (followers)
of the accounts that posted each mention, counted once per mention.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

import duckdb
import polars as pl
from scipy import stats

from core.campaigns.members import PERK_GIVEN, approached, counted_members
from core.campaigns.mentions import data_span, mention_posts
from core.campaigns.model import Campaign
from core.campaigns.records import get_campaign
from core.progress import Progress, silent
from core.results import control
from core.results.lift import MIN_BASELINE_DAYS, Lift, baseline_lift, control_lift, design_effect
from core.scoring.runs import scores_before
from core.workspace import membership
from core.workspace.access import Access

BASELINE_DAYS = 28
CPM_USD = 8.0
ENGAGEMENT_USD = 0.20


@dataclass(frozen=True)
class Periods:
    """The baseline and measured periods actually used (clipped to the data)."""

    baseline_start: datetime
    start: datetime
    campaign_end: datetime
    end: datetime  # end of the follow-up window, or the latest data if earlier
    planned_end: datetime

    @property
    def baseline_days(self) -> float:
        return (self.start - self.baseline_start).total_seconds() / 86_400

    @property
    def measured_days(self) -> float:
        return max(0.0, (self.end - self.start).total_seconds() / 86_400)


@dataclass
class Results:
    """Everything the Results page and report show for one campaign."""

    campaign: Campaign
    periods: Periods
    members: pl.DataFrame  # one row per member: name, status, mentions, reach, reactions, expected, ...
    totals: dict[str, float]
    daily: pl.DataFrame  # day, group ('Members' / 'Others'), mentions
    share_of_voice: pl.DataFrame  # period, brand mentions, posts, per_1000_posts
    lift_baseline: Lift
    lift_control: Lift
    controls: int
    spearman: float | None
    notes: list[str] = field(default_factory=list)
    currency: str = "USD"  # of the workspace: costs are in it (EMV stays in USD, the currency of its rates)

    @property
    def lift(self) -> Lift:
        """The estimate to trust: the matched control group comparison when it can be measured, since it accounts
        for trends the own-baseline estimate cannot (a season, news, anything that moved everyone's mentions);
        else members against their own baseline."""
        return self.lift_control if self.lift_control.measurable else self.lift_baseline

    @property
    def direction(self) -> str:
        """The trusted estimate's direction: 'up', 'down', 'none' (no detectable change) or 'unknown'."""
        return self.lift.direction

    @property
    def detected(self) -> bool:
        """The trusted estimate's interval excludes no change."""
        return self.lift.detected

    def verdict(self) -> str:
        """The campaign's lift in plain sentences: the trusted estimate, and why it is the one to trust."""
        own, control = self.lift_baseline, self.lift_control
        if self.members.is_empty():  # the reason comes first: 'too small to tell' would blame the list
            return (
                "Nothing to measure yet: nobody on the list has been invited, and Results measure members from "
                "Invited on. Mark the people you contacted as Invited on the Campaigns page."
            )
        if not control.measurable:
            if not own.measurable:
                return own.verdict()
            return (
                f"{own.verdict()} This compares members only with their own baseline, as no matched control group "
                "could be measured: a trend that moved everyone's mentions (a season, news) would show here too."
            )
        why = (
            "This is the matched control group comparison, the one to trust: it sets members against similar "
            "people who were not invited over the same days, so it accounts for trends (a season, news, anything "
            "that moved everyone's mentions) that the members' own before-and-after comparison cannot"
        )
        if own.direction == control.direction == "none":  # '+21%' and '-25%' 'agreeing' reads as a contradiction
            return f"{control.verdict()} {why}; that comparison shows no clear change either: {own.summary()}."
        if own.direction == control.direction:
            return f"{control.verdict()} {why}; that comparison agrees: {own.summary()}."
        return (
            f"{control.verdict()} {why}. Against their own baseline alone members changed by {own.summary()}, "
            "which includes such trends."
        )


def _midnight(day) -> datetime:
    return datetime.combine(day, time())


def periods(con: duckdb.DuckDBPyConnection, campaign: Campaign) -> Periods:
    """The campaign's baseline and measured periods, clipped to the data in the warehouse."""
    spec = campaign.spec
    start = _midnight(spec.starts_on)
    campaign_end = _midnight(spec.ends_on) + timedelta(days=1)
    planned_end = campaign_end + timedelta(days=spec.follow_up_days)
    first, last = data_span(con)
    data_end = last + timedelta(seconds=1) if last else start
    data_start = _midnight(first.date()) if first else start
    baseline_start = max(start - timedelta(days=BASELINE_DAYS), data_start)
    return Periods(min(baseline_start, start), start, campaign_end, min(planned_end, data_end), planned_end)


def _people(
    con: duckdb.DuckDBPyConnection,
    person_ids: list[int] | None,
    start: datetime,
    end: datetime,
    topics: list[str],
    scores: pl.DataFrame,
) -> pl.DataFrame:
    """person_id, score (from `scores`: person_id, score), audience and posts in [start, end) of the given people
    (None: everyone in the topics)."""
    where = (
        "d.person_id IN (SELECT unnest(?::BIGINT[]))"
        if person_ids is not None
        else ("(len(?::VARCHAR[]) = 0 OR list_has_any(d.topics, ?::VARCHAR[]))")
    )
    params = [person_ids] if person_ids is not None else [topics, topics]
    people = con.sql(
        f"""
        WITH wrote AS (
            SELECT a.person_id, count(*) AS posts FROM posts p JOIN accounts a USING (account_id)
            WHERE p.posted_at >= ? AND p.posted_at < ? GROUP BY 1
        )
        SELECT d.person_id, d.audience, coalesce(w.posts, 0) AS posts
        FROM discovery d LEFT JOIN wrote w USING (person_id) WHERE {where}
        """,  # noqa: S608 - fixed clauses
        params=[start, end, *params],
    ).pl()
    return people.join(scores.select("person_id", pl.col("score").cast(pl.Float64)), on="person_id", how="left")


def campaign_results(
    con: duckdb.DuckDBPyConnection, access: Access, campaign_id: int, *, progress: Progress = silent
) -> Results:
    """Measure one campaign of the caller's workspace (CampaignNotFound for any other)."""
    campaign = get_campaign(con, access, campaign_id)
    spec = campaign.spec
    span = periods(con, campaign)
    notes: list[str] = []
    if span.measured_days <= 0:
        notes.append("The campaign has not started in the data yet: results appear once posts from its dates arrive.")
    elif span.end < span.planned_end:
        notes.append(f"The data ends on {span.end:%d %b %Y}, before the follow-up window does: results are partial.")

    progress(0.1, "Finding mentions of the tracking terms")
    found = mention_posts(con, spec.terms, span.baseline_start, max(span.end, span.start))
    found = found.with_columns(during=pl.col("posted_at") >= span.start)
    contacted = counted_members(con, access, campaign_id)
    member_ids = contacted["person_id"].to_list()
    is_member = pl.col("person_id").is_in(member_ids)

    progress(0.35, "Adding up reach, reactions and cost")
    during = found.filter("during")
    per_person = during.group_by("person_id").agg(
        mentions=pl.len(), reach=pl.col("followers").sum(), reactions=pl.col("reactions").sum()
    )
    before = found.filter(~pl.col("during")).group_by("person_id").agg(before=pl.len())
    members = (
        contacted.join(per_person, on="person_id", how="left")
        .join(before, on="person_id", how="left")
        .with_columns(pl.col("mentions", "reach", "reactions", "before").fill_null(0))
        .with_columns(engagement_rate=pl.when(pl.col("reach") > 0).then(pl.col("reactions") / pl.col("reach")))
        .sort(["mentions", "reactions", "person_id"], descending=[True, True, False])
    )
    totals = _totals(campaign, members, during.filter(~is_member))

    progress(0.55, "Matching a control group")
    lift_b = baseline_lift(
        int(members["mentions"].sum()),
        int(members["before"].sum()),
        span.measured_days,
        span.baseline_days,
        design=design_effect(members["mentions"], members["before"]),
    )
    lift_c, n_controls = _control(con, access, campaign, span, members, found, notes)

    progress(0.85, "Comparing expected and actual mentions")
    rho = None
    ranked = members.filter(pl.col("expected_mentions").is_not_null())
    if ranked.height >= 5 and ranked["mentions"].n_unique() > 1 and ranked["expected_mentions"].n_unique() > 1:
        rho = float(stats.spearmanr(ranked["expected_mentions"], ranked["mentions"]).statistic)
    daily = (
        found.with_columns(
            day=pl.col("posted_at").dt.date(),
            group=pl.when(is_member).then(pl.lit("Members")).otherwise(pl.lit("Others")),
        )
        .group_by("day", "group")
        .agg(mentions=pl.len())
        .sort("day", "group")
    )
    progress(1.0, "Results ready")
    return Results(
        campaign,
        span,
        members,
        totals,
        daily,
        _share_of_voice(con, found, span),
        lift_b,
        lift_c,
        n_controls,
        rho,
        notes,
        membership.currency(con, access),
    )


def _totals(campaign: Campaign, members: pl.DataFrame, others: pl.DataFrame) -> dict[str, float]:
    mentions = int(members["mentions"].sum())
    reach = int(members["reach"].sum())
    reactions = int(members["reactions"].sum())
    cost = float(members.filter(pl.col("status").is_in(PERK_GIVEN))["cost"].sum())  # each their own or the default
    return {
        "members": members.height,
        "members_posting": members.filter(pl.col("mentions") > 0).height,
        "member_mentions": mentions,
        "other_mentions": others.height,
        "reach": reach,
        "reactions": reactions,
        "engagement_rate": reactions / reach if reach else None,
        "cost": cost,
        "cost_per_mention": cost / mentions if mentions else None,
        "cost_per_engagement": cost / reactions if reactions else None,
        "emv": reach / 1000 * CPM_USD + reactions * ENGAGEMENT_USD,
        "expected_mentions": float(members["expected_mentions"].fill_null(0).sum()),
    }


def _control(
    con: duckdb.DuckDBPyConnection,
    access: Access,
    campaign: Campaign,
    span: Periods,
    members: pl.DataFrame,
    found: pl.DataFrame,
    notes: list[str],
) -> tuple[Lift, int]:
    """The lift against a matched control group, and how many distinct controls were used."""
    empty = control_lift(0, 0, 0, 0, 0, 0)
    if members.is_empty() or span.baseline_days < MIN_BASELINE_DAYS or span.measured_days <= 0:
        return empty, 0
    topics = list(campaign.spec.target_topics)
    excluded = approached(con, access, campaign.campaign_id)
    # Scores as they stood before the campaign: today's would hold the campaign's own reactions.
    scores = scores_before(con, span.start.date())
    pool = _people(con, None, span.baseline_start, span.start, topics, scores)
    if pool.is_empty() and topics:
        notes.append(
            "Nobody has evidence for the target topics yet (topics not computed), so the control group "
            "is matched without topics."
        )
        pool = _people(con, None, span.baseline_start, span.start, [], scores)
    pool = pool.filter(~pl.col("person_id").is_in(list(excluded)))
    mine = _people(con, members["person_id"].to_list(), span.baseline_start, span.start, topics, scores)
    counts = found.group_by("person_id").agg(before=(~pl.col("during")).sum(), during=pl.col("during").sum())
    first, _ = data_span(con)
    earlier_start = max(span.baseline_start - timedelta(days=BASELINE_DAYS), first or span.baseline_start)
    earlier = (
        mention_posts(con, campaign.spec.terms, earlier_start, span.baseline_start)
        .group_by("person_id")
        .agg(earlier=pl.len())
    )

    def counted(people: pl.DataFrame) -> pl.DataFrame:
        return (
            people.join(counts, on="person_id", how="left")
            .join(earlier, on="person_id", how="left")
            .with_columns(pl.col("before", "during", "earlier").fill_null(0))
            .with_columns(posts=pl.col("posts") - pl.col("before"))  # posting other than the brand mentions
        )

    pool, mine = counted(pool), counted(mine)
    chosen = control.match(mine, pool)
    if chosen.is_empty():
        return empty, 0
    picked = chosen.join(pool.select("person_id", "before", "during"), on="person_id", how="left")
    return (
        control_lift(
            int(members["mentions"].sum()),
            int(members["before"].sum()),
            # Controls are drawn with replacement, CONTROLS_PER_MEMBER per member: their counts are scaled to one
            # control per member, so a person picked many times is not counted as many independent ones.
            picked["during"].sum() / control.CONTROLS_PER_MEMBER,
            picked["before"].sum() / control.CONTROLS_PER_MEMBER,
            span.measured_days,
            span.baseline_days,
            design=design_effect(members["mentions"], members["before"]),
            control_design=design_effect(picked["during"], picked["before"]),
        ),
        int(chosen["person_id"].n_unique()),
    )


def _share_of_voice(con: duckdb.DuckDBPyConnection, found: pl.DataFrame, span: Periods) -> pl.DataFrame:
    """Brand mentions per 1,000 posts in the baseline, the campaign and the follow-up."""
    bounds = [
        ("Baseline", span.baseline_start, span.start),
        ("Campaign", span.start, min(span.campaign_end, span.end)),  # cut where the data ends
        ("Follow-up", span.campaign_end, span.end),
    ]
    out = []
    for label, lo, hi in bounds:
        if hi <= lo:
            continue
        posts = con.sql("SELECT count(*) AS n FROM posts WHERE posted_at >= ? AND posted_at < ?", params=[lo, hi]).pl()
        brand = found.filter((pl.col("posted_at") >= lo) & (pl.col("posted_at") < hi)).height
        total = int(posts["n"][0])
        out.append(
            {
                "period": label,
                "brand_mentions": brand,
                "posts": total,
                "per_1000_posts": 1000 * brand / total if total else 0.0,
                "per_day": brand / ((hi - lo).total_seconds() / 86_400),
            }
        )
    return pl.DataFrame(
        out,
        schema={
            "period": pl.String,
            "brand_mentions": pl.Int64,
            "posts": pl.Int64,
            "per_1000_posts": pl.Float64,
            "per_day": pl.Float64,
        },
    )
