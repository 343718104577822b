//! Listing: a range scan over the index of current keys, in UTF-8 byte order, skipping a whole
//! common prefix in one seek — so a page costs what the page holds, not what the bucket holds.

use rusqlite::params;

use crate::error::Result;
use crate::objects::{version_row, ObjectVersion, VERSION_COLUMNS};
use crate::order::successor;
use crate::Store;

/// ListObjects / ListObjectsV2 parameters, decoded.
#[derive(Debug, Clone, Default)]
pub struct ListQuery<'a> {
    pub prefix: &'a str,
    pub delimiter: &'a str,
    /// Keys after this one (`start-after`, `marker`, or a continuation token's position). When it
    /// is a common prefix of this listing, every key under it is skipped too.
    pub after: Option<&'a str>,
    pub max_keys: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListPage {
    pub objects: Vec<ObjectVersion>,
    pub common_prefixes: Vec<String>,
    pub truncated: bool,
    /// Where the next page starts: the last key or common prefix of this one, when truncated.
    pub next_after: Option<String>,
}

/// The common prefix `key` rolls up into, if any: prefix + text up to and including the first
/// delimiter after it.
fn common_prefix<'k>(key: &'k str, prefix: &str, delimiter: &str) -> Option<&'k str> {
    if delimiter.is_empty() {
        return None;
    }
    let rest = key.get(prefix.len()..)?;
    rest.find(delimiter)
        .map(|i| &key[..prefix.len() + i + delimiter.len()])
}

impl Store {
    pub fn list_objects(&self, bucket: &str, q: &ListQuery) -> Result<ListPage> {
        let b = self.require_bucket(bucket)?;
        let mut page = ListPage::default();
        if q.max_keys == 0 {
            return Ok(page);
        }
        let upper = if q.prefix.is_empty() {
            None
        } else {
            successor(q.prefix.as_bytes())
        };
        // The scan position: keys >= `from` (inclusive) or > `from` (exclusive).
        let (mut from, mut inclusive) = (q.prefix.as_bytes().to_vec(), true);
        if let Some(after) = q.after {
            if after.as_bytes() >= from.as_slice() {
                match common_prefix(after, q.prefix, q.delimiter)
                    .filter(|cp| cp.len() == after.len())
                {
                    Some(cp) => match successor(cp.as_bytes()) {
                        Some(next) => (from, inclusive) = (next, true),
                        None => return Ok(page),
                    },
                    None => (from, inclusive) = (after.as_bytes().to_vec(), false),
                }
            }
        }
        let conn = self.db.read();
        // The index of current keys only: left to itself SQLite picks `objects_versions`, and
        // in a versioned bucket a page would then step over every noncurrent version.
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM objects INDEXED BY objects_current
             WHERE bucket_id = ?1 AND is_latest = 1 AND delete_marker = 0
               AND (key > ?2 OR (?3 AND key = ?2)) AND (?4 IS NULL OR key < ?4)
             ORDER BY key LIMIT ?5"
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let total = |p: &ListPage| p.objects.len() + p.common_prefixes.len();
        'scan: loop {
            let want = (q.max_keys - total(&page) + 1) as i64;
            // Rows are stepped one at a time: after a common prefix the scan re-seeks, and the
            // rows it would have read next are never read at all.
            let mut rows = stmt.query(params![b.id, from, inclusive, upper, want])?;
            let mut read = 0;
            while let Some(row) = rows.next()? {
                read += 1;
                let row = version_row(row)?;
                if total(&page) == q.max_keys {
                    page.truncated = true;
                    break 'scan;
                }
                match common_prefix(&row.key, q.prefix, q.delimiter) {
                    Some(cp) => {
                        let next = successor(cp.as_bytes());
                        page.common_prefixes.push(cp.to_string());
                        // Re-seek past everything under this prefix (a prefix of only 0xFF
                        // bytes, impossible in UTF-8, would have nothing after it).
                        match next {
                            Some(next) => (from, inclusive) = (next, true),
                            None => break 'scan,
                        }
                        continue 'scan;
                    }
                    None => {
                        (from, inclusive) = (row.key.as_bytes().to_vec(), false);
                        page.objects.push(row);
                    }
                }
            }
            if read < want {
                break;
            }
        }
        if page.truncated {
            page.next_after = last_entry(&page);
        }
        Ok(page)
    }

    /// ListObjectVersions: every version and delete marker under `prefix`, key by key, newest
    /// first, starting after (`key_marker`, `version_marker`).
    pub fn list_object_versions(
        &self,
        bucket: &str,
        prefix: &str,
        key_marker: Option<&str>,
        version_marker: Option<&str>,
        max_keys: usize,
    ) -> Result<(Vec<ObjectVersion>, bool)> {
        let b = self.require_bucket(bucket)?;
        let conn = self.db.read();
        let upper = if prefix.is_empty() {
            None
        } else {
            successor(prefix.as_bytes())
        };
        // Resume inside a key after its version `version_marker` (versions run newest first,
        // that is by descending seq); without one, after the whole key.
        let (after_key, after_seq): (Vec<u8>, i64) = match (key_marker, version_marker) {
            (Some(k), Some(v)) => {
                let seq: i64 = conn
                    .query_row(
                        "SELECT seq FROM objects WHERE bucket_id = ?1 AND key = ?2 AND version_id = ?3",
                        params![b.id, k.as_bytes(), v],
                        |r| r.get(0),
                    )
                    .unwrap_or(i64::MAX);
                (k.as_bytes().to_vec(), seq)
            }
            (Some(k), None) => (k.as_bytes().to_vec(), i64::MIN),
            (None, _) => (Vec::new(), i64::MAX),
        };
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM objects
             WHERE bucket_id = ?1 AND key >= ?2 AND (?3 IS NULL OR key < ?3)
               AND (key > ?4 OR (key = ?4 AND seq < ?5))
             ORDER BY key, seq DESC LIMIT ?6"
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt
            .query_map(
                params![
                    b.id,
                    prefix.as_bytes(),
                    upper,
                    after_key,
                    after_seq,
                    max_keys as i64 + 1
                ],
                version_row,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let truncated = rows.len() > max_keys;
        rows.truncate(max_keys);
        Ok((rows, truncated))
    }
}

fn last_entry(page: &ListPage) -> Option<String> {
    let key = page.objects.last().map(|o| o.key.clone());
    let cp = page.common_prefixes.last().cloned();
    match (key, cp) {
        (Some(k), Some(c)) => Some(if k > c { k } else { c }),
        (k, c) => k.or(c),
    }
}
