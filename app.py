"""Sway: influencer discovery for marketers. Entry point: page config, sign-in state, navigation."""

import streamlit as st

from pages import _shared

st.set_page_config(page_title="Sway", page_icon=":material/insights:", layout="wide")

_shared.ensure_warehouse()

with st.sidebar:
    st.caption("Local workspace — no sign-in configured, everyone using this server sees the same data.")

navigation = st.navigation(
    [
        st.Page("pages/data.py", title="Data", icon=":material/database:", default=True),
        st.Page("pages/discover.py", title="Discover", icon=":material/person_search:"),
        st.Page("pages/profile.py", title="Profile", icon=":material/person:"),
    ]
)
navigation.run()
