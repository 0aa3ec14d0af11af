-- One row per document in Discover's word index (core/discover/index.py): a person's own texts (post_id NULL) or
-- one post of theirs in the window. A daily build compares it with what the index should hold, to index only the
-- posts that entered the window and the people whose texts changed, and takes BM25's totals from it.
CREATE TABLE discovery_documents (
    person_id   BIGINT NOT NULL,
    post_id     BIGINT,
    fingerprint UBIGINT,                -- hash of a person's own text (NULL for a post: its text never changes)
    length      INTEGER NOT NULL        -- words in the document; 0 when it has none to be found by
);

-- Forget the current build, so the next page that reads Discover rebuilds the index whole and fills the table.
DELETE FROM discovery_builds;
