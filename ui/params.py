"""Query parameters read defensively: a crafted address gives a friendly message, never a traceback."""

from __future__ import annotations

import re

import streamlit as st

_DIGITS = re.compile(r"[0-9]{1,16}")  # ASCII digits only: str.isdigit() also accepts '²', which int() refuses
# The largest id a browser number widget holds exactly; well within the warehouse's BIGINT ids.
ID_MAX = 2**53 - 1


def id_from(text: str | None) -> int | None:
    """`text` as a positive id that fits the warehouse (1 … ID_MAX), else None."""
    if text is None or not _DIGITS.fullmatch(text.strip()):
        return None
    value = int(text.strip())
    return value if 1 <= value <= ID_MAX else None


def id_param(name: str) -> int | None:
    """The query parameter `name` as an id (see `id_from`), None when absent or not a usable id."""
    return id_from(st.query_params.get(name))
