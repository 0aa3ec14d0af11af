"""Download buttons for exports: the file type from its name, and every download noted in the audit log."""

from __future__ import annotations

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


def _log_export(file_name: str) -> None:
    """The button's on_click: lists of people leave the app this way, so each download is audited."""
    record_export(backend.cursor(), auth.access(), file_name)


def export_button(label: str, data: object, file_name: str, *, disabled: bool = False) -> None:
    """A download button for an export: type from the file name, and the download noted in the audit log."""
    st.download_button(
        label,
        data,
        file_name=file_name,
        mime=_MIME[file_name.rsplit(".", 1)[-1]],
        on_click=_log_export,
        args=(file_name,),
        disabled=disabled,
        icon=":material/download:",
    )
