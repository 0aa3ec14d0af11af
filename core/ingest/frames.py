"""The common shape every format parser produces: rows keyed by the sources' own ids, not yet by Sway's."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import polars as pl

from core.ingest.invisible import Removed

# Every frame carries `file` (the input's position in the import) and `line` (its line, or Parquet row)
# so that a problem found later, e.g. an unknown reference, can still be traced to where it came from.
ACCOUNTS: dict[str, pl.DataType] = {
    "network": pl.String(),
    "external_id": pl.String(),
    "handle": pl.String(),
    "person_key": pl.String(),  # groups accounts of one person; null means a person of its own
    "display_name": pl.String(),
    "bio": pl.String(),
    "followers": pl.Int64(),
    "following": pl.Int64(),
    "location": pl.String(),
    "language": pl.String(),
    "created_at": pl.Datetime("us"),
    "stub": pl.Boolean(),  # only known from a reference (a mention, an edge list): any full profile wins
    "file": pl.Int32(),
    "line": pl.Int64(),
}

POSTS: dict[str, pl.DataType] = {
    "network": pl.String(),
    "external_id": pl.String(),
    "account_key": pl.String(),
    "posted_at": pl.Datetime("us"),
    "text": pl.String(),
    "url": pl.String(),
    "kind": pl.String(),
    "parent_key": pl.String(),
    "reported_reposts": pl.Int64(),
    "reported_likes": pl.Int64(),
    "language": pl.String(),  # the source's language tag(s) of the post ("en", "pt-BR", "es,en"), if it gives one
    "file": pl.Int32(),
    "line": pl.Int64(),
}

INTERACTIONS: dict[str, pl.DataType] = {
    "network": pl.String(),
    "actor_key": pl.String(),
    "target_key": pl.String(),
    "post_key": pl.String(),
    "type": pl.String(),
    "occurred_at": pl.Datetime("us"),
    "post_required": pl.Boolean(),  # an unknown post_key is an error (interchange) or just left empty (tweets)
    "file": pl.Int32(),
    "line": pl.Int64(),
}


def conform(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """The frame with exactly the schema's columns, in its order and types; absent columns become null."""
    if frame.height == 0:  # a select of only literals would yield one row, not none
        return pl.DataFrame(schema=schema)
    return frame.select(
        (pl.col(name) if name in frame.columns else pl.lit(None)).cast(dtype).alias(name)
        for name, dtype in schema.items()
    )


@dataclass(frozen=True)
class Batch:
    """Accounts, posts and interactions read from one or more files, in the shapes above."""

    accounts: pl.DataFrame
    posts: pl.DataFrame
    interactions: pl.DataFrame

    @classmethod
    def of(
        cls,
        accounts: pl.DataFrame | None = None,
        posts: pl.DataFrame | None = None,
        interactions: pl.DataFrame | None = None,
    ) -> Batch:
        """A batch from whichever frames a parser produced, conformed; the others empty."""
        empty = pl.DataFrame()
        return cls(
            conform(empty if accounts is None else accounts, ACCOUNTS),
            conform(empty if posts is None else posts, POSTS),
            conform(empty if interactions is None else interactions, INTERACTIONS),
        )

    @classmethod
    def combine(cls, batches: Iterable[Batch]) -> Batch:
        """All batches' rows together, in file order."""
        parts = list(batches)
        return cls(
            pl.concat([b.accounts for b in parts]),
            pl.concat([b.posts for b in parts]),
            pl.concat([b.interactions for b in parts]),
        )


@dataclass(frozen=True)
class Parsed:
    """One file's contribution to an import, with what the report says about it."""

    batch: Batch
    format: str  # as shown to users, e.g. "Twitter API v1.1 JSON"
    rows: int  # records read (lines, or rows of a table)
    self_loops: int = 0  # interactions of an account with itself, dropped
    removed: Removed = field(default_factory=Removed)  # invisible characters taken out of its text
