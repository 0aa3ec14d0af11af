"""Unique reach of a campaign's list: the distinct people who reacted to any member in a window, and how much
the people reacting to each member overlap (a pod of accounts that all react to each other shows up as pairs of
members who share most of their reactors, so the list reaches far fewer people than its members' sum). Reactors,
not followers: the Audience column is the followers, which Sway cannot tell apart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb
import polars as pl

from core.db.warehouse import rows, scalar

TOP_PAIRS = 5
POD_SHARE = 0.5  # two members sharing at least half of the smaller set of reactors are flagged as overlapping ...
POD_MIN_SHARED = 10  # ... when at least this many people are in both (two tiny audiences overlap by chance)


@dataclass(frozen=True)
class Reach:
    """Who reacted to the list's members in [since, until)."""

    members: int
    unique: int  # distinct people who reacted to at least one member
    summed: int  # members' reactors added up (a person reacting to three members counts three times)
    since: datetime
    until: datetime
    pairs: pl.DataFrame  # name_a, name_b, shared, share (of the smaller set of reactors), most people in both first

    @property
    def overlap(self) -> float:
        """The share of the summed audience that is repeated: 0 when no two members share anyone."""
        return 1 - self.unique / self.summed if self.summed else 0.0

    def verdict(self) -> str:
        """Unique reach and overlap in plain words."""
        if not self.summed:
            return (
                f"Nobody reacted to these {self.members} people between {self.since:%d %b %Y} and "
                f"{self.until:%d %b %Y}, so their reach cannot be told from the data."
            )
        text = (
            f"{self.unique:,} different people reacted to at least one of these {self.members} people between "
            f"{self.since:%d %b %Y} and {self.until:%d %b %Y}; the people who reacted to each, added up member by "
            f"member, make {self.summed:,}, so {self.overlap:.0%} of that is the same people counted again."
        )
        pods = self.pairs.filter((pl.col("share") >= POD_SHARE) & (pl.col("shared") >= POD_MIN_SHARED))
        if pods.height:
            text += (
                f" {pods.height} pair{'s' if pods.height > 1 else ''} of members share at least "
                f"{POD_SHARE:.0%} of the people who reacted to them ({POD_MIN_SHARED} or more, listed below): a "
                "possible pod, and less reach than it looks."
            )
        return text


_REACTED = """
    WITH reacted AS (
        SELECT DISTINCT t.person_id AS member, a.person_id AS reactor
        FROM interactions i
        JOIN accounts t ON t.account_id = i.target_account_id
        JOIN accounts a ON a.account_id = i.actor_account_id
        WHERE t.person_id IN (SELECT unnest(?::BIGINT[])) AND i.occurred_at >= ? AND i.occurred_at < ?
          AND a.person_id <> t.person_id
    ), sizes AS (SELECT member, count(*) AS size FROM reacted GROUP BY member)
"""


def unique_reach(con: duckdb.DuckDBPyConnection, person_ids: list[int], since: datetime, until: datetime) -> Reach:
    """Distinct people who reacted (any interaction) to any of the people's accounts in [since, until),
    themselves left out, with the most overlapping pairs of members. A window opening before the first stored
    reaction is said to start with it: days without data would read as days nobody reacted."""
    first = scalar(con, "SELECT min(occurred_at) FROM interactions")
    since = max(since, first) if first is not None else since
    params = [person_ids, since, until]
    unique, summed = rows(
        con,
        _REACTED + "SELECT count(DISTINCT reactor), (SELECT coalesce(sum(size), 0) FROM sizes) FROM reacted",  # noqa: S608
        params,
    )[0]
    pairs = con.sql(
        _REACTED  # noqa: S608 - fixed text
        + """
        SELECT pa.name AS name_a, pb.name AS name_b, p.shared, p.shared / least(sa.size, sb.size) AS share
        FROM (SELECT a.member AS a, b.member AS b, count(*) AS shared
              FROM reacted a JOIN reacted b ON a.reactor = b.reactor AND a.member < b.member GROUP BY ALL) p
        JOIN sizes sa ON sa.member = p.a JOIN sizes sb ON sb.member = p.b
        LEFT JOIN people pa ON pa.person_id = p.a LEFT JOIN people pb ON pb.person_id = p.b
        ORDER BY p.shared DESC, share DESC, p.a, p.b LIMIT ?
        """,
        params=[*params, TOP_PAIRS],
    ).pl()
    return Reach(len(set(person_ids)), int(unique), int(summed), since, until, pairs)
