"""Data page: what the warehouse holds, importing files, rebuilding the demo world."""

import altair as alt
import streamlit as st

from core import bootstrap
from core.ingest.errors import InputError
from core.ingest.uploads import import_uploads
from pages import _shared

st.title("Data")
st.caption("What Sway knows about: people, their accounts on each network, their posts and the reactions to them.")

for message in st.session_state.pop("data_messages", []):
    st.success(message, icon=":material/check_circle:")

info = _shared.warehouse_status(_shared.data_key())
counts = info.table_counts
cols = st.columns(4)
for col, (label, table) in zip(
    cols,
    [("People", "people"), ("Accounts", "accounts"), ("Posts", "posts"), ("Reactions", "interactions")],
    strict=True,
):
    col.metric(label, f"{counts[table]:,}", border=True)

origin = {
    "demo": "the built-in demo world (generated, realistic, with planted gaming accounts and past campaigns)",
    "import": "imported files",
    "mixed": "the demo world plus imported files",
    "empty": "nothing yet",
}[info.origin]
period = f"{info.first_activity:%d %b %Y} – {info.last_activity:%d %b %Y}" if info.first_activity else "no activity yet"
st.markdown(f"**Source:** {origin}. **Activity:** {period}.")
if info.last_load:
    load = info.last_load
    verb = "Built the demo world" if load["kind"] == "demo" else "Imported"
    st.caption(f"Last load: {verb} ({', '.join(load['sources'])}) on {load['finished_at']:%d %b %Y at %H:%M}.")
st.caption(f"Warehouse file: `{info.path}`")

st.subheader("By network")
labels = {"accounts": "Accounts", "posts": "Posts", "interactions": "Reactions"}
long = info.per_network.rename(labels).unpivot(index="network", variable_name="what", value_name="rows")
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
    info.per_network,
    hide_index=True,
    column_config={
        "network": "Network",
        "accounts": st.column_config.NumberColumn("Accounts", format="localized"),
        "posts": st.column_config.NumberColumn("Posts", format="localized"),
        "interactions": st.column_config.NumberColumn("Reactions", format="localized"),
    },
)

st.subheader("Import your own data")
st.markdown(
    "Upload one or more files; they are imported **all together or not at all**, and files you imported before are "
    "not duplicated. Accepted: Sway's interchange files named `accounts…`, `posts…` or `interactions…` "
    "(CSV, Parquet or JSONL — columns in `core/ingest/INTERCHANGE.md`), Twitter API v1.1 tweets (JSON, one per line), "
    "and SNAP activity edge lists (`userA userB timestamp RT|MT|RE`). Compressed `.gz` files are fine."
)
uploads = st.file_uploader("Files to import", accept_multiple_files=True, key="import_files")
if st.button("Import", type="primary", disabled=not uploads, icon=":material/upload:"):
    bar = st.progress(0.0, text="Reading files…")
    try:
        report = import_uploads(
            _shared.cursor(),
            [(f.name, f.getvalue()) for f in uploads],
            progress=lambda f, msg: bar.progress(min(f, 1.0), text=msg),
        )
    except InputError as problem:
        bar.empty()
        st.error(f"Nothing was imported — the warehouse is unchanged.\n\n{problem}", icon=":material/error:")
    else:
        _shared.data_changed()
        st.session_state["data_messages"] = [report.summary()]
        st.rerun()

st.subheader("Rebuild the demo world")
with st.form("rebuild_demo"):
    st.markdown(
        "Replaces **everything** in the warehouse with a freshly generated demo world. The current data stays in "
        "use until the new world is complete."
    )
    people_col, seed_col = st.columns(2)
    people = people_col.number_input(
        "People", min_value=100, max_value=1_000_000, value=bootstrap.DEMO_PEOPLE, step=1000
    )
    seed = seed_col.number_input("Seed", min_value=0, value=bootstrap.DEMO_SEED, step=1, help="Same seed, same world.")
    confirmed = st.checkbox("I understand that all current data, including imported files, will be replaced")
    submitted = st.form_submit_button("Rebuild demo world", icon=":material/refresh:")
if submitted and not confirmed:
    st.warning("Tick the box to confirm that all current data may be replaced, then press Rebuild again.")
elif submitted:
    bar = st.progress(0.0, text="Starting…")
    bootstrap.rebuild_demo(
        _shared.shared_warehouse(),
        people=int(people),
        seed=int(seed),
        progress=lambda f, msg: bar.progress(min(f, 1.0), text=msg),
    )
    _shared.data_changed()
    st.session_state["data_messages"] = [f"Rebuilt the demo world: {int(people):,} people, seed {int(seed)}."]
    st.rerun()
