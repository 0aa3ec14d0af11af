"""Home page, where the app opens: what Sway does in three steps, where the data and this workspace's campaigns
stand, and the one thing to do next. UI only: one core call (core.home) and links to the pages."""

from datetime import date

import streamlit as st

from core.home import home
from ui import auth, backend, shell
from ui.text import plain

shell.ensure_app_shell()

st.title("Sway")
st.caption(
    "Find the people whose posts move others in the topics your brand cares about, give them perks, "
    "and measure honestly whether it worked."
)

facts = home(backend.cursor(), auth.access(), backend.warehouse_status(backend.data_key()), date.today())
st.markdown(f"{facts.data_line} {facts.campaigns_line}")

step = facts.next_step
with st.container(border=True):
    st.markdown(f"**Next:** {plain(step.text)}")
    st.page_link(step.page, label=step.label, icon=":material/arrow_forward:", query_params=step.query)

find, give, measure = st.columns(3)
with find.container(border=True, height="stretch"):
    st.markdown("#### 1. Find people")
    st.markdown(
        "Search by topic, network, audience and place. A score of 1–100 says how strongly others react to a "
        "person's posts; the Profile explains every point, and accounts that game reactions count less."
    )
    st.page_link("pages/discover.py", label="Discover", icon=":material/person_search:")
with give.container(border=True, height="stretch"):
    st.markdown("#### 2. Give perks")
    st.markdown(
        "Plan a campaign: its perk, budget, dates and the words to track. Sway suggests who fills the perks "
        "and says beforehand what the list can show."
    )
    st.page_link("pages/campaigns.py", label="Campaigns", icon=":material/campaign:")
with measure.container(border=True, height="stretch"):
    st.markdown("#### 3. See what worked")
    st.markdown(
        "Mentions, reach and cost, and the lift against the time before and against similar people who got no perk."
    )
    latest = facts.latest_campaign
    if latest is not None:
        st.markdown(f"Latest campaign: **{plain(latest[1])}**")
    st.page_link(
        "pages/results.py",
        label="Results",
        icon=":material/monitoring:",
        query_params={"campaign": str(latest[0])} if latest is not None else None,
    )

st.caption(
    "The **Topics** page shows which topics Sway recognises and how well; the **Data** page what Sway holds, "
    "how fresh it is, and how to add your own."
)
