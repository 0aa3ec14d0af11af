-- People erased on request (core/privacy.py): the keys of their accounts and of the person, so a later import
-- of old files leaves them out. Only a keyed hash is kept, never the id, handle or name: sha256 of the
-- warehouse's secret (warehouse_meta 'suppression_secret') and 'account|<network>|<external id>' or
-- 'person|<external id>'.
CREATE TABLE suppressed_keys (
    key_hash      VARCHAR PRIMARY KEY,
    suppressed_at TIMESTAMP NOT NULL
);
