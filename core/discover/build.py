"""Builds the discovery tables (migrations 005, 018) from people, accounts, posts, scores, authenticity and topic
influence: one row per person, one per account (for network-scoped audience filters), and brings the word index
up to date (core/discover/index.py: only the posts that entered or left the window).

Runs after a score refresh or a topic refresh, inside one transaction, so a search or profile reads the old
build or the new one, never a mix. Before the first refresh everyone gets the floor score 1 and no topics.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb

from core.db.warehouse import latest_load_id, rows, scalar, transaction
from core.discover.columns import SCORE_COLUMNS, TOPIC_SLOTS, topic_column
from core.discover.index import update_index
from core.progress import Progress, silent
from core.scoring.runs import stored_run
from core.vocabulary import NETWORKS

# The refresh's default window; used for posts and engagement until a refresh has defined the window.
DEFAULT_WINDOW_DAYS = 90

_TABLES = (
    "discovery",
    "discovery_topic_slots",
    "discovery_accounts",
    "profile_reactions",
    "discovery_builds",
)
_building = threading.RLock()  # one build at a time per process; ensure_built holds it across check and build


@dataclass(frozen=True)
class BuildInfo:
    """What the current discovery tables were built from."""

    built_at: datetime
    load_id: int
    score_run_id: int | None
    window_start: datetime | None
    window_end: datetime | None
    people: int
    topic_rows: int
    seconds: float

    @property
    def scored(self) -> bool:
        """False before the first score refresh (every score is then 1)."""
        return self.score_run_id is not None


def _window(con: duckdb.DuckDBPyConnection) -> tuple[int | None, datetime | None, datetime | None]:
    """(score run, window start, window end): the latest refresh's window, else the default before the last activity."""
    run = stored_run(con)
    if run is not None and run.as_of is not None:
        return run.run_id, run.as_of - timedelta(days=run.window_days), run.as_of
    end = scalar(con, "SELECT max(occurred_at) FROM interactions")
    if end is None:
        return None, None, None
    return None, end - timedelta(days=DEFAULT_WINDOW_DAYS), end


UNCERTAINTY_COLUMNS = ("score_low", "score_high", "too_little_data")


def _scores_sql(scored: bool) -> str:
    """Per person: the combined score and one column per network (no rows before the first refresh)."""
    if not scored:
        nothing = ", ".join(f"NULL::SMALLINT AS {c}" for c in SCORE_COLUMNS.values())
        return (
            f"SELECT NULL::BIGINT AS person_id, {nothing}, NULL::SMALLINT AS score_low, "
            "NULL::SMALLINT AS score_high, NULL::BOOLEAN AS too_little_data WHERE false"
        )
    per_scope = ", ".join(f"max(score) FILTER (WHERE network = '{scope}') AS {c}" for scope, c in SCORE_COLUMNS.items())
    # The combined score's interval and mark (core/scoring/uncertainty.py).
    sure = ", ".join(f"any_value({c}) FILTER (WHERE network = 'all') AS {c}" for c in UNCERTAINTY_COLUMNS)
    return f"SELECT person_id, {per_scope}, {sure} FROM scores GROUP BY ALL"  # noqa: S608 - fixed names


def _insert_accounts(con: duckdb.DuckDBPyConnection, start: datetime | None, end: datetime | None) -> None:
    """One row per account with its window's posts, reactions and engagement (needs profile_reactions)."""
    con.execute(
        """
        INSERT INTO discovery_accounts
        WITH posted AS (
            SELECT account_id, count(*) AS n FROM posts WHERE posted_at > $start AND posted_at <= $end GROUP BY ALL
        ), reacted AS (
            SELECT target_account_id AS account_id, count(*) AS n FROM profile_reactions
            WHERE type <> 'follow' GROUP BY ALL
        )
        SELECT a.person_id, a.account_id, a.network, coalesce(a.followers, 0), coalesce(p.n, 0), coalesce(r.n, 0),
               CASE WHEN p.n > 0 AND a.followers > 0 THEN coalesce(r.n, 0) / (p.n * a.followers) END
        FROM accounts a LEFT JOIN posted p USING (account_id) LEFT JOIN reacted r USING (account_id)
        ORDER BY a.network, a.person_id, a.account_id  -- a search tests one network's rows: it skips the others'
        """,
        {"start": start, "end": end},
    )


def _insert_discovery(con: duckdb.DuckDBPyConnection, scored: bool) -> None:
    # One handle per network (the alphabetically first when a person has several there), in enum order.
    handles = ", ".join(f"min(a.handle) FILTER (WHERE a.network = '{n}') || ' ({n})' AS handle_{n}" for n in NETWORKS)
    followers = ", ".join(f"sum(d.followers) FILTER (WHERE a.network = '{n}') AS followers_{n}" for n in NETWORKS)
    # A network the person is on but without a score row yet (imported after the refresh) scores the floor.
    network_scores = ", ".join(
        f"CASE WHEN a.networks & {1 << i} <> 0 THEN coalesce(s.{SCORE_COLUMNS[n]}, 1) END"
        for i, n in enumerate(NETWORKS)
    )
    slots = ", ".join(
        f"max(ti.influence) FILTER (WHERE ts.slot = {i}) AS {topic_column(i)}" for i in range(TOPIC_SLOTS)
    )
    con.execute(
        f"""
        INSERT INTO discovery
        WITH acc AS (
            -- Only unordered aggregates: ordered ones and per-row list sorting cost seconds at a million people.
            SELECT a.person_id, {handles}, {followers},
                   list(a.account_id) AS account_ids,
                   string_agg(a.handle || ' ' || coalesce(a.bio, ''), ' ') AS text,
                   bit_or((1 << enum_code(a.network))::UTINYINT) AS networks,
                   sum(d.followers) AS audience,
                   sum(d.posts) AS posts,
                   sum(d.reactions) AS reactions,
                   -- Engagement pooled over the accounts that have one: their reactions over their posts times
                   -- followers, each account's own. Total reactions over total posts times total followers would
                   -- divide by every account's posts times every other's followers: a k-network person's rate ~1/k.
                   sum(d.reactions) FILTER (WHERE d.posts > 0 AND d.followers > 0) AS rated_reactions,
                   sum(d.posts::DOUBLE * d.followers) FILTER (WHERE d.posts > 0 AND d.followers > 0) AS exposure,
                   -- From the account with most followers (an unknown count ranks last, it would otherwise lose
                   -- the location), of equal ones the first: the same data always shows the same place.
                   arg_max(a.location, (coalesce(a.followers, -1), -a.account_id)) FILTER (WHERE a.location IS NOT NULL)
                       AS location,
                   arg_max(a.language, (coalesce(a.followers, -1), -a.account_id)) FILTER (WHERE a.language IS NOT NULL)
                       AS language
            FROM accounts a JOIN discovery_accounts d USING (account_id)
            GROUP BY a.person_id
        ), own AS (
            -- Accounts' own names (a blog's, a shop's) other than the person's, searched as names. Sorted, as the
            -- word index re-indexes a person whose text changes: a join's row order varies from build to build.
            SELECT a.person_id, array_to_string(list_sort(list(DISTINCT a.display_name)), ' ') AS names
            FROM accounts a JOIN people n ON n.person_id = a.person_id
            WHERE lower(a.display_name) <> lower(n.name)  -- the name in other capitals adds nothing either
            GROUP BY a.person_id
        ), s AS ({_scores_sql(scored)}
        ), auth AS (
            SELECT person_id, min(rating) AS rating, bool_or(len(flags) > 0) AS flagged FROM authenticity GROUP BY ALL
        ), tp AS (
            -- Strongest topic first, equal ones by name (influence is a whole number: ties are common).
            SELECT ti.person_id, list(ti.topic ORDER BY ti.influence DESC, ti.topic) AS topics,
                   max(ti.influence) AS top,
                   bit_or(1::UINTEGER << ts.slot) AS mask, {slots}
            FROM topic_influence ti LEFT JOIN discovery_topic_slots ts USING (topic)
            GROUP BY ti.person_id
        )
        SELECT p.person_id, p.name,
               concat_ws(', ', {", ".join(f"a.handle_{n}" for n in NETWORKS)}),
               coalesce(a.account_ids, []), coalesce(a.networks, 0),
               coalesce(s.score, 1), {network_scores},
               coalesce(a.audience, 0), coalesce(a.posts, 0), coalesce(a.reactions, 0),
               CASE WHEN a.exposure > 0 THEN a.rated_reactions / a.exposure END,
               coalesce(auth.rating, 100), coalesce(auth.flagged, false),
               a.location, a.language,
               coalesce(tp.topics, []), tp.top,
               -- The text as written: the word index cuts it (core/discover/words.py) only when it changed.
               concat_ws(' ', p.name, a.text, own.names),
               coalesce(tp.mask, 0), {", ".join(f"tp.{topic_column(i)}" for i in range(TOPIC_SLOTS))},
               coalesce(s.score_low, s.score, 1), coalesce(s.score_high, s.score, 1),
               coalesce(s.too_little_data, coalesce(s.score, 1) = 1),
               -- migration 014 appended the score's interval after the topic slots, then 018 these
               {", ".join(f"a.followers_{n}" for n in NETWORKS)}
        FROM people p
        LEFT JOIN acc a USING (person_id)
        LEFT JOIN own USING (person_id)
        LEFT JOIN s USING (person_id)
        LEFT JOIN auth USING (person_id)
        LEFT JOIN tp USING (person_id)
        ORDER BY 6 DESC, p.person_id
        """  # noqa: S608 - only fixed network and slot column names are formatted in
    )


def _write(con: duckdb.DuckDBPyConnection, progress: Progress) -> tuple[int | None, datetime | None, datetime | None]:
    run_id, start, end = _window(con)
    for table in _TABLES:
        con.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
    progress(0.05, "Gathering who reacted to whom, for the profiles")
    if start is not None:
        con.execute(
            """
            INSERT INTO profile_reactions
            SELECT target_account_id, actor_account_id, post_id, type FROM interactions
            WHERE occurred_at > ? AND occurred_at <= ? AND actor_account_id <> target_account_id
            ORDER BY target_account_id
            """,
            [start, end],
        )
    progress(0.45, "Building the discovery table")
    con.execute(
        """
        INSERT INTO discovery_topic_slots
        SELECT row_number() OVER (ORDER BY count(*) DESC, topic) - 1 AS slot, topic, count(*)
        FROM topic_influence GROUP BY topic QUALIFY slot < ?
        """,
        [TOPIC_SLOTS],
    )
    _insert_accounts(con, start, end)
    _insert_discovery(con, run_id is not None)
    progress(0.7, "Indexing the words of names, handles, bios and new posts")
    update_index(con, start, end)
    return run_id, start, end


def build_discovery(con: duckdb.DuckDBPyConnection, *, progress: Progress = silent) -> BuildInfo:
    """Replace the discovery tables from the current scores and topics in one transaction; returns what was built."""
    started = time.perf_counter()
    with _building, transaction(con):
        run_id, start, end = _write(con, progress)
        con.execute(
            """
            INSERT INTO discovery_builds
            SELECT now()::TIMESTAMP, ?, ?, ?, ?,
                   (SELECT count(*) FROM discovery), (SELECT count(*) FROM topic_influence), ?
            """,
            [latest_load_id(con), run_id, start, end, time.perf_counter() - started],
        )
    progress(1.0, "Discovery ready")
    info = build_info(con)
    assert info is not None  # written just above
    return info


def build_info(con: duckdb.DuckDBPyConnection) -> BuildInfo | None:
    """The current build, or None when the discovery tables were never built."""
    found = rows(con, "SELECT * FROM discovery_builds")
    return BuildInfo(*found[0]) if found else None


def is_stale(con: duckdb.DuckDBPyConnection) -> bool:
    """True when data was loaded or scores refreshed since the build (or there is none)."""
    info = build_info(con)
    if info is None:
        return True
    run = stored_run(con)
    return (info.load_id, info.score_run_id) != (latest_load_id(con), run.run_id if run is not None else None)


def ensure_built(con: duckdb.DuckDBPyConnection, *, progress: Progress = silent) -> bool:
    """Build the discovery tables if they are missing or stale; True if it built (one builder per process)."""
    with _building:
        if not is_stale(con):
            return False
        build_discovery(con, progress=progress)
        return True


def current_build(con: duckdb.DuckDBPyConnection, *, progress: Progress = silent) -> BuildInfo:
    """The build that Discover, profiles and campaigns read, rebuilt first if data changed since it was made.

    Every page that reads these tables calls this once per run; the rebuild happens once per data change.
    """
    ensure_built(con, progress=progress)
    info = build_info(con)
    assert info is not None  # ensure_built has just built it if there was none
    return info
