-- Schema version 9: server-side encryption. How an object's (or an upload's) bytes are sealed,
-- and a bucket's default encryption, each as the server's own text (the store does not read
-- it); NULL: not encrypted, no default.
ALTER TABLE objects ADD COLUMN encryption TEXT;
ALTER TABLE uploads ADD COLUMN encryption TEXT;
ALTER TABLE buckets ADD COLUMN encryption TEXT;
