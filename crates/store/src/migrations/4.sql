-- Schema version 4: identities that are never handed out twice.
-- `buckets.id` and `objects.seq` were SQLite row ids, which reuse the largest one after it is
-- deleted: a new bucket could get a deleted bucket's id (and anything keyed by it judged the
-- new bucket by the old one's state). Each is now drawn from a counter that only grows. An id
-- issued before this migration and already deleted may be issued again once (nothing is
-- cached across a restart, so no cache can hold it).
CREATE TABLE id_sequences (
    name  TEXT PRIMARY KEY,
    last  INTEGER NOT NULL
);
INSERT INTO id_sequences (name, last) SELECT 'buckets', COALESCE(MAX(id), 0) FROM buckets;
INSERT INTO id_sequences (name, last) SELECT 'objects', COALESCE(MAX(seq), 0) FROM objects;
