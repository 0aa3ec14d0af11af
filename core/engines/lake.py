"""The raw events as Parquet files an engine reads in place: the warehouse's interactions and posts.

Spark (or any engine on a cluster) cannot read the DuckDB file, so a Spark refresh first writes the two tables
it scans to Parquet beside the warehouse, from the refresh's own transaction (so it sees the snapshot the scores
are computed from). Times are whole microseconds since 1970 (occurred_us, posted_us) and enums plain text, so
every SQL engine reads them the same way without time-zone or enum rules of its own.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

# Table -> the SELECT that writes it (fixed text; no value is formatted into it).
EXPORTS: dict[str, str] = {
    "interactions": """
        SELECT actor_account_id, target_account_id, post_id, type::VARCHAR AS type, network::VARCHAR AS network,
               epoch_us(occurred_at) AS occurred_us
        FROM interactions
    """,
    "posts": """
        SELECT post_id, account_id, kind::VARCHAR AS kind, epoch_us(posted_at) AS posted_us FROM posts
    """,
}


def lake_folder(db: Path) -> Path:
    """The folder beside the warehouse `db` that holds its Parquet export for Spark."""
    return db.with_name(db.name + ".spark")  # not ".lake": that is the live collectors' raw events


def table_path(folder: Path, table: str) -> Path:
    """Where `table` of the export lives in `folder`."""
    return folder / f"{table}.parquet"


def export(con: duckdb.DuckDBPyConnection, folder: Path) -> dict[str, Path]:
    """Write interactions and posts to Parquet in `folder` (each file replaced whole); their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for table, query in EXPORTS.items():
        path = table_path(folder, table)
        partial = path.with_name(path.name + ".partial")
        con.sql(query).write_parquet(str(partial), compression="zstd")
        os.replace(partial, path)  # a reader sees the old file or the new one, never half of one
        paths[table] = path
    return paths
