"""Sway: influencer discovery for marketers. Entry point: page config, sign-in state, navigation."""

import streamlit as st

from ui import auth, backend, shell

st.set_page_config(page_title="Sway", page_icon=":material/insights:", layout="wide")

auth.require_sign_in()
# Navigation comes before the first start's build: once it is defined Streamlit stops listing the pages/ folder's
# file names in the sidebar, and while the demo world is being built there is nothing to navigate to yet.
navigation = st.navigation(
    [
        st.Page("pages/data.py", title="Data", icon=":material/database:", default=True),
        st.Page("pages/discover.py", title="Discover", icon=":material/person_search:"),
        st.Page("pages/profile.py", title="Profile", icon=":material/person:"),
        st.Page("pages/campaigns.py", title="Campaigns", icon=":material/campaign:"),
        st.Page("pages/results.py", title="Results", icon=":material/monitoring:"),
        st.Page("pages/topics.py", title="Topics", icon=":material/label:"),
        st.Page("pages/workspace.py", title="Workspace", icon=":material/group:"),
    ],
    position="hidden" if backend.needs_first_start() else "sidebar",
)
backend.ensure_warehouse()
auth.sidebar()
backend.topics_notice()
with shell.app_shell():
    navigation.run()
