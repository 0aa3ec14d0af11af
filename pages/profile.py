"""Profile page: one person's headline numbers, score history, why they score what they score, topics with
evidence, authenticity flags, who amplifies them and their recent posts. Opened as /profile?person=ID."""

import altair as alt
import polars as pl
import streamlit as st

from core import profile as profiles
from core.discover.columns import NETWORK_LABELS
from core.discover.followers import network_followers
from core.numbers import UNKNOWN, compact_count, count_of, rate_card, rate_text
from core.vocabulary import topic_label
from ui import auth, backend, params, shell
from ui.text import network_names, plain, plain_cells, web_links

REACTION_COLUMNS = (
    "reposts",
    "replies",
    "mentions",
    "likes",
    "clicks",
)  # reaction types in the posts' and amplifiers' tables

shell.ensure_app_shell()


@st.cache_data(show_spinner=False, max_entries=64)
def _profile(key: tuple, person_id: int) -> profiles.Profile:
    """One person's profile, cached per data version and build (`key`)."""
    return profiles.profile(backend.cursor(), person_id)


def _scope_label(scope: str) -> str:
    """'all' is the combined score."""
    return "Combined" if scope == "all" else NETWORK_LABELS[scope]


_LAST = "profile_last"  # the person this session last opened: the sidebar's Profile link goes back to them
person_id = params.id_param("person")
if person_id is None and not st.query_params.get("person") and _LAST in st.session_state:
    person_id = st.session_state[_LAST]
    st.query_params["person"] = str(person_id)
if person_id is None:
    st.title("Profile")
    st.info(
        "No such person — pick one from the list on the Discover page."
        if st.query_params.get("person")
        else "Open someone's profile from the Discover page."
    )
    st.page_link("pages/discover.py", label="Go to Discover", icon=":material/search:")
    st.stop()

cursor = backend.cursor()
key = (*backend.data_key(), backend.discover_build())
try:
    p = profiles.in_workspace(cursor, _profile(key, person_id), auth.access().workspace_id)
except profiles.ProfileNotFound as missing:
    st.session_state.pop(_LAST, None)
    st.title("Profile")
    st.error(str(missing), icon=":material/person_off:")
    st.page_link("pages/discover.py", label="Go to Discover", icon=":material/search:")
    st.stop()
h = p.header
st.session_state[_LAST] = person_id

st.title(plain(h.name) or f"Person {h.person_id}")
st.caption(" · ".join(plain(x) for x in (h.handles, h.location, h.language) if x))
score, authenticity, audience, engagement, reach = st.columns(5)
score.metric(
    "Score",
    h.score,
    delta="too little data" if h.too_little_data else f"likely {h.score_low}–{h.score_high}",
    delta_color="off",
    delta_arrow="off",  # a likely range, not a change: an up arrow would read as "rising"
    border=True,
    help="Combined influence score, 1–100, with its likely range: where it would most likely land had a slightly "
    "different set of the same kind of people reacted (fewer reactors, wider range; 95% by default)",
)
authenticity.metric(
    "Authenticity", h.authenticity, border=True, help="Lowest rating of their accounts; 100 = nothing found"
)
audience.metric(
    "Audience", compact_count(h.audience), border=True, help=f"{h.audience:,} followers summed over all their networks"
)
engagement.metric(
    "Engagement rate",
    rate_card(h.engagement_rate),
    border=True,
    help=f"{rate_text(h.engagement_rate)}: each account's reactions in the window / (its posts in the window × its "
    "followers), pooled over all their accounts",
)
reach.metric(  # "Reactions received" is cut short in a fifth of the page: the help says what is counted
    "Reactions", f"{h.reactions:,}", border=True, help=f"Received from others on {h.posts:,} posts in the window"
)
if h.network_scores:
    st.markdown(" · ".join(f"**{NETWORK_LABELS[n]}** {s}" for n, s in h.network_scores.items()))
    if len(h.network_scores) > 1:
        st.caption(
            "Each network's score counts only the reactions there; the score above counts them all together, so it "
            "is usually higher than any one of them. A flagged account cuts the combined score by the same share as "
            "its own network's score: the combined score takes the discount of the person's least authentic account."
        )
if followers := network_followers(p.accounts):
    st.markdown(f"Followers: {followers}")
for where, bio in p.bios:
    st.markdown(f"**Bio on {plain(where)}:** {plain(bio)}")
if h.flagged:
    st.warning("Some of their accounts are flagged as inauthentic — see Authenticity below.", icon=":material/flag:")

st.subheader("Campaigns")
in_campaigns = profiles.campaigns_of(cursor, auth.access(), person_id)
if in_campaigns.height:
    st.dataframe(
        web_links(plain_cells(in_campaigns, "name", "brand"), "post_url"),
        hide_index=True,
        column_order=(
            "name",
            "brand",
            "starts_on",
            "ends_on",
            "status",
            "expected_mentions",
            "posted_at",
            "post_url",
            "link",
        ),
        column_config={
            "name": "Campaign",
            "link": st.column_config.LinkColumn("Open", display_text="Open campaign"),
            "brand": "Brand",
            "starts_on": st.column_config.DateColumn("Starts", format="D MMM YYYY"),
            "ends_on": st.column_config.DateColumn("Ends", format="D MMM YYYY"),
            "status": "Status",
            "expected_mentions": st.column_config.NumberColumn("Expected mentions", format="%.2f"),
            "posted_at": st.column_config.DatetimeColumn("Posted", format="D MMM YYYY"),
            "post_url": st.column_config.LinkColumn("Post", display_text="Open post"),
        },
        placeholder=UNKNOWN,
    )
else:
    st.caption("Not on any of this workspace's campaigns yet.")

st.subheader("Score history")
if p.history.height:
    history = network_names(p.history, "network").with_columns(pl.col("network").replace("all", "Combined"))
    by_network = alt.Chart(history).encode(
        x=alt.X("day:T", title="Refresh day", axis=alt.Axis(format="%d %b")),
        y=alt.Y("score:Q", title="Score", scale=alt.Scale(domain=[1, 100])),  # 1 is the lowest score
        color=alt.Color("network:N", title="Score"),
        tooltip=[
            alt.Tooltip("day:T", title="Day", format="%d %b %Y"),
            "network",
            "score",
            alt.Tooltip("score_low:Q", title="Likely from"),
            alt.Tooltip("score_high:Q", title="Likely to"),
            alt.Tooltip("too_little_data:N", title="Too little data"),
        ],
    )
    # The combined line dashed and on top: with one network it has the same scores and would lie hidden under it.
    networks = by_network.transform_filter(alt.datum.network != "Combined").mark_line(point=True)
    on_combined = by_network.transform_filter(alt.datum.network == "Combined")
    # Its likely range as a band, and its days with too little data as hollow points: a rise or fall inside the
    # band, or between hollow points, may be chance.
    band = on_combined.mark_area(opacity=0.12).encode(y="score_low:Q", y2="score_high:Q", color=alt.value("#5f6b7a"))
    combined = on_combined.mark_line(strokeDash=[6, 4]) + on_combined.mark_point(
        filled=False, size=45, strokeWidth=1.5, fillOpacity=1
    ).encode(fill=alt.condition("datum.too_little_data", alt.value("white"), alt.Color("network:N")))
    changes = (
        alt.Chart(p.model_changes)
        .mark_rule(color="#d62728", strokeDash=[5, 4], strokeWidth=2)
        .encode(x="day:T", tooltip=[alt.Tooltip("day:T", title="Scoring model changed"), "change"])
    )
    st.altair_chart(band + networks + combined + changes, width="stretch", key="history_chart")
    st.caption(
        "The combined score is the dashed line, its likely range the shaded band; a hollow point is a day with too "
        "little data to tell a change from chance"
        + ("; dashed red lines: the scoring model changed (hover for what changed)." if p.model_changes.height else ".")
    )
else:
    st.info("No score history yet — scores appear after a refresh on the Data page.")

st.subheader("Why this score")
if h.changed_since:
    st.info(h.changed_since, icon=":material/update:")
(st.warning if h.too_little_data else st.caption)(plain(h.evidence))
scopes = list(p.explanation)
if scopes:
    scope = st.segmented_control("Score", scopes, format_func=_scope_label, default="all", required=True)
    signals = p.breakdown.signals.filter(pl.col("network") == scope)
    bars = (
        alt.Chart(signals)
        .mark_bar()
        .encode(
            x=alt.X("points:Q", title="Score points"),
            y=alt.Y("label:N", title=None, sort="-x", axis=alt.Axis(labelLimit=220)),
            color=alt.condition(alt.datum.points > 0, alt.value("#4c78a8"), alt.value("#d62728")),
            tooltip=[
                alt.Tooltip("label:N", title="From"),
                alt.Tooltip("points:Q", format=".1f"),
                alt.Tooltip("reactions:Q", format=","),
                alt.Tooltip("distinct_reactors:Q", title="Distinct accounts", format=","),
                alt.Tooltip("mean_reactor_influence:Q", title="Their influence (× average)", format=".2f"),
                alt.Tooltip("discount_text:N", title="Discount"),
            ],
        )
        .properties(height=alt.Step(28))
    )
    chart, words = st.columns([2, 3])
    if signals["points"].abs().sum() > 0:
        chart.altair_chart(bars, width="stretch")
    else:  # a chart of zeros shows only a stray '0.000000' axis
        chart.caption("No reaction adds a point here yet, so there is nothing to chart.")
    # The sentences quote the person's top post: escaped, so it shows literally inside the list.
    words.markdown("\n".join(f"- {plain(line)}" for line in p.explanation[scope]))
    top = p.breakdown.top_posts.filter(pl.col("network") == scope)
    if top.height:
        st.caption("The posts that drove the most of it")
        st.dataframe(
            network_names(top, "post_network").select(
                "rank", "post_network", "posted_at", "text", "reactions", "points"
            ),
            hide_index=True,
            column_config={
                "rank": "#",
                "post_network": "Network",
                "posted_at": st.column_config.DatetimeColumn("Posted", format="D MMM YYYY"),
                "text": st.column_config.TextColumn("Post", width="large"),
                "reactions": "Reactions",
                "points": st.column_config.NumberColumn("Points", format="%.1f"),
            },
            placeholder=UNKNOWN,
        )
else:
    st.info("Scores have not been computed yet — run a refresh on the Data page.")

st.subheader("Topics")
if note := st.session_state.pop("topic_note", None):
    st.success(note, icon=":material/check:")
if not p.topics.height:
    st.info("No topics with enough evidence for this person (or the topic step has not run yet).")
else:
    st.caption(
        "Each topic's evidence: the person's posts on it whose reactions were worth most, each reaction weighed as in "
        "the score (its kind, how recent, who reacted), so a post with fewer reactions can come first."
    )
for topic in p.topics.iter_rows(named=True):
    with st.container(border=True):
        name, influence, action = st.columns([3, 1, 2], vertical_alignment="center")
        name.markdown(
            f"**{topic_label(topic['topic'])}** · {count_of(topic['posts'], 'post')}, "
            f"{count_of(topic['reactions'], 'reaction')}"
        )
        influence.markdown(f"Influence **{topic['influence']}**")
        can_correct = auth.access().allows("editor")
        if action.button(
            "Mark topic as wrong",
            key=f"wrong_{topic['topic']}",
            icon=":material/thumb_down:",
            disabled=not can_correct,
            help=None if can_correct else "Correcting topics needs the editor role in this workspace.",
        ):
            added = profiles.mark_topic_wrong(cursor, auth.access(), person_id, topic["topic"])
            st.session_state["topic_note"] = (
                f"Noted: {topic_label(topic['topic'])} is removed from this person in your workspace until you undo "
                f"it; {added} evidence post{'s' if added != 1 else ''} sent to the topic classifier's corrections."
            )
            st.rerun()
        evidence = p.evidence.filter(pl.col("topic") == topic["topic"])
        st.dataframe(
            network_names(evidence, "post_network").select(
                "post_network", "posted_at", "text", "reactions", "distinct_reactors"
            ),
            hide_index=True,
            column_config={
                "post_network": "Network",
                "posted_at": st.column_config.DatetimeColumn("Posted", format="D MMM YYYY"),
                "text": st.column_config.TextColumn("Evidence post", width="large"),
                "reactions": "Reactions",
                "distinct_reactors": "Distinct accounts",
            },
            placeholder=UNKNOWN,
        )

for removed in p.removed_topics:
    with st.container(border=True):
        name, action = st.columns([4, 2], vertical_alignment="center")
        name.markdown(f"~~{topic_label(removed)}~~ · marked as wrong in your workspace")
        can_correct = auth.access().allows("editor")
        if action.button(
            "Undo",
            key=f"undo_{removed}",
            icon=":material/undo:",
            disabled=not can_correct,
            help=None if can_correct else "Undoing a correction needs the editor role in this workspace.",
        ):
            profiles.undo_topic_wrong(cursor, auth.access(), person_id, removed)
            st.session_state["topic_note"] = f"{topic_label(removed)} is back on this person in your workspace."
            st.rerun()

st.subheader("Authenticity")
if not p.flags.height:
    st.success("No authenticity flags on their accounts.", icon=":material/verified:")
for flag in p.flags.iter_rows(named=True):
    with st.expander(
        f"{profiles.flag_name(flag['flag'])} on {NETWORK_LABELS[flag['network']]} (@{plain(flag['handle'])})",
        expanded=True,
    ):
        st.markdown("\n".join(f"- {plain(line)}" for line in profiles.flag_sentences(flag["flag"], flag["evidence"])))
        st.caption(f"Severity {flag['severity']:.0%}: the account's rating keeps {1 - flag['severity']:.0%} per flag.")

st.subheader("Who amplifies them")
amp = p.amplifiers
if amp.table.height:
    shown_nodes = plain_cells(amp.nodes, "name")
    edges = (
        alt.Chart(amp.edges)
        .mark_rule(color="#888", opacity=0.45)
        .encode(
            # Axes off in every layer: a layer mixing shown and hidden axes does not render.
            x=alt.X("x:Q", axis=None, scale=alt.Scale(domain=[-1.15, 1.15])),
            y=alt.Y("y:Q", axis=None, scale=alt.Scale(domain=[-1.15, 1.15])),
            x2="x2:Q",
            y2="y2:Q",
            strokeWidth=alt.StrokeWidth("reactions:Q", scale=alt.Scale(range=[0.5, 5]), legend=None),
            tooltip=[alt.Tooltip("reactions:Q", title="Reactions between them")],
        )
    )
    nodes = (
        alt.Chart(shown_nodes)
        .mark_circle(opacity=0.9)
        .encode(
            x=alt.X("x:Q", axis=None, scale=alt.Scale(domain=[-1.15, 1.15])),
            y=alt.Y("y:Q", axis=None, scale=alt.Scale(domain=[-1.15, 1.15])),
            size=alt.Size("reactions:Q", scale=alt.Scale(type="sqrt", range=[30, 900]), legend=None),
            color=alt.Color(
                "is_self:N", scale=alt.Scale(domain=[True, False], range=["#d62728", "#4c78a8"]), legend=None
            ),
            tooltip=["name", "score", alt.Tooltip("reactions:Q", title="Reactions")],
        )
    )
    # The person's own name below their (larger) node, in bold, so it does not sit among the amplifiers' names.
    labels = (
        alt.Chart(shown_nodes)
        .transform_filter(~alt.datum.is_self)
        .mark_text(dy=-14, fontSize=11)
        .encode(x=alt.X("x:Q", axis=None), y=alt.Y("y:Q", axis=None), text="name")
    ) + (
        alt.Chart(shown_nodes)
        .transform_filter(alt.datum.is_self)
        .mark_text(dy=26, fontSize=12, fontWeight="bold")
        .encode(x=alt.X("x:Q", axis=None), y=alt.Y("y:Q", axis=None), text="name")
    )
    picture, table = st.columns([3, 2])
    picture.altair_chart((edges + nodes + labels).properties(height=440), width="stretch")
    table.dataframe(
        plain_cells(amp.table, "name")
        .with_columns(profile="/profile?person=" + amp.table["person_id"].cast(str))
        .select(
            "profile", "name", "score", "reactions", "reposts", "replies", "mentions", "likes", "clicks", "follows"
        ),
        hide_index=True,
        column_config={
            "profile": st.column_config.LinkColumn("Profile", display_text="Open", width="small"),
            "name": "Name",
            "score": "Score",
            "reactions": "Reactions to them",
            **{kind: st.column_config.NumberColumn(kind.capitalize()) for kind in (*REACTION_COLUMNS, "follows")},
        },
        placeholder=UNKNOWN,
    )
    st.caption("The people whose accounts reacted to them most in the scoring window; lines are reactions among them.")
else:
    st.info("Nobody reacted to them in the scoring window.")

st.subheader("Recent posts")
if p.recent_posts.height:
    recent = web_links(network_names(p.recent_posts, "post_network"), "url")
    linked = (recent["url"] != "").any()  # most imports carry no address per post: no column of empty cells then
    st.dataframe(
        recent.with_columns(correct=pl.format("/topics?post={}", "post_id")).select(
            "posted_at",
            "post_network",
            "kind",
            "text",
            "correct",  # beside the post it corrects: at the far right it was off screen
            *(["url"] if linked else []),
            "reactions",
            *REACTION_COLUMNS,
        ),
        hide_index=True,
        column_config={
            "posted_at": st.column_config.DatetimeColumn("Posted (UTC)", format="D MMM YYYY, HH:mm"),
            "post_network": "Network",
            "kind": "Kind",
            "text": st.column_config.TextColumn("Post", width="large"),
            "url": st.column_config.LinkColumn(
                "Link ↗", display_text=r"^https?://([^/?#]+)", help="Opens the post on its network (external site)"
            ),
            "reactions": st.column_config.NumberColumn("Reactions", help="In the scoring window, follows aside"),
            **{kind: st.column_config.NumberColumn(kind.capitalize()) for kind in REACTION_COLUMNS},
            "correct": st.column_config.LinkColumn(
                "Topics", display_text="Correct topics", help="Say what this post is about (Topics page)"
            ),
        },
        placeholder=UNKNOWN,
    )
else:
    st.info("No posts.")
