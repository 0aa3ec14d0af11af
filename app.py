"""Sway: influencer discovery for marketers. Entry point: page config, sign-in state, navigation."""

import streamlit as st

from ui import auth, backend, shell

st.set_page_config(page_title="Sway", page_icon=":material/insights:", layout="wide")

auth.require_sign_in()
# Navigation comes before the first start's build: once it is defined Streamlit stops listing the pages/ folder's
# file names in the sidebar, and while the demo world is being built there is nothing to navigate to yet.
navigation = st.navigation(shell.pages(), position="hidden" if backend.needs_first_start() else "sidebar")
backend.ensure_warehouse()
auth.sidebar()
backend.topics_notice()
with shell.app_shell():
    navigation.run()
