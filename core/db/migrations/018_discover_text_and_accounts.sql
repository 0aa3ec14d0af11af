-- Discover's per-network figures and its full-text index (core/discover/build.py, rebuilt with the other
-- discovery tables in the same transaction). Replaces the word-prefix table of 005: free text now matches whole
-- words (with simple stemming) in names, handles, bios and the window's posts, ranked like BM25.

-- Followers per network on the person's row (NULL without an account there), for the screen and exports.
ALTER TABLE discovery ADD COLUMN followers_twitter BIGINT;
ALTER TABLE discovery ADD COLUMN followers_instagram BIGINT;
ALTER TABLE discovery ADD COLUMN followers_youtube BIGINT;
ALTER TABLE discovery ADD COLUMN followers_tiktok BIGINT;
ALTER TABLE discovery ADD COLUMN followers_blog BIGINT;
ALTER TABLE discovery ADD COLUMN followers_bluesky BIGINT;
ALTER TABLE discovery ADD COLUMN followers_mastodon BIGINT;

-- One row per account: with networks chosen, audience and engagement filters test these rows, so a person
-- qualifies through one account on a chosen network that meets them all (not through followers elsewhere).
CREATE TABLE discovery_accounts (
    person_id       BIGINT NOT NULL,
    account_id      BIGINT NOT NULL,
    network         network_name NOT NULL,
    followers       BIGINT NOT NULL,    -- 0 when the network did not say
    posts           BIGINT NOT NULL,    -- posts, replies and reposts written in the window
    reactions       BIGINT NOT NULL,    -- reactions (not follows) other accounts gave this account in the window
    engagement_rate DOUBLE              -- reactions / (posts * followers); NULL when either is 0
);

-- The word index: one row per (stemmed word, document). A document is a person's name, handles and bios
-- (post_id NULL) or one post of theirs in the window. Sorted by the word's hash, so a word reads a row group or
-- two (sorting by the word itself took three times as long to build).
CREATE TABLE discovery_terms (
    bucket    UBIGINT NOT NULL,         -- hash(word): what the table is sorted by and a lookup tests first
    word      VARCHAR NOT NULL,
    person_id BIGINT NOT NULL,
    post_id   BIGINT,
    hits      INTEGER NOT NULL,         -- times the word occurs in the document
    length    INTEGER NOT NULL          -- words in the document (BM25's length normalisation)
);

-- The index's totals for BM25 (one row).
CREATE TABLE discovery_text_stats (
    documents  BIGINT NOT NULL,
    avg_length DOUBLE NOT NULL
);

DROP TABLE discovery_words;

-- Forget the current build, so the next page that reads Discover rebuilds it and fills the tables above.
DELETE FROM discovery_builds;
