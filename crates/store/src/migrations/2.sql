-- Schema version 2: the IAM directory and STS sessions.

-- Policy documents by content (SHA-256 of the text, hex). Rows are never deleted, so a decision
-- that names a document's digest can be re-evaluated exactly, whatever changed since.
CREATE TABLE policy_documents (
    digest    TEXT PRIMARY KEY,
    document  TEXT NOT NULL
);

-- IAM users, roles and groups. Names are unique in an account without regard to case, as IAM's.
CREATE TABLE iam_entities (
    id            TEXT PRIMARY KEY,              -- AIDA... / AROA... / AGPA...
    account_id    TEXT NOT NULL REFERENCES accounts(id),
    kind          TEXT NOT NULL,                 -- user | role | group
    name          TEXT NOT NULL,
    name_key      TEXT NOT NULL,                 -- lower-case name
    path          TEXT NOT NULL,
    arn           TEXT NOT NULL UNIQUE,
    description   TEXT,
    trust_digest  TEXT REFERENCES policy_documents(digest),   -- roles
    max_session_s INTEGER,                                     -- roles
    boundary_arn  TEXT,                                        -- users and roles
    created_ms    INTEGER NOT NULL,
    UNIQUE (account_id, kind, name_key)
);

-- Tags on users, roles and managed policies, by the tagged thing's id.
CREATE TABLE iam_tags (
    owner  TEXT NOT NULL,
    key    TEXT NOT NULL,
    value  TEXT NOT NULL,
    PRIMARY KEY (owner, key)
);

CREATE TABLE group_members (
    group_id  TEXT NOT NULL REFERENCES iam_entities(id) ON DELETE CASCADE,
    user_id   TEXT NOT NULL REFERENCES iam_entities(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_by_user ON group_members (user_id);

CREATE TABLE inline_policies (
    entity_id  TEXT NOT NULL REFERENCES iam_entities(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    digest     TEXT NOT NULL REFERENCES policy_documents(digest),
    PRIMARY KEY (entity_id, name)
);

-- Customer managed policies (account_id set) and AWS managed ones (account_id NULL).
CREATE TABLE managed_policies (
    arn             TEXT PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,        -- ANPA...
    account_id      TEXT REFERENCES accounts(id),
    name            TEXT NOT NULL,
    path            TEXT NOT NULL,
    description     TEXT,
    default_version TEXT NOT NULL,
    next_version    INTEGER NOT NULL,
    created_ms      INTEGER NOT NULL,
    updated_ms      INTEGER NOT NULL
);

CREATE TABLE managed_policy_versions (
    policy_arn  TEXT NOT NULL REFERENCES managed_policies(arn) ON DELETE CASCADE,
    version_id  TEXT NOT NULL,                   -- v1, v2, ...
    digest      TEXT NOT NULL REFERENCES policy_documents(digest),
    created_ms  INTEGER NOT NULL,
    PRIMARY KEY (policy_arn, version_id)
);

CREATE TABLE attachments (
    entity_id   TEXT NOT NULL REFERENCES iam_entities(id) ON DELETE CASCADE,
    policy_arn  TEXT NOT NULL REFERENCES managed_policies(arn),
    PRIMARY KEY (entity_id, policy_arn)
);
CREATE INDEX attachments_by_policy ON attachments (policy_arn);

-- Temporary credentials (AssumeRole, GetSessionToken): the key row in access_keys carries the
-- token and expiry; the session keeps what the session was granted with, for its requests and
-- for replaying them.
ALTER TABLE access_keys ADD COLUMN session_token TEXT;
ALTER TABLE access_keys ADD COLUMN expires_ms INTEGER;

CREATE TABLE sessions (
    access_key_id    TEXT PRIMARY KEY REFERENCES access_keys(access_key_id) ON DELETE CASCADE,
    source_arn       TEXT NOT NULL,              -- the role (AssumeRole) or user (GetSessionToken)
    source_id        TEXT,                       -- its unique id (NULL for root): a deleted role's
                                                 -- sessions keep nothing of a new one of that name
    session_name     TEXT,
    source_identity  TEXT,
    policy_digest    TEXT REFERENCES policy_documents(digest),   -- inline session policy
    policy_arns      TEXT NOT NULL DEFAULT '',   -- PolicyArns, one per line
    created_ms       INTEGER NOT NULL
);
CREATE TABLE session_tags (
    access_key_id  TEXT NOT NULL REFERENCES sessions(access_key_id) ON DELETE CASCADE,
    key            TEXT NOT NULL,
    value          TEXT NOT NULL,
    transitive     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (access_key_id, key)
);
CREATE INDEX access_keys_by_principal ON access_keys (principal_arn);
