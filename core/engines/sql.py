"""The refresh's SQL-shaped steps, written once in the SQL that Spark SQL and DuckDB both run.

The queries read four views: `interactions` and `posts` (the Parquet export, lake.py), `scored_accounts`
(account_id, aidx, pidx: the dense indices of reactions.indices) and `reaction_kinds` (type, kind: the reaction
types and their index in INTERACTION_TYPES). Values are bound as positional `?` parameters, which both
engines accept; times are whole microseconds since 1970. Which reactions count is decided here; what each one
counts (type weight, recency, thread weight) is computed by the driver with reactions.py's own functions
(collected.features), so the score's math has one definition. Together they give what reactions.load_features
computes, and tests/unit/test_spark_engine.py runs them on DuckDB against it.
"""

from __future__ import annotations

# Interactions in the window naming an account the warehouse does not hold: (count, one example).
# Parameters: window start, as-of.
UNKNOWN_ACCOUNTS = """
SELECT count(*) AS n, min(i.actor_account_id) AS actor, min(i.target_account_id) AS target
FROM interactions i
LEFT JOIN scored_accounts a ON a.account_id = i.actor_account_id
LEFT JOIN scored_accounts b ON b.account_id = i.target_account_id
WHERE i.occurred_us > ? AND i.occurred_us <= ? AND (a.aidx IS NULL OR b.aidx IS NULL)
"""

# The window's reactions on dense indices, without reactions to one's own other account, without follows that
# return a follow made earlier in the window (follow-for-follow courtesy) and without the @-mention a reply carries
# of the account it answers (that reply's echo: same actor, target and second). t: seconds after the window start;
# on_reply: the reaction is to a reply; in_reply: a mention made inside a reply (its actor replied that second).
# The driver turns t, on_reply and in_reply into each reaction's credit (reactions.credit). Parameters: window
# start (three times), as-of.
WINDOW_REACTIONS = """
WITH w AS (
    SELECT i.actor_account_id AS actor_id, i.target_account_id AS target_id, i.type,
           coalesce(i.post_id, -1) AS post_id, CAST(round((i.occurred_us - ?) / 1000000.0) AS INTEGER) AS t,
           coalesce(p.kind = 'reply', false) AS on_reply
    FROM interactions i LEFT JOIN posts p ON p.post_id = i.post_id
    WHERE i.occurred_us > ? AND i.occurred_us <= ?
), first_follow AS (
    SELECT actor_id, target_id, min(t) AS t0 FROM w WHERE type = 'follow' GROUP BY actor_id, target_id
), replies AS (
    SELECT DISTINCT actor_id, target_id, t FROM w WHERE type = 'reply'
), reply_moments AS (
    SELECT DISTINCT actor_id, t FROM replies
)
SELECT a.aidx AS actor, b.aidx AS target, k.kind, w.post_id, w.t, w.on_reply, m.actor_id IS NOT NULL AS in_reply
FROM w
JOIN scored_accounts a ON a.account_id = w.actor_id
JOIN scored_accounts b ON b.account_id = w.target_id
JOIN reaction_kinds k ON k.type = w.type
LEFT JOIN first_follow f ON w.type = 'follow' AND f.actor_id = w.target_id AND f.target_id = w.actor_id
LEFT JOIN reply_moments m ON w.type = 'mention' AND m.actor_id = w.actor_id AND m.t = w.t
LEFT JOIN replies e ON w.type = 'mention' AND e.actor_id = w.actor_id AND e.target_id = w.target_id AND e.t = w.t
WHERE a.pidx <> b.pidx AND (f.t0 IS NULL OR f.t0 >= w.t) AND e.actor_id IS NULL
"""

# Reactions per (reacting account, reacted-to account, type), in key order. Reads the view window_reactions.
PAIR_RUNS = """
SELECT actor, target, kind, count(*) AS n FROM window_reactions GROUP BY actor, target, kind
ORDER BY actor, target, kind
"""

# Per pair, in key order: reactions other than follows (the driver weighs the pair's runs by type and credit).
# Reads the view pair_runs. Parameter: the index of 'follow' among the reaction kinds.
PAIRS = """
SELECT actor, target, sum(CASE WHEN kind <> ? THEN n ELSE 0 END) AS given
FROM pair_runs
GROUP BY actor, target
ORDER BY actor, target
"""

# Per reacting account: distinct accounts reacted to or followed, reacted to (follows aside), reacted to once,
# and reactions given (follows aside). Reads the view pairs.
REACTOR_ACTIVITY = """
SELECT actor AS aidx, count(*) AS all_targets, count_if(given > 0) AS distinct_targets,
       count_if(given = 1) AS once_targets, sum(given) AS reactions_given
FROM pairs GROUP BY actor
"""

# Per account: posts and replies written in the window (not reposts). Parameters: window start, as-of.
POSTS_WRITTEN = """
SELECT a.aidx, count(*) AS n
FROM posts p JOIN scored_accounts a ON a.account_id = p.account_id
WHERE p.posted_us > ? AND p.posted_us <= ? AND p.kind <> 'repost'
GROUP BY a.aidx
"""

# The earliest interaction held, for how much of the window the data covers.
FIRST_INTERACTION = "SELECT min(occurred_us) AS first_us FROM interactions"

# PageRank's column-stochastic shares: per (reacting person, reacted-to person) the kept edge weight over the
# reacting person's whole outflow, and per reacting person the share of its rank it hands on at all.
# Reads rank_edges (src, dst, weight_all, weight_kept).
RANK_SHARES = """
WITH outflow AS (SELECT src, sum(weight_all) AS total FROM rank_edges GROUP BY src)
SELECT e.src, e.dst, sum(e.weight_kept / o.total) AS share
FROM rank_edges e JOIN outflow o ON o.src = e.src
WHERE o.total > 0
GROUP BY e.src, e.dst
"""

# One PageRank step: what each person receives (damping x shares x rank of the reacting person), plus the
# teleport of everything not handed on. Reads rank_shares and rank_x (person, x, start, handed: the share of
# its rank a person hands on). Parameters: damping, the rank mass going back through the teleport.
RANK_STEP = """
WITH received AS (
    SELECT s.dst AS person, ? * sum(s.share * x.x) AS y FROM rank_shares s JOIN rank_x x ON x.person = s.src
    GROUP BY s.dst
)
SELECT x.person, coalesce(r.y, 0.0) + ? * x.start AS x, x.start, x.handed,
       abs(coalesce(r.y, 0.0) + ? * x.start - x.x) AS change
FROM rank_x x LEFT JOIN received r ON r.person = x.person
"""
