"""The app shell: every page runs inside app.py (sign-in, first start, navigation), even on a deep link.

Streamlit has no setting to turn off its legacy `pages/` folder convention: until some run in the server
process has called st.navigation, it runs a deep link such as /discover?topic=... as pages/discover.py
alone, skipping app.py (AppTest does so on every rerun). Sway keeps the `pages/` folder, so this module is
the one documented place that handles it: app.py marks its own runs with `app_shell()`, and every page calls
`ensure_app_shell()` first, which runs app.py in place of a page-alone run.
"""

from __future__ import annotations

import runpy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import streamlit as st

APP = Path(__file__).resolve().parents[1] / "app.py"
_shell = threading.local()


def pages() -> list[st.Page]:
    """The app's pages in the sidebar's order (app.py's navigation; the sign-in screens hide them)."""
    return [
        st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
        st.Page("pages/discover.py", title="Discover", icon=":material/person_search:"),
        st.Page("pages/profile.py", title="Profile", icon=":material/person:"),
        st.Page("pages/campaigns.py", title="Campaigns", icon=":material/campaign:"),
        st.Page("pages/results.py", title="Results", icon=":material/monitoring:"),
        st.Page("pages/topics.py", title="Topics", icon=":material/label:"),
        st.Page("pages/data.py", title="Data", icon=":material/database:"),
        st.Page("pages/workspace.py", title="Workspace", icon=":material/group:"),
    ]


@contextmanager
def app_shell() -> Iterator[None]:
    """Mark this script run as started by app.py (sign-in, first start and navigation already done)."""
    _shell.active = True
    try:
        yield
    finally:
        _shell.active = False


def ensure_app_shell() -> None:
    """Run app.py in place of a page that Streamlit started on its own; every page calls this first.

    app.py's navigation runs this page again inside the shell, and the page-alone run stops. No rerun, so
    the widget events of this run are kept.
    """
    if not getattr(_shell, "active", False):
        runpy.run_path(str(APP))
        st.stop()
