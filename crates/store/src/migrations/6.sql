-- Schema version 6: a blob is removed only when no row names it (`Store::free` asks these
-- indexes under the writer lock), so a race between two writers can never free bytes an
-- object or a part still reads.
CREATE INDEX segments_by_blob ON segments (blob_id);
CREATE INDEX parts_by_blob ON parts (blob_id);
