-- Live networks: Bluesky and Mastodon join the five networks of today, and the collector's bookkeeping.
--
-- DuckDB cannot add a value to an enum, so every network_name column is turned into text, the type is made
-- again with the two new values at the end (enum_code() of the old five is unchanged, so the Discover bit mask
-- keeps its meaning), and the columns turned back.
ALTER TABLE accounts ALTER COLUMN network TYPE VARCHAR;
ALTER TABLE posts ALTER COLUMN network TYPE VARCHAR;
ALTER TABLE interactions ALTER COLUMN network TYPE VARCHAR;
ALTER TABLE authenticity ALTER COLUMN network TYPE VARCHAR;
ALTER TABLE authenticity_flags ALTER COLUMN network TYPE VARCHAR;
DROP TYPE network_name;
CREATE TYPE network_name AS ENUM ('twitter', 'instagram', 'youtube', 'tiktok', 'blog', 'bluesky', 'mastodon');
ALTER TABLE accounts ALTER COLUMN network TYPE network_name;
ALTER TABLE posts ALTER COLUMN network TYPE network_name;
ALTER TABLE interactions ALTER COLUMN network TYPE network_name;
ALTER TABLE authenticity ALTER COLUMN network TYPE network_name;
ALTER TABLE authenticity_flags ALTER COLUMN network TYPE network_name;

-- discovery gets a score column per new network right after score_blog, where core/discover/build.py writes
-- the per-network scores (its INSERT is positional). The table is rebuilt whole by every refresh, so a copy keeps
-- what it holds until then.
ALTER TABLE discovery RENAME TO discovery_before_012;
CREATE TABLE discovery AS
SELECT person_id, name, handles, account_ids, networks, score,
       score_twitter, score_instagram, score_youtube, score_tiktok, score_blog,
       NULL::SMALLINT AS score_bluesky, NULL::SMALLINT AS score_mastodon,
       * EXCLUDE (person_id, name, handles, account_ids, networks, score,
                  score_twitter, score_instagram, score_youtube, score_tiktok, score_blog)
FROM discovery_before_012;
DROP TABLE discovery_before_012;
-- (a copy keeps the values, not the NOT NULL constraints of 005: set them again)
ALTER TABLE discovery ALTER COLUMN person_id SET NOT NULL;
ALTER TABLE discovery ALTER COLUMN account_ids SET NOT NULL;
ALTER TABLE discovery ALTER COLUMN networks SET NOT NULL;
ALTER TABLE discovery ALTER COLUMN score SET NOT NULL;
ALTER TABLE discovery ALTER COLUMN audience SET NOT NULL;
ALTER TABLE discovery ALTER COLUMN posts SET NOT NULL;
ALTER TABLE discovery ALTER COLUMN reactions SET NOT NULL;
ALTER TABLE discovery ALTER COLUMN authenticity SET NOT NULL;
ALTER TABLE discovery ALTER COLUMN flagged SET NOT NULL;
ALTER TABLE discovery ALTER COLUMN topics SET NOT NULL;
ALTER TABLE discovery ALTER COLUMN search_text SET NOT NULL;
ALTER TABLE discovery ALTER COLUMN topic_mask SET NOT NULL;

-- Raw-event lake segments already loaded into the warehouse (core/collect/ingest.py): loading is keyed by the
-- segment's name, so a segment is never loaded twice, and the rows in it by their at:// URI or status URL.
CREATE TABLE collect_segments (
    network       network_name NOT NULL,
    segment       VARCHAR NOT NULL,     -- path relative to the lake, e.g. bluesky/2026-12-05/…parquet
    first_time_us BIGINT NOT NULL,      -- the stream cursor (microseconds since 1970) of its first and last event
                                        -- (a look-up segment: when it was written, both)
    last_time_us  BIGINT NOT NULL,
    events        BIGINT NOT NULL,
    ingested_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (network, segment)
);

-- The source record behind each collected interaction (a like, repost or follow record, or the post that replies,
-- quotes or mentions), so deleting that record on the network deletes the interaction in Sway.
CREATE TABLE collect_records (
    network     network_name NOT NULL,
    uri         VARCHAR NOT NULL,       -- at://did/collection/rkey, or a Mastodon status/favourite key
    type        interaction_type NOT NULL,
    actor_key   VARCHAR NOT NULL,       -- external ids, as in accounts.external_id / posts.external_id
    target_key  VARCHAR NOT NULL,
    post_key    VARCHAR,
    occurred_at TIMESTAMP NOT NULL
);

-- Records deleted on the network: a replayed create of one of them (after a restart rewinds the cursor) is dropped.
CREATE TABLE collect_deleted (
    network    network_name NOT NULL,
    uri        VARCHAR NOT NULL,
    deleted_us BIGINT NOT NULL
);

-- Accounts their network reports deactivated, taken down or deleted: hidden (their activity removed, nothing new
-- loaded) until the network reports them active again.
CREATE TABLE collect_hidden (
    network     network_name NOT NULL,
    external_id VARCHAR NOT NULL,
    status      VARCHAR NOT NULL,
    since_us    BIGINT NOT NULL,
    PRIMARY KEY (network, external_id)
);
