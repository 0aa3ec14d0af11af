-- How far each live network's raw-event lake has been scrubbed of erased people (core/collect/ingest.py).
--
-- An erasure adds suppressed_keys rows in its own transaction (core/privacy.py), and the list only grows (a restore
-- merges the current one in). While it holds more keys than `erased_keys`, the lake may still hold events of
-- someone erased: the scrub after the erasure failed (disk full, permissions), the process died first, or the
-- warehouse was restored from before it. The next load then scrubs every segment before loading. No id is kept:
-- the scrub finds their events by hashing the lake's ids as suppressed_keys does.
CREATE TABLE collect_lake_scrubs (
    network     network_name PRIMARY KEY,
    erased_keys BIGINT NOT NULL,      -- suppressed_keys rows when the last scrub that succeeded began
    scrubbed_at TIMESTAMP NOT NULL
);
