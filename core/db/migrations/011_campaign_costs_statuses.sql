-- Campaign follow-through (core/campaigns): a fee or perk value per member, the "didn't post" status, stepping
-- back a status, the link to the post that marked a member posted, the expected-mentions range, and the
-- currency a workspace's money is in.
--
-- campaign_members is rebuilt because DuckDB cannot change a CHECK constraint in place; its rows are copied over.
ALTER TABLE campaign_members RENAME TO campaign_members_010;
CREATE TABLE campaign_members (
    campaign_id       BIGINT NOT NULL,
    person_id         BIGINT NOT NULL,
    status            VARCHAR NOT NULL CHECK (status IN ('suggested', 'invited', 'accepted', 'declined',
                                                         'perk_shipped', 'posted', 'no_post', 'removed')),
    locked            BOOLEAN NOT NULL,   -- kept through list refreshes and cannot be removed until unlocked
    origin            VARCHAR NOT NULL CHECK (origin IN ('suggested', 'added')),
    suggested_rank    INTEGER,            -- position in the suggested list when it was made
    expected_mentions DOUBLE,             -- the estimate when the person was suggested or added
    expected_low      DOUBLE,             -- its 80% range: 10th ...
    expected_high     DOUBLE,             -- ... and 90th percentile of the mentions they may make
    cost              DOUBLE CHECK (cost > 0),  -- this person's fee or perk value; NULL = the campaign's cost per perk
    notes             VARCHAR NOT NULL,
    added_at          TIMESTAMP NOT NULL,
    invited_at        TIMESTAMP,
    responded_at      TIMESTAMP,          -- accepted or declined
    shipped_at        TIMESTAMP,
    posted_at         TIMESTAMP,          -- posted, or marked as not having posted
    post_url          VARCHAR,            -- link to the tracked post that marked them posted
    updated_at        TIMESTAMP NOT NULL,
    PRIMARY KEY (campaign_id, person_id)
);
INSERT INTO campaign_members BY NAME SELECT * FROM campaign_members_010;
DROP TABLE campaign_members_010;

-- ISO 4217 code of the money a workspace's campaigns are priced in (changed by its admins only).
ALTER TABLE workspaces ADD COLUMN currency VARCHAR DEFAULT 'USD';
