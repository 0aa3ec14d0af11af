-- People, their accounts per network, posts and the interactions between accounts.
-- Internal ids are dense BIGINTs assigned by Sway; external_id keeps the source's own id
-- so re-imports match what is already stored. Uniqueness of (network, external_id) is
-- enforced by the importers with anti-joins rather than an index, which keeps bulk loads
-- of tens of millions of rows fast.

CREATE TYPE network_name AS ENUM ('twitter', 'instagram', 'youtube', 'tiktok', 'blog');
CREATE TYPE interaction_type AS ENUM ('repost', 'reply', 'mention', 'like', 'click', 'follow');
CREATE TYPE post_kind AS ENUM ('post', 'reply', 'repost');

CREATE TABLE people (
    person_id   BIGINT PRIMARY KEY,
    external_id VARCHAR NOT NULL,
    name        VARCHAR
);

CREATE TABLE accounts (
    account_id   BIGINT PRIMARY KEY,
    person_id    BIGINT NOT NULL,
    network      network_name NOT NULL,
    external_id  VARCHAR NOT NULL,
    handle       VARCHAR NOT NULL,
    display_name VARCHAR,
    bio          VARCHAR,
    followers    BIGINT CHECK (followers >= 0),
    following    BIGINT CHECK (following >= 0),
    location     VARCHAR,
    language     VARCHAR,
    created_at   TIMESTAMP
);

CREATE TABLE posts (
    post_id        BIGINT PRIMARY KEY,
    account_id     BIGINT NOT NULL,
    network        network_name NOT NULL,
    external_id    VARCHAR NOT NULL,
    posted_at      TIMESTAMP NOT NULL,
    text           VARCHAR NOT NULL,
    url            VARCHAR,
    kind           post_kind NOT NULL,
    parent_post_id BIGINT,
    -- totals the source network reported (e.g. Twitter's retweet_count), not reactions Sway observed
    reported_reposts BIGINT,
    reported_likes   BIGINT
);

CREATE TABLE interactions (
    actor_account_id  BIGINT NOT NULL,
    target_account_id BIGINT NOT NULL,
    post_id           BIGINT,
    type              interaction_type NOT NULL,
    occurred_at       TIMESTAMP NOT NULL,
    network           network_name NOT NULL
);

-- One row per import or rebuild, so the Data page can say what was loaded and when.
CREATE TABLE load_log (
    load_id      BIGINT PRIMARY KEY,
    kind         VARCHAR NOT NULL,   -- 'demo' or 'import'
    sources      VARCHAR[] NOT NULL, -- file names or 'demo seed=…'
    people       BIGINT NOT NULL,
    accounts     BIGINT NOT NULL,
    posts        BIGINT NOT NULL,
    interactions BIGINT NOT NULL,
    finished_at  TIMESTAMP NOT NULL
);

-- Key/value facts about the warehouse as a whole (origin, demo seed, as-of date).
CREATE TABLE warehouse_meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);
