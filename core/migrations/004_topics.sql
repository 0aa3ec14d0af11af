-- Topics of posts (from the classifier), people's topic influence with its evidence, and the
-- marketers' corrections that feed the next training run (core/topics). A topic refresh replaces
-- post_topics, topic_influence and topic_evidence in one transaction, like the score refresh.

CREATE TABLE post_topics (
    post_id     BIGINT NOT NULL,
    topic       VARCHAR NOT NULL,   -- one of the 19 TweetTopic labels; several rows per post allowed
    probability DOUBLE NOT NULL     -- calibrated probability from the classifier
);

-- Only topics with enough evidence get a row: at least `min_posts` distinct posts on the topic
-- that drew reactions from at least `min_reactors` distinct people (see core/topics/influence.py).
CREATE TABLE topic_influence (
    run_id            BIGINT NOT NULL,   -- score run whose reactor weights were used
    person_id         BIGINT NOT NULL,
    topic             VARCHAR NOT NULL,
    influence         SMALLINT NOT NULL, -- 1..100 on the same mapping as the influence score
    raw               DOUBLE NOT NULL,   -- weighted reaction value of the person's posts on the topic
    posts             BIGINT NOT NULL,   -- distinct posts on the topic that drew reactions
    reactions         BIGINT NOT NULL,
    distinct_reactors BIGINT NOT NULL,
    share             DOUBLE NOT NULL    -- share of the person's weighted reaction value from this topic
);

CREATE TABLE topic_evidence (
    run_id            BIGINT NOT NULL,
    person_id         BIGINT NOT NULL,
    topic             VARCHAR NOT NULL,
    rank              TINYINT NOT NULL,  -- 1 = drew the most weighted reactions
    post_id           BIGINT NOT NULL,
    reactions         BIGINT NOT NULL,
    distinct_reactors BIGINT NOT NULL,
    value             DOUBLE NOT NULL
);

-- A marketer saying a post is (add) or is not (remove) about a topic. The latest word per
-- (post, topic) counts; the text is kept so training does not depend on the post still existing.
CREATE TABLE topic_corrections (
    correction_id BIGINT PRIMARY KEY,
    post_id       BIGINT NOT NULL,
    topic         VARCHAR NOT NULL,
    action        VARCHAR NOT NULL CHECK (action IN ('add', 'remove')),
    text          VARCHAR NOT NULL,
    corrected_by  VARCHAR NOT NULL,
    corrected_at  TIMESTAMP NOT NULL
);
