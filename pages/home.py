"""Home page, where the app opens: what Sway does in three steps, where the data and this workspace's campaigns
stand, and the one thing to do next. UI only: one core call (core.home) and links to the pages."""

from datetime import date

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.home import home
from ui import auth, backend, shell
from ui.text import plain

shell.ensure_app_shell()


def _step(
    column: DeltaGenerator,
    heading: str,
    text: str,
    page: str,
    label: str,
    icon: str,
    *,
    campaign: tuple[int, str] | None = None,
) -> None:
    """One of the three steps: what it is for, and a link to its page (to `campaign`'s results, when given)."""
    with column.container(border=True, height="stretch"):
        st.markdown(f"#### {heading}")
        st.markdown(text)
        if campaign is not None:
            st.markdown(f"Latest campaign: **{plain(campaign[1])}**")
        query = {"campaign": str(campaign[0])} if campaign is not None else None
        st.page_link(page, label=label, icon=icon, query_params=query)


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
_step(
    find,
    "1. Find people",
    "Search by topic, network, audience and place. A score of 1–100 says how strongly others react to a person's "
    "posts; the Profile explains every point, and accounts that game reactions count less.",
    "pages/discover.py",
    "Discover",
    ":material/person_search:",
)
_step(
    give,
    "2. Give perks",
    "Plan a campaign: its perk, budget, dates and the words to track. Sway suggests who fills the perks and says "
    "beforehand what the list can show.",
    "pages/campaigns.py",
    "Campaigns",
    ":material/campaign:",
)
_step(
    measure,
    "3. See what worked",
    "Mentions, reach and cost, and the lift against the time before and against similar people who got no perk.",
    "pages/results.py",
    "Results",
    ":material/monitoring:",
    campaign=facts.latest_campaign,
)

st.caption(
    "The **Topics** page shows which topics Sway recognises and how well; the **Data** page what Sway holds, "
    "how fresh it is, and how to add your own."
)
