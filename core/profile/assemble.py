"""The Profile page's data for one person, read from the discovery tables and the stored score explanations."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import partial
from typing import TypeVar

import duckdb
import polars as pl

from core import privacy
from core.db.warehouse import last_import_at
from core.discover.columns import NETWORK_LABELS, SCORE_COLUMNS
from core.profile.amplifiers import Amplifiers, amplifiers
from core.profile.breakdown import Breakdown, breakdown, sentences
from core.profile.history import model_changes, score_history
from core.profile.posts import post_texts, recent_posts
from core.scoring.params import ScoreParams
from core.scoring.runs import latest_ok_run, stored_run
from core.scoring.uncertainty import evidence_note
from core.topics.removals import removed_topics
from core.vocabulary import NETWORKS

T = TypeVar("T")
# A profile is a dozen small queries, each mostly waiting on DuckDB (which releases the GIL): read side by side on
# cursors of their own they take about 70% of the time on two cores (bench.discover_speed's profile assembly).
PART_THREADS = 3


class ProfileNotFound(LookupError):
    """No person with this id in the discovery tables."""


@dataclass(frozen=True)
class Header:
    """Who the person is and their headline numbers."""

    person_id: int
    name: str | None
    handles: str
    score: int
    score_low: int  # the score's likely range (core/scoring/uncertainty.py)
    score_high: int
    too_little_data: bool
    network_scores: dict[str, int]  # the networks the person has accounts on
    authenticity: int
    flagged: bool
    audience: int
    posts: int
    reactions: int
    engagement_rate: float | None  # per account reactions / (posts * followers), pooled over their accounts
    location: str | None
    language: str | None
    evidence: str = ""  # in words: what the score rests on, or what it lacks
    changed_since: str = ""  # in words: data imported or people erased after the scores were computed


@dataclass(frozen=True)
class Profile:
    """Everything the Profile page shows about one person."""

    header: Header
    accounts: pl.DataFrame  # account_id, network, handle, display_name, bio, followers, following, rating, flags
    history: pl.DataFrame  # day, network, score
    model_changes: pl.DataFrame  # day, run_id, change
    breakdown: Breakdown
    explanation: dict[str, list[str]]  # per scope ('all' = combined, or a network): the breakdown as sentences
    topics: pl.DataFrame  # topic, influence, posts, reactions, distinct_reactors, share
    evidence: pl.DataFrame  # topic, rank, post_id, reactions, distinct_reactors, post_network, posted_at, text, url
    flags: pl.DataFrame  # network, handle, flag, severity, evidence (JSON text)
    amplifiers: Amplifiers
    recent_posts: pl.DataFrame  # post_id, kind, reactions, one column per type, post_network, posted_at, text, url
    removed_topics: tuple[str, ...] = ()  # topics the viewing workspace marked as wrong (see in_workspace)

    @property
    def bios(self) -> list[tuple[str, str]]:
        """(where, bio) of each account with a bio, e.g. ('Twitter (mira_t)', 'Runner | coffee first'): Discover
        finds people by their bios' words, so the profile shows them."""
        found = self.accounts.filter(pl.col("bio").str.strip_chars().str.len_chars() > 0)
        return [
            (f"{NETWORK_LABELS.get(network, network)} ({handle})", bio)
            for network, handle, bio in found.select("network", "handle", "bio").iter_rows()
        ]


def _header(con: duckdb.DuckDBPyConnection, person_id: int) -> tuple[Header, list[int]]:
    found = con.sql(
        f"""
        SELECT person_id, name, handles, score, score_low, score_high, too_little_data,
               {", ".join(SCORE_COLUMNS[n] for n in NETWORKS)}, authenticity, flagged,
               audience, posts, reactions, engagement_rate, location, language, account_ids
        FROM discovery WHERE person_id = ?
        """,  # noqa: S608 - fixed column names
        params=[person_id],
    ).pl()
    if not found.height:
        raise ProfileNotFound(f"There is no person {person_id} in this warehouse. Open one from the Discover page.")
    r = found.row(0, named=True)
    scores = {n: r[SCORE_COLUMNS[n]] for n in NETWORKS if r[SCORE_COLUMNS[n]] is not None}
    header = Header(
        person_id=r["person_id"],
        name=r["name"],
        handles=r["handles"] or "",
        score=r["score"],
        score_low=r["score_low"],
        score_high=r["score_high"],
        too_little_data=r["too_little_data"],
        network_scores=scores,
        authenticity=r["authenticity"],
        flagged=r["flagged"],
        audience=r["audience"],
        posts=r["posts"],
        reactions=r["reactions"],
        engagement_rate=r["engagement_rate"],
        location=r["location"],
        language=r["language"],
    )
    return header, sorted(r["account_ids"])


def _accounts(con: duckdb.DuckDBPyConnection, person_id: int, account_ids: list[int]) -> pl.DataFrame:
    accounts = con.sql(
        "SELECT account_id, network::VARCHAR AS network, handle, display_name, bio, followers, following "
        "FROM accounts WHERE account_id = ANY(?)",
        params=[account_ids],
    ).pl()
    ratings = con.sql("SELECT account_id, rating, flags FROM authenticity WHERE person_id = ?", params=[person_id]).pl()
    return (
        accounts.join(ratings, on="account_id", how="left")
        .with_columns(pl.col("rating").fill_null(100), pl.col("flags").fill_null([]))
        .sort(pl.col("network").replace_strict({n: i for i, n in enumerate(NETWORKS)}, default=99), "account_id")
    )


def _topics(con: duckdb.DuckDBPyConnection, person_id: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    topics = con.sql(
        "SELECT topic, influence, posts, reactions, distinct_reactors, share FROM topic_influence WHERE person_id = ?",
        params=[person_id],
    ).pl()
    evidence = con.sql(
        "SELECT topic, rank, post_id, reactions, distinct_reactors FROM topic_evidence WHERE person_id = ?",
        params=[person_id],
    ).pl()
    return topics.sort(["influence", "topic"], descending=[True, False]), evidence.sort("topic", "rank")


def _flags(con: duckdb.DuckDBPyConnection, person_id: int, accounts: pl.DataFrame) -> pl.DataFrame:
    flags = con.sql(
        "SELECT account_id, flag, severity, evidence::VARCHAR AS evidence FROM authenticity_flags WHERE person_id = ?",
        params=[person_id],
    ).pl()
    return (
        flags.join(accounts.select("account_id", "network", "handle"), on="account_id", how="left")
        .select("network", "handle", "flag", "severity", "evidence")
        .sort("network", "flag")
    )


def _changed_since(con: duckdb.DuckDBPyConnection) -> str:
    """What changed in the data after the stored scores were computed, in words ('' when nothing did): until the
    next refresh a profile's live counts (reactions, amplifiers) and its score's breakdown can disagree."""
    run = stored_run(con)
    if run is None:
        return ""
    imported, erased = last_import_at(con), privacy.last_erasure_at(con)
    changes = [
        *(["files were imported"] if imported and imported > run.started_at else []),
        *(["a person was erased on request"] if erased and erased > run.started_at else []),
    ]
    if not changes:
        return ""
    return (
        f"Since these scores were computed ({run.started_at:%d %b %Y, %H:%M}), {' and '.join(changes)}: the counts "
        "above already show it, the score, this breakdown and its top posts only after the next refresh."
    )


def _evidence(con: duckdb.DuckDBPyConnection, header: Header, explained: Breakdown) -> str:
    """The combined score's evidence in words, judged with the stored run's thresholds."""
    run = latest_ok_run(con)
    combined = explained.scores.filter(pl.col("network") == "all")
    reactions, reactors = combined.select("reactions", "distinct_reactors").row(0) if combined.height else (0, 0)
    return evidence_note(
        header.score,
        reactions or 0,
        reactors or 0,
        header.score_low,
        header.score_high,
        header.too_little_data,
        run.params if run else ScoreParams(),
    )


def _read(con: duckdb.DuckDBPyConnection, part: Callable[..., T], *args: object) -> T:
    """One part of the profile read on a cursor of its own, so parts can be read side by side."""
    cursor = con.cursor()
    try:
        return part(cursor, *args)
    finally:
        cursor.close()


def profile(con: duckdb.DuckDBPyConnection, person_id: int) -> Profile:
    """Assemble one person's profile; raises ProfileNotFound for an unknown id."""
    pool = ThreadPoolExecutor(PART_THREADS, thread_name_prefix="profile")
    try:
        read = partial(pool.submit, _read, con)
        # What needs only the person's id starts at once; what needs their accounts, after the header says which.
        explained_read, topics_read = read(breakdown, person_id), read(_topics, person_id)
        history_read, changes_read = read(score_history, person_id), read(model_changes)
        header, account_ids = _header(con, person_id)
        accounts_read, recent_read = read(_accounts, person_id, account_ids), read(recent_posts, account_ids)
        amplifiers_read = read(amplifiers, person_id, account_ids, header.reactions)
        explained, (topics, evidence), recent = explained_read.result(), topics_read.result(), recent_read.result()
        accounts = accounts_read.result()
        flags_read, note_read = read(_flags, person_id, accounts), read(_evidence, header, explained)
        # One text lookup for every post the page shows.
        texts = post_texts(
            con, pl.concat([explained.top_posts["post_id"], evidence["post_id"], recent["post_id"]]).unique().to_list()
        )
        header = replace(header, evidence=note_read.result(), changed_since=_changed_since(con))
        explained = replace(
            explained, top_posts=explained.top_posts.join(texts, on="post_id", how="left", maintain_order="left")
        )
        return Profile(
            header=header,
            accounts=accounts,
            history=history_read.result(),
            model_changes=changes_read.result(),
            breakdown=explained,
            explanation={scope: sentences(explained, scope) for scope in explained.scores["network"]},
            topics=topics,
            evidence=evidence.join(texts, on="post_id", how="left", maintain_order="left"),
            flags=flags_read.result(),
            amplifiers=amplifiers_read.result(),
            recent_posts=recent.join(texts, on="post_id", how="left", maintain_order="left"),
        )
    finally:  # an unknown person or a failed part: the parts still waiting are not read
        pool.shutdown(wait=True, cancel_futures=True)


def in_workspace(con: duckdb.DuckDBPyConnection, p: Profile, workspace_id: int) -> Profile:
    """The profile as one workspace sees it: topics its marketers marked as wrong are set apart until undone.

    Read at serving time (not stored in the shared topic tables), so a removal holds across refreshes and
    retraining, and other workspaces keep seeing the topic.
    """
    removed = removed_topics(con, workspace_id, p.header.person_id)
    return replace(
        p,
        topics=p.topics.filter(~pl.col("topic").is_in(removed)),
        evidence=p.evidence.filter(~pl.col("topic").is_in(removed)),
        removed_topics=tuple(removed),
    )
