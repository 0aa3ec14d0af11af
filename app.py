"""Sway: influencer discovery for marketers. Entry point: page config, sign-in state, navigation."""

import streamlit as st

from ui import auth, backend, shell

st.set_page_config(page_title="Sway", page_icon=":material/insights:", layout="wide")

auth.require_sign_in()
first_start = backend.needs_first_start()
# Workspaces are stored in the warehouse: checked before navigation once it exists, so a screen refusing the
# account lists no pages. On the first start the build reruns the app; only when another session finished the
# build meanwhile are they checked after it (with the navigation hidden, as on the first start).
mine = [] if first_start else auth.require_membership()
# Navigation comes before the first start's build: once it is defined Streamlit stops listing the pages/ folder's
# file names in the sidebar, and while the demo world is being built there is nothing to navigate to yet.
navigation = st.navigation(shell.pages(), position="hidden" if first_start else "sidebar")
backend.ensure_warehouse()
auth.sidebar(auth.require_membership() if first_start else mine)
backend.topics_notice()
with shell.app_shell():
    backend.run_page(navigation.run)
