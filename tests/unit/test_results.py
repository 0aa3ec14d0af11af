"""Results: lift intervals, per-member and total metrics, the demo import, prediction quality and the report."""

import dataclasses
import io
import math
import re
from datetime import date
from types import SimpleNamespace

import numpy as np
import openpyxl
import polars as pl
import pytest
from scipy import stats

from core.campaigns import members, records
from core.campaigns.demo import import_demo_campaigns
from core.campaigns.model import CampaignNotFound, CampaignSpec
from core.campaigns.terms import parse_terms
from core.db import warehouse
from core.results import charts, control, report
from core.results.charts import lift_chart
from core.results.compute import campaign_results
from core.results.lift import MIN_MENTIONS, baseline_lift, control_lift, design_effect
from core.scoring.runs import scores_before, write_history
from core.workspace.access import Access
from tests.unit.campaign_world import ready_copy

LOCAL = Access(user="local", workspace_id=1, role="admin")


@pytest.fixture(scope="module")
def con(small_demo_file, tmp_path_factory):
    connection = warehouse.connect(ready_copy(small_demo_file, tmp_path_factory.mktemp("results") / "r.duckdb"))
    yield connection
    connection.close()


def _busiest(con) -> int:
    """The imported demo campaign with the most members."""
    return warehouse.scalar(
        con,
        "SELECT campaign_id FROM campaign_members GROUP BY 1 ORDER BY count(*) DESC, campaign_id LIMIT 1",
    )


def test_baseline_lift_is_the_rate_ratio_with_the_exact_interval():
    lift = baseline_lift(during=40, before=20, during_days=28, before_days=28)
    assert lift.lift == pytest.approx(1.0)
    ci = stats.binomtest(40, 60).proportion_ci(confidence_level=0.95, method="exact")
    assert lift.low == pytest.approx(ci.low / (1 - ci.low) - 1)
    assert lift.high == pytest.approx(ci.high / (1 - ci.high) - 1)
    assert lift.detected and "Members mentioned the brand 100% more" in lift.verdict()
    # Different window lengths compare daily rates: 20 in 14 days against 20 in 28 days doubles the rate.
    assert baseline_lift(20, 20, 14, 28).lift == pytest.approx(1.0)


def test_no_change_and_too_small_are_said_plainly():
    flat = baseline_lift(30, 30, 28, 28)
    assert flat.low < 0 < flat.high and not flat.detected
    assert flat.verdict().startswith("No detectable change") and flat.direction == "none"
    assert "reaches from a fall to a rise (0% lies inside it)" in flat.verdict()
    tiny = baseline_lift(4, 1, 28, 28)
    assert not tiny.measurable and tiny.verdict().startswith("Too small to tell")
    assert str(MIN_MENTIONS) in tiny.verdict()
    # The words state the rule the check applies: the two periods together, not each one.
    assert "across the two periods" in tiny.verdict() and "each side" not in tiny.verdict()
    one = baseline_lift(1, 0, 28, 28)  # counted in words: "1 mention", never "1 mentions"
    assert one.verdict().startswith("Too small to tell: members made 1 mention during the campaign and 0 before it")
    assert baseline_lift(7, 3, 28, 28).measurable and not baseline_lift(6, 3, 28, 28).measurable
    unbounded = baseline_lift(12, 0, 28, 28)
    assert math.isinf(unbounded.high) and unbounded.low > 0


def test_control_lift_divides_out_the_market_trend():
    # The whole market doubled; members doubled too: no lift from the campaign.
    lift = control_lift(during=60, before=30, control_during=200, control_before=100, during_days=28, before_days=28)
    assert lift.lift == pytest.approx(0.0) and lift.low < 0 < lift.high
    tripled = control_lift(90, 30, 100, 100, 28, 28)
    assert tripled.lift == pytest.approx(2.0) and tripled.detected


def _campaigns_without_effect(rng: np.random.Generator, people: int, shape: float | None) -> tuple:
    """Each person's mentions in two 28-day periods with the same rate: Poisson, or in bursts (a gamma-mixed
    Poisson per period, smaller `shape` = burstier), as real people post about a brand."""
    rate = rng.gamma(1.0, 2.8, people)
    if shape is None:
        return rng.poisson(rate), rng.poisson(rate)
    return rng.poisson(rng.gamma(shape, rate / shape)), rng.poisson(rng.gamma(shape, rate / shape))


def test_bursty_mentions_widen_the_interval_so_no_change_is_rarely_called_a_lift():
    rng = np.random.default_rng(11)
    for shape in (1.0, 0.5):
        naive = fair = measured = 0
        for _ in range(600):
            during, before = _campaigns_without_effect(rng, 30, shape)
            if during.sum() + before.sum() < MIN_MENTIONS:
                continue
            measured += 1
            naive += baseline_lift(int(during.sum()), int(before.sum()), 28, 28).detected
            design = design_effect(during, before)
            fair += baseline_lift(int(during.sum()), int(before.sum()), 28, 28, design=design).detected
        # Treating every mention as independent calls a campaign that changed nothing a success far too often.
        assert naive / measured > 0.2 and fair / measured < 0.1


def test_independent_mentions_keep_the_exact_interval_and_its_coverage():
    rng = np.random.default_rng(5)
    designs, detected = [], []
    for _ in range(400):
        during, before = _campaigns_without_effect(rng, 50, None)
        designs.append(design_effect(during, before))
        lift = baseline_lift(int(during.sum()), int(before.sum()), 28, 28, design=designs[-1])
        detected.append(lift.detected)
    assert np.median(designs) < 1.2 and np.mean(detected) <= 0.06
    assert design_effect([5], [0]) == 1.0 and design_effect([0, 0], [3, 2]) == 1.0  # one person; no share to vary


def test_a_bursty_group_says_why_its_interval_is_wide():
    # Three people: two posted only before, one posted ten times during.
    design = design_effect([10, 0, 0], [0, 6, 5])
    assert design > 5
    wide, narrow = baseline_lift(10, 11, 28, 28, design=design), baseline_lift(10, 11, 28, 28)
    assert wide.lift == narrow.lift and wide.low < narrow.low and wide.high > narrow.high
    assert "bursts" in wide.verdict() and "bursts" not in narrow.verdict()


def test_a_baseline_shorter_than_a_week_is_not_measured_and_says_so():
    short = baseline_lift(60, 1, 20, 3)
    assert not short.measurable and short.direction == "unknown" and not short.detected
    assert "only 3 days of data before the campaign" in short.verdict() and "Import earlier posts" in short.verdict()
    assert baseline_lift(60, 1, 20, 7).measurable


def test_the_controls_scaled_counts_are_not_rounded():
    exact = control_lift(40, 10, 9.5, 1.4, 28, 28)
    assert exact.lift == pytest.approx((40 / 10) / (9.5 / 1.4) - 1)
    assert exact.control_during == 9.5
    assert "9.5" in dataclasses.replace(exact, during=3, before=2).verdict()


def test_the_control_is_matched_on_scores_from_before_the_campaign(tmp_path):
    con = warehouse.connect(tmp_path / "h.duckdb")
    history = pl.DataFrame(
        {
            "person_id": [1, 2, 1, 2, 1],
            "network": ["all", "all", "all", "all", "all"],
            "day": [date(2026, 9, 1), date(2026, 9, 1), date(2026, 9, 8), date(2026, 9, 8), date(2026, 9, 15)],
            "score": [10, 20, 30, 40, 90],
        }
    )
    write_history(con, history)
    before = scores_before(con, date(2026, 9, 10)).sort("person_id")
    assert before.rows() == [(1, 30), (2, 40)]  # the 8 September scores, not the 15th's, after the start
    assert scores_before(con, date(2026, 9, 1)).is_empty()
    con.close()


def test_demo_import_is_idempotent_and_complete(con):
    assert import_demo_campaigns(con) == 0
    loaded = warehouse.rows(
        con,
        "SELECT c.source, count(m.person_id) FROM campaigns c LEFT JOIN campaign_members m USING (campaign_id) "
        "WHERE c.workspace_id = 1 GROUP BY 1 ORDER BY 1",
    )
    demo = warehouse.rows(
        con,
        "SELECT 'demo:' || d.campaign_id, count(m.person_id) FROM demo_campaigns d "
        "LEFT JOIN demo_campaign_members m USING (campaign_id) GROUP BY 1 ORDER BY 1",
    )
    assert loaded == demo


def test_member_metrics_add_up_to_the_totals(con):
    results = campaign_results(con, LOCAL, _busiest(con))
    m, t = results.members, results.totals
    assert t["member_mentions"] == m["mentions"].sum() > 0
    assert t["reach"] == m["reach"].sum() and t["reactions"] == m["reactions"].sum()
    assert t["engagement_rate"] == pytest.approx(t["reactions"] / t["reach"])
    assert t["cost"] == pytest.approx(results.campaign.spec.cost_per_perk * m.height)
    assert t["cost_per_mention"] == pytest.approx(t["cost"] / t["member_mentions"])
    assert t["emv"] > 0
    # Members who posted are exactly those the import marked 'posted'.
    assert set(m.filter(pl.col("mentions") > 0)["person_id"]) == set(
        m.filter(pl.col("status") == "posted")["person_id"]
    )
    daily = results.daily.filter(pl.col("group") == "Members")
    assert daily.filter(pl.col("day") >= results.periods.start.date())["mentions"].sum() == t["member_mentions"]


def test_mentions_counted_independently_match(con):
    campaign_id = _busiest(con)
    results = campaign_results(con, LOCAL, campaign_id)
    spec, p = results.campaign.spec, results.periods
    tag = next(t.term for t in spec.terms if t.kind == "hashtag")
    texts = con.sql(
        "SELECT a.person_id, p.text, p.url FROM posts p JOIN accounts a USING (account_id) "
        "WHERE p.posted_at >= ? AND p.posted_at < ?",
        params=[p.start, p.end],
    ).pl()
    brand = re.compile(rf"#{tag}(?![\w])|@{tag}|{re.escape(next(t.term for t in spec.terms if t.kind == 'domain'))}")
    hits = texts.filter(pl.col("text").str.to_lowercase().map_elements(lambda s: bool(brand.search(s)), pl.Boolean))
    ids = set(results.members["person_id"])
    assert hits.filter(pl.col("person_id").is_in(ids)).height == results.totals["member_mentions"]
    assert hits.filter(~pl.col("person_id").is_in(ids)).height == results.totals["other_mentions"]


def test_lift_and_prediction_are_reported(con):
    results = campaign_results(con, LOCAL, _busiest(con))
    spec = results.campaign.spec
    # The control's two counts cover periods of different lengths: the words say how long each was.
    campaign_days = (spec.ends_on - spec.starts_on).days + 1 + spec.follow_up_days
    matched = dataclasses.replace(results, lift_control=control_lift(60, 20, 100, 100, 28, 28))
    control = dict(report.summary_rows(matched))["Lift against control group"]
    assert f"mentions in the {campaign_days} days of the campaign and its follow-up and " in control
    assert re.search(r"in the \d+ days before it \(mentions per day are compared\)\.$", control), control
    lift = results.lift_baseline
    assert lift.lift is not None and lift.low <= lift.lift <= lift.high
    assert results.spearman is not None and -1 <= results.spearman <= 1
    assert results.share_of_voice["period"].to_list() == ["Baseline", "Campaign", "Follow-up"]


def test_control_group_is_similar_people_the_brand_never_approached(con):
    # A small campaign of the brand whose fans are least often on its demo lists, so there are people to match.
    brand, hashtag, topic = warehouse.rows(
        con,
        "SELECT b.name, b.hashtag, b.topic FROM demo_brands b JOIN discovery d ON list_contains(d.topics, b.topic) "
        "WHERE d.person_id NOT IN (SELECT m.person_id FROM demo_campaign_members m JOIN demo_campaigns c "
        "USING (campaign_id) WHERE c.brand_id = b.brand_id) GROUP BY ALL ORDER BY count(*) DESC LIMIT 1",
    )[0]
    spec = CampaignSpec(
        name="Small",
        brand=brand,
        perk="box",
        cost_per_perk=10,
        perks=8,
        starts_on=date(2026, 9, 20),
        ends_on=date(2026, 10, 3),
        terms=parse_terms(hashtag),
        target_topics=(topic,),
    )
    campaign_id = records.create_campaign(con, LOCAL, spec)
    fans = [
        p
        for (p,) in warehouse.rows(
            con, "SELECT person_id FROM discovery WHERE list_contains(topics, ?) ORDER BY posts DESC LIMIT 8", [topic]
        )
    ]
    _, version = members.add_members(con, LOCAL, campaign_id, fans, 1)
    members.set_status(con, LOCAL, campaign_id, fans, "invited", version)
    results = campaign_results(con, LOCAL, campaign_id)
    assert results.members.height == 8 and results.controls > 0
    listed = {p for (p,) in warehouse.rows(con, "SELECT person_id FROM campaign_members")}
    assert len(listed) + results.controls <= warehouse.scalar(con, "SELECT count(*) FROM people")
    # The small world's fans of this brand are nearly all on its lists, so the controls barely mention it.
    control = results.lift_control
    if control.control_during + control.control_before < MIN_MENTIONS:
        assert "Too small to tell" in control.verdict()


def test_matching_picks_the_nearest_people_per_member():
    members = pl.DataFrame(
        {"person_id": [1, 2], "score": [90, 10], "audience": [10_000, 100], "posts": [50, 5], "earlier": [4, 0]}
    )
    pool = pl.DataFrame(
        {
            "person_id": [10, 11, 12, 13, 14, 15],
            "score": [88, 91, 12, 9, 50, 92],
            "audience": [9_000, 11_000, 120, 90, 1_000, 10_000],
            "posts": [45, 55, 6, 4, 20, 50],
            "earlier": [3, 5, 0, 0, 1, 4],
        }
    )
    chosen = control.match(members, pool, k=2)
    picked = {m: set(chosen.filter(pl.col("member_id") == m)["person_id"]) for m in (1, 2)}
    assert picked[1] <= {10, 11, 15} and len(picked[1]) == 2
    assert picked[2] == {12, 13}


def test_a_campaign_after_the_data_says_so(con):
    campaign_id = records.create_campaign(
        con,
        LOCAL,
        CampaignSpec(
            name="Future",
            brand="Voltwise",
            perk="box",
            cost_per_perk=10,
            perks=3,
            starts_on=date(2027, 3, 1),
            ends_on=date(2027, 3, 14),
            terms=parse_terms("#voltwise"),
        ),
    )
    results = campaign_results(con, LOCAL, campaign_id)
    assert any("has not started in the data" in n for n in results.notes)
    assert results.totals["member_mentions"] == 0 and not results.lift.measurable
    assert results.share_of_voice["period"].to_list() == ["Baseline"]  # no empty bars for periods with no data


def test_a_list_nobody_was_invited_from_says_what_to_do(con):
    spec = CampaignSpec(
        name="Uninvited",
        brand="Voltwise",
        perk="box",
        cost_per_perk=10,
        perks=3,
        starts_on=date(2026, 9, 20),
        ends_on=date(2026, 10, 3),
        terms=parse_terms("#voltwise"),
    )
    campaign_id = records.create_campaign(con, LOCAL, spec)
    people = [p for (p,) in warehouse.rows(con, "SELECT person_id FROM discovery ORDER BY person_id LIMIT 3")]
    members.add_members(con, LOCAL, campaign_id, people, 1)  # suggested, never invited
    results = campaign_results(con, LOCAL, campaign_id)
    assert results.members.is_empty()
    # The reason leads, in the verdict itself, not 'too small to tell' with the reason in a note below it.
    assert results.verdict().startswith("Nothing to measure yet: nobody on the list has been invited")
    assert "Campaigns page" in results.verdict() and not any("invited" in n for n in results.notes)
    # Charts without data say so instead of drawing empty axes; the campaign's own charts are all drawn.
    assert {"top_members", "expected_vs_actual", "lift"} <= set(charts.nothing_to_draw(results))
    assert charts.nothing_to_draw(campaign_results(con, LOCAL, _busiest(con))) == {}


def test_results_of_another_workspace_are_not_found(con):
    with pytest.raises(CampaignNotFound):
        campaign_results(con, Access(user="eve", workspace_id=2, role="admin"), _busiest(con))


def test_report_files(con):
    campaign_id = _busiest(con)
    person = members.members(con, LOCAL, campaign_id)["person_id"][0]
    for table in ("people", "discovery"):
        con.execute(f"UPDATE {table} SET name = '=cmd|calc' WHERE person_id = ?", [person])  # noqa: S608
    results = campaign_results(con, LOCAL, campaign_id)
    book = openpyxl.load_workbook(io.BytesIO(report.results_xlsx(results)))
    assert book.sheetnames == ["Summary", "Members", "Mentions per day", "Share of voice", "Lift"]
    summary = dict(book["Summary"].iter_rows(min_row=2, values_only=True))
    assert summary["Mentions by members"] == f"{results.totals['member_mentions']:,}"
    voice = list(book["Share of voice"].values)
    assert voice[0] == (
        "Period",
        "Brand mentions",
        "All posts",
        "Brand mentions per 1,000 posts",
        "Brand mentions per day",
    )
    assert [row[0] for row in voice[1:]] == results.share_of_voice["period"].to_list()
    names = [row[0] for row in book["Members"].iter_rows(min_row=2, values_only=True)]
    assert "'=cmd|calc" in names and "=cmd|calc" not in names
    page = report.results_html(results).decode("utf-8")
    assert page.count("<svg") == 5 and results.campaign.name.replace("&", "&amp;") in page
    assert "=cmd|calc" in page and "<script" not in page
    assert results.members.height > 50  # more than the 50 rows the report used to stop at
    assert page.count("<tr>") == len(report.summary_rows(results)) + 1 + results.members.height  # every member
    assert report.chart_image(results, "lift", "png").startswith(b"\x89PNG")
    assert report.chart_image(results, "lift", "svg").startswith(b"<svg")


def test_the_matched_control_is_the_estimate_to_trust_and_the_verdict_says_why(con):
    results = campaign_results(con, LOCAL, _busiest(con))
    rise = baseline_lift(60, 20, 28, 28)
    agreeing = control_lift(60, 20, 100, 100, 28, 28)
    confirmed = dataclasses.replace(results, lift_baseline=rise, lift_control=agreeing)
    assert confirmed.detected and confirmed.direction == "up"
    assert confirmed.verdict().startswith(agreeing.verdict()) and "the one to trust" in confirmed.verdict()
    assert f"that comparison agrees: {rise.summary()}." in confirmed.verdict()
    # Both unclear, one estimate up and the other down: not called agreeing, which reads as a contradiction.
    both_unclear = dataclasses.replace(
        results, lift_baseline=baseline_lift(12, 10, 28, 28), lift_control=control_lift(12, 10, 120, 80, 28, 28)
    )
    assert both_unclear.lift_baseline.lift > 0 > both_unclear.lift_control.lift
    assert both_unclear.lift_baseline.direction == both_unclear.lift_control.direction == "none"
    assert "agrees" not in both_unclear.verdict()
    assert "that comparison shows no clear change either: +20% (95% interval" in both_unclear.verdict()
    # The whole market tripled: the members' own rise is the trend, and the verdict says so.
    market = dataclasses.replace(results, lift_baseline=rise, lift_control=control_lift(60, 20, 300, 100, 28, 28))
    assert not market.detected and market.direction == "none"
    assert market.verdict().startswith("No detectable change")
    assert "Against their own baseline alone" in market.verdict()
    alone = dataclasses.replace(results, lift_baseline=rise, lift_control=control_lift(0, 0, 0, 0, 0, 0))
    assert alone.detected and alone.lift is rise  # no control group: the own baseline, with its caveat
    assert "no matched control group could be measured" in alone.verdict()


def test_report_of_an_empty_or_unbounded_campaign(con):
    campaign_id = records.create_campaign(
        con,
        LOCAL,
        CampaignSpec(
            name="Nobody yet",
            brand="Voltwise",
            perk="box",
            cost_per_perk=10,
            perks=3,
            starts_on=date(2026, 9, 1),
            ends_on=date(2026, 9, 14),
            terms=parse_terms("#voltwise"),
        ),
    )
    results = campaign_results(con, LOCAL, campaign_id)
    assert results.members.is_empty() and results.totals["cost_per_mention"] is None
    assert results.verdict().startswith("Nothing to measure yet")  # nobody is on the list
    unbounded = dataclasses.replace(results, lift_baseline=baseline_lift(12, 0, 28, 28))
    lift_sheet = openpyxl.load_workbook(io.BytesIO(report.results_xlsx(unbounded)))["Lift"]
    header, own = list(lift_sheet.values)[:2]
    assert own[header.index("High (95%, %)")] is None and own[header.index("Low (95%, %)")] > 0
    # In percent, as the screen says it (this lift has no upper bound: empty, like its high end).
    assert own[header.index("Low (95%, %)")] == round(100 * unbounded.lift_baseline.low, 1)
    # Nobody on the list: the report says why there is no members' chart instead of drawing empty axes.
    page = report.results_html(results).decode("utf-8")
    assert "No member has mentioned the campaign yet." in page
    assert "No invited member with an expected number of mentions yet." in page
    assert page.count("<svg") == len(charts.drawable(results)) <= 3
    assert "top_members" not in charts.drawable(results)


def test_members_without_mentions_before_get_a_lower_bound_not_an_invented_lift():
    own = baseline_lift(12, 0, 30, 30)
    control_estimate = control_lift(12, 0, 10, 10, 30, 30)
    one_before = control_lift(12, 1, 10, 10, 30, 30)
    for estimate in (own, control_estimate):
        assert estimate.unbounded and estimate.direction == "up"
        assert 0 < estimate.low < math.inf
        assert estimate.summary().startswith(f"at least +{estimate.low:.0%}")
        said = estimate.verdict()
        assert "12 times during the campaign and never in the baseline" in said
        assert "unbounded" not in said and "2300%" not in said
    # The half added to the empty count made the headline 2300%, more than one real mention before gives (1100%).
    assert one_before.lift == pytest.approx(11.0)
    assert control_estimate.low < one_before.lift


def test_the_lift_chart_draws_a_lower_bound_without_infinity():
    results = SimpleNamespace(
        lift_baseline=baseline_lift(12, 0, 30, 30), lift_control=control_lift(12, 0, 10, 10, 30, 30)
    )
    data = [row for rows in lift_chart(results).to_dict()["datasets"].values() for row in rows]
    assert [row["estimate"] for row in data] == ["Against own baseline", "Against control group"]
    assert all(row["lift"] is None and math.isfinite(row["low"]) and row["high"] == row["low"] for row in data)


def test_the_lift_chart_leaves_out_an_estimate_too_small_to_tell():
    rise = baseline_lift(60, 20, 28, 28)
    too_small = control_lift(3, 1, 1, 1, 28, 28)  # a handful of mentions: "too small to tell", with a huge range
    assert rise.measurable and not too_small.measurable
    results = SimpleNamespace(lift_baseline=rise, lift_control=too_small)
    data = [row for rows in lift_chart(results).to_dict()["datasets"].values() for row in rows]
    assert [row["estimate"] for row in data] == ["Against own baseline"]
    neither = SimpleNamespace(lift_baseline=baseline_lift(3, 1, 28, 28), lift_control=too_small)
    data = [row for rows in lift_chart(neither).to_dict()["datasets"].values() for row in rows]
    assert data == []
