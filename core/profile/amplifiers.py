"""Who amplifies a person: the people whose accounts reacted to them most in the window, and their reactions
to each other, laid out as a node-link picture (node 0 is the person)."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import polars as pl

from core.db.warehouse import registered
from core.profile.layout import force_layout
from core.vocabulary import REACTIONS

TOP_AMPLIFIERS = 15


@dataclass(frozen=True)
class Amplifiers:
    """The amplifier table and the picture's nodes and edges."""

    table: pl.DataFrame  # person_id, name, handles, score, reactions, one column per reaction type
    nodes: (
        pl.DataFrame
    )  # person_id, name, score, reactions (given to the person; received, for the person), is_self, x, y
    edges: pl.DataFrame  # source, target (person ids), reactions, x, y, x2, y2 (source -> target)


def _reactors(con: duckdb.DuckDBPyConnection, person_id: int, account_ids: list[int]) -> pl.DataFrame:
    """Reactions to the person per reacting person (other than themselves), most first.

    Summed over each reacting person's accounts before the top is taken: a person whose reactions come from
    several accounts can rank high with none of them near the top on its own.
    """
    per_type = ", ".join(f"count(*) FILTER (WHERE type = '{t}') AS {name}" for t, name in REACTIONS.items())
    by_account = con.sql(
        f"""
        SELECT actor_account_id AS account_id, count(*) AS reactions, {per_type}
        FROM profile_reactions WHERE target_account_id = ANY(?) GROUP BY ALL
        """,  # noqa: S608 - fixed type names
        params=[account_ids],
    ).pl()
    summed = ", ".join(f"sum(b.{name})::BIGINT AS {name}" for name in ("reactions", *REACTIONS.values()))
    # The accounts' owners are joined to the counts, not to every reaction: 16 ms against 40 ms (p50) for the 20
    # most reacted-to people of a million.
    with registered(con, {"_amplifier_accounts": by_account}):
        return con.sql(
            f"""
            SELECT a.person_id, {summed}
            FROM _amplifier_accounts b JOIN accounts a USING (account_id)
            WHERE a.person_id <> ?
            GROUP BY a.person_id ORDER BY reactions DESC, a.person_id LIMIT {TOP_AMPLIFIERS}
            """,  # noqa: S608 - fixed column names and a constant
            params=[person_id],
        ).pl()


def amplifiers(con: duckdb.DuckDBPyConnection, person_id: int, account_ids: list[int], received: int) -> Amplifiers:
    """The person's top amplifiers, the reactions among all of them and a layout of that network.

    `received` is the person's own node size: all reactions they received in the window.
    """
    top = _reactors(con, person_id, account_ids)
    people = con.sql(
        "SELECT person_id, name, handles, score, account_ids FROM discovery WHERE person_id = ANY(?)",
        params=[[person_id, *top["person_id"].to_list()]],
    ).pl()
    table = (
        people.drop("account_ids").join(top, on="person_id").sort(["reactions", "person_id"], descending=[True, False])
    )
    order = [person_id, *table["person_id"].to_list()]
    owner = {a: p for p, accounts in zip(people["person_id"], people["account_ids"], strict=True) for a in accounts}
    links = con.sql(
        "SELECT actor_account_id, target_account_id, count(*) AS reactions FROM profile_reactions "
        "WHERE target_account_id = ANY($a) AND actor_account_id = ANY($a) GROUP BY ALL",
        params={"a": list(owner)},
    ).pl()
    edges = (
        links.with_columns(
            source=pl.col("actor_account_id").replace_strict(owner, return_dtype=pl.Int64),
            target=pl.col("target_account_id").replace_strict(owner, return_dtype=pl.Int64),
        )
        .filter(pl.col("source") != pl.col("target"))
        .group_by("source", "target")
        .agg(pl.col("reactions").sum())
        .sort("source", "target")
    )
    index = {p: i for i, p in enumerate(order)}
    pos = force_layout(
        len(order),
        [
            (index[s], index[t], float(np.log1p(n)))
            for s, t, n in edges.select("source", "target", "reactions").iter_rows()
        ],
    )
    nodes = (
        pl.DataFrame({"person_id": order, "x": pos[:, 0], "y": pos[:, 1]})
        .join(people.select("person_id", "name", "score"), on="person_id", how="left", maintain_order="left")
        .join(table.select("person_id", "reactions"), on="person_id", how="left", maintain_order="left")
        .with_columns(pl.col("reactions").fill_null(received), is_self=pl.col("person_id") == person_id)
    )
    xy = nodes.select("person_id", "x", "y")
    edges = edges.join(xy, left_on="source", right_on="person_id").join(
        xy.rename({"x": "x2", "y": "y2"}), left_on="target", right_on="person_id"
    )
    return Amplifiers(table=table, nodes=nodes, edges=edges)
