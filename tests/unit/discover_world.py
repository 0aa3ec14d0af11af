"""A small known warehouse for the Discover and Profile tests: five people with hand-written scores, topics,
flags, history and explanations (no scoring or topic run needed), including hostile text for exports."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from core.db import warehouse
from core.discover import build_discovery

AS_OF = datetime(2024, 3, 31, 12, 0)
WINDOW_DAYS = 90
MIRA, EVIL, ZOE, QUIET, CARL = 1, 2, 3, 4, 5
EVIL_HANDLE = '=HYPERLINK("http://x")'
EVIL_BIO = "+1 555 call me"

# person_id, name, [(account_id, network, handle, bio, followers, location, language)]
PEOPLE = [
    (MIRA, "Mira Torvalen", [
        (11, "twitter", "mira_t", "Runner | coffee first", 1000, "London, UK", "en"),
        (12, "instagram", "mira.t", "Trail runner", 500, "London, UK", "en"),
    ]),
    (EVIL, "@Evil Corp", [(21, "tiktok", EVIL_HANDLE, EVIL_BIO, 2000, "Berlin, Germany", "de")]),
    (ZOE, "Zoë Müller", [(31, "youtube", "zoe_m", "Gaming and music", 300, "Berlin, Germany", "de")]),
    (QUIET, "Quiet Person", []),
    (CARL, "Carl Jones", [(51, "blog", "carl", None, 0, None, None)]),
]  # fmt: skip
# person_id -> {scope: score}; the per-network scores of people on that network.
SCORES = {
    MIRA: {"all": 80, "twitter": 75, "instagram": 60},
    EVIL: {"all": 50, "tiktok": 50},
    ZOE: {"all": 30, "youtube": 30},
    CARL: {"all": 10, "blog": 10},
}
TOPICS = {MIRA: {"fitness_&_health": 70, "food_&_dining": 40}, EVIL: {"music": 55}, ZOE: {"music": 20, "gaming": 35}}
PARAMS_BEFORE = {"weight_like": 0.4, "weight_repost": 1.0}
PARAMS_AFTER = {"weight_like": 0.2, "weight_repost": 1.0}


# Columns written per table, so columns other steps add to their tables later (nullable) do not break the world.
COLUMNS = {
    "posts": "post_id, account_id, network, external_id, posted_at, text, url, kind, parent_post_id, reported_reposts, "
    "reported_likes",
    "score_runs": "run_id, kind, status, message, started_at, refreshed_at, as_of, window_days, params, people, "
    "reactions, flagged_accounts, seconds",
    "scores": "run_id, person_id, network, score, raw, reactions, distinct_reactors, mean_reactor_influence, "
    "authenticity, influence",
    "score_explanations": "run_id, person_id, network, signal, reactions, distinct_reactors, mean_reactor_influence, "
    "nominal, discount, value, points",
    "score_top_posts": "run_id, person_id, network, rank, post_id, reactions, value, points",
    "authenticity": "run_id, account_id, person_id, network, rating, flags",
    "authenticity_flags": "run_id, account_id, person_id, network, flag, severity, evidence",
    "topic_influence": "run_id, person_id, topic, influence, raw, posts, reactions, distinct_reactors, share",
    "score_history": "person_id, network, day, score",
    "topic_evidence": "run_id, person_id, topic, rank, post_id, reactions, distinct_reactors, value",
}


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    if rows:
        marks = ", ".join("?" for _ in rows[0])
        columns = f"({COLUMNS[table]})" if table in COLUMNS else ""
        con.executemany(f"INSERT INTO {table} {columns} VALUES ({marks})", rows)  # noqa: S608 - fixed names


def _people_and_posts(con: duckdb.DuckDBPyConnection) -> None:
    _insert(con, "people", [(pid, f"ext-{pid}", name) for pid, name, _ in PEOPLE])
    _insert(
        con,
        "accounts",
        [
            (aid, pid, net, f"{net}-{aid}", handle, None, bio, followers, 10, loc, lang, AS_OF - timedelta(days=900))
            for pid, _, accounts in PEOPLE
            for aid, net, handle, bio, followers, loc, lang in accounts
        ],
    )
    # Mira: 4 posts in the window (post 104 is her newest); Evil: 1. Zoe reacts to Mira, Mira and Zoe to Evil.
    posts = [
        (101, 11, "twitter", "Morning 10k done", 5),
        (102, 11, "twitter", "Best flat white in town", 4),
        (103, 12, "instagram", "Trail photos", 3),
        (104, 12, "instagram", "Race day!", 1),
        (201, 21, "tiktok", "Buy followers here", 2),
    ]
    _insert(
        con,
        "posts",
        [
            (pid, aid, net, f"p{pid}", AS_OF - timedelta(days=days), text, None, "post", None, None, None)
            for pid, aid, net, text, days in posts
        ],
    )
    reactions = [
        (31, 11, 101, "like"), (31, 11, 101, "repost"), (31, 12, 103, "like"), (21, 11, 102, "like"),
        (51, 12, 104, "reply"), (11, 21, 201, "like"), (31, 21, 201, "like"), (31, 11, None, "follow"),
        (21, 31, None, "follow"),
    ]  # fmt: skip
    net = {aid: n for _, _, accounts in PEOPLE for aid, n, *_ in accounts}
    _insert(
        con,
        "interactions",
        [(a, t, p, kind, AS_OF - timedelta(hours=i + 1), net[t]) for i, (a, t, p, kind) in enumerate(reactions)],
    )
    con.execute("INSERT INTO load_log VALUES (1, 'import', ['discover_world'], 5, 5, 5, 9, ?)", [AS_OF])


def _scores(con: duckdb.DuckDBPyConnection) -> None:
    run = (WINDOW_DAYS, 5, 9, 1, 0.1)
    _insert(
        con,
        "score_runs",
        [
            (1, "refresh", "ok", None, AS_OF, AS_OF, AS_OF - timedelta(days=14), *run[:1], json.dumps(PARAMS_BEFORE),
             *run[1:]),
            (2, "refresh", "ok", None, AS_OF, AS_OF, AS_OF - timedelta(days=7), *run[:1], json.dumps(PARAMS_BEFORE),
             *run[1:]),
            (3, "refresh", "ok", None, AS_OF, AS_OF, AS_OF, *run[:1], json.dumps(PARAMS_AFTER), *run[1:]),
        ],
    )  # fmt: skip
    rating = {EVIL: 30}
    _insert(
        con,
        "scores",
        [
            (3, pid, scope, s, 1.0, 4, 3, 2.3, rating.get(pid, 100), 1.0 if scope == "all" else None)
            for pid, scopes in SCORES.items()
            for scope, s in scopes.items()
        ],
    )
    _insert(
        con,
        "score_history",
        [
            (pid, scope, (AS_OF - timedelta(days=back)).date(), s - back // 7)
            for back in (14, 7, 0)
            for pid, scopes in SCORES.items()
            for scope, s in scopes.items()
        ],
    )
    # Mira's 79 points: 62% reposts, 38% likes; Evil loses 20 points to his own flag.
    _insert(
        con,
        "score_explanations",
        [
            (3, MIRA, "all", "repost", 410, 140, 2.3, 410.0, 0.12, 3.0, 49.0),
            (3, MIRA, "all", "like", 900, 300, 1.1, 360.0, 0.02, 1.8, 30.0),
            (3, EVIL, "all", "like", 50, 10, 0.5, 20.0, 0.5, 1.0, 69.0),
            (3, EVIL, "all", "authenticity", None, None, None, None, 0.91, -0.5, -20.0),
        ],
    )
    _insert(con, "score_top_posts", [(3, MIRA, "all", 1, 101, 2, 1.5, 20.0), (3, MIRA, "all", 2, 103, 1, 1.0, 9.0)])
    _insert(
        con,
        "authenticity",
        [(3, aid, pid, net, rating.get(pid, 100), ["pod"] if pid == EVIL else []) for pid, _, a in PEOPLE
         for aid, net, *_ in a],
    )  # fmt: skip
    _insert(con, "authenticity_flags", [(3, 21, EVIL, "tiktok", "pod", 0.7, json.dumps({"pod_id": 7, "members": 5}))])


def _topics(con: duckdb.DuckDBPyConnection) -> None:
    _insert(
        con,
        "topic_influence",
        [(3, pid, t, inf, 1.0, 2, 5, 3, 0.5) for pid, topics in TOPICS.items() for t, inf in topics.items()],
    )
    _insert(
        con,
        "topic_evidence",
        [
            (3, MIRA, "fitness_&_health", 1, 101, 2, 1, 1.0),
            (3, MIRA, "fitness_&_health", 2, 103, 1, 1, 0.5),
            (3, MIRA, "food_&_dining", 1, 102, 1, 1, 0.5),
            (3, EVIL, "music", 1, 201, 2, 2, 1.0),
        ],
    )


def rewrite_topics(con: duckdb.DuckDBPyConnection) -> None:
    """What a topic refresh does to the topic tables: replace every row (here with the same, freshly written)."""
    con.execute("DELETE FROM topic_evidence")
    con.execute("DELETE FROM topic_influence")
    _topics(con)


def fill(con: duckdb.DuckDBPyConnection, *, scored: bool = True, topics: bool = True) -> None:
    """Load the world into a migrated, empty warehouse and build the discovery tables."""
    _people_and_posts(con)
    if scored:
        _scores(con)
    if topics:
        _topics(con)
    build_discovery(con)


def memory_warehouse(*, scored: bool = True, topics: bool = True) -> duckdb.DuckDBPyConnection:
    """The world in an in-memory warehouse."""
    con = duckdb.connect(":memory:")
    warehouse.migrate(con)
    fill(con, scored=scored, topics=topics)
    return con


def file_warehouse(path: Path, **kwargs: bool) -> str:
    """The world in a warehouse file (for the app), returned as a string path."""
    con = warehouse.connect(path)
    try:
        fill(con, **kwargs)
    finally:
        con.close()
    return str(path)
