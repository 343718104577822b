-- Schema version 10: a bucket's server access logging (PutBucketLogging), as the server's own
-- text; NULL: off.
ALTER TABLE buckets ADD COLUMN logging TEXT;
