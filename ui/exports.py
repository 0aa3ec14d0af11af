"""Download buttons for exports: the file type from its name, the file made when clicked, every download audited.

A button whose click reruns the script hands the browser a file that the rerun then replaces: a second click
within a second asks for the old one and gets nothing (MediaFileStorageError in the log). So the click never
reruns (on_click="ignore"): the file is generated on the server at each click, and noted in the audit log
then, with a cursor of its own (the click is served outside any script run).
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import streamlit as st

from core.workspace.audit import record_export
from ui import auth, backend

_MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html",
    "png": "image/png",
    "svg": "image/svg+xml",
}

# What a button hands out: the bytes, a function making them, or one making them from a warehouse cursor.
ExportData = bytes | Callable[[], bytes] | Callable[[duckdb.DuckDBPyConnection], bytes]


def export_button(
    label: str, data: ExportData, file_name: str, *, disabled: bool = False, reads_warehouse: bool = False
) -> None:
    """A download button for an export: made at each click (with a fresh cursor if `reads_warehouse`), audited."""
    shared = backend.shared_warehouse()
    access = auth.access()

    def generate() -> bytes:
        con = shared.cursor()
        try:
            made = data if isinstance(data, bytes) else data(con) if reads_warehouse else data()  # type: ignore[call-arg]
            record_export(con, access, file_name)
            return made
        finally:
            con.close()

    st.download_button(
        label,
        generate,
        file_name=file_name,
        mime=_MIME[file_name.rsplit(".", 1)[-1]],
        on_click="ignore",
        disabled=disabled,
        icon=":material/download:",
    )
