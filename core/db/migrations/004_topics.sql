-- Topics of posts (from the classifier), people's topic influence with its evidence, and the
-- marketers' corrections that feed the next training run (core/topics). A topic refresh rewrites
-- post_topics (only new and corrected posts when the model is unchanged), topic_influence and
-- topic_evidence in one transaction, like the score refresh.

-- One row per post and chosen topic: the most likely topic (rank 1) plus every topic at or above its
-- per-label threshold, then the marketers' corrections applied (latest word per post and topic, any
-- workspace): a removed topic has no row, an added one is marked `corrected`. Appended in post_id order.
CREATE TABLE post_topics (
    post_id     BIGINT NOT NULL,
    topic       VARCHAR NOT NULL,   -- one of the 19 TweetTopic labels; several rows per post allowed
    probability DOUBLE NOT NULL,    -- calibrated probability from the classifier
    rank        TINYINT NOT NULL,   -- by probability: 1 = the post's most likely topic, 2 = the next, ...
    corrected   BOOLEAN NOT NULL    -- a marketer added this topic (it counts whatever its probability)
);

-- Only topics with enough evidence get a row: at least `min_posts` distinct posts on the topic that
-- drew reactions, from at least `min_reactors` distinct people, and at least `min_share` of the person's
-- reaction value (TopicParams in core/topics/influence.py). Reactions are weighted as in the score run.
CREATE TABLE topic_influence (
    run_id            BIGINT NOT NULL,   -- score run whose reactor weights were used
    person_id         BIGINT NOT NULL,
    topic             VARCHAR NOT NULL,
    influence         SMALLINT NOT NULL, -- 1..100 on the same mapping as the influence score
    raw               DOUBLE NOT NULL,   -- weighted reaction value of the person's posts on the topic
    posts             BIGINT NOT NULL,   -- distinct posts on the topic that drew reactions
    reactions         BIGINT NOT NULL,
    distinct_reactors BIGINT NOT NULL,   -- distinct people who reacted to those posts
    share             DOUBLE NOT NULL    -- share of the person's weighted post-reaction value from this topic
                                         -- (a post counting for two topics counts fully in both)
);

CREATE TABLE topic_evidence (
    run_id            BIGINT NOT NULL,
    person_id         BIGINT NOT NULL,
    topic             VARCHAR NOT NULL,
    rank              TINYINT NOT NULL,  -- 1 = drew the most weighted reactions
    post_id           BIGINT NOT NULL,
    reactions         BIGINT NOT NULL,
    distinct_reactors BIGINT NOT NULL,   -- distinct people who reacted to the post
    value             DOUBLE NOT NULL    -- the post's weighted reaction value (its part of `raw`)
);

-- A marketer saying a post is (add) or is not (remove) about a topic. Workspaces own their corrections;
-- training uses every workspace's, the latest word per (post, topic) counting. The text is kept so
-- training does not depend on the post still existing.
CREATE SEQUENCE topic_correction_ids START 1;
CREATE TABLE topic_corrections (
    correction_id BIGINT PRIMARY KEY DEFAULT nextval('topic_correction_ids'),
    workspace_id  BIGINT NOT NULL,     -- the workspace whose marketer made it (1 = local workspace)
    post_id       BIGINT NOT NULL,
    topic         VARCHAR NOT NULL,
    action        VARCHAR NOT NULL CHECK (action IN ('add', 'remove')),
    text          VARCHAR NOT NULL,
    corrected_by  VARCHAR NOT NULL,
    corrected_at  TIMESTAMP NOT NULL
);
