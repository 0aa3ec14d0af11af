-- Perk campaigns of a workspace (core/campaigns) and what they are measured by (core/results).
-- Every read and write goes through core functions that take an Access and filter on workspace_id, so a
-- campaign of another workspace is simply not found. `version` is bumped by every change to the campaign or
-- its members: a writer states the version it saw and is told to reload if someone else saved first.
-- Deleting archives (archived_at) so it can be undone; archived campaigns are hidden but kept.

CREATE SEQUENCE campaign_ids START 1;
CREATE TABLE campaigns (
    campaign_id     BIGINT PRIMARY KEY DEFAULT nextval('campaign_ids'),
    workspace_id    BIGINT NOT NULL,
    name            VARCHAR NOT NULL,
    brand           VARCHAR NOT NULL,
    perk            VARCHAR NOT NULL,
    cost_per_perk   DOUBLE NOT NULL CHECK (cost_per_perk > 0),
    budget          DOUBLE CHECK (budget > 0),       -- either a budget ...
    perks           INTEGER CHECK (perks > 0),       -- ... or a number of perks (the smaller limit wins)
    target_topics   VARCHAR[] NOT NULL,
    min_score       SMALLINT NOT NULL,
    networks        VARCHAR[] NOT NULL,              -- empty = any network
    include_flagged BOOLEAN NOT NULL,
    starts_on       DATE NOT NULL,
    ends_on         DATE NOT NULL,
    follow_up_days  INTEGER NOT NULL CHECK (follow_up_days >= 0),
    expected_lift   DOUBLE NOT NULL,                 -- assumed rise in members' mentions, for the estimate
    source          VARCHAR,                         -- 'demo:<id>' for a demo world campaign, else NULL
    version         INTEGER NOT NULL,
    created_by      VARCHAR NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    updated_by      VARCHAR NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    archived_at     TIMESTAMP,
    archived_by     VARCHAR,
    CHECK (ends_on >= starts_on)
);

-- Hashtags, @handles, domains and keywords that count as a mention of the brand.
CREATE TABLE campaign_terms (
    campaign_id BIGINT NOT NULL,
    kind        VARCHAR NOT NULL CHECK (kind IN ('hashtag', 'handle', 'domain', 'keyword')),
    term        VARCHAR NOT NULL,   -- lower case, without the leading # or @
    PRIMARY KEY (campaign_id, kind, term)
);

-- One row per person on a campaign's list; a removed person keeps the row (status 'removed') so the list is
-- not refilled with them.
CREATE TABLE campaign_members (
    campaign_id       BIGINT NOT NULL,
    person_id         BIGINT NOT NULL,
    status            VARCHAR NOT NULL CHECK (status IN ('suggested', 'invited', 'accepted', 'declined',
                                                         'perk_shipped', 'posted', 'removed')),
    locked            BOOLEAN NOT NULL,   -- kept through list refreshes and cannot be removed until unlocked
    origin            VARCHAR NOT NULL CHECK (origin IN ('suggested', 'added')),
    suggested_rank    INTEGER,            -- position in the suggested list when it was made
    expected_mentions DOUBLE,             -- the estimate when the person was suggested or added
    notes             VARCHAR NOT NULL,
    added_at          TIMESTAMP NOT NULL,
    invited_at        TIMESTAMP,
    responded_at      TIMESTAMP,          -- accepted or declined
    shipped_at        TIMESTAMP,
    posted_at         TIMESTAMP,
    updated_at        TIMESTAMP NOT NULL,
    PRIMARY KEY (campaign_id, person_id)
);

-- Who changed what on a member, and when (status, lock, notes, added, removed).
CREATE TABLE campaign_member_history (
    campaign_id BIGINT NOT NULL,
    person_id   BIGINT NOT NULL,
    changed_at  TIMESTAMP NOT NULL,
    changed_by  VARCHAR NOT NULL,
    field       VARCHAR NOT NULL,
    old_value   VARCHAR,
    new_value   VARCHAR
);
