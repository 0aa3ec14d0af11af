-- The handles an account had before its current one (core/ingest/load.py keeps each as a live network renames the
-- account), so that erasing the person blanks the @mentions of their old handles too: what others wrote before the
-- rename still names them by the old one. Erasure deletes these rows with the account (by account_id).
CREATE TABLE account_former_handles (
    account_id BIGINT NOT NULL,
    handle VARCHAR NOT NULL,
    replaced_at TIMESTAMP NOT NULL
);
