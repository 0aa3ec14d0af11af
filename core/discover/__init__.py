"""Discover: the precomputed discovery tables, parameterised searches over them, shareable filters and exports."""

from core.discover.build import BuildInfo, build_discovery, build_info, current_build, ensure_built, is_stale
from core.discover.export import EXPORT_LIMIT, export_csv, export_xlsx, readable
from core.discover.filters import (
    PAGE_SIZES,
    SORT_KEYS,
    Filters,
    filters_from_params,
    filters_to_params,
    nothing_found,
)
from core.discover.search import Facets, facets, pages, people_rows, result_rows, search

__all__ = [
    "EXPORT_LIMIT",
    "PAGE_SIZES",
    "SORT_KEYS",
    "BuildInfo",
    "Facets",
    "Filters",
    "build_discovery",
    "build_info",
    "current_build",
    "ensure_built",
    "export_csv",
    "export_xlsx",
    "facets",
    "filters_from_params",
    "filters_to_params",
    "is_stale",
    "nothing_found",
    "pages",
    "people_rows",
    "readable",
    "result_rows",
    "search",
]
