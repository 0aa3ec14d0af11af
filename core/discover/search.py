"""Searching the discovery tables: every filter value is a bound parameter; only fixed column names are formatted in.

A search is a count and one sorted page over the flat `discovery` table, which is stored sorted by combined
score (score ranges skip row groups; the default order is a plain top-N). Topics are columns of it (one per
topic slot, plus a bit mask), so a topic filter is a column test rather than a join. Free text first looks
its words up in `discovery_words` (sorted by word, so a prefix reads a row group or two) and joins only the
matching people.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb
import numpy as np
import polars as pl

from core.db.warehouse import rows
from core.discover.columns import SCORE_COLUMNS, network_mask, topic_column
from core.discover.filters import Filters
from core.vocabulary import NETWORKS

# The columns of a result page, in display order.
RESULT_COLUMNS = (
    "person_id", "name", "handles", "score", *(SCORE_COLUMNS[n] for n in NETWORKS), "audience",
    "engagement_rate", "authenticity", "flagged", "location", "language", "topics", "topic_influence",
    "score_low", "score_high", "too_little_data",
)  # fmt: skip
_WORD = re.compile(r"[^\W_]+")  # letters and digits, as the build's [^\pL\pN]+ split keeps them
_CANDIDATES = "_discover_text_matches"
_LAST_CHAR = "\U0010ffff"  # every word starting with a prefix sorts below prefix + this


@dataclass(frozen=True)
class Facets:
    """The choices the filters offer on this warehouse."""

    topics: list[str]  # most common first
    languages: list[str]  # most common first


@dataclass(frozen=True)
class _Query:
    source: str  # FROM: discovery, joined to the people whose words match the free text
    topic_influence: str  # expression: best influence among the chosen topics (else the top topic's)
    where: str
    order: str
    params: list


def words(text: str) -> list[str]:
    """The distinct lower-cased words of a free-text search; each must start a word of the name, a handle or a bio."""
    return list(dict.fromkeys(_WORD.findall(text.lower())))


def _text_matches(con: duckdb.DuckDBPyConnection, text: str) -> np.ndarray | None:
    """Person ids matching every word of the text (None when there is no text)."""
    found = None
    for word in words(text):
        ids = con.sql(
            "SELECT DISTINCT person_id FROM discovery_words WHERE word >= ? AND word < ?",
            params=[word, word + _LAST_CHAR],
        ).fetchnumpy()["person_id"]
        found = ids if found is None else np.intersect1d(found, ids, assume_unique=True)
        if not len(found):
            break
    return found


def _topic_clauses(con: duckdb.DuckDBPyConnection, filters: Filters, params: list) -> tuple[list[str], str]:
    """(WHERE clauses, influence expression) for the topic filter, via the slots the topics occupy."""
    if not filters.topics:
        return [], "top_topic_influence"
    slots = dict(rows(con, "SELECT topic, slot FROM discovery_topic_slots"))
    known = [slots[t] for t in dict.fromkeys(filters.topics) if t in slots]
    if not known or (filters.topic_mode == "all" and len(known) < len(set(filters.topics))):
        return ["false"], "NULL::SMALLINT"  # a topic nobody has evidence for
    columns = ", ".join(topic_column(s) for s in known)
    mask = sum(1 << s for s in known)
    if filters.topic_mode == "all":
        clauses = ["topic_mask & ? = ?"]
        params += [mask, mask]
    else:
        clauses = ["topic_mask & ? <> 0"]
        params.append(mask)
    if filters.min_topic_influence > 1:
        clauses.append(f"{'least' if filters.topic_mode == 'all' else 'greatest'}({columns}) >= ?")
        params.append(filters.min_topic_influence)
    return clauses, f"greatest({columns})"


def _clauses(filters: Filters, params: list) -> list[str]:
    """WHERE clauses of everything but topics and free text."""
    clauses = []
    if filters.score_network != "all" or (filters.score_min, filters.score_max) != (1, 100):
        clauses.append(f"{SCORE_COLUMNS[filters.score_network]} BETWEEN ? AND ?")
        params += [filters.score_min, filters.score_max]
    if filters.networks:
        clauses.append("networks & ? <> 0")
        params.append(network_mask(filters.networks))
    for column, value, op in (
        ("audience", filters.audience_min, ">="),
        ("audience", filters.audience_max, "<="),
        ("engagement_rate", filters.engagement_min, ">="),
        ("engagement_rate", filters.engagement_max, "<="),
    ):
        if value is not None:
            clauses.append(f"{column} {op} ?")
            params.append(value / 100 if column == "engagement_rate" else value)
    if filters.hide_flagged:
        clauses.append("NOT flagged")
    if filters.hide_uncertain:
        clauses.append("NOT too_little_data")
    if filters.min_authenticity > 0:
        clauses.append("authenticity >= ?")
        params.append(filters.min_authenticity)
    if filters.location.strip():
        clauses.append("contains(lower(location), ?)")
        params.append(filters.location.strip().lower())
    if filters.languages:
        clauses.append(f"language IN ({', '.join('?' for _ in filters.languages)})")
        params += list(filters.languages)
    return clauses


@contextmanager
def _prepared(con: duckdb.DuckDBPyConnection, filters: Filters) -> Iterator[_Query]:
    """The search's query parts; the people matching the free text are registered for the join while in use."""
    params: list = []
    clauses, influence = _topic_clauses(con, filters, params)
    clauses += _clauses(filters, params)
    matches = _text_matches(con, filters.text)
    source = "discovery"
    if matches is not None and not len(matches):
        clauses.append("false")
    elif matches is not None:
        con.register(_CANDIDATES, pl.DataFrame({"person_id": matches}))
        source = f"discovery JOIN {_CANDIDATES} USING (person_id)"
    sort = {
        "score": f"{SCORE_COLUMNS[filters.score_network]} DESC NULLS LAST",
        "topic_influence": f"{influence} DESC NULLS LAST",
        "audience": "audience DESC",
        "engagement": "engagement_rate DESC NULLS LAST",
    }[filters.sort]
    try:
        yield _Query(source, influence, " AND ".join(clauses) or "true", f"{sort}, score DESC, person_id", params)
    finally:
        if source != "discovery":
            con.unregister(_CANDIDATES)


def _count(con: duckdb.DuckDBPyConnection, q: _Query) -> int:
    return rows(con, f"SELECT count(*) FROM {q.source} WHERE {q.where}", q.params)[0][0]  # noqa: S608 - module doc


def _page(con: duckdb.DuckDBPyConnection, q: _Query, limit: int, offset: int) -> pl.DataFrame:
    columns = ", ".join(
        f"{q.topic_influence} AS topic_influence" if c == "topic_influence" else c for c in RESULT_COLUMNS
    )
    return con.sql(
        f"SELECT {columns} FROM {q.source} WHERE {q.where} ORDER BY {q.order} LIMIT ? OFFSET ?",  # noqa: S608
        params=[*q.params, limit, offset],
    ).pl()


def pages(total: int, page_size: int) -> int:
    """Number of pages a result of `total` rows has (at least 1, so page 1 always exists)."""
    return max(1, math.ceil(total / page_size))


def search(con: duckdb.DuckDBPyConnection, filters: Filters) -> tuple[int, pl.DataFrame]:
    """(number of matches, the requested page of them); a page past the end gives the last page."""
    with _prepared(con, filters) as q:
        total = _count(con, q)
        page = min(filters.page, pages(total, filters.page_size))
        return total, _page(con, q, filters.page_size, (page - 1) * filters.page_size)


def result_rows(con: duckdb.DuckDBPyConnection, filters: Filters, limit: int) -> pl.DataFrame:
    """The first `limit` matches in the search's order, ignoring paging (for exports)."""
    with _prepared(con, filters) as q:
        return _page(con, q, limit, 0)


def facets(con: duckdb.DuckDBPyConnection) -> Facets:
    """Topics and languages present in the discovery tables, most common first."""
    topics = rows(con, "SELECT topic FROM discovery_topic_slots ORDER BY slot")
    languages = rows(
        con,
        "SELECT language FROM discovery WHERE language IS NOT NULL GROUP BY language ORDER BY count(*) DESC, language",
    )
    return Facets(topics=[t for (t,) in topics], languages=[lang for (lang,) in languages])
