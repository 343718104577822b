-- Schema version 11: ListBuckets reads one account's buckets in name order, from where the
-- last page ended; without this index it scanned every account's buckets.
CREATE INDEX buckets_by_owner ON buckets (owner, name);
