-- Schema version 8: records — small documents the store keeps by kind and id without knowing
-- what they mean (KMS keys with their policy, grants and wrapped material; KMS aliases). Each
-- is read whole and replaced whole in one transaction, like the organizations document.
CREATE TABLE records (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    account_id TEXT NOT NULL,
    region TEXT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX records_by_account ON records (kind, account_id, region);
