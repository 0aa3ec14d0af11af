-- A marketer's "this topic is wrong for this person", per workspace: the latest row per (workspace, person,
-- topic) says whether the topic is removed ('remove') or back ('restore'). Read at serving time, so it holds
-- across refreshes and retraining; correction_ids are the post corrections the removal added (withdrawn by
-- an undo). Written only by core/profile/corrections.py.
CREATE SEQUENCE person_topic_removal_ids START 1;
CREATE TABLE person_topic_removals (
    removal_id     BIGINT PRIMARY KEY DEFAULT nextval('person_topic_removal_ids'),
    workspace_id   BIGINT NOT NULL,
    person_id      BIGINT NOT NULL,
    topic          VARCHAR NOT NULL,
    action         VARCHAR NOT NULL CHECK (action IN ('remove', 'restore')),
    correction_ids BIGINT[] NOT NULL,
    decided_by     VARCHAR NOT NULL,
    decided_at     TIMESTAMP NOT NULL
);
