-- Schema version 3: access control lists and account-level Block Public Access.
-- An ACL is stored as text, one grant per line ("PERMISSION TYPE VALUE"); the store does not
-- read it. The empty text is the owner's FULL_CONTROL alone (S3's default, `private`).
ALTER TABLE buckets ADD COLUMN acl TEXT NOT NULL DEFAULT '';
ALTER TABLE objects ADD COLUMN acl TEXT NOT NULL DEFAULT '';
ALTER TABLE uploads ADD COLUMN acl TEXT NOT NULL DEFAULT '';
-- bits as buckets.block_public_access; 0 = nothing blocked at account level (S3's default
-- for an account that never set it).
ALTER TABLE accounts ADD COLUMN block_public_access INTEGER NOT NULL DEFAULT 0;
-- Bit 4 of block_public_access now says a configuration exists (all-false is a configuration,
-- not its absence); before version 3 only a deleted configuration stored 0.
UPDATE buckets SET block_public_access = block_public_access | 16 WHERE block_public_access != 0;
