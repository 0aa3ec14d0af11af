"""Results page: what a campaign did — mentions, reach, cost, honest lift with its interval, whether the estimate
predicted who delivered — with charts and a report to download (XLSX, one-page HTML, chart images)."""

import altair as alt
import streamlit as st

from core.campaigns import export, records
from core.campaigns.money import money, money_card
from core.numbers import UNKNOWN, compact_count, rate_card, rate_text
from core.results import charts, report
from core.results.compute import Results, campaign_results
from core.results.lift import MIN_MENTIONS
from ui import auth, backend, exports, params, shell
from ui.text import plain_cells

shell.ensure_app_shell()


@st.cache_data(show_spinner="Measuring the campaign: finding mentions, matching a control group…", max_entries=32)
def _results(key: tuple, workspace_id: int, campaign_id: int, version: int) -> Results:
    """One campaign's results, cached per data version, workspace, campaign and campaign version."""
    return campaign_results(backend.cursor(), auth.access(), campaign_id)


@st.cache_data(show_spinner=False, max_entries=32)
def _file(key: tuple, workspace_id: int, campaign_id: int, version: int, kind: str, _results: Results) -> bytes:
    """A report file, made once per results."""
    if kind == "xlsx":
        return report.results_xlsx(_results)
    if kind == "html":
        return report.results_html(_results)
    name, fmt = kind.split(".")
    return report.chart_image(_results, name, fmt)


st.title("Results")
access = auth.access()
cursor = backend.cursor()
listing = records.list_campaigns(cursor, access)
if listing.is_empty():
    st.info("There are no campaigns in this workspace yet. Create one on the Campaigns page.")
    st.page_link("pages/campaigns.py", label="Go to Campaigns", icon=":material/campaign:")
    st.stop()

names = dict(zip(listing["campaign_id"], listing["name"], strict=True))
versions = dict(zip(listing["campaign_id"], listing["version"], strict=True))
asked = params.id_param("campaign")
if "results_pick" not in st.session_state:
    if asked in names:
        st.session_state["results_pick"] = asked
    elif st.query_params.get("campaign"):
        st.info("No such campaign — pick one from the list.")
picked = st.selectbox("Campaign", list(names), format_func=names.get, key="results_pick")
st.query_params["campaign"] = str(picked)

key = (backend.data_key(), access.workspace_id, picked, versions[picked])
results = _results(*key)

# Colour and icon follow the trusted estimate's direction: only a rise is a success, a fall is a warning.
show, icon = {
    "up": (st.success, ":material/trending_up:"),
    "down": (st.warning, ":material/trending_down:"),
    "none": (st.info, ":material/trending_flat:"),
    "unknown": (st.warning, ":material/help:"),
}[results.direction]
show(results.verdict(), icon=icon)
for note in results.notes:
    st.caption(note)

t = results.totals
row = st.columns(5)
row[0].metric("Mentions by members", f"{t['member_mentions']:,}", help="In the campaign and its follow-up window")
row[1].metric("Mentions by others", f"{t['other_mentions']:,}", help="People not on the list, same period")
row[2].metric(
    "Reach",
    compact_count(t["reach"]),
    help=f"{t['reach']:,}: the audience of the accounts that posted each mention, summed",
)
row[3].metric("Reactions", f"{t['reactions']:,}")
row[4].metric(
    "Engagement on mentions",
    rate_card(t["engagement_rate"]),
    help=f"{rate_text(t['engagement_rate'])}: the mentions' reactions / their reach (not the per-post, per-follower "
    "engagement rate of Discover and the profiles)",
)
row = st.columns(5)
row[0].metric(
    "Perk cost",
    money_card(t["cost"], results.currency),
    help=f"{money(t['cost'], results.currency)}: what the members who accepted cost (accepted, perk shipped, posted "
    "or didn't post): each member's own "
    "cost, else the campaign's. Invited people who have not answered and those who declined cost nothing; the "
    "Campaigns page's plan also counts the suggested people it plans for.",
)
row[1].metric("Cost per mention", money(t["cost_per_mention"], results.currency))
row[2].metric("Cost per engagement", money(t["cost_per_engagement"], results.currency))
row[3].metric(
    "Earned media value",
    money_card(t["emv"], "USD"),
    help=f"{money(t['emv'], 'USD')}: {dict(report.summary_rows(results))['EMV method']}",
)
row[4].metric(
    "Members mentioning",
    f"{t['members_posting']} of {t['members']}",
    help="Members with a tracked mention, of every member contacted (invited or further along): their posts "
    "matched the tracking terms in the campaign and its follow-up (a status set to Posted by hand on the Campaigns "
    "page is not counted here)",
)
if unseen := report.posted_without_mentions(results):
    st.info(unseen, icon=":material/visibility_off:")

missing = charts.nothing_to_draw(results)


def _chart(name: str, chart: alt.TopLevelMixin) -> None:
    """The chart, or a line saying why there is none."""
    if name in missing:
        st.caption(missing[name])
    else:
        st.altair_chart(chart, width="stretch")


st.subheader("Lift")
_chart("lift", charts.lift_chart(results))
st.caption(
    f"Against own baseline: {results.lift_baseline.verdict()} Against control group: "
    f"{dict(report.summary_rows(results))['Lift against control group']} A comparison needs at least {MIN_MENTIONS} "
    "mentions across the baseline and the campaign; with fewer it says too small to tell."
)
st.subheader("Mentions over time")
_chart("mentions_over_time", charts.mentions_over_time(results))
left, right = st.columns(2)
with left:
    _chart("top_members", charts.top_members(results))
with right:
    _chart("share_of_voice", charts.share_of_voice(results))
st.subheader("Did the expected mentions hold?")
st.write(report.prediction_text(results))
_chart("expected_vs_actual", charts.expected_vs_actual(results))

st.subheader("Members")
st.dataframe(
    plain_cells(report.member_rows(results), "Name", "Handles"),
    hide_index=True,
    column_config={
        label: st.column_config.NumberColumn(label, format="localized")
        for label in ("Mentions", "Reach", "Reactions", "Baseline mentions")
    },
    placeholder=UNKNOWN,
)

st.subheader("Download the report")
xlsx_col, html_col = st.columns(2)
with xlsx_col:
    exports.export_button(
        "Report as XLSX",
        lambda: _file(*key, "xlsx", results),
        file_name=export.file_name("results", results.campaign.name, "xlsx"),
    )
with html_col:
    exports.export_button(
        "One-page report (HTML)",
        lambda: _file(*key, "html", results),
        file_name=export.file_name("results", results.campaign.name, "html"),
    )
if drawable := charts.drawable(results):
    chart_col, format_col, go_col = st.columns([2, 1, 1], vertical_alignment="bottom")
    chart = chart_col.selectbox("Chart", drawable, format_func=lambda n: n.replace("_", " ").capitalize())
    fmt = format_col.selectbox("Format", ["png", "svg"])
    with go_col:
        exports.export_button(
            "Download chart",
            lambda: _file(*key, f"{chart}.{fmt}", results),
            file_name=export.file_name(chart.replace("_", "-"), results.campaign.name, fmt),
        )
