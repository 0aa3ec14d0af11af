-- Who made each deleted record (core/collect/ingest.py), so that erasing them also removes their deletions.
--
-- A Bluesky record's key names its author (at://did/...), but a Mastodon status's is <instance>/statuses/<id>, and
-- the stream's delete event names only that id: erasure could not tie such a deletion to the person. The author
-- is now kept when known, from the collector (it remembers who wrote the statuses it saw) or from the post still
-- stored when the deletion is loaded; erasure matches actor_key as it does every account key (core/privacy.py).
ALTER TABLE collect_deleted ADD COLUMN actor_key VARCHAR;
