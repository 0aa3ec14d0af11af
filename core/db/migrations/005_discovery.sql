-- The Discover page's precomputed tables (core/discover/build.py). build_discovery replaces all of them in one
-- transaction after a score or topic refresh, so a search reads flat tables and never aggregates at query time.
-- No keys or indexes: each table is bulk-written in the order its queries read it, and DuckDB's min/max zone
-- maps then skip whole row groups (score ranges on `discovery`, a word prefix on `discovery_words`, a person's
-- accounts on `profile_reactions`).

-- One row per person, sorted by combined score (best first).
CREATE TABLE discovery (
    person_id           BIGINT NOT NULL,
    name                VARCHAR,
    handles             VARCHAR,             -- 'mira_t (twitter), mira.t (instagram)': one handle per network
    account_ids         BIGINT[] NOT NULL,   -- the person's accounts, for the profile's lookups
    networks            UTINYINT NOT NULL,   -- bit i set: an account on the i-th network_name value
    score               SMALLINT NOT NULL,   -- combined 1..100; 1 for everyone before the first refresh
    score_twitter       SMALLINT,            -- per-network score; NULL without an account there
    score_instagram     SMALLINT,
    score_youtube       SMALLINT,
    score_tiktok        SMALLINT,
    score_blog          SMALLINT,
    audience            BIGINT NOT NULL,     -- followers summed over the person's accounts
    posts               BIGINT NOT NULL,     -- posts, replies and reposts written in the window
    reactions           BIGINT NOT NULL,     -- reactions (not follows) other accounts gave them in the window
    engagement_rate     DOUBLE,              -- reactions / (posts * audience); NULL when either is 0
    authenticity        SMALLINT NOT NULL,   -- lowest account rating 0..100 (100 = nothing suspicious or unscored)
    flagged             BOOLEAN NOT NULL,    -- some account carries an authenticity flag
    location            VARCHAR,             -- of the largest account that states one
    language            VARCHAR,
    topics              VARCHAR[] NOT NULL,  -- topics with evidence, most influential first
    top_topic_influence SMALLINT,            -- influence in the first of them
    search_text         VARCHAR NOT NULL,    -- lower-cased name, handles and bios as words split by single spaces
    topic_mask          UINTEGER NOT NULL,   -- bit s set: influence in the topic of slot s (discovery_topic_slots)
    -- topic_0 .. topic_31: influence 1..100 in the topic of that slot, NULL without evidence for it
    topic_0             SMALLINT,
    topic_1             SMALLINT,
    topic_2             SMALLINT,
    topic_3             SMALLINT,
    topic_4             SMALLINT,
    topic_5             SMALLINT,
    topic_6             SMALLINT,
    topic_7             SMALLINT,
    topic_8             SMALLINT,
    topic_9             SMALLINT,
    topic_10            SMALLINT,
    topic_11            SMALLINT,
    topic_12            SMALLINT,
    topic_13            SMALLINT,
    topic_14            SMALLINT,
    topic_15            SMALLINT,
    topic_16            SMALLINT,
    topic_17            SMALLINT,
    topic_18            SMALLINT,
    topic_19            SMALLINT,
    topic_20            SMALLINT,
    topic_21            SMALLINT,
    topic_22            SMALLINT,
    topic_23            SMALLINT,
    topic_24            SMALLINT,
    topic_25            SMALLINT,
    topic_26            SMALLINT,
    topic_27            SMALLINT,
    topic_28            SMALLINT,
    topic_29            SMALLINT,
    topic_30            SMALLINT,
    topic_31            SMALLINT
);

-- Which topic each topic_<slot> column of discovery holds: the 32 most common topics, most common in slot 0.
CREATE TABLE discovery_topic_slots (
    slot   UTINYINT NOT NULL,
    topic  VARCHAR NOT NULL,
    people BIGINT NOT NULL
);

-- Every distinct word of each person's search_text, sorted by word: a word prefix reads one or two row groups.
CREATE TABLE discovery_words (
    word      VARCHAR NOT NULL,
    person_id BIGINT NOT NULL
);

-- The window's interactions between different accounts, sorted by the account reacted to: a profile reads its
-- reactors, their reactions to each other and its posts' reaction counts here instead of scanning interactions.
CREATE TABLE profile_reactions (
    target_account_id BIGINT NOT NULL,
    actor_account_id  BIGINT NOT NULL,
    post_id           BIGINT,
    type              interaction_type NOT NULL
);

-- What the current discovery tables were built from (one row, replaced with them).
CREATE TABLE discovery_builds (
    built_at     TIMESTAMP NOT NULL,
    load_id      BIGINT NOT NULL,       -- latest load_log row then: a later load makes the tables stale
    score_run_id BIGINT,                -- NULL: no refresh yet, every score is 1
    window_start TIMESTAMP,             -- the window of posts, reactions and engagement: (start, end]
    window_end   TIMESTAMP,
    people       BIGINT NOT NULL,
    topic_rows   BIGINT NOT NULL,       -- person-topic rows; 0 until the topic step has run
    seconds      DOUBLE NOT NULL
);
