-- Gatehouse metadata, schema version 1. Keys are TEXT compared with SQLite's BINARY collation:
-- UTF-8 byte order, which is the order S3 lists keys in.

CREATE TABLE accounts (
    id            TEXT PRIMARY KEY,              -- 12 digits
    name          TEXT NOT NULL,
    email         TEXT,
    canonical_id  TEXT NOT NULL UNIQUE,          -- S3 canonical user id, 64 hex digits
    created_ms    INTEGER NOT NULL
);

CREATE TABLE access_keys (
    access_key_id TEXT PRIMARY KEY,
    secret        TEXT NOT NULL,
    account_id    TEXT NOT NULL REFERENCES accounts(id),
    principal_arn TEXT NOT NULL,                 -- the root ARN for root keys
    active        INTEGER NOT NULL DEFAULT 1,
    created_ms    INTEGER NOT NULL
);

CREATE TABLE buckets (
    id                INTEGER PRIMARY KEY,
    name              TEXT NOT NULL UNIQUE,
    owner             TEXT NOT NULL REFERENCES accounts(id),
    region            TEXT NOT NULL,
    object_ownership  TEXT NOT NULL,
    versioning        TEXT NOT NULL DEFAULT 'Unversioned',   -- Unversioned | Enabled | Suspended
    block_public_access INTEGER NOT NULL,        -- bit 0..3: BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets
    created_ms        INTEGER NOT NULL
);

-- Every bucket policy a bucket ever had, so that a past decision can be re-evaluated exactly;
-- a deletion is a version with a NULL document.
CREATE TABLE bucket_policies (
    bucket_id   INTEGER NOT NULL REFERENCES buckets(id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    document    TEXT,
    created_ms  INTEGER NOT NULL,
    PRIMARY KEY (bucket_id, version)
);

-- One row per object version (a non-versioned bucket keeps only the `null` version).
CREATE TABLE objects (
    seq           INTEGER PRIMARY KEY,           -- write order; newest version has the largest
    bucket_id     INTEGER NOT NULL REFERENCES buckets(id),
    key           TEXT NOT NULL,
    version_id    TEXT NOT NULL,                 -- 'null' outside versioning
    is_latest     INTEGER NOT NULL,
    delete_marker INTEGER NOT NULL DEFAULT 0,
    size          INTEGER NOT NULL DEFAULT 0,
    etag          TEXT NOT NULL DEFAULT '',
    content_type  TEXT,
    metadata      TEXT NOT NULL DEFAULT '',      -- user and system headers, one "name: value" per line
    tags          TEXT NOT NULL DEFAULT '',      -- URL-encoded tag set, as x-amz-tagging writes it
    owner         TEXT NOT NULL,
    modified_ms   INTEGER NOT NULL,
    UNIQUE (bucket_id, key, version_id)
);
-- Listing is a range scan over the current, visible keys: its cost follows the page.
CREATE UNIQUE INDEX objects_current ON objects (bucket_id, key) WHERE is_latest = 1;
CREATE INDEX objects_versions ON objects (bucket_id, key, seq);

-- An object's bytes: one segment for a PUT, one per part for a completed multipart upload.
CREATE TABLE segments (
    object_seq  INTEGER NOT NULL REFERENCES objects(seq) ON DELETE CASCADE,
    idx         INTEGER NOT NULL,
    blob_id     TEXT NOT NULL,
    size        INTEGER NOT NULL,
    PRIMARY KEY (object_seq, idx)
);

CREATE TABLE uploads (
    upload_id    TEXT PRIMARY KEY,
    bucket_id    INTEGER NOT NULL REFERENCES buckets(id),
    key          TEXT NOT NULL,
    initiator    TEXT NOT NULL,                  -- principal ARN
    owner        TEXT NOT NULL,                  -- account id
    content_type TEXT,
    metadata     TEXT NOT NULL DEFAULT '',
    tags         TEXT NOT NULL DEFAULT '',
    created_ms   INTEGER NOT NULL
);
CREATE INDEX uploads_by_key ON uploads (bucket_id, key, created_ms);

CREATE TABLE parts (
    upload_id    TEXT NOT NULL REFERENCES uploads(upload_id) ON DELETE CASCADE,
    part_number  INTEGER NOT NULL,
    blob_id      TEXT NOT NULL,
    size         INTEGER NOT NULL,
    etag         TEXT NOT NULL,
    modified_ms  INTEGER NOT NULL,
    PRIMARY KEY (upload_id, part_number)
);
