"""Read-only summaries of what the warehouse holds, for `python -m core status` and the Data page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb
import polars as pl

from core.db.warehouse import CORE_TABLES, rows, scalar


@dataclass(frozen=True)
class WarehouseStatus:
    path: str
    table_counts: dict[str, int]
    per_network: pl.DataFrame  # network, accounts, posts, interactions
    first_activity: datetime | None
    last_activity: datetime | None
    origin: str  # 'demo', 'import', 'mixed' or 'empty'
    last_load: dict | None
    schema_version: int
    last_refresh: dict | None = None  # the latest score refresh (ok or failed): status, when, message, counts
    last_failure: dict | None = None  # a refresh that failed after it: when ('at') and why ('reason')


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


def status(con: duckdb.DuckDBPyConnection, path: str) -> WarehouseStatus:
    """Everything the status views show, in one pass over the warehouse."""
    [(first, last)] = rows(
        con,
        "SELECT least(p0, i0), greatest(p1, i1) FROM "
        "(SELECT min(posted_at) p0, max(posted_at) p1 FROM posts), "
        "(SELECT min(occurred_at) i0, max(occurred_at) i1 FROM interactions)",
    )
    kinds = {row[0] for row in rows(con, "SELECT DISTINCT kind FROM load_log")}
    origin = "empty" if not kinds else ("mixed" if len(kinds) > 1 else kinds.pop())
    last_load = con.sql(
        "SELECT kind, sources, people, accounts, posts, interactions, finished_at "
        "FROM load_log ORDER BY load_id DESC LIMIT 1"
    ).pl()
    last_refresh = con.sql(
        "SELECT status, refreshed_at, message, people, reactions, as_of, window_days FROM score_runs "
        "WHERE kind = 'refresh' ORDER BY run_id DESC LIMIT 1"
    ).pl()
    # A refresh is one transaction, so a failed one leaves no score run behind: the audit log keeps its reason.
    failed = rows(
        con,
        "SELECT happened_at, json_extract_string(details, '$.reason') FROM audit_log "
        "WHERE action = 'refresh.failed' AND happened_at > ? ORDER BY audit_id DESC LIMIT 1",
        [last_refresh["refreshed_at"][0] if last_refresh.height else datetime.min],
    )
    version = scalar(con, "SELECT coalesce(max(version), 0) FROM schema_migrations")
    return WarehouseStatus(
        path=path,
        table_counts=table_counts(con),
        per_network=per_network(con),
        first_activity=first,
        last_activity=last,
        origin=origin,
        last_load=last_load.row(0, named=True) if last_load.height else None,
        schema_version=version,
        last_refresh=last_refresh.row(0, named=True) if last_refresh.height else None,
        last_failure={"at": failed[0][0], "reason": failed[0][1]} if failed else None,
    )
