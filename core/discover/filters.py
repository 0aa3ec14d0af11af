"""The Discover filters and their query-parameter form, so a bookmarked or shared link restores a search."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

from core.discover.columns import SCORE_COLUMNS
from core.vocabulary import NETWORKS

# The menu's labels stay the same whatever is typed: Streamlit's select box sends back the label it showed, so a
# label that changed with the words would come back as an unknown sort.
SORT_KEYS: dict[str, str] = {
    "relevance": "Best match (else score)",
    "score": "Score",
    "topic_influence": "Topic influence",
    "audience": "Audience",
    "engagement": "Engagement rate",
}
TOPIC_MODES = ("any", "all")
PAGE_SIZES = (25, 50, 100, 200)
MAX_TEXT = 200  # longer free text is cut: nobody types more, and every word costs a scan
_LIMITS = {"audience": 10**15, "engagement": 10.0**6, "page": 10**6}  # keeps URL numbers inside SQL types


@dataclass(frozen=True)
class Filters:
    """One Discover search. Ranges are inclusive; None means open. Engagement is in percent (1.5 = 1.5%)."""

    score_network: str = "all"  # 'all' (combined score) or a network: the score the range and the sort use
    score_min: int = 1
    score_max: int = 100
    topics: tuple[str, ...] = ()
    topic_mode: str = "any"  # 'any' or 'all' of the topics
    min_topic_influence: int = 1
    networks: tuple[str, ...] = ()  # an account on any of them; empty = any network
    # With networks chosen, audience and engagement apply to each account on them (one must meet all four);
    # without, to the person's followers summed over networks and their overall engagement.
    audience_min: int | None = None
    audience_max: int | None = None
    engagement_min: float | None = None
    engagement_max: float | None = None
    hide_flagged: bool = False
    hide_uncertain: bool = False  # hide scores marked too little data (core/scoring/uncertainty.py)
    min_authenticity: int = 0
    location: str = ""  # case-insensitive part of the location, e.g. 'london'
    languages: tuple[str, ...] = ()
    text: str = ""  # every word (stemmed) must be a word of the name, a handle, a bio or a post in the window
    sort: str = "relevance"  # without text, relevance is the score order
    page: int = 1
    page_size: int = 50

    def __post_init__(self) -> None:
        for name in ("topics", "networks", "languages"):  # accept lists from widgets; keep the dataclass hashable
            value = getattr(self, name)
            if not isinstance(value, tuple):
                object.__setattr__(self, name, (value,) if isinstance(value, str) else tuple(value))
        if self.score_network not in SCORE_COLUMNS:
            raise ValueError(f"Unknown score network {self.score_network!r}; use one of {list(SCORE_COLUMNS)}.")
        if self.sort not in SORT_KEYS:
            raise ValueError(f"Unknown sort key {self.sort!r}; use one of {list(SORT_KEYS)}.")
        if self.topic_mode not in TOPIC_MODES:
            raise ValueError(f"Unknown topic mode {self.topic_mode!r}; use 'any' or 'all'.")
        if unknown := set(self.networks) - set(NETWORKS):
            raise ValueError(f"Unknown networks {sorted(unknown)}; use some of {list(NETWORKS)}.")
        if self.page < 1 or not 1 <= self.page_size <= max(PAGE_SIZES):
            raise ValueError(f"page must be >= 1 and page_size 1..{max(PAGE_SIZES)}.")

    def on_page(self, page: int) -> Filters:
        """The same search on another page (page 1 after any filter change)."""
        return replace(self, page=page)


def nothing_found(filters: Filters) -> str:
    """Why a search found nobody and what to try, in words: a range whose 'from' is above its 'to', words nobody
    has, or filters that together leave no one."""
    reversed_ranges = [
        f"{label} 'from' ({low:,}{unit}) is above 'to' ({high:,}{unit}): swap them."
        for label, low, high, unit in (
            ("Audience", filters.audience_min, filters.audience_max, ""),
            ("Engagement", filters.engagement_min, filters.engagement_max, "%"),
        )
        if low is not None and high is not None and low > high
    ]
    if reversed_ranges:
        return " ".join(reversed_ranges)
    if filters.text.strip():
        return (
            f"Nobody has every word of '{filters.text.strip()}' in their name, handles, bio or posts of the last 90 "
            "days (among the people the other filters leave). Try fewer or other words, or loosen the filters."
        )
    return (
        "Nobody matches all these filters together. Loosen one of them: the score range, topics, audience, "
        "engagement, authenticity, location or languages."
    )


# Query-parameter names: short, stable, and only written when they differ from the default.
_RANGES = {"score": ("score_min", "score_max"), "aud": ("audience_min", "audience_max"),
           "eng": ("engagement_min", "engagement_max")}  # fmt: skip
_LISTS = {"topic": "topics", "net": "networks", "lang": "languages"}
_SCALARS = {"on": "score_network", "topics": "topic_mode", "min_topic": "min_topic_influence",
            "min_auth": "min_authenticity", "loc": "location", "q": "text", "sort": "sort", "page": "page",
            "per": "page_size"}  # fmt: skip
_DEFAULT = Filters()


def _number(value: float | int) -> str:
    """Plain digits (never an exponent, whose '-' would split a range)."""
    return f"{value:.6f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def filters_to_params(filters: Filters) -> dict[str, str | list[str]]:
    """The filters as query parameters; defaults are left out so the plain search has a clean URL."""
    params: dict[str, str | list[str]] = {}
    for key, (low, high) in _RANGES.items():
        lo, hi = getattr(filters, low), getattr(filters, high)
        if (lo, hi) != (getattr(_DEFAULT, low), getattr(_DEFAULT, high)):
            params[key] = f"{'' if lo is None else _number(lo)}-{'' if hi is None else _number(hi)}"
    for key, name in _LISTS.items():
        if values := getattr(filters, name):
            params[key] = list(values)
    for key, name in _SCALARS.items():
        value = getattr(filters, name)
        if value != getattr(_DEFAULT, name):
            params[key] = _number(value) if isinstance(value, int | float) else str(value)
    if filters.hide_flagged:
        params["hide_flagged"] = "1"
    if filters.hide_uncertain:
        params["hide_uncertain"] = "1"
    return params


def _last(value: str | list[str] | tuple[str, ...]) -> str:
    if isinstance(value, str):
        return value
    return value[-1] if value else ""


def _as_list(value: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Repeated parameters or one comma-separated value (which st.query_params.to_dict() leaves)."""
    items = [value] if isinstance(value, str) else list(value)
    return tuple(dict.fromkeys(part.strip() for item in items for part in item.split(",") if part.strip()))


def _parse(text: str, kind: type) -> int | float | None:
    try:
        number = kind(text.strip())
    except ValueError:
        return None
    return number if isinstance(number, int) or math.isfinite(number) else None


def filters_from_params(params: Mapping[str, str | list[str]]) -> Filters:
    """Filters from query parameters; anything unreadable or out of range falls back to its default."""
    values: dict[str, object] = {}
    for key, (low, high) in _RANGES.items():
        text = _last(params.get(key, ""))
        if "-" not in text:
            continue
        kind = float if key == "eng" else int
        lo_text, _, hi_text = text.partition("-")
        lo = _parse(lo_text, kind) if lo_text.strip() else None
        hi = _parse(hi_text, kind) if hi_text.strip() else None
        values[low], values[high] = (hi, lo) if lo is not None and hi is not None and hi < lo else (lo, hi)
    for key, name in _LISTS.items():
        if key in params:
            values[name] = _as_list(params[key])
    values["networks"] = tuple(n for n in values.get("networks", ()) if n in NETWORKS)  # drop unknown, keep the rest
    kinds = {f.name: type(getattr(_DEFAULT, f.name)) for f in fields(Filters)}
    for key, name in _SCALARS.items():
        if key in params:
            text = _last(params[key])
            values[name] = text[:MAX_TEXT] if kinds[name] is str else _parse(text, kinds[name])
    values["hide_flagged"] = _last(params.get("hide_flagged", "")).lower() in {"1", "true", "yes"}
    values["hide_uncertain"] = _last(params.get("hide_uncertain", "")).lower() in {"1", "true", "yes"}
    if values.get("page_size") not in PAGE_SIZES:
        values.pop("page_size", None)  # the page offers only these
    return _tolerant(values)


def _tolerant(values: dict[str, object]) -> Filters:
    """Filters built field by field, dropping values that fail validation, with numbers clamped into range."""
    kept: dict[str, object] = {}
    for name, value in values.items():
        if value is None and getattr(_DEFAULT, name) is not None:
            continue
        try:
            Filters(**(kept | {name: value}))
        except (TypeError, ValueError):
            continue
        kept[name] = value
    filters = Filters(**kept)
    score_min = _clamp(filters.score_min, 1, 100)
    return replace(
        filters,
        score_min=score_min,
        score_max=_clamp(filters.score_max, score_min, 100),
        min_topic_influence=_clamp(filters.min_topic_influence, 1, 100),
        min_authenticity=_clamp(filters.min_authenticity, 0, 100),
        audience_min=_clamp(filters.audience_min, 0, _LIMITS["audience"]),
        audience_max=_clamp(filters.audience_max, 0, _LIMITS["audience"]),
        engagement_min=_clamp(filters.engagement_min, 0.0, _LIMITS["engagement"]),
        engagement_max=_clamp(filters.engagement_max, 0.0, _LIMITS["engagement"]),
        page=_clamp(filters.page, 1, _LIMITS["page"]),
    )


def _clamp(value: float | None, low: float, high: float) -> float | None:
    return None if value is None else min(max(value, low), high)
