//! The bulk path, for benchmarks and fixtures: millions of empty objects in one transaction,
//! without the S3 API or a blob per object. Not for serving requests.

use rusqlite::{params, Connection, TransactionBehavior};

use crate::buckets::Versioning;
use crate::db::now_ms;
use crate::error::Result;
use crate::{ids, Store};

/// The ETag of zero bytes (their MD5).
const EMPTY_ETAG: &str = "d41d8cd98f00b204e9800998ecf8427e";

impl Store {
    /// Inserts `keys` into `bucket` as empty current objects owned by `owner`, in one
    /// transaction; returns how many. Each row is what PutObject of zero bytes with no headers
    /// writes (ETag of the empty string, default ACL, no metadata, tags or encryption; the
    /// `null` version unless versioning is enabled), except that it has no segment: an object
    /// without segments reads as zero bytes. Seqs come from the `objects` sequence, as a PUT's.
    ///
    /// A key that already exists fails the whole call (the unique indexes refuse it). Keys in
    /// byte order load fastest: each index then grows at its end (10M keys in under a minute,
    /// with SQLite's default page cache).
    pub fn bulk_insert_empty_objects(
        &self,
        bucket: &str,
        owner: &str,
        keys: impl IntoIterator<Item = String>,
    ) -> Result<u64> {
        let b = self.require_bucket(bucket)?;
        let mut conn = self.db.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let n = insert_rows(&tx, &b, owner, keys)?;
        reserve_seqs(&tx, n)?;
        tx.commit()?;
        Ok(n)
    }
}

/// Inserts the rows with seqs after the sequence's last; the caller reserves them.
fn insert_rows(
    conn: &Connection,
    b: &crate::Bucket,
    owner: &str,
    keys: impl IntoIterator<Item = String>,
) -> Result<u64> {
    let last: i64 = conn.query_row(
        "SELECT last FROM id_sequences WHERE name = 'objects'",
        [],
        |r| r.get(0),
    )?;
    let modified_ms = now_ms();
    let mut stmt = conn.prepare(
        "INSERT INTO objects (seq, bucket_id, key, version_id, is_latest, delete_marker, size, etag, owner, modified_ms)
         VALUES (?1, ?2, ?3, ?4, 1, 0, 0, ?5, ?6, ?7)",
    )?;
    let mut n = 0u64;
    for key in keys {
        n += 1;
        let version_id = match b.versioning {
            Versioning::Enabled => ids::version_id(),
            _ => "null".to_string(),
        };
        stmt.execute(params![
            last + n as i64,
            b.id,
            key.as_bytes(),
            version_id,
            EMPTY_ETAG,
            owner,
            modified_ms
        ])?;
    }
    Ok(n)
}

/// Advances the `objects` sequence past the `n` seqs just used, in the same transaction: it
/// holds the write lock, so no other writer drew from the sequence in between.
fn reserve_seqs(conn: &Connection, n: u64) -> Result<()> {
    conn.execute(
        "UPDATE id_sequences SET last = last + ?1 WHERE name = 'objects'",
        [n as i64],
    )?;
    Ok(())
}
