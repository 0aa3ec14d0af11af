-- Influence scores, their history, explanations and authenticity flags (core/scoring).
-- A refresh replaces the current rows of scores, score_explanations, score_top_posts, authenticity and
-- authenticity_flags and adds the day's score_history rows, all in one transaction: readers see the
-- previous run or the new one, never a mix. `network` is a network_name or 'all' for the combined score.
-- No primary keys on the large tables: rows are bulk-written sorted by person_id, so DuckDB's min/max
-- zone maps already make per-person lookups cheap, and bulk inserts stay fast at millions of rows.

CREATE TABLE score_runs (
    run_id           BIGINT PRIMARY KEY,
    kind             VARCHAR NOT NULL,    -- 'refresh' or 'backfill'
    status           VARCHAR NOT NULL,    -- 'ok' or 'failed'
    message          VARCHAR,             -- why it failed, or what it did
    started_at       TIMESTAMP NOT NULL,
    refreshed_at     TIMESTAMP NOT NULL,  -- when it finished
    as_of            TIMESTAMP,           -- end of the scoring window (latest one for a backfill)
    window_days      INTEGER NOT NULL,
    params           JSON NOT NULL,       -- ScoreParams, to reproduce or preview against this run
    people           BIGINT,
    reactions        BIGINT,              -- reactions inside the window
    flagged_accounts BIGINT,
    seconds          DOUBLE
);

CREATE TABLE scores (
    run_id                 BIGINT NOT NULL,
    person_id              BIGINT NOT NULL,
    network                VARCHAR NOT NULL,
    score                  SMALLINT NOT NULL,  -- 1..100, see core/scoring/mapping.py
    raw                    DOUBLE NOT NULL,    -- reaction value in average reactions, after the own discount
    reactions              BIGINT NOT NULL,    -- reactions received in the window
    distinct_reactors      BIGINT NOT NULL,    -- distinct reacting accounts
    mean_reactor_influence DOUBLE,             -- mean influence of those reactors (1 = average person)
    authenticity           SMALLINT NOT NULL,  -- 0..100: the account's rating, or the person's lowest
    influence              DOUBLE,             -- 'all' rows: this person's reactor influence (PageRank, mean 1)
    reactor_weight         DOUBLE              -- 'all' rows: what one reaction from this person weighs in
                                               -- others' scores (the average reaction weighs 1)
);

CREATE TABLE score_history (
    person_id BIGINT NOT NULL,
    network   VARCHAR NOT NULL,
    day       DATE NOT NULL,      -- the as-of day of the refresh (or backfill step)
    score     SMALLINT NOT NULL
);

-- One row per person, network and signal; points of a person's rows add up to score - 1.
CREATE TABLE score_explanations (
    run_id                 BIGINT NOT NULL,
    person_id              BIGINT NOT NULL,
    network                VARCHAR NOT NULL,
    signal                 VARCHAR NOT NULL,  -- a reaction type, or 'authenticity' (own discount)
    reactions              BIGINT,
    distinct_reactors      BIGINT,
    mean_reactor_influence DOUBLE,
    nominal                DOUBLE,            -- repost-equivalents before any discount
    discount               DOUBLE,            -- share removed by repetition, selectivity, inauthentic reactors
                                              -- (for 'authenticity': share removed from the person's own value)
    value                  DOUBLE,            -- raw value contributed, influence-weighted
    points                 DOUBLE NOT NULL    -- score points contributed (negative for 'authenticity')
);

CREATE TABLE score_top_posts (
    run_id            BIGINT NOT NULL,
    person_id         BIGINT NOT NULL,
    network           VARCHAR NOT NULL,
    rank              TINYINT NOT NULL,  -- 1 = drove the most value
    post_id           BIGINT NOT NULL,
    reactions         BIGINT NOT NULL,
    value             DOUBLE NOT NULL,   -- reactions weighted by their reactors (no repetition cap)
    points            DOUBLE NOT NULL    -- score points this post drove
);

CREATE TABLE authenticity (
    run_id     BIGINT NOT NULL,
    account_id BIGINT NOT NULL,
    person_id  BIGINT NOT NULL,
    network    network_name NOT NULL,
    rating     SMALLINT NOT NULL,     -- 0..100; 100 = nothing suspicious found
    flags      VARCHAR[] NOT NULL     -- names of the flags in authenticity_flags
);

CREATE TABLE authenticity_flags (
    run_id     BIGINT NOT NULL,
    account_id BIGINT NOT NULL,
    person_id  BIGINT NOT NULL,
    network    network_name NOT NULL,
    flag       VARCHAR NOT NULL,      -- follow_farm, react_all, pod, bought_burst
    severity   DOUBLE NOT NULL,       -- the rating keeps (1 - severity) per flag
    evidence   JSON NOT NULL          -- the numbers that triggered the flag
);
