-- Ground truth planted by the demo-world generator. Empty in a warehouse of imported
-- data; tests and benchmarks check scoring, topics and lift measurement against it.

CREATE TYPE gaming_kind AS ENUM ('follow_farm', 'react_all', 'pod', 'bought_burst');

CREATE TABLE truth_people (
    person_id        BIGINT PRIMARY KEY,
    latent_influence DOUBLE NOT NULL,
    topics           VARCHAR[] NOT NULL
);

CREATE TABLE truth_posts (
    post_id BIGINT PRIMARY KEY,
    topic   VARCHAR NOT NULL,
    stray   BOOLEAN NOT NULL   -- drawn outside the author's own interests
);

CREATE TABLE truth_gaming (
    account_id BIGINT NOT NULL,
    kind       gaming_kind NOT NULL,
    group_id   BIGINT          -- pod id for pods, burst id for bought bursts
);

CREATE TABLE demo_brands (
    brand_id BIGINT PRIMARY KEY,
    name     VARCHAR NOT NULL,
    handle   VARCHAR NOT NULL,
    hashtag  VARCHAR NOT NULL,
    domain   VARCHAR NOT NULL,
    topic    VARCHAR NOT NULL
);

CREATE TABLE demo_campaigns (
    campaign_id BIGINT PRIMARY KEY,
    brand_id    BIGINT NOT NULL,
    name        VARCHAR NOT NULL,
    perk        VARCHAR NOT NULL,
    starts_on   DATE NOT NULL,
    ends_on     DATE NOT NULL,
    true_lift   DOUBLE NOT NULL   -- planted multiplicative lift in members' brand mentions (0 = no effect)
);

CREATE TABLE demo_campaign_members (
    campaign_id BIGINT NOT NULL,
    person_id   BIGINT NOT NULL
);
