"""The suggested list: people matching the targeting, ranked by expected mentions per perk cost, filling the budget.

How a person's expected mentions are estimated (shown to the marketer with the numbers filled in):
  1. History: the HISTORY_DAYS before the estimate date (the campaign start, or the latest data if it starts
     later). Their posts n and their brand posts b (posts mentioning any brand the workspace tracks, this
     campaign's included) in that period are counted.
  2. Their share of brand posts is shrunk towards their main topic's share r (empirical Bayes, a
     beta-binomial): share = (b + k·r) / (n + k). The prior weight k (in posts) is estimated from how much
     people in the target group really differ beyond chance (method of moments), so someone with few posts
     counts as their topic's typical member and someone with many as themselves.
  3. Expected mentions = posts per day (n / HISTORY_DAYS) × share × (campaign days + follow-up days) ×
     (1 + expected lift). The 80% range (RANGE) comes from the uncertainty of the share (its beta posterior).
People with more expected mentions per unit of their cost come first; the list is cut where the budget ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import duckdb
import numpy as np
import polars as pl
from scipy import stats

from core.campaigns import members
from core.campaigns.mentions import data_span, mention_posts
from core.campaigns.model import Campaign, CampaignError, CampaignSpec
from core.campaigns.records import editing, get_campaign, workspace_terms
from core.campaigns.terms import Term
from core.db.warehouse import rows
from core.discover.columns import network_mask
from core.numbers import count_of
from core.progress import Progress, silent
from core.topics.removed import KEPT_TOPICS, REMOVED_TOPICS
from core.vocabulary import topic_label
from core.workspace import audit
from core.workspace.access import Access

HISTORY_DAYS = 90
RANGE = (0.1, 0.9)  # the expected-mentions range shown: 10th to 90th percentile
FALLBACK_SHARE = 0.01  # one post in a hundred, only when nobody in the target group ever mentioned a tracked brand
MIN_PRIOR_POSTS, MAX_PRIOR_POSTS = 5.0, 5000.0  # bounds of the estimated prior weight k
NO_TOPIC = ""


@dataclass(frozen=True)
class Estimate:
    """Expected mentions per person and the numbers behind them."""

    people: pl.DataFrame  # person_id, topic, posts, brand_posts, share, expected_mentions, expected_low/high
    as_of: datetime
    history_days: int
    brands: int  # distinct tracked brand terms counted as brand mentions
    group_share: float  # the target group's share of posts mentioning a tracked brand
    topic_shares: dict[str, float]  # main topic -> its share (shrunk towards the group's)
    topic_people: dict[str, int]  # main topic -> people of the pool whose main topic it is
    prior_posts: float  # k: how many posts of the topic's average a person's own record is blended with
    share_is_fallback: bool
    period_days: int
    expected_lift: float

    def explanation(self) -> str:
        """The estimate in plain words with its numbers."""
        if self.share_is_fallback:
            share = (
                f"nobody in the target group mentioned any of the {self.brands} brand terms this workspace tracks "
                f"in the {self.history_days} days before {self.as_of:%d %b %Y}, so Sway assumes {FALLBACK_SHARE:.0%} "
                "of each person's posts would mention the brand"
            )
        else:
            # The main topics of the most people: those the campaign's estimates rest on (the highest shares may
            # be a few people's topics, far from the campaign's).
            topics = sorted(self.topic_people, key=lambda t: (-self.topic_people[t], t))[:3]
            named = ", ".join(
                f"{topic_label(t) if t else 'no topic'} {self.topic_shares[t]:.2%} "
                f"({count_of(self.topic_people[t], 'person', 'people')})"
                for t in topics
            )
            share = (
                f"each person's own share of posts that mention a brand this workspace tracks ({self.brands} "
                f"terms) over the {self.history_days} days before {self.as_of:%d %b %Y}, blended with their main "
                f"topic's share ({named}; the whole group {self.group_share:.2%}) as if they had "
                f"{self.prior_posts:,.0f} more posts at that share, so a person with little history counts like "
                "a typical member of their topic"
            )
        return (
            f"Expected mentions: {share}. That share times their posts per day, times the {self.period_days} days "
            f"of campaign and follow-up, times {1 + self.expected_lift:g} for the assumed lift of "
            f"{self.expected_lift:.0%} from the perk. The range is where the expectation lies with 80% certainty "
            "(wider for people with little history)."
        )


@dataclass(frozen=True)
class SuggestReport:
    """What refreshing the suggested list did."""

    version: int
    suggested: int  # people picked by this refresh
    kept: int  # people using a perk who stay whatever the refresh picks: kept, added by hand or contacted
    expected_total: float
    suggesting: int = 0  # people the list now suggests (the Suggested tile): the picks plus those kept or added
    declined: int = 0  # people who declined: they stay on the list, using no perk
    assumed_lift: float = 0.0  # the campaign's expected lift, which expected_total includes

    def expected(self) -> str:
        """The list's expected mentions, with the part the settings' assumed lift adds said as an assumption."""
        said = f"expected mentions in total: {self.expected_total:.1f}"
        if not self.assumed_lift:
            return f"{said} (no lift from the perk assumed)"
        anyway = self.expected_total / (1 + self.assumed_lift)
        return f"{said}: {anyway:.1f} they would make anyway, plus the {self.assumed_lift:+.0%} the settings assume"

    def created(self, chosen: int) -> str:
        """A new campaign's list: the `chosen` people it was created with and the people suggested beside them."""
        if not chosen:
            return f"Suggested {count_of(self.suggested, 'person', 'people')} to fill the campaign's perks"
        return (
            f"The {count_of(chosen, 'person', 'people')} you chose {'is' if chosen == 1 else 'are'} on the list, with "
            f"{count_of(self.suggested, 'more person', 'more people')} suggested to fill the campaign's perks"
        )

    def refreshed(self) -> str:
        """The list after a refresh, in the numbers the campaign's tiles show."""
        picked = f"{self.suggesting:,} suggested ({self.suggested:,} picked now)"
        contacted = self.kept - (self.suggesting - self.suggested)  # kept people already invited or further on
        further = (
            f"; {count_of(contacted, 'person', 'people')} invited or further along stay{'s' if contacted == 1 else ''}"
        )
        stays = "stays" if self.declined == 1 else "stay"
        said_no = f"; {count_of(self.declined, 'person', 'people')} who declined {stays}"
        return f"The list now has {picked}{further if contacted else ''}{said_no if self.declined else ''}"


def _start(day: date) -> datetime:
    return datetime.combine(day, time())


def period_days(spec: CampaignSpec) -> int:
    """Days of the campaign plus its follow-up window."""
    return (spec.ends_on - spec.starts_on).days + 1 + spec.follow_up_days


def estimate_as_of(con: duckdb.DuckDBPyConnection, spec: CampaignSpec) -> datetime:
    """The campaign start, or just after the latest data when the campaign starts later."""
    _, last = data_span(con)
    start = _start(spec.starts_on)
    return start if last is None or start <= last else last + timedelta(seconds=1)


def _as_seen(workspace_id: int | None) -> tuple[str, str, list[int]]:
    """(FROM clause, topics expression, its parameters) reading discovery's topics as the workspace sees them:
    without those its marketers marked as wrong (fixed SQL from core.topics.removed; all of them without one)."""
    if workspace_id is None:
        return "discovery", "topics", []
    return f"discovery LEFT JOIN {REMOVED_TOPICS} USING (person_id)", KEPT_TOPICS, [workspace_id]


def targeted(con: duckdb.DuckDBPyConnection, spec: CampaignSpec, workspace_id: int | None = None) -> list[int]:
    """People matching the targeting: any target topic, minimum score, networks, minimum audience; flagged left out
    unless asked.

    With a workspace, a topic its marketers marked as wrong for a person does not target that person. With networks
    chosen, the audience is that of one account on them, as Discover's audience filter counts it.
    """
    source, clauses, params = "discovery", ["score >= ?"], [spec.min_score]
    if spec.target_topics:
        source, topics, scope = _as_seen(workspace_id)
        params = [*scope, *params]  # the join's parameter comes before the WHERE's
        clauses.append(f"list_has_any({topics}, ?::VARCHAR[])")
        params.append(list(spec.target_topics))
    if spec.networks:
        clauses.append("networks & ? <> 0")
        params.append(network_mask(spec.networks))
    if spec.min_audience and spec.networks:
        chosen = ", ".join("?" for _ in spec.networks)
        clauses.append(
            "person_id IN (SELECT person_id FROM discovery_accounts "  # noqa: S608 - placeholders only
            f"WHERE network::VARCHAR IN ({chosen}) AND followers >= ?)"
        )
        params += [*spec.networks, spec.min_audience]
    elif spec.min_audience:
        clauses.append("audience >= ?")
        params.append(spec.min_audience)
    if not spec.include_flagged:
        clauses.append("NOT flagged")
    found = rows(con, f"SELECT person_id FROM {source} WHERE {' AND '.join(clauses)}", params)  # noqa: S608
    return [pid for (pid,) in found]


def prior_weight(posts: np.ndarray, brand_posts: np.ndarray) -> float:
    """k of the beta-binomial prior by the method of moments: how many posts of the group's average a person's
    own record is worth, from how much more their shares vary than chance alone would make them."""
    seen = posts > 0
    if seen.sum() < 2:
        return MAX_PRIOR_POSTS
    n, b = posts[seen].astype(float), brand_posts[seen].astype(float)
    mean = b.sum() / n.sum()
    if mean <= 0 or mean >= 1:
        return MAX_PRIOR_POSTS
    weights = n / n.sum()
    observed = float((weights * (b / n - mean) ** 2).sum())
    chance = mean * (1 - mean) * float((weights / n).sum())
    between = observed - chance
    if between <= 0:
        return MAX_PRIOR_POSTS  # no real difference between people: everyone gets the group's share
    return float(np.clip(mean * (1 - mean) / between - 1, MIN_PRIOR_POSTS, MAX_PRIOR_POSTS))


def estimate(
    con: duckdb.DuckDBPyConnection,
    spec: CampaignSpec,
    pool: list[int],
    *,
    as_of: datetime | None = None,
    brands: tuple[Term, ...] = (),
    workspace_id: int | None = None,
) -> Estimate:
    """Expected mentions of each person in `pool`, with their 80% range; `brands` are the other tracked brand
    terms whose mentions count as brand posts (the shares are measured on the pool itself).

    A person's topic is their strongest one as the workspace sees it (without the topics it marked as wrong)."""
    as_of = as_of or estimate_as_of(con, spec)
    since = as_of - timedelta(days=HISTORY_DAYS)
    tracked = tuple(dict.fromkeys((*spec.terms, *brands)))
    posts = con.sql(
        "SELECT a.person_id, count(*) AS posts FROM posts p JOIN accounts a USING (account_id) "
        "WHERE p.posted_at >= ? AND p.posted_at < ? AND a.person_id IN (SELECT unnest(?::BIGINT[])) GROUP BY 1",
        params=[since, as_of, pool],
    ).pl()
    source, topics_sql, scope = _as_seen(workspace_id)
    topics = con.sql(
        f"SELECT person_id, coalesce(({topics_sql})[1], ?) AS topic FROM {source} WHERE person_id IN "  # noqa: S608
        "(SELECT unnest(?::BIGINT[]))",
        params=[NO_TOPIC, *scope, pool],  # in the order of the placeholders: SELECT, FROM, WHERE
    ).pl()
    said = mention_posts(con, tracked, since, as_of).group_by("person_id").agg(brand_posts=pl.len())
    people = (
        pl.DataFrame({"person_id": pool}, schema={"person_id": pl.Int64})
        .join(posts, on="person_id", how="left")
        .join(said, on="person_id", how="left")
        .join(topics, on="person_id", how="left")
        .with_columns(
            pl.col("posts").fill_null(0),
            pl.col("brand_posts").fill_null(0),
            pl.col("topic").fill_null(NO_TOPIC),
        )
    )
    total_posts, total_brand = int(people["posts"].sum()), int(people["brand_posts"].sum())
    fallback = total_brand == 0 or total_posts == 0
    group = FALLBACK_SHARE if fallback else total_brand / total_posts
    k = MAX_PRIOR_POSTS if fallback else prior_weight(people["posts"].to_numpy(), people["brand_posts"].to_numpy())
    by_topic = people.group_by("topic").agg(pl.col("posts").sum(), pl.col("brand_posts").sum(), people=pl.len())
    # A topic's own share, itself shrunk towards the group's with the same weight (small topics say little).
    topic_shares = {
        t: (b + k * group) / (n + k)
        for t, n, b in zip(by_topic["topic"], by_topic["posts"], by_topic["brand_posts"], strict=True)
    }
    days = period_days(spec)
    prior = people["topic"].replace_strict(topic_shares, return_dtype=pl.Float64).to_numpy()
    # As floats: DuckDB's sums can arrive as decimals, which numpy would hold as objects.
    posts_n, brand_n = people["posts"].cast(pl.Float64).to_numpy(), people["brand_posts"].cast(pl.Float64).to_numpy()
    alpha, beta = brand_n + k * prior, posts_n - brand_n + k * (1 - prior)  # the share's beta posterior
    scale = posts_n / HISTORY_DAYS * days * (1 + spec.expected_lift)
    share = alpha / (alpha + beta)
    people = people.with_columns(
        share=pl.Series(share, dtype=pl.Float64),
        expected_mentions=pl.Series(scale * share, dtype=pl.Float64),
        expected_low=pl.Series(scale * stats.beta.ppf(RANGE[0], alpha, beta), dtype=pl.Float64),
        expected_high=pl.Series(scale * stats.beta.ppf(RANGE[1], alpha, beta), dtype=pl.Float64),
    )
    return Estimate(
        people,
        as_of,
        HISTORY_DAYS,
        len(tracked),
        group,
        topic_shares,
        dict(zip(by_topic["topic"], by_topic["people"], strict=True)),
        k,
        fallback,
        days,
        spec.expected_lift,
    )


def explain(con: duckdb.DuckDBPyConnection, access: Access, campaign_id: int) -> str:
    """How the campaign's expected mentions are estimated, with today's numbers filled in."""
    campaign = get_campaign(con, access, campaign_id)
    spec = campaign.spec
    pool = targeted(con, spec, access.workspace_id)
    return estimate(
        con, spec, pool, brands=workspace_terms(con, access), workspace_id=access.workspace_id
    ).explanation()


def expected_for(
    con: duckdb.DuckDBPyConnection, access: Access, campaign_id: int, person_ids: list[int]
) -> dict[int, tuple[float, float, float]]:
    """person_id -> (expected mentions, low, high) for people a marketer adds by hand (e.g. from Discover)."""
    campaign = get_campaign(con, access, campaign_id)
    pool = sorted(set(targeted(con, campaign.spec, access.workspace_id)) | set(person_ids))
    est = estimate(
        con, campaign.spec, pool, brands=workspace_terms(con, access), workspace_id=access.workspace_id
    ).people
    est = est.filter(pl.col("person_id").is_in(person_ids))
    return {
        pid: (mean, low, high)
        for pid, mean, low, high in est.select("person_id", "expected_mentions", "expected_low", "expected_high").rows()
    }


def suggest_list(
    con: duckdb.DuckDBPyConnection,
    access: Access,
    campaign_id: int,
    expected_version: int,
    *,
    progress: Progress = silent,
) -> SuggestReport:
    """Refill the campaign's suggested list up to its perk limit; locked, added and contacted people stay.

    Reads the Discover tables as they are: core.ops.campaigns brings them up to date first.
    """
    campaign: Campaign = get_campaign(con, access, campaign_id)
    progress(0.3, "Finding people who match the targeting")
    pool = targeted(con, campaign.spec, access.workspace_id)
    if not pool:
        raise CampaignError(
            "Nobody matches this campaign's targeting (topics, minimum score, networks, minimum audience). Widen the "
            "targeting and refresh the list."
        )
    progress(0.5, "Estimating expected mentions")
    est = estimate(con, campaign.spec, pool, brands=workspace_terms(con, access), workspace_id=access.workspace_id)
    cost = campaign.spec.cost_per_perk
    ranked = est.people.with_columns(per_cost=pl.col("expected_mentions") / cost).sort(
        ["per_cost", "person_id"], descending=[True, False]
    )
    ranked = ranked.with_row_index("suggested_rank", offset=1)
    progress(0.8, "Saving the list")
    with editing(con, access, campaign_id, expected_version, "refreshing the suggested list") as version:
        state = members.refill(con, campaign_id)
        slots = campaign.spec.open_slots(state.kept, members.spent(con, campaign_id))
        eligible = ~pl.col("person_id").is_in(list(state.taken)) & (pl.col("expected_mentions") > 0)
        chosen = ranked.filter(eligible).head(slots)
        members.replace_suggestions(con, access, campaign_id, state.replaceable, chosen)
        # The list as its plan (core.results.plan) counts it: the stored estimates of everyone who uses a perk.
        listed = members.members(con, access, campaign_id)
        planned = listed.filter(~pl.col("status").is_in(members.NO_PERK))
        declined = listed.filter(pl.col("status") == "declined").height
        expected_total = float(planned["expected_mentions"].sum())
        suggesting = planned.filter(pl.col("status") == "suggested").height
        audit.record(
            con,
            access,
            "campaign.suggest",
            {"campaign_id": campaign_id, "suggested": chosen.height, "kept": state.kept},
        )
    progress(1.0, "List ready")
    return SuggestReport(
        version, chosen.height, state.kept, expected_total, suggesting, declined, campaign.spec.expected_lift
    )
