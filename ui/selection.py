"""Tickable tables of people whose ticks belong to people, not to row positions.

st.dataframe reports a selection as row positions and keeps them (by widget key) when the rows change, so
after a filter, a sort, a new page or a removal the ticks would land on whoever now sits in those rows. Here
the selection is kept as person ids (with names, to say whom an action touches): each run turns the positions
the user ticked in the rows shown last time into ids, then ticks the positions those ids have in the rows shown
now (Streamlit 1.67 lets a selection be set through st.session_state before the table is drawn).
"""

from __future__ import annotations

import hashlib
from typing import Any

import polars as pl
import streamlit as st

from core.numbers import UNKNOWN
from ui.text import plain

_NAMES_SHOWN = 5  # names listed in full before "and N more"


def _stored(key: str) -> dict[int, str]:
    return st.session_state.setdefault(f"{key}__people", {})


def selected_ids(key: str) -> list[int]:
    """The person ids selected in the table `key` so far, sorted (to look up whether they are still there)."""
    return sorted(_stored(key))


def people_table(
    frame: pl.DataFrame, *, key: str, keep_hidden: bool, stored: dict[int, str] | None = None, **dataframe: Any
) -> dict[int, str]:
    """Show `frame` (with person_id and name columns) with row ticks; return the selection as {person_id: name}.

    keep_hidden: whether people ticked earlier stay selected while the rows shown no longer include them (a
    search that pages and filters); otherwise the selection is only ever people shown now (a fixed list).
    stored: {person_id: name} of the selected people as the warehouse holds them now; someone missing (erased) or
    under another name (their id went to someone else) is unticked, so no action ever reaches the wrong person.
    """
    chosen = _stored(key)
    if stored is not None:
        for person in [p for p, name in chosen.items() if stored.get(p) != name]:
            chosen.pop(person)
    shown_before: list[int] = st.session_state.get(f"{key}__shown", [])
    widget = st.session_state.get(key)
    if widget is None:
        # The table was not drawn in the last run (another page was open) and Streamlit forgot its ticks: they are
        # not unticks, and the selection kept here stands.
        ticked: list[int] = []
        ticked_ids = set(shown_before) & set(chosen)
    else:
        ticked = widget.get("selection", {}).get("rows", [])
        ticked_ids = {shown_before[i] for i in ticked if i < len(shown_before)}
    for person in set(shown_before) - ticked_ids:
        chosen.pop(person, None)
    names = dict(zip(frame["person_id"].to_list(), frame["name"].to_list(), strict=True))
    for person in ticked_ids:
        chosen[person] = names.get(person, chosen.get(person, "")) or f"Person {person}"
    if not keep_hidden:
        for person in set(chosen) - set(names):
            chosen.pop(person)
    shown = frame["person_id"].to_list()
    positions = [i for i, person in enumerate(shown) if person in chosen]
    if positions != sorted(ticked):
        st.session_state[key] = {"selection": {"rows": positions, "columns": [], "cells": []}}
    st.session_state[f"{key}__shown"] = shown
    st.dataframe(frame, key=key, on_select="rerun", selection_mode="multi-row", **dataframe, placeholder=UNKNOWN)
    return dict(chosen)


def clear(key: str) -> None:
    """Untick everyone; the table shows it on the next run (its own state cannot change once it is drawn)."""
    _stored(key).clear()
    st.session_state[f"{key}__shown"] = []


def whom(chosen: dict[int, str]) -> str:
    """The selection in words for Markdown, e.g. '3 people: Mira Torvalen, Zoë Müller and Carl Jones'."""
    if not chosen:
        return "Nobody selected"
    names = sorted((plain(name) for name in chosen.values()), key=str.casefold)
    listed = ", ".join(names[:_NAMES_SHOWN])
    more = len(names) - _NAMES_SHOWN
    if more > 0:
        listed += f" and {more:,} more"
    elif len(names) > 1:
        listed = ", ".join(names[:-1]) + f" and {names[-1]}"
    return f"{len(names):,} {'person' if len(names) == 1 else 'people'}: {listed}"


def rows_key(person_ids: list[int]) -> str:
    """A short key that changes with the list of people shown: a widget keyed with it is new for each list."""
    return hashlib.sha256(",".join(map(str, person_ids)).encode()).hexdigest()[:12]
