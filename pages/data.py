"""Data page: what the warehouse holds, refreshing scores, importing files, rebuilding the demo world.

Like every page it is UI only: each button calls one core/ops function and renders its result."""

import altair as alt
import streamlit as st

from core.collect.mastodon import POLL_SECONDS as MASTODON_POLL_SECONDS
from core.collect.status import overview as collectors_overview
from core.discover.columns import NETWORK_LABELS
from core.ingest import templates
from core.ingest.errors import InputError
from core.numbers import UNKNOWN
from core.ops import bootstrap, imports, rebuild, refresh
from core.ops.lock import Busy
from core.scoring.params import ScoringError
from core.workspace.access import PermissionDenied
from ui import auth, backend, jobs, shell
from ui.text import network_names, plain, plain_cells

shell.ensure_app_shell()
REFRESH_ERRORS = (ScoringError, Busy, PermissionDenied)

st.title("Data")
st.caption("What Sway knows about: people, their accounts on each network, their posts and the reactions to them.")

access = auth.access()
is_operator = auth.operator(access)
if not is_operator:
    st.info(
        "You can look at what the warehouse holds. Refreshing scores, importing files and rebuilding the demo world "
        "change the people, posts and scores every workspace shares, so only an instance operator can do them: "
        "ask whoever runs this Sway server.",
        icon=":material/lock:",
    )

info = backend.warehouse_status(backend.data_key())
counts = info.table_counts
cols = st.columns(4)
for col, (label, table) in zip(
    cols,
    [("People", "people"), ("Accounts", "accounts"), ("Posts", "posts"), ("Reactions", "interactions")],
    strict=True,
):
    col.metric(label, f"{counts[table]:,}", border=True)

period = f"{info.first_activity:%d %b %Y} – {info.last_activity:%d %b %Y}" if info.first_activity else "no activity yet"
st.markdown(f"**Source:** {info.source_text()}. **Activity:** {period}.")
if loaded := info.last_load_text():
    st.caption(plain(loaded))
if is_operator:  # where the server keeps its data is the operator's business, not every member's
    st.caption(f"Warehouse file (for whoever runs this server): `{info.path}`")

st.subheader("Influence scores and topics")
run = info.last_refresh
if run is None:
    st.info("Scores have not been computed yet: press **Refresh** to score everyone.", icon=":material/info:")
elif run["status"] == "ok":
    st.markdown(
        f"Last refreshed on {run['refreshed_at']:%d %b %Y at %H:%M}: {run['people']:,} people scored from "
        f"{run['reactions']:,} reactions in the {run['window_days']} days up to {run['as_of']:%d %b %Y}.",
        help="Fewer than the interactions above: reacting to one's own other account, following back, and the @ a "
        "reply carries of the account it answers are not reactions from others, so the score leaves them out.",
    )
    if changed := refresh.settings_changed_text(backend.cursor()):
        st.caption(plain(changed))
else:
    st.warning(f"The refresh on {run['refreshed_at']:%d %b %Y at %H:%M} failed: {plain(run['message'])}")
if info.last_failure:
    st.warning(
        f"A refresh on {info.last_failure['at']:%d %b %Y at %H:%M} failed, so the results above are still the ones "
        f"shown everywhere. Reason: {plain(info.last_failure['reason'])}",
        icon=":material/warning:",
    )
window = f"the last {run['window_days']} days of" if run else "recent"
st.caption(
    f"A refresh recomputes every influence score from {window} reactions, the authenticity flags, "
    "topic influence and the Discover tables. Everyone keeps seeing the previous results until it is complete."
)
jobs.panel("refresh", access, failure="The scores were not refreshed; the previous results are unchanged.")
busy = jobs.busy()  # one job at a time: every job button waits for the one running
if is_operator and st.button("Refresh scores and topics", icon=":material/autorenew:", disabled=bool(busy), help=busy):
    shared = backend.shared_warehouse()
    jobs.start(
        "refresh",
        access,
        lambda progress: refresh.refresh(shared.cursor(), access, db=shared.path, progress=progress),
        REFRESH_ERRORS,
    )

if is_operator:
    # Keyed: a job's result shown above it once is gone at the next run, and an unkeyed expander would close then.
    with st.expander("Change how scores are computed", icon=":material/tune:", key="data_scoring_settings"):
        st.caption(
            "Pick a setting and a new value, preview who would move most, then apply the change with a refresh. "
            "The settings are stored with the run, noted in the audit log, and marked on every Profile's score history."
        )
        now = refresh.current_settings(backend.cursor())
        st.dataframe(
            now,
            hide_index=True,
            column_order=("what_it_does", "value", "default", "changed"),
            column_config={
                "what_it_does": st.column_config.TextColumn("Setting", width="large"),
                "value": st.column_config.NumberColumn("Now", format="%g", width="small"),
                "default": st.column_config.NumberColumn("Default", format="%g", width="small"),
                "changed": st.column_config.CheckboxColumn("Changed", help="Not at its default", width="small"),
            },
            placeholder=UNKNOWN,
            height="content",  # all ~30 settings at once: a scrolling box of ten hid which ones were changed
        )
        back = refresh.settings_back_to_defaults(backend.cursor())
        described = dict(zip(now["name"], now["what_it_does"], strict=True))
        current = dict(zip(now["name"], now["value"], strict=True))
        choice = st.selectbox(
            "Setting to change",
            [*(["defaults"] if back else []), *now["name"]],
            format_func=lambda name: "Every setting back to its default" if name == "defaults" else described[name],
            key="data_score_setting",
        )
        unchanged = False
        if choice == "defaults":
            settings = back
            st.caption(f"Puts back to the default: {'; '.join(described[name] for name in back)}.")
        else:
            # No minimum here: the browser would refuse a negative value silently and preview the old one; the
            # settings' own check says what is wrong instead.
            value = st.number_input("New value", value=float(current[choice]), format="%g", key=f"data_score_{choice}")
            settings = {choice: str(value)}  # exact: %g would round to 6 digits
            unchanged = value == current[choice]
        if unchanged:
            st.caption("That is the value it has now: type another value to preview the change.")
        wanted = tuple(sorted(settings.items()))
        preview_col, apply_col = st.columns(2)
        try:
            if preview_col.button("Preview", icon=":material/visibility:", disabled=unchanged):
                st.session_state["data_score_preview"] = (
                    wanted,
                    refresh.preview_settings(backend.cursor(), access, settings),
                )
            previewed = st.session_state.get("data_score_preview")
            if previewed and previewed[0] == wanted:
                st.write(previewed[1].summary())
                st.dataframe(
                    plain_cells(previewed[1].moved, "name"),
                    hide_index=True,
                    column_order=("name", "old_score", "new_score", "delta", "moved_most_by", "main_signal_delta"),
                    column_config={
                        "name": st.column_config.TextColumn("Person"),
                        "old_score": st.column_config.NumberColumn("Score now"),
                        "new_score": st.column_config.NumberColumn("Score after"),
                        "delta": st.column_config.NumberColumn("Change", format="%+d"),
                        "moved_most_by": st.column_config.TextColumn(
                            "Moved most by",
                            help="The part of the score whose points change most: a reaction type, or the "
                            "authenticity discount",
                        ),
                        "main_signal_delta": st.column_config.NumberColumn(
                            "That part alone",
                            format="%+.1f",
                            help="How many points that part of the score gains or loses. The other parts can move "
                            "the other way, so the score's change is the sum of all of them: +5.3 here and −1.3 "
                            "elsewhere make +4",
                        ),
                    },
                    placeholder=UNKNOWN,
                )
                if apply_col.button(
                    "Apply and refresh",
                    type="primary",
                    icon=":material/check:",
                    disabled=bool(busy),
                    help=busy,
                ):
                    del st.session_state["data_score_preview"]
                    shared = backend.shared_warehouse()
                    jobs.start(
                        "refresh",
                        access,
                        lambda progress: refresh.refresh(
                            shared.cursor(), access, db=shared.path, settings=settings, progress=progress
                        ),
                        REFRESH_ERRORS,
                    )
        except (ScoringError, Busy, PermissionDenied) as problem:
            st.error(f"The scores stay as they are.\n\n{plain(problem)}", icon=":material/error:")

st.subheader("By network")
labels = {"accounts": "Accounts", "posts": "Posts", "interactions": "Reactions"}
per_network = network_names(info.per_network, "network")
long = per_network.rename(labels).unpivot(index="network", variable_name="what", value_name="rows")
chart = (
    alt.Chart(long)
    .mark_bar()
    .encode(
        x=alt.X("rows:Q", title="Rows"),
        y=alt.Y("network:N", title=None),
        color=alt.Color("network:N", legend=None),
        column=alt.Column("what:N", title=None, sort=list(labels.values()), header=alt.Header(labelFontSize=13)),
        tooltip=["network", "what", alt.Tooltip("rows:Q", format=",")],
    )
    .properties(height=160, width=180)
    .resolve_scale(x="independent")
)
st.altair_chart(chart)
st.dataframe(
    per_network,
    hide_index=True,
    column_config={
        "network": "Network",
        "accounts": st.column_config.NumberColumn("Accounts", format="localized"),
        "posts": st.column_config.NumberColumn("Posts", format="localized"),
        "interactions": st.column_config.NumberColumn("Reactions", format="localized"),
    },
    placeholder=UNKNOWN,
)

st.subheader("Live networks")
collectors = collectors_overview(backend.shared_warehouse().path)
for view in collectors:
    with st.container(border=True, key=f"collector_{view.network}"):
        st.markdown(f"**{NETWORK_LABELS[view.network]}** — {view.state} (last report {view.updated_at:%d %b %H:%M:%S})")
        for col, (label, value) in zip(
            st.columns(4),
            [
                ("Behind live", view.lag_text),
                ("Events, last minute", f"{view.events_last_minute:,}"),
                ("Events, last day", f"{view.events_last_day:,}"),
                ("Skipped (malformed or unknown)", f"{view.skipped:,}"),
            ],
            strict=True,
        ):
            col.metric(label, value)
        if view.last_load:
            st.caption(f"Last load into Sway: {plain(view.last_load)}")
        if view.last_error:
            st.warning(f"Last problem: {plain(view.last_error)}", icon=":material/warning:")
if not collectors:
    st.markdown("No live network is being collected for this warehouse.")
with st.expander("How to switch this warehouse to a live network", key="data_live_howto"):
    st.markdown(
        "The demo world stays the default. To follow **Bluesky** as it happens, run beside the app, on the same "
        "machine:\n\n"
        "`python -m core.cli.collect bluesky` — the whole public network, or `--dids watch.txt` for a list of "
        "accounts (one DID per line; their last 90 days are filled in first).\n\n"
        "It collects posts (text, languages, hashtags, mentions, links), replies, quotes, likes, reposts, follows, "
        "handle and profile changes (names, bios, follower counts), and honours deletions and deactivated "
        "accounts. New posts reach Sway within a minute, so campaign mentions appear on Results by themselves; "
        "scores, flags and topics refresh once a day. For **Mastodon**: `python -m core.cli.collect mastodon "
        "--instance https://mastodon.social --tag yourtag --account name@host`; hashtags arrive live when "
        "`SWAY_MASTODON_TOKEN` holds an access token of yours on that instance (scope read:statuses), else they "
        f"are checked every {MASTODON_POLL_SECONDS:g} seconds. Stop a collector with Ctrl+C; "
        "started again, it continues where it stopped without losing or doubling anything."
    )

if not is_operator:
    st.stop()

st.subheader("Import your own data")
st.markdown(
    "Upload one or more files; they are imported **all together or not at all**, and files you imported before are "
    "not duplicated. Accepted: Sway's interchange files named `accounts…`, `posts…` or `interactions…` "
    "(CSV, Parquet or JSONL — their columns are under “Columns Sway reads” below), Twitter API v1.1 tweets (JSON, "
    "one per line, as Twitter's API returned them), and SNAP activity edge lists (research data: one line per "
    "retweet, mention or reply, `userA userB timestamp RT|MT|RE`). Compressed `.gz` files are fine."
)
with st.expander("Columns Sway reads, file by file", key="data_columns"):
    st.markdown(templates.format_guide())
st.caption(
    "Start from a template: each has every column Sway reads, in order, with example rows to replace by your own "
    "(required columns first; leave an optional cell empty when you don't know it)."
)
for column, kind in zip(st.columns(len(templates.KINDS)), templates.KINDS, strict=True):
    column.download_button(
        f"{kind.capitalize()} template (CSV)",
        templates.template_csv(kind),
        file_name=templates.file_name(kind),
        mime="text/csv",
        icon=":material/download:",
        key=f"template_{kind}",
    )
uploads = st.file_uploader("Files to import", accept_multiple_files=True, key="import_files")
jobs.panel("import", access, failure="Nothing was imported — the warehouse is unchanged.")
if st.button("Import", type="primary", disabled=not uploads or bool(busy), help=busy, icon=":material/upload:"):
    files = [(f.name, f.getvalue()) for f in uploads]
    shared = backend.shared_warehouse()
    jobs.start(
        "import",
        access,
        lambda progress: [
            imports.import_uploads(shared.cursor(), access, files, db=shared.path, progress=progress).summary()
        ],
        (InputError, Busy, PermissionDenied),
    )

st.subheader("Rebuild the demo world")
with st.form("rebuild_demo"):
    st.markdown(
        "Replaces the people, posts, scores and imported files in the warehouse with a freshly generated demo "
        "world. Workspaces, members, the scoring settings, and each workspace's own campaigns and topic corrections "
        "are kept (list entries of people who are not in the new world are dropped); people erased on request stay "
        "out of it. The current data stays in use until the new world is complete."
    )
    people_col, seed_col = st.columns(2)
    people = people_col.number_input(
        "People", min_value=100, max_value=1_000_000, value=bootstrap.DEMO_PEOPLE, step=1000
    )
    seed = seed_col.number_input("Seed", min_value=0, value=bootstrap.DEMO_SEED, step=1, help="Same seed, same world.")
    confirmed = st.checkbox("I understand that all people, posts and imported files will be replaced")
    submitted = st.form_submit_button("Rebuild demo world", icon=":material/refresh:", disabled=bool(busy), help=busy)
if submitted and not confirmed:
    st.warning("Tick the box to confirm that all current data may be replaced, then press Rebuild again.")
elif submitted:
    shared = backend.shared_warehouse()
    jobs.start(
        "rebuild",
        access,
        lambda progress: rebuild.rebuild_demo(shared, access, people=int(people), seed=int(seed), progress=progress),
        (Busy, PermissionDenied),
    )
jobs.panel("rebuild", access, failure="The demo world was not rebuilt; nothing changed.")
