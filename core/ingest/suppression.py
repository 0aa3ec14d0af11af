"""Keeping erased people out of an import: their accounts, posts and every interaction they took part in, and their
handles out of what others wrote."""

from __future__ import annotations

import dataclasses

import duckdb
import polars as pl

from core.ingest.frames import Batch
from core.privacy import blank_mentions, suppressed_keys_among


def without_erased(con: duckdb.DuckDBPyConnection, batch: Batch) -> Batch:
    """`batch` without the accounts of erased people, their posts and the interactions they took part in, and with
    the @mentions of their handles in others' posts, bios and display names blanked."""
    batch = _without_erased_people(con, batch)
    return dataclasses.replace(
        batch,
        accounts=blank_mentions(con, batch.accounts, "bio", "display_name"),
        posts=blank_mentions(con, batch.posts, "text"),
    )


def _without_erased_people(con: duckdb.DuckDBPyConnection, batch: Batch) -> Batch:
    keys = pl.concat(
        [
            batch.accounts.select("network", "external_id"),
            batch.posts.select("network", external_id="account_key"),
            batch.interactions.select("network", external_id="actor_key"),
            batch.interactions.select("network", external_id="target_key"),
        ]
    ).unique()
    hidden, hidden_people = suppressed_keys_among(con, keys, batch.accounts.select("person_key").drop_nulls().unique())
    # Accounts filed under an erased person's key are hidden too, even on a network id never seen before.
    hidden = pl.concat(
        [hidden, batch.accounts.join(hidden_people, on="person_key", how="semi").select("network", "external_id")]
    ).unique()
    if hidden.height == 0:
        return batch
    accounts = batch.accounts.join(hidden, on=["network", "external_id"], how="anti")
    gone_posts = batch.posts.join(hidden.rename({"external_id": "account_key"}), on=["network", "account_key"])
    posts = batch.posts.join(gone_posts.select("network", "external_id"), on=["network", "external_id"], how="anti")
    interactions = (
        batch.interactions.join(hidden.rename({"external_id": "actor_key"}), on=["network", "actor_key"], how="anti")
        .join(hidden.rename({"external_id": "target_key"}), on=["network", "target_key"], how="anti")
        .join(gone_posts.select("network", post_key="external_id"), on=["network", "post_key"], how="anti")
    )
    return dataclasses.replace(batch, accounts=accounts, posts=posts, interactions=interactions)
