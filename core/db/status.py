"""Read-only summaries of what the warehouse holds, for `python -m core status` and the Data page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb
import polars as pl

from core.db.warehouse import CORE_TABLES, last_load, load_kinds, rows, scalar, schema_version


@dataclass(frozen=True)
class WarehouseStatus:
    path: str
    table_counts: dict[str, int]
    per_network: pl.DataFrame  # network, accounts, posts, interactions
    first_activity: datetime | None
    last_activity: datetime | None
    sources: tuple[str, ...]  # the kinds of load the data came from: 'collect', 'demo', 'import'
    last_load: dict | None
    schema_version: int
    last_refresh: dict | None = None  # the latest score refresh (ok or failed): status, when, message, counts
    last_failure: dict | None = None  # a refresh that failed after it: when ('at') and why ('reason')

    @property
    def origin(self) -> str:
        """'demo', 'import', 'collect', 'mixed' (several of them) or 'empty' (nothing loaded yet)."""
        return "empty" if not self.sources else ("mixed" if len(self.sources) > 1 else self.sources[0])

    def source_text(self) -> str:
        """Where the data came from, in words: only the sources it really has."""
        if self.origin == "mixed":
            return "several sources: " + " and ".join(_SOURCE_WORDS[kind] for kind in self.sources)
        if self.origin == "demo":
            return "the built-in demo world (generated, realistic, with planted gaming accounts and past campaigns)"
        return {"import": "imported files", "collect": "a live network, collected as it happens"}.get(
            self.origin, "nothing yet"
        )

    def last_load_text(self) -> str | None:
        """The latest load in words (None before any): a demo build says when, an import or a live load what too."""
        if not self.last_load:
            return None
        load = self.last_load
        when = f"{load['finished_at']:%d %b %Y at %H:%M}"
        if load["kind"] == "demo":  # its sources are the generator's settings, not anything a marketer loaded
            return f"Last load: built the demo world on {when}."
        verb = "loaded what a live network brought" if load["kind"] == "collect" else "imported"
        return f"Last load: {verb} ({', '.join(load['sources'])}) on {when}."


_SOURCE_WORDS = {"collect": "a live network", "demo": "the demo world", "import": "imported files"}


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row count of each core table."""
    return {t: scalar(con, f"SELECT count(*) FROM {t}") for t in CORE_TABLES}  # noqa: S608 - fixed table names


def per_network(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Accounts, posts and interactions per network (every network listed, zeros included)."""
    return con.sql(
        """
        WITH n AS (SELECT unnest(enum_range(NULL::network_name)) AS network)
        SELECT n.network::VARCHAR AS network,
               coalesce(a.c, 0) AS accounts, coalesce(p.c, 0) AS posts, coalesce(i.c, 0) AS interactions
        FROM n
        LEFT JOIN (SELECT network, count(*) c FROM accounts GROUP BY ALL) a USING (network)
        LEFT JOIN (SELECT network, count(*) c FROM posts GROUP BY ALL) p USING (network)
        LEFT JOIN (SELECT network, count(*) c FROM interactions GROUP BY ALL) i USING (network)
        ORDER BY n.network
        """
    ).pl()


def status(con: duckdb.DuckDBPyConnection, path: str, *, last_refresh: dict | None) -> WarehouseStatus:
    """Everything the status views show, in one pass over the warehouse.

    `last_refresh` is core.scoring.runs.latest_refresh(con): score_runs belongs to scoring, which builds on
    core.db, so the caller reads it there and hands it in.
    """
    [(first, last)] = rows(
        con,
        "SELECT least(p0, i0), greatest(p1, i1) FROM "
        "(SELECT min(posted_at) p0, max(posted_at) p1 FROM posts), "
        "(SELECT min(occurred_at) i0, max(occurred_at) i1 FROM interactions)",
    )
    # A refresh is one transaction, so a failed one leaves no score run behind: the audit log keeps its reason.
    failed = rows(
        con,
        "SELECT happened_at, json_extract_string(details, '$.reason') FROM audit_log "
        "WHERE action = 'refresh.failed' AND happened_at > ? ORDER BY audit_id DESC LIMIT 1",
        [last_refresh["refreshed_at"] if last_refresh else datetime.min],
    )
    return WarehouseStatus(
        path=path,
        table_counts=table_counts(con),
        per_network=per_network(con),
        first_activity=first,
        last_activity=last,
        sources=load_kinds(con),
        last_load=last_load(con),
        schema_version=schema_version(con),
        last_refresh=last_refresh,
        last_failure={"at": failed[0][0], "reason": failed[0][1]} if failed else None,
    )
