"""Whether two refreshes of one warehouse agree: the local engine's results against the Spark engine's.

The issue's bar: scores within one point for at least 99.9% of person x network pairs, the same accounts
flagged, topic influence within one point, and the same Discover rows. Both engines sum floating-point values in
different orders, so a score sitting on a rounding edge may move by one; nothing else should.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

MIN_SCORES_WITHIN_ONE = 0.999
MIN_DISCOVERY_IDENTICAL = 0.999


@dataclass(frozen=True)
class Snapshot:
    """The results a refresh left that the app serves."""

    scores: pl.DataFrame  # person_id, network, score
    flags: pl.DataFrame  # account_id, flag
    topics: pl.DataFrame  # person_id, topic, influence
    discovery: pl.DataFrame  # every column of discovery


def snapshot(con: duckdb.DuckDBPyConnection) -> Snapshot:
    """Read the current scores, flags, topic influence and Discover rows."""
    return Snapshot(
        scores=con.sql("SELECT person_id, network::VARCHAR AS network, score FROM scores").pl(),
        flags=con.sql("SELECT account_id, flag FROM authenticity_flags").pl(),
        topics=con.sql("SELECT person_id, topic, influence FROM topic_influence").pl(),
        discovery=con.sql("SELECT * FROM discovery").pl(),
    )


@dataclass(frozen=True)
class Parity:
    """How far two refreshes agree, with the issue's verdict."""

    score_pairs: int
    scores_within_one: float  # share of person x network pairs (in either run) within one point
    scores_equal: float
    flags_only_local: int
    flags_only_spark: int
    topic_pairs: int
    topics_within_one: float  # share of person x topic pairs (in either run) within one point
    discovery_rows: int
    discovery_identical: float  # share of people whose Discover row is identical in every column

    @property
    def ok(self) -> bool:
        """The issue's bar."""
        return (
            self.scores_within_one >= MIN_SCORES_WITHIN_ONE
            and self.flags_only_local == 0
            and self.flags_only_spark == 0
            and self.topics_within_one == 1.0
            and self.discovery_identical >= MIN_DISCOVERY_IDENTICAL
        )

    def summary(self) -> str:
        """One line for the benchmark and the test's failure message."""
        return (
            f"scores within 1 point {self.scores_within_one:.4%} (equal {self.scores_equal:.4%}) of "
            f"{self.score_pairs:,}; flags only local {self.flags_only_local}, only Spark {self.flags_only_spark}; "
            f"topic influence within 1 point {self.topics_within_one:.4%} of {self.topic_pairs:,}; Discover rows "
            f"identical {self.discovery_identical:.4%} of {self.discovery_rows:,}: "
            f"{'parity' if self.ok else 'DIFFERENT'}"
        )


def _within(local: pl.DataFrame, spark: pl.DataFrame, keys: list[str], value: str, tolerance: int) -> tuple[int, float]:
    both = local.join(spark, on=keys, how="full", coalesce=True, suffix="_spark")
    gap = (both[value].cast(pl.Int32) - both[f"{value}_spark"].cast(pl.Int32)).abs()
    close = gap.le(tolerance).fill_null(False)  # a pair only one run has is a difference
    return both.height, float(close.mean()) if both.height else 1.0


def compare(local: Snapshot, spark: Snapshot) -> Parity:
    """Compare the local engine's results with the Spark engine's."""
    pairs, within_one = _within(local.scores, spark.scores, ["person_id", "network"], "score", 1)
    _, equal = _within(local.scores, spark.scores, ["person_id", "network"], "score", 0)
    topic_pairs, topics = _within(local.topics, spark.topics, ["person_id", "topic"], "influence", 1)
    same = spark.discovery.hash_rows().is_in(local.discovery.hash_rows().implode()).sum()
    rows = max(local.discovery.height, spark.discovery.height)
    return Parity(
        score_pairs=pairs,
        scores_within_one=within_one,
        scores_equal=equal,
        flags_only_local=local.flags.join(spark.flags, on=["account_id", "flag"], how="anti").height,
        flags_only_spark=spark.flags.join(local.flags, on=["account_id", "flag"], how="anti").height,
        topic_pairs=topic_pairs,
        topics_within_one=topics,
        discovery_rows=rows,
        discovery_identical=same / rows if rows else 1.0,
    )
