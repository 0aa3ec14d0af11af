"""Streamlit glue shared by the pages: the process-wide warehouse, cached reads, first-start build.

Not a page itself (app.py lists the pages explicitly); it holds no SQL and no business logic.
"""

from __future__ import annotations

import runpy
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import streamlit as st

from core import bootstrap, status, warehouse
from core.access import Access
from core.connections import SharedWarehouse

_shell = threading.local()


@contextmanager
def app_shell() -> Iterator[None]:
    """Mark this script run as started by app.py (sign-in, first start and navigation already done)."""
    _shell.active = True
    try:
        yield
    finally:
        _shell.active = False


def ensure_app_shell() -> None:
    """Run a page that Streamlit started on its own through app.py instead; every page calls this first.

    Until some run in the server process has called st.navigation, Streamlit treats the `pages/` folder by
    its legacy convention and runs a deep link such as /discover?topic=... as that file alone, skipping
    app.py's sign-in and first-start build (AppTest does so on every rerun). Here app.py runs in its place,
    its navigation runs this page again inside the shell, and the page-alone run stops. No rerun, so the
    widget events of this run are kept.
    """
    if not getattr(_shell, "active", False):
        runpy.run_path(str(warehouse.REPO_ROOT / "app.py"))
        st.stop()


@st.cache_resource(on_release=lambda shared: shared.close())
def shared_warehouse() -> SharedWarehouse:
    """The one warehouse holder of this server process (all sessions share it via cursors)."""
    return SharedWarehouse()


@st.cache_resource
def _first_start_lock() -> threading.Lock:
    return threading.Lock()


def cursor() -> duckdb.DuckDBPyConnection:
    """A cursor for this script run's queries."""
    return shared_warehouse().cursor()


def data_key() -> tuple:
    """Cache key for query results: changes when the file is swapped or data is loaded."""
    shared = shared_warehouse()
    return (*warehouse.file_identity(shared.path)[:2], *warehouse.data_version(cursor()))


def data_changed() -> None:
    """Forget cached query results after this app changed the warehouse."""
    st.cache_data.clear()


@st.cache_data(show_spinner=False)
def warehouse_status(key: tuple) -> status.WarehouseStatus:
    """Counts, dates and last load of the warehouse (cached per data version)."""
    return status.status(cursor(), str(shared_warehouse().path))


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
            "It takes about a minute and happens only once."
        )
        bar = st.progress(0.0, text="Starting…")
        bootstrap.ensure_ready(shared, progress=lambda f, msg: bar.progress(min(f, 1.0), text=msg))
        data_changed()
        bar.empty()
    st.rerun()


def access() -> Access:
    """Who is using this session, in which workspace, with which role (the local workspace without sign-in)."""
    from pages._auth import current_access  # _auth builds on this module

    return current_access()


def log_export(file_name: str) -> None:
    """Download buttons' on_click: note the export in the audit log."""
    from core.audit import record_export

    record_export(cursor(), access(), file_name)


_MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html",
    "png": "image/png",
    "svg": "image/svg+xml",
}


def export_button(label: str, data: object, file_name: str, *, disabled: bool = False) -> None:
    """A download button for an export: type from the file name, and the download noted in the audit log."""
    st.download_button(
        label,
        data,
        file_name=file_name,
        mime=_MIME[file_name.rsplit(".", 1)[-1]],
        on_click=log_export,
        args=(file_name,),
        disabled=disabled,
        icon=":material/download:",
    )
