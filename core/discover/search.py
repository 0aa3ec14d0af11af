"""Searching the discovery tables: every filter value is a bound parameter; only fixed column names are formatted in.

A search is a count and one sorted page over the flat `discovery` table, which is stored sorted by combined
score (score ranges skip row groups; the default order is a plain top-N). Topics are columns of it (one per
topic slot, plus a bit mask), so a topic filter is a column test rather than a join. With networks chosen,
audience and engagement test `discovery_accounts` (one account on a chosen network must meet them all).
Free text is cut into words exactly as the index was (core/discover/words.py), looked up in `discovery_terms`
(sorted by the word's hash, so a word reads a row group or two) and ranked by BM25: a person's relevance is that of
their best-matching document (their profile text or one post), every word must occur somewhere in their
documents, and the best-matching post is shown with them.
Searching for a workspace, topics its marketers marked as wrong for a person are gone from that person: a small
table of those few people (their removed topics and slot bits) is LEFT JOINed only when the topic filter or the
order depends on it (the join costs a scan); otherwise it is applied to the page's rows alone.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb
import polars as pl

from core.db.warehouse import registered, rows
from core.discover.columns import SCORE_COLUMNS, TOPIC_SLOTS, network_mask, topic_column
from core.discover.filters import PAGE_SIZES, Filters
from core.discover.relevance import MATCHES, rank
from core.discover.words import search_words
from core.topics.removed import REMOVED_TOPICS
from core.vocabulary import NETWORKS

# The columns of a result page, in display order.
RESULT_COLUMNS = (
    "person_id", "name", "handles", "score", *(SCORE_COLUMNS[n] for n in NETWORKS), "audience",
    "engagement_rate", "authenticity", "flagged", "location", "language", "topics", "topic_influence",
    "score_low", "score_high", "too_little_data",
    *(f"followers_{n}" for n in NETWORKS), "relevance", "matching_post",
)  # fmt: skip
_CANDIDATES = "_discover_text_matches"
# The index rows of the words searched for ($words), each with the word's position among them (from 0).
_HITS = """
    SELECT list_position($words, word) - 1 AS word, person_id, post_id, hits, length FROM discovery_terms
    WHERE bucket IN (SELECT hash(unnest($words::VARCHAR[]))) AND list_contains($words, word)
"""
_EVERY_WORD = f"""
    WITH hit AS ({_HITS}),
    held AS (SELECT word, count(*) AS documents FROM hit GROUP BY word),
    everyone AS (SELECT person_id FROM hit GROUP BY person_id HAVING count(DISTINCT word) = len($words))
    SELECT hit.*, held.documents FROM hit JOIN held USING (word) SEMI JOIN everyone USING (person_id)
"""  # noqa: S608 - a fixed query made of the one above
_REMOVED = "_discover_topic_removals"  # the people the searching workspace removed topics from (_removals)
_SLOT_INFLUENCE = f"[{', '.join(topic_column(s) for s in range(TOPIC_SLOTS))}]"  # a row's influence per slot


@dataclass(frozen=True)
class Facets:
    """The choices the filters offer on this warehouse."""

    topics: list[str]  # most common first
    languages: list[str]  # most common first


@dataclass(frozen=True)
class _Query:
    joins: str  # joined to discovery: the workspace's removals, when the query needs them
    topic_influence: str  # expression: best influence among the chosen topics (else in their strongest topic)
    text_match: bool  # the people the text finds are joined too, with their relevance and best-matching post
    where: str
    order: str
    params: list
    removals: pl.DataFrame | None = None  # the workspace's topic removals (_removals), applied to the page's rows
    strongest: bool = True  # topic_influence is the strongest topic's (no topic chosen)
    subquery: bool = False  # `where` holds a sub-query (network-scoped audience or engagement)


def _text_matches(con: duckdb.DuckDBPyConnection, text: str) -> pl.DataFrame | None:
    """(person_id, relevance, post_id) of the people whose documents hold every word; None without words.

    The text is cut and stemmed exactly as the index was (core/discover/words.py); the index rows of its words are
    read here and ranked by core/discover/relevance.py.
    """
    wanted = search_words(text)
    if not wanted:
        return None
    totals = rows(con, "SELECT documents, avg_length FROM discovery_text_stats")
    if not totals:  # never built: no index to search
        return pl.DataFrame(schema=MATCHES)
    documents, avg_length = totals[0]
    if len(wanted) == 1:
        hits = con.sql(_HITS, params={"words": wanted}).pl()
        return rank(hits, [hits.height], documents, avg_length)
    # Several words: only the rows of people with every one leave DuckDB (a sentence of common words reads tens of
    # millions of index rows, which DuckDB groups within its memory limit), each with how many documents hold it.
    hits = con.sql(_EVERY_WORD, params={"words": wanted}).pl()
    held = dict(hits.group_by("word").agg(pl.col("documents").first()).iter_rows())
    return rank(hits, [held.get(w, 0) for w in range(len(wanted))], documents, avg_length)


def _kept(slot: int) -> str:
    """The topic column of `slot`, NULL for the people the workspace removed it from (slots are integers)."""
    return f"(CASE WHEN removed_slots & {1 << slot:d} <> 0 THEN NULL ELSE {topic_column(slot)} END)"


# The best influence among the topics the workspace left a person (joined to _REMOVED with _with_kept_top).
_KEPT_TOP = "CASE WHEN removed_slots IS NULL THEN top_topic_influence ELSE kept_top END"


def _with_kept_top(con: duckdb.DuckDBPyConnection, removals: pl.DataFrame) -> pl.DataFrame:
    """The removals with kept_top: per person the best influence among the topics left, read from the slots of
    their rows only. Worked out over every slot of every row of a million people, it took 100 ms a search."""
    slots = con.sql(
        f"SELECT person_id, {_SLOT_INFLUENCE} AS slot_influence FROM discovery "  # noqa: S608 - fixed names
        "WHERE person_id IN (SELECT unnest(?::BIGINT[]))",
        params=[removals["person_id"].to_list()],
    ).pl()
    kept = [
        (person, max((v for s, v in enumerate(influence) if v is not None and not removed >> s & 1), default=None))
        for person, influence, removed in slots.join(removals, on="person_id")
        .select("person_id", "slot_influence", "removed_slots")
        .iter_rows()
    ]
    influence_type = slots.schema["slot_influence"].inner  # type: ignore[attr-defined] - a list column
    top = pl.DataFrame(kept, schema={"person_id": pl.Int64, "kept_top": influence_type}, orient="row")
    return removals.join(top, on="person_id", how="left")


def _removals(con: duckdb.DuckDBPyConnection, workspace_id: int | None) -> pl.DataFrame | None:
    """Per person the workspace removed topics from: those topics and their slot bits; None without removals.

    Read from the removals alone (few rows, marked one by one), never from discovery, so it costs no scan.
    """
    if workspace_id is None:
        return None
    removed = con.sql(
        f"""
        SELECT r.person_id, r.removed_topics, coalesce(bit_or(1::UINTEGER << s.slot), 0) AS removed_slots
        FROM {REMOVED_TOPICS} r LEFT JOIN discovery_topic_slots s ON list_contains(r.removed_topics, s.topic)
        GROUP BY ALL
        """,  # noqa: S608 - module doc
        params=[workspace_id],
    ).pl()
    return removed if len(removed) else None


def _topic_clauses(
    filters: Filters, params: list, slots: dict[str, int], removed: set[str], top: str
) -> tuple[list[str], str]:
    """(WHERE clauses, influence expression) for the topic filter, via the slots the topics occupy; without
    chosen topics, the influence is `top` (the strongest topic's).

    A topic the workspace marked as wrong for a person (`removed`, then joined as _REMOVED) counts as absent for
    them: they match only through the other chosen topics, and its influence is neither shown nor sorted on.
    """
    if not filters.topics:
        return [], top
    chosen = {slots[t]: t for t in dict.fromkeys(filters.topics) if t in slots}
    if not chosen or (filters.topic_mode == "all" and len(chosen) < len(set(filters.topics))):
        return ["false"], "NULL::SMALLINT"  # a topic nobody has evidence for
    kept = {s: _kept(s) if t in removed else topic_column(s) for s, t in chosen.items()}
    columns = ", ".join(kept.values())
    mask = sum(1 << s for s in chosen)
    if filters.topic_mode == "all":
        clauses = ["topic_mask & ? = ?", *(f"{c} IS NOT NULL" for s, c in kept.items() if c != topic_column(s))]
        params += [mask, mask]
    else:
        wrapped = any(c != topic_column(s) for s, c in kept.items())
        clauses = ["topic_mask & ? <> 0"] + ([f"coalesce({columns}) IS NOT NULL"] if wrapped else [])
        params.append(mask)
    if filters.min_topic_influence > 1:
        clauses.append(f"{'least' if filters.topic_mode == 'all' else 'greatest'}({columns}) >= ?")
        params.append(filters.min_topic_influence)
    return clauses, f"greatest({columns})"


def _clauses(filters: Filters, params: list) -> tuple[list[str], bool]:
    """WHERE clauses of everything but topics and free text, and whether one of them is a sub-query."""
    clauses = []
    if filters.score_network != "all" or (filters.score_min, filters.score_max) != (1, 100):
        clauses.append(f"{SCORE_COLUMNS[filters.score_network]} BETWEEN ? AND ?")
        params += [filters.score_min, filters.score_max]
    if filters.networks:
        clauses.append("networks & ? <> 0")
        params.append(network_mask(filters.networks))
    audience = "followers" if filters.networks else "audience"
    tests, values = [], []
    for column, value, op in (
        (audience, filters.audience_min, ">="),
        (audience, filters.audience_max, "<="),
        ("engagement_rate", filters.engagement_min, ">="),
        ("engagement_rate", filters.engagement_max, "<="),
    ):
        if value is not None:
            tests.append(f"{column} {op} ?")
            values.append(value / 100 if column == "engagement_rate" else value)
    if tests and filters.networks:
        # One account on a chosen network must meet every test: followers elsewhere do not count.
        chosen = ", ".join("?" for _ in filters.networks)
        accounts = f"SELECT person_id FROM discovery_accounts WHERE network::VARCHAR IN ({chosen})"  # noqa: S608
        clauses.append(f"person_id IN ({accounts} AND {' AND '.join(tests)})")
        params += [*filters.networks, *values]
        subquery = True
    else:
        subquery = False
        clauses += tests
        params += values
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
    return clauses, subquery


@contextmanager
def _prepared(con: duckdb.DuckDBPyConnection, filters: Filters, workspace_id: int | None) -> Iterator[_Query]:
    """The search's query parts; the people matching the free text, and the workspace's topic removals when the
    query needs them, are registered for the query while in use."""
    params: list = []
    slots = dict(rows(con, "SELECT topic, slot FROM discovery_topic_slots")) if filters.topics else {}
    removals = _removals(con, workspace_id)
    removed = set(removals["removed_topics"].explode()) if removals is not None else set()
    # Only a chosen topic someone lost, or the order by topic influence, needs the removals in the query (a join
    # costs a scan at a million people); otherwise they are applied to the page's rows alone (_as_seen).
    joined = bool(removed & set(filters.topics)) or (bool(removed) and filters.sort == "topic_influence")
    joins = f" LEFT JOIN {_REMOVED} USING (person_id)" if joined else ""
    top = _KEPT_TOP if joined else "top_topic_influence"
    if joined and not filters.topics:  # ordered by each person's strongest kept topic
        removals = _with_kept_top(con, removals)
    clauses, influence = _topic_clauses(filters, params, slots, removed, top)
    others, subquery = _clauses(filters, params)
    clauses += others
    matches = _text_matches(con, filters.text)
    text_match = matches is not None and len(matches) > 0
    if matches is not None and not text_match:
        clauses.append("false")
    score = f"{SCORE_COLUMNS[filters.score_network]} DESC NULLS LAST"
    sort = {
        "relevance": f"relevance DESC, {score}" if text_match else score,
        "score": score,
        "topic_influence": f"{influence} DESC NULLS LAST",
        "audience": "audience DESC",
        "engagement": "engagement_rate DESC NULLS LAST",
    }[filters.sort]
    where = " AND ".join(clauses) or "true"
    order = f"{sort}, score DESC, person_id"
    frames = ({_REMOVED: removals} if joined else {}) | ({_CANDIDATES: matches} if text_match else {})
    with registered(con, frames):
        yield _Query(joins, influence, text_match, where, order, params, removals, not filters.topics, subquery)


def _source(q: _Query) -> str:
    """What the query filters and orders: discovery with its joins."""
    return f"discovery{q.joins}" + (f" JOIN {_CANDIDATES} USING (person_id)" if q.text_match else "")


def _count(con: duckdb.DuckDBPyConnection, q: _Query) -> int:
    return rows(con, f"SELECT count(*) FROM {_source(q)} WHERE {q.where}", q.params)[0][0]  # noqa: S608


def _page(con: duckdb.DuckDBPyConnection, q: _Query, limit: int, offset: int) -> pl.DataFrame:
    """One sorted page in RESULT_COLUMNS, with the text of each person's best-matching post."""
    computed = {
        "topic_influence": f"{q.topic_influence} AS topic_influence",
        "relevance": "NULL::DOUBLE AS relevance",  # a text match's relevance and post come with its order
        "matching_post": "NULL::BIGINT AS matching_post_id",
    }
    columns = ", ".join(computed.get(c, c) for c in RESULT_COLUMNS)
    if q.removals is not None:
        columns += f", {_SLOT_INFLUENCE} AS slot_influence"  # for _as_seen: read for the page's rows only
    # A page (not an export of thousands) filtered by a sub-query is ordered first too: its columns for a few ids
    # cost less than building them for every match; for 100,000 rows reading them by id costs twice as much.
    if not q.joins and not q.text_match and not (q.subquery and limit <= max(PAGE_SIZES)):
        page = con.sql(
            f"SELECT {columns} FROM discovery WHERE {q.where} ORDER BY {q.order} LIMIT ? OFFSET ?",  # noqa: S608
            params=[*q.params, limit, offset],
        ).pl()
    else:
        page = _joined_page(con, q, columns, limit, offset)
    if q.text_match:
        posts = con.sql(
            "SELECT post_id AS matching_post_id, text AS matching_post FROM posts WHERE post_id IN (SELECT unnest(?))",
            params=[page["matching_post_id"].drop_nulls().to_list()],
        ).pl()
        page = page.join(posts, on="matching_post_id", how="left", maintain_order="left")
    else:
        page = page.with_columns(matching_post=pl.lit(None, pl.String))
    return _as_seen(page, q).select(RESULT_COLUMNS)


def _joined_page(con: duckdb.DuckDBPyConnection, q: _Query, columns: str, limit: int, offset: int) -> pl.DataFrame:
    """A page of a joined source (removals, text matches) or one filtered by a sub-query, in two steps: the page's
    people in order (with a text match's relevance and post), then their columns. Over a join or a sub-query DuckDB
    builds every column of every matching row before keeping the page: 60-140 ms at a million people, where the
    order alone takes 10-25."""
    text = ", relevance, post_id AS matching_post_id" if q.text_match else ""
    ids = con.sql(
        f"SELECT person_id{text} FROM {_source(q)} WHERE {q.where} ORDER BY {q.order} LIMIT ? OFFSET ?",  # noqa: S608
        params=[*q.params, limit, offset],
    ).pl()
    # The page's rows of discovery first, then the joins: joined first, every row of discovery was probed.
    page_rows = "(SELECT * FROM discovery WHERE person_id IN (SELECT unnest(?::BIGINT[]))) AS discovery"
    page_sql = f"SELECT {columns} FROM {page_rows}{q.joins}"  # noqa: S608 - fixed names and expressions
    found = con.sql(page_sql, params=[ids["person_id"].to_list()]).pl()
    if q.text_match:
        found = found.drop("relevance", "matching_post_id")
    return ids.join(found, on="person_id", how="left", maintain_order="left")


def _as_seen(page: pl.DataFrame, q: _Query) -> pl.DataFrame:
    """The page's rows as the workspace sees them: without removed topics, and, where the influence shown is the
    strongest topic's, with the best kept one (a chosen topic's was already left out by the query)."""
    if q.removals is None:
        return page
    fixes = []
    for person, topics, influence, removed, removed_slots in (
        page.select("person_id", "topics", "slot_influence")
        .join(q.removals.select("person_id", "removed_topics", "removed_slots"), on="person_id")
        .iter_rows()
    ):
        kept = [v for s, v in enumerate(influence) if v is not None and not removed_slots >> s & 1]
        fixes.append((person, [t for t in topics if t not in removed], max(kept, default=None)))
    fixed = pl.DataFrame(fixes, schema={"person_id": pl.Int64, "topics": pl.List(pl.String),
                                        "topic_influence": page.schema["topic_influence"]}, orient="row")  # fmt: skip
    if not q.strongest:
        fixed = fixed.drop("topic_influence")
    return page.update(fixed, on="person_id", include_nulls=True)


def pages(total: int, page_size: int) -> int:
    """Number of pages a result of `total` rows has (at least 1, so page 1 always exists)."""
    return max(1, math.ceil(total / page_size))


def search(
    con: duckdb.DuckDBPyConnection, filters: Filters, workspace_id: int | None = None
) -> tuple[int, pl.DataFrame]:
    """(number of matches, the requested page of them); a page past the end gives the last page.

    With a workspace, topics its marketers marked as wrong for a person do not match that person.
    """
    with _prepared(con, filters, workspace_id) as q:
        total = _count(con, q)
        page = min(filters.page, pages(total, filters.page_size))
        return total, _page(con, q, filters.page_size, (page - 1) * filters.page_size)


def result_rows(
    con: duckdb.DuckDBPyConnection, filters: Filters, limit: int, workspace_id: int | None = None
) -> pl.DataFrame:
    """The first `limit` matches in the search's order, ignoring paging (for exports)."""
    with _prepared(con, filters, workspace_id) as q:
        return _page(con, q, limit, 0)


def people_rows(con: duckdb.DuckDBPyConnection, ids: list[int], workspace_id: int | None = None) -> pl.DataFrame:
    """The result rows of these people (a selection spanning pages and searches), best score first, with their
    topics as the workspace sees them."""
    q = _Query("", "top_topic_influence", False, "person_id IN (SELECT unnest(?::BIGINT[]))",
               "score DESC, person_id", [ids], _removals(con, workspace_id))  # fmt: skip
    return _page(con, q, max(len(ids), 1), 0)


def facets(con: duckdb.DuckDBPyConnection) -> Facets:
    """Topics and languages present in the discovery tables, most common first."""
    topics = rows(con, "SELECT topic FROM discovery_topic_slots ORDER BY slot")
    languages = rows(
        con,
        "SELECT language FROM discovery WHERE language IS NOT NULL GROUP BY language ORDER BY count(*) DESC, language",
    )
    return Facets(topics=[t for (t,) in topics], languages=[lang for (lang,) in languages])
