"""Discover page: find people by score, topic, audience, engagement, authenticity, place and words (in names,
bios and posts, best match first); open a profile; export the selection or the whole result; put the selection
on a campaign (one core/ops call). The filters live in the URL, so a link restores the search. Ticks belong to
people (ui/selection): they follow them through filters, sorting and pages, and every action names them."""

from datetime import date

import polars as pl
import streamlit as st

from core import discover
from core.campaigns import handover
from core.campaigns import records as campaign_records
from core.campaigns.model import CampaignError
from core.discover.columns import NETWORK_LABELS
from core.discover.followers import followers_text
from core.numbers import count_of, rate_texts
from core.ops import campaigns as campaign_ops
from core.topics.removals import removals_version
from core.vocabulary import NETWORKS, topic_label, topic_labels
from ui import auth, backend, exports, selection, shell
from ui.text import plain, plain_cells

_WIDGETS = "discover_"  # prefix of this page's widget keys
_TABLE = f"{_WIDGETS}results"  # the results table's key (its ticks: ui/selection)
_COLUMNS = (
    "profile", "name", "matching_post", "score", "too_little_data", "followers", "topics", "topic_influence",
    "audience", "engagement_rate", "handles", "authenticity", "flagged", "location", "language",
    *(f"score_{n}" for n in NETWORKS),
)  # fmt: skip

shell.ensure_app_shell()


@st.cache_data(show_spinner=False, max_entries=256)
def _search(key: tuple, filters: discover.Filters, workspace_id: int) -> tuple[int, pl.DataFrame]:
    """(matches, page) of a search in the workspace, cached per data version, build and the workspace's topic
    removals (`key`) and filters."""
    return discover.search(backend.cursor(), filters, workspace_id)


@st.cache_data(show_spinner=False, max_entries=64)
def _people(key: tuple, ids: tuple[int, ...], workspace_id: int) -> pl.DataFrame:
    """Result rows of these people in the workspace (a selection can reach beyond the page shown), cached like
    searches."""
    return discover.people_rows(backend.cursor(), list(ids), workspace_id)


@st.cache_data(show_spinner=False)
def _facets(key: tuple) -> discover.Facets:
    """The topics and languages on offer, cached per data version and build."""
    return discover.facets(backend.cursor())


def _query_params() -> dict[str, list[str]]:
    """Every query parameter with all its values (st.query_params[...] gives only the last)."""
    return {k: st.query_params.get_all(k) for k in st.query_params}


st.title("Discover")
cursor = backend.cursor()
build = backend.discover_build()
key = (*backend.data_key(), build)
workspace_id = auth.access().workspace_id
facets = _facets(key)

# On arrival the URL (else this session's last search) sets the widgets; afterwards the URL follows them.
# Streamlit forgets widget values while another page is shown, hence the check on a widget key.
if f"{_WIDGETS}text" not in st.session_state:
    arrived = _query_params()
    start = (
        discover.filters_from_params(arrived)
        if arrived
        else st.session_state.get(f"{_WIDGETS}last", discover.Filters())
    )
    st.session_state.update(
        {
            f"{_WIDGETS}text": start.text,
            f"{_WIDGETS}on": start.score_network,
            f"{_WIDGETS}score": (start.score_min, start.score_max),
            f"{_WIDGETS}topics": [t for t in start.topics if t in facets.topics],
            f"{_WIDGETS}topic_mode": start.topic_mode,
            f"{_WIDGETS}min_topic": start.min_topic_influence,
            f"{_WIDGETS}networks": list(start.networks),
            f"{_WIDGETS}aud_min": start.audience_min,
            f"{_WIDGETS}aud_max": start.audience_max,
            f"{_WIDGETS}eng_min": start.engagement_min,
            f"{_WIDGETS}eng_max": start.engagement_max,
            f"{_WIDGETS}hide_flagged": start.hide_flagged,
            f"{_WIDGETS}hide_uncertain": start.hide_uncertain,
            f"{_WIDGETS}min_auth": start.min_authenticity,
            f"{_WIDGETS}location": start.location,
            f"{_WIDGETS}languages": [lang for lang in start.languages if lang in facets.languages],
            f"{_WIDGETS}sort": start.sort,
            f"{_WIDGETS}page_size": start.page_size,
            f"{_WIDGETS}page": start.page,
        }
    )

if not build.scored:
    st.info("Scores have not been computed yet — run a refresh on the Data page. Until then everyone scores 1.")

with st.sidebar:
    st.header("Filters")
    st.text_input(
        "Words in names, bios or posts",
        key=f"{_WIDGETS}text",
        placeholder="e.g. running shoes, mira",
        help="Whole words (running also finds run and runs) in names, handles, bios and posts of the window; "
        "every word must occur. Best matches first when sorted by best match.",
    )
    st.selectbox(
        "Score on",
        ["all", *NETWORKS],
        format_func=lambda n: "Combined score" if n == "all" else NETWORK_LABELS[n],
        key=f"{_WIDGETS}on",
        help="The combined score counts the reactions on all of a person's networks together, so someone active "
        "on several networks usually scores higher combined than on any one of them (less if one of their accounts "
        "is flagged). A network's score counts only the reactions there.",
    )
    st.slider("Score", 1, 100, key=f"{_WIDGETS}score")
    if backend.topics_pending() is not None:
        st.caption("Topics are still being found (progress in the sidebar): the topic filter fills in when ready.")
    elif not facets.topics:
        st.caption("Topics have not been computed yet, so there is nothing to filter by topic.")
    st.multiselect(
        "Topics", facets.topics, format_func=topic_label, key=f"{_WIDGETS}topics", disabled=not facets.topics
    )
    st.segmented_control(
        "People with",
        ["any", "all"],
        format_func=lambda m: f"{m} of these topics",
        key=f"{_WIDGETS}topic_mode",
        required=True,
    )
    st.slider("Minimum topic influence", 1, 100, key=f"{_WIDGETS}min_topic")
    st.multiselect(
        "On networks",
        list(NETWORKS),
        format_func=NETWORK_LABELS.get,
        key=f"{_WIDGETS}networks",
        help="With networks chosen, audience and engagement are those of an account on one of them.",
    )
    on_networks = " · ".join(NETWORK_LABELS[n] for n in st.session_state[f"{_WIDGETS}networks"])
    st.caption(f"Audience and engagement: {f'of one account on {on_networks}' if on_networks else 'all networks'}")
    low, high = st.columns(2)
    low.number_input("Audience from", min_value=0, step=1000, key=f"{_WIDGETS}aud_min")
    high.number_input("to", min_value=0, step=1000, key=f"{_WIDGETS}aud_max")
    low, high = st.columns(2)
    low.number_input("Engagement % from", min_value=0.0, step=0.1, format="%.2f", key=f"{_WIDGETS}eng_min")
    high.number_input("to ", min_value=0.0, step=0.1, format="%.2f", key=f"{_WIDGETS}eng_max")
    st.toggle("Hide flagged accounts", key=f"{_WIDGETS}hide_flagged")
    st.toggle("Hide scores with too little data", key=f"{_WIDGETS}hide_uncertain")
    st.slider("Minimum authenticity", 0, 100, key=f"{_WIDGETS}min_auth")
    st.text_input("Location", key=f"{_WIDGETS}location", placeholder="e.g. London")
    st.multiselect("Languages", facets.languages, key=f"{_WIDGETS}languages")

state = st.session_state
score_min, score_max = state[f"{_WIDGETS}score"]
filters = discover.Filters(
    score_network=state[f"{_WIDGETS}on"],
    score_min=score_min,
    score_max=score_max,
    topics=tuple(state[f"{_WIDGETS}topics"]),
    # None for a moment when a rerun starts before the control is drawn again; 'any' is what it then shows.
    topic_mode=state[f"{_WIDGETS}topic_mode"] or "any",
    min_topic_influence=state[f"{_WIDGETS}min_topic"],
    networks=tuple(state[f"{_WIDGETS}networks"]),
    audience_min=state[f"{_WIDGETS}aud_min"],
    audience_max=state[f"{_WIDGETS}aud_max"],
    engagement_min=state[f"{_WIDGETS}eng_min"],
    engagement_max=state[f"{_WIDGETS}eng_max"],
    hide_flagged=state[f"{_WIDGETS}hide_flagged"],
    hide_uncertain=state[f"{_WIDGETS}hide_uncertain"],
    min_authenticity=state[f"{_WIDGETS}min_auth"],
    location=state[f"{_WIDGETS}location"],
    languages=tuple(state[f"{_WIDGETS}languages"]),
    text=state[f"{_WIDGETS}text"],
    sort=state[f"{_WIDGETS}sort"],
    page_size=state[f"{_WIDGETS}page_size"],
    page=state[f"{_WIDGETS}page"],
)
# Any change other than paging starts again from the first page.
if state.get(f"{_WIDGETS}last") not in (None, filters.on_page(1)):
    filters = filters.on_page(1)
state[f"{_WIDGETS}last"] = filters.on_page(1)

# The workspace's topic removals change what a person's topics and topic influence are: part of the key.
search_key = (*key, removals_version(cursor, workspace_id))
total, rows = _search(search_key, filters, workspace_id)
rows = plain_cells(rows, "name", "handles", "location", "matching_post")
pages = discover.pages(total, filters.page_size)
page = min(filters.page, pages)
state[f"{_WIDGETS}page"] = page
params = discover.filters_to_params(filters.on_page(page))
if params != _query_params():
    st.query_params.from_dict(params)

count, sort, size = st.columns([3, 2, 1], vertical_alignment="bottom")
count.markdown(f"### {total:,} {'person' if total == 1 else 'people'}")
sort.selectbox("Sort by", list(discover.SORT_KEYS), format_func=discover.SORT_KEYS.get, key=f"{_WIDGETS}sort")
size.selectbox("Per page", discover.PAGE_SIZES, key=f"{_WIDGETS}page_size")
st.space("small")  # room for the table's toolbar, which shows above its corner on hover and hid "Per page"
if not total:
    st.info(plain(discover.nothing_found(filters)), icon=":material/search_off:")

shown = rows.with_columns(
    topic_labels(pl.col("topics")),
    profile="/profile?person=" + rows["person_id"].cast(str),
    followers=followers_text({n: f"followers_{n}" for n in NETWORKS}),
    engagement_rate=rate_texts(pl.col("engagement_rate")),  # as Profile: 0.00089%, never 0.00%; none reads '–'
    # Found by their own text, not a post: say where the words are rather than show an empty cell.
    matching_post=pl.col("matching_post").fill_null("(in their name, handles or bio)"),
)
columns = [c for c in _COLUMNS if c != "matching_post" or filters.text.strip()]
# Scored on one network, the rows are in that network's score order: its score sits first, beside the combined one.
network_score = None if filters.score_network == "all" else f"score_{filters.score_network}"
if network_score is not None:
    columns.remove(network_score)
    columns.insert(columns.index("score"), network_score)
earlier = selection.selected_ids(_TABLE)
still = _people(search_key, tuple(earlier), workspace_id) if earlier else None
chosen = selection.people_table(
    shown.select("person_id", *dict.fromkeys(["name", *columns])),  # only what is shown goes to the browser
    key=_TABLE,
    keep_hidden=True,
    stored=dict(zip(still["person_id"].to_list(), still["name"].to_list(), strict=True)) if still is not None else None,
    hide_index=True,
    column_order=columns,
    column_config={
        "profile": st.column_config.LinkColumn("Profile", display_text="Open", width="small"),
        "name": "Name",
        "handles": "Handles",
        "score": st.column_config.ProgressColumn("Score", min_value=1, max_value=100, format="%d"),
        "topics": st.column_config.ListColumn("Topics"),
        "topic_influence": st.column_config.NumberColumn(
            "Topic influence",
            help="Their best influence in the chosen topics"
            if filters.topics
            else "Their influence in their strongest topic",
        ),
        "followers": st.column_config.TextColumn("Followers", help="Followers of their account on each network"),
        "audience": st.column_config.NumberColumn(
            "Audience (all networks)" if filters.networks else "Audience",
            format="compact",
            width="medium" if filters.networks else None,  # the longer header whole, not 'Audience (
            help="Followers summed over all their networks"
            + (". The audience filter tests one account on the chosen networks" if filters.networks else ""),
        ),
        "engagement_rate": st.column_config.TextColumn(
            "Engagement (all networks)" if filters.networks else "Engagement",
            width="medium" if filters.networks else None,
            help="Each account's reactions in the window / (its posts in the window × its followers), pooled over "
            "all their accounts; order by it with Sort by above"
            + (
                ". The engagement filter tests one account on the chosen networks, so this can differ from the "
                "rate it tested"
                if filters.networks
                else ""
            ),
        ),
        "matching_post": st.column_config.TextColumn(
            "Matching post", help="Their post that best matches the words, unless the words are in their own text"
        ),
        "authenticity": st.column_config.NumberColumn("Authenticity"),
        "flagged": st.column_config.CheckboxColumn("Flagged"),
        "too_little_data": st.column_config.CheckboxColumn("Too little data"),
        "location": "Location",
        "language": "Language",
        **{f"score_{n}": st.column_config.NumberColumn(f"{NETWORK_LABELS[n]} score") for n in NETWORKS},
        **(
            {
                network_score: st.column_config.ProgressColumn(
                    f"{NETWORK_LABELS[filters.score_network]} score", min_value=1, max_value=100, format="%d"
                ),
                "score": st.column_config.ProgressColumn("Combined score", min_value=1, max_value=100, format="%d"),
            }
            if network_score is not None
            else {}
        ),
    },
)

back, where, forward = st.columns([1, 2, 1], vertical_alignment="center")
if back.button("← Previous", disabled=page <= 1, width="stretch"):
    state[f"{_WIDGETS}page"] = page - 1
    st.rerun()
where.markdown(f"<div style='text-align:center'>Page {page:,} of {pages:,}</div>", unsafe_allow_html=True)
if forward.button("Next →", disabled=page >= pages, width="stretch"):
    state[f"{_WIDGETS}page"] = page + 1
    st.rerun()

if rows.height:
    # A new search, filter, order or page offers its own first row: the box is a new widget for each list of rows
    # (resetting one widget's value left the browser showing the earlier pick while the button opened another).
    on_page = rows["person_id"].to_list()
    open_key = f"{_WIDGETS}open_{selection.rows_key(on_page)}"
    if (previous_box := state.get(f"{_WIDGETS}open_key")) not in (None, open_key):
        state.pop(previous_box, None)
    state[f"{_WIDGETS}open_key"] = open_key
    pick, go = st.columns([3, 1], vertical_alignment="bottom")
    person = pick.selectbox(
        "Open a profile",
        on_page,
        format_func=dict(zip(rows["person_id"], rows["name"], strict=True)).get,
        key=open_key,
    )
    if go.button("Open profile", type="primary", width="stretch"):
        st.switch_page("pages/profile.py", query_params={"person": str(person)})

st.subheader("Your selection")
ids = sorted(chosen)
hidden = len(set(ids) - set(rows["person_id"].to_list()))
who, clear = st.columns([4, 1], vertical_alignment="center")
who.markdown(f"**{selection.whom(chosen)}**" if chosen else "Nobody selected — tick rows in the table.")
if hidden:
    who.caption(
        f"{hidden:,} of them {'is' if hidden == 1 else 'are'} not among the rows shown (another page or filter): "
        "ticks stay with people, and the actions below include them."
    )
if clear.button("Clear selection", disabled=not chosen, width="stretch", icon=":material/deselect:"):
    selection.clear(_TABLE)
    st.rerun()

st.subheader("Export")
left, right = st.columns(2)
with left:
    st.caption(f"The selected people ({len(ids):,}).")
    exports.export_button(
        "Selection as CSV",
        lambda: discover.export_csv(discover.readable(_people(search_key, tuple(ids), workspace_id))),
        file_name="sway-selection.csv",
        disabled=not ids,
    )
    exports.export_button(
        "Selection as XLSX",
        lambda: discover.export_xlsx(discover.readable(_people(search_key, tuple(ids), workspace_id))),
        file_name="sway-selection.xlsx",
        disabled=not ids,
    )
with right:
    cut = ", the first ones" if total > discover.EXPORT_LIMIT else ""
    st.caption(f"The whole result ({min(total, discover.EXPORT_LIMIT):,} rows{cut}).")
    exports.export_button(
        "Result as CSV",
        lambda con: discover.export_csv(
            discover.readable(discover.result_rows(con, filters, discover.EXPORT_LIMIT, workspace_id))
        ),
        file_name="sway-result.csv",
        disabled=not total,
        reads_warehouse=True,
    )
    exports.export_button(
        "Result as XLSX",
        lambda con: discover.export_xlsx(
            discover.readable(discover.result_rows(con, filters, discover.EXPORT_LIMIT, workspace_id))
        ),
        file_name="sway-result.xlsx",
        disabled=not total,
        reads_warehouse=True,
    )

access = auth.access()
if access.allows("editor"):
    st.subheader("Add selected to a campaign")
    campaigns = campaign_records.list_campaigns(cursor, access)
    titles = dict(zip(campaigns["campaign_id"], campaigns["name"], strict=True))
    # A campaign that has finished is still offered (a late addition), but named as such.
    finished = campaigns.filter(campaign_records.stages(campaigns, date.today()) == "finished")
    ended = {c: f"{day:%d %b %Y}" for c, day in zip(finished["campaign_id"], finished["ends_on"], strict=True)}
    target_col, add_col, new_col = st.columns([2, 1, 1], vertical_alignment="bottom")
    target = target_col.selectbox(
        "Campaign",
        # Those not over first: the one offered before any choice is one people can still be added to.
        [c for c in titles if c not in ended] + [c for c in titles if c in ended],
        format_func=lambda c: f"{titles[c]} — ended {ended[c]}" if c in ended else titles[c],
        key=f"{_WIDGETS}campaign",
        placeholder="No campaigns yet — create one",
    )
    if ids and target is not None:
        st.caption(f"“Add to campaign” puts {selection.whom(chosen)} on “{plain(titles[target])}”.")
    if add_col.button("Add to campaign", disabled=not ids or target is None, width="stretch"):
        try:
            version = int(campaigns.filter(campaigns["campaign_id"] == target)["version"][0])
            added, _ = campaign_ops.add_people(cursor, access, target, ids, version)
        except CampaignError as exc:
            st.error(plain(exc))
        else:
            already = len(ids) - added
            note = f" {count_of(already, 'person was', 'people were')} already on its list." if already else ""
            st.success(f"Added {count_of(added, 'person', 'people')} to “{plain(titles[target])}”.{note}")
            if target in ended and added:
                st.warning(
                    f"“{plain(titles[target])}” ended on {ended[target]}: its results measure the people on its list "
                    "while it ran, so people added now count as if they had been on it. Start a new campaign for "
                    "them instead, unless they really were part of this one.",
                    icon=":material/event_busy:",
                )
            st.page_link(
                "pages/campaigns.py",
                label=f"Open “{plain(titles[target])}”",
                icon=":material/campaign:",
                query_params={"campaign": str(target)},
            )
            backend.data_changed()
    if new_col.button("New campaign with them", disabled=not ids, width="stretch", icon=":material/campaign:"):
        # The Campaigns page reads ?campaign=new&people=1,2,3 and the search's targeting (the same link works from
        # anywhere), so the suggested list fills the campaign with people like those chosen.
        handed = {"campaign": "new", "people": ",".join(map(str, ids)), **handover.from_search(filters).to_params()}
        st.switch_page("pages/campaigns.py", query_params=handed)
