-- Workspaces (a brand or client) own campaigns, lists, notes and topic corrections; people and scores are
-- shared by all. Workspace 1 is the local workspace used when no identity provider is configured.

CREATE TABLE workspaces (
    workspace_id BIGINT PRIMARY KEY,
    name         VARCHAR NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL DEFAULT current_localtimestamp()
);

INSERT INTO workspaces (workspace_id, name) VALUES (1, 'Local workspace');

-- Who may see a workspace and what they may do there: viewer < editor < admin.
CREATE TABLE workspace_members (
    workspace_id BIGINT NOT NULL REFERENCES workspaces (workspace_id),
    email        VARCHAR NOT NULL,
    role         VARCHAR NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
    PRIMARY KEY (workspace_id, email)
);

-- Who did what: imports, refreshes, campaign edits, exports, erasures. `details` never holds personal data
-- of an erased person (see core/privacy.py).
CREATE SEQUENCE audit_ids START 1;
CREATE TABLE audit_log (
    audit_id     BIGINT PRIMARY KEY DEFAULT nextval('audit_ids'),
    happened_at  TIMESTAMP NOT NULL,
    user_email   VARCHAR NOT NULL,
    workspace_id BIGINT,              -- NULL for actions on shared data (imports, refreshes)
    action       VARCHAR NOT NULL,    -- e.g. 'import', 'refresh', 'campaign.create', 'export', 'erase'
    details      JSON NOT NULL
);
