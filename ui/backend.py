"""The process-wide warehouse for the UI: one holder, cursors per run, cache keys, the first-start build and the
progress of its background topics.

It holds no SQL and no business logic: those are in core.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import duckdb
import streamlit as st

from core.db import status, warehouse
from core.db.connections import SharedWarehouse
from core.discover import BuildInfo, current_build
from core.ops import bootstrap, first_start
from core.scoring import runs


@st.cache_resource(on_release=lambda shared: shared.close())
def shared_warehouse() -> SharedWarehouse:
    """The one warehouse holder of this server process (all sessions share it via cursors)."""
    return SharedWarehouse()


@st.cache_resource
def _first_start_lock() -> threading.Lock:
    return threading.Lock()


@st.cache_resource
def _late_topics() -> list[first_start.LateTopics]:
    """The first start's background topics job, once this server process has started one (shared by sessions)."""
    return []


def cursor() -> duckdb.DuckDBPyConnection:
    """A cursor for this script run's queries."""
    return shared_warehouse().cursor()


def data_key() -> tuple:
    """Cache key for query results: changes when the file is swapped or data is loaded."""
    shared = shared_warehouse()
    return (*warehouse.file_identity(shared.path)[:2], *warehouse.data_version(cursor()))


def discover_build() -> BuildInfo:
    """The current Discover build, rebuilt first (with a spinner) if data changed; pages reading it call this once."""
    with st.spinner("Preparing Discover for the current data (once per data change)…"):
        return current_build(cursor())


_SWAPPED = "_sway_redrawn_after_swap"


def run_page(run: Callable[[], None]) -> None:
    """Run the page; when the warehouse file was swapped under it (a rebuild or an erasure's rewrite, started by
    any session or the command line), draw it again on the new file rather than show the closed connection's error.

    The swap closes the connection every cursor handed out before it belongs to; a new run gets a new cursor, once
    the swap is over. A connection that fails three runs in a row is not a swap: its error is shown.
    """
    try:
        run()
    except duckdb.ConnectionException:
        redrawn = st.session_state.get(_SWAPPED, 0)
        if redrawn >= 3:
            raise
        st.session_state[_SWAPPED] = redrawn + 1
        st.rerun()
    st.session_state.pop(_SWAPPED, None)


def data_changed() -> None:
    """Forget cached query results after this app changed the warehouse."""
    st.cache_data.clear()


@st.cache_data(show_spinner=False)
def warehouse_status(key: tuple) -> status.WarehouseStatus:
    """Counts, dates and last load of the warehouse (cached per data version)."""
    con = cursor()
    return status.status(con, str(shared_warehouse().path), last_refresh=runs.latest_refresh(con))


def needs_first_start() -> bool:
    """True until the demo warehouse of the first start exists (the app then shows only its progress)."""
    return not warehouse.exists(shared_warehouse().path)


def ensure_warehouse() -> None:
    """On the first start, build the demo world with a visible progress bar, then continue."""
    shared = shared_warehouse()
    if warehouse.exists(shared.path):
        return
    with _first_start_lock():
        st.title("Welcome to Sway")
        st.write(
            "This is the first start: Sway is building its demo warehouse, a realistic world of "
            f"{bootstrap.DEMO_PEOPLE:,} people on five networks with 90 days of posts and reactions. "
            "It takes under a minute and happens only once."
        )
        bar = st.progress(0.0, text="Starting…")
        late = first_start.ensure_ready(shared, progress=lambda f, msg: bar.progress(min(f, 1.0), text=msg))
        if late is not None:
            _late_topics().append(late)
        data_changed()
        bar.empty()
    st.rerun()


def topics_pending() -> first_start.TopicsProgress | None:
    """The first start's topics while they are still being found in the background, else None."""
    for late in _late_topics():
        if not (progress := late.progress()).finished:
            return progress
    return None


def topics_notice() -> None:
    """In the sidebar while the first start's topics are being found: their progress, moving on its own; when
    they are done, a page drawn without them is drawn again once. An error is shown in words."""
    if not (late := _late_topics()):
        return
    progress = late[-1].progress()
    if progress.error:
        st.sidebar.warning(progress.error, icon=":material/warning:")
    elif not progress.finished or st.session_state.get(_SAW_PENDING):
        with st.sidebar:
            _topics_progress()


_SAW_PENDING = "_sway_saw_topics_pending"


@st.fragment(run_every=2)
def _topics_progress() -> None:
    progress = _late_topics()[-1].progress()
    if not progress.finished:
        st.session_state[_SAW_PENDING] = True
        st.progress(progress.fraction, text=f"Finding topics: {progress.message}")
        st.caption("Everything else works meanwhile; topic filters and evidence appear when this is done.")
    elif st.session_state.pop(_SAW_PENDING, False):
        st.rerun(scope="app")  # the page was drawn without topics: draw it again with them
