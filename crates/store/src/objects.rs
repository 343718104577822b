//! Object versions: writing one (its bytes already durable), reading, deleting, tagging.
//!
//! A write is one transaction: the new version row and its segments appear together, the
//! version it replaces disappears with them; the bytes the replaced version held are removed
//! only after the commit. A crash at any instant leaves the old object or the new one.

use rusqlite::{params, OptionalExtension, Row, Transaction};

use crate::acl::Acl;
use crate::blobs::BlobInfo;
use crate::buckets::{Bucket, Versioning};
use crate::db::now_ms;
use crate::error::{Result, StoreError};
use crate::{ids, Store};

/// What a PUT says about the object besides its bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectAttributes {
    pub content_type: Option<String>,
    /// User metadata and stored system headers, names lower-cased.
    pub metadata: Vec<(String, String)>,
    /// The tag set, URL-encoded as `x-amz-tagging` carries it.
    pub tags: String,
    /// The owning account.
    pub owner: String,
    /// The object's ACL (no grants: the owner's FULL_CONTROL alone).
    pub acl: Acl,
    /// How the bytes are sealed at rest (the server's own text); `None`: stored as sent. Its
    /// blobs then hold more bytes than the object (the segments' sizes are the object's).
    pub encryption: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ObjectVersion {
    pub seq: i64,
    pub bucket_id: i64,
    pub key: String,
    pub version_id: String,
    pub is_latest: bool,
    pub delete_marker: bool,
    pub size: u64,
    /// Without quotes.
    pub etag: String,
    pub attributes: ObjectAttributes,
    pub modified_ms: i64,
}

/// A byte range of an object held in one blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub blob_id: String,
    pub size: u64,
}

/// What a DELETE did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deleted {
    /// The version removed, or the delete marker's version, when there is one to report.
    pub version_id: Option<String>,
    pub delete_marker: bool,
}

macro_rules! version_columns {
    () => {
        "seq, bucket_id, key, version_id, is_latest, delete_marker, size, etag, content_type, \
         metadata, tags, owner, modified_ms, acl, encryption"
    };
}
pub(crate) const VERSION_COLUMNS: &str = version_columns!();

/// A version (as [`VERSION_COLUMNS`]) joined with its segments, one row per segment in order.
macro_rules! with_segments {
    ($filter:literal) => {
        concat!(
            "SELECT v.*, s.blob_id, s.size FROM (SELECT ",
            version_columns!(),
            " FROM objects WHERE ",
            $filter,
            ") v LEFT JOIN segments s ON s.object_seq = v.seq ORDER BY s.idx"
        )
    };
}
const CURRENT_WITH_SEGMENTS: &str = with_segments!("bucket_id = ?1 AND key = ?2 AND is_latest = 1");
const NAMED_WITH_SEGMENTS: &str = with_segments!("bucket_id = ?1 AND key = ?2 AND version_id = ?3");
/// Where the segment's columns start in those rows.
const SEGMENT_COLUMN: usize = 15;

pub(crate) fn version_row(r: &Row) -> rusqlite::Result<ObjectVersion> {
    let key: Vec<u8> = r.get(2)?;
    let metadata: String = r.get(9)?;
    Ok(ObjectVersion {
        seq: r.get(0)?,
        bucket_id: r.get(1)?,
        key: String::from_utf8_lossy(&key).into_owned(),
        version_id: r.get(3)?,
        is_latest: r.get(4)?,
        delete_marker: r.get(5)?,
        size: r.get::<_, i64>(6)? as u64,
        etag: r.get(7)?,
        attributes: ObjectAttributes {
            content_type: r.get(8)?,
            metadata: decode_metadata(&metadata),
            tags: r.get(10)?,
            owner: r.get(11)?,
            acl: Acl::decode(&r.get::<_, String>(13)?),
            encryption: r.get(14)?,
        },
        modified_ms: r.get(12)?,
    })
}

/// One `name: value` a line; names and values never hold a newline (HTTP header rules).
pub(crate) fn encode_metadata(metadata: &[(String, String)]) -> String {
    metadata
        .iter()
        .map(|(k, v)| {
            format!(
                "{}: {}",
                k.replace(['\n', '\r'], " "),
                v.replace(['\n', '\r'], " ")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn decode_metadata(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

pub fn etag_of(md5: &[u8; 16]) -> String {
    ids::hex(md5)
}

impl Store {
    /// Makes `segments` (new durable blobs) the newest version of `key`. The bucket's
    /// versioning state decides the version id and what the write replaces. The blobs are
    /// taken: when the write fails they are freed, since no row names them.
    pub fn put_object(
        &self,
        bucket: &str,
        key: &str,
        attributes: &ObjectAttributes,
        segments: &[BlobInfo],
        etag: &str,
    ) -> Result<ObjectVersion> {
        let written = self.require_bucket(bucket).and_then(|b| {
            let conn = self.db.lock();
            let tx = conn.unchecked_transaction()?;
            let written = insert_version(&tx, &b, key, attributes, segments, etag)?;
            tx.commit()?;
            Ok(written)
        });
        let (version, freed) = self.or_free(written, segments)?;
        self.free(&freed);
        Ok(version)
    }

    /// The current version of `key` (`None` for `version_id`), or the named version. A delete
    /// marker is returned as such: the caller answers 404 (or 405 for a named marker).
    pub fn object(
        &self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
    ) -> Result<Option<ObjectVersion>> {
        Ok(self
            .object_with_segments(bucket, key, version_id)?
            .map(|(version, _)| version))
    }

    /// [`Store::object`] with the blobs holding the version's bytes, in order, read in one
    /// query: one snapshot, so an overwrite committed between two reads cannot leave a version
    /// without its bytes, and a small GET pays one statement instead of two.
    pub fn object_with_segments(
        &self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
    ) -> Result<Option<(ObjectVersion, Vec<Segment>)>> {
        let b = self.require_bucket(bucket)?;
        let key_of = (
            bucket.to_string(),
            key.to_string(),
            version_id.map(str::to_string),
        );
        self.cache
            .objects
            .get_or_load(self.db.writes(), &key_of, || {
                self.load_with_segments(&b, key, version_id)
            })
    }

    fn load_with_segments(
        &self,
        b: &Bucket,
        key: &str,
        version_id: Option<&str>,
    ) -> Result<Option<(ObjectVersion, Vec<Segment>)>> {
        let conn = self.db.read();
        let mut stmt = match version_id {
            None => conn.prepare_cached(CURRENT_WITH_SEGMENTS)?,
            Some(_) => conn.prepare_cached(NAMED_WITH_SEGMENTS)?,
        };
        let mut rows = match version_id {
            None => stmt.query(params![b.id, key.as_bytes()])?,
            Some(v) => stmt.query(params![b.id, key.as_bytes(), v])?,
        };
        let mut found: Option<(ObjectVersion, Vec<Segment>)> = None;
        while let Some(row) = rows.next()? {
            let (_, segments) = match &mut found {
                Some(found) => found,
                None => found.insert((version_row(row)?, Vec::new())),
            };
            // A delete marker has no segments: the join gives one row of NULLs.
            if let Some(blob_id) = row.get::<_, Option<String>>(SEGMENT_COLUMN)? {
                segments.push(Segment {
                    blob_id,
                    size: row.get::<_, i64>(SEGMENT_COLUMN + 1)? as u64,
                });
            }
        }
        Ok(found)
    }

    /// The blobs holding a version's bytes, in order.
    pub fn segments(&self, version: &ObjectVersion) -> Result<Vec<Segment>> {
        let conn = self.db.read();
        let mut stmt = conn.prepare_cached(
            "SELECT blob_id, size FROM segments WHERE object_seq = ?1 ORDER BY idx",
        )?;
        let rows = stmt.query_map([version.seq], |r| {
            Ok(Segment {
                blob_id: r.get(0)?,
                size: r.get::<_, i64>(1)? as u64,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// DeleteObject. Without a version id: removes the object (unversioned), or adds a delete
    /// marker (versioning enabled; suspended replaces the `null` version with one). With one:
    /// removes exactly that version, and the newest remaining becomes current.
    pub fn delete_object(
        &self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
    ) -> Result<Deleted> {
        let b = self.require_bucket(bucket)?;
        let mut freed = Vec::new();
        let deleted = {
            let conn = self.db.lock();
            let tx = conn.unchecked_transaction()?;
            let deleted = match (version_id, b.versioning) {
                (Some(v), _) => {
                    let was_marker: Option<bool> = tx
                        .query_row(
                            "SELECT delete_marker FROM objects WHERE bucket_id = ?1 AND key = ?2 AND version_id = ?3",
                            params![b.id, key.as_bytes(), v],
                            |r| r.get(0),
                        )
                        .optional()?;
                    freed.extend(remove_version(&tx, b.id, key, v)?);
                    promote_newest(&tx, b.id, key)?;
                    Deleted {
                        version_id: Some(v.to_string()),
                        delete_marker: was_marker.unwrap_or(false),
                    }
                }
                (None, Versioning::Unversioned) => {
                    freed.extend(remove_version(&tx, b.id, key, "null")?);
                    Deleted {
                        version_id: None,
                        delete_marker: false,
                    }
                }
                (None, state) => {
                    // Suspended: the marker is the `null` version, replacing any.
                    let marker_id = if state == Versioning::Enabled {
                        ids::version_id()
                    } else {
                        "null".to_string()
                    };
                    freed.extend(make_way(&tx, b.id, key, &marker_id)?);
                    let seq = crate::db::next_id(&tx, "objects")?;
                    tx.execute(
                        "INSERT INTO objects (bucket_id, key, version_id, is_latest, delete_marker, owner, modified_ms, seq)
                         VALUES (?1, ?2, ?3, 1, 1, ?4, ?5, ?6)",
                        params![b.id, key.as_bytes(), marker_id, b.owner, now_ms(), seq],
                    )?;
                    Deleted {
                        version_id: Some(marker_id),
                        delete_marker: true,
                    }
                }
            };
            tx.commit()?;
            deleted
        };
        self.free(&freed);
        Ok(deleted)
    }

    /// A version that is not a delete marker (the current one for `None`).
    fn live_version(
        &self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
    ) -> Result<ObjectVersion> {
        self.object(bucket, key, version_id)?
            .filter(|v| !v.delete_marker)
            .ok_or(if version_id.is_some() {
                StoreError::NoSuchVersion
            } else {
                StoreError::NoSuchKey
            })
    }

    /// Replaces the tag set of a version (the current one for `None`).
    pub fn set_object_tags(
        &self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
        tags: &str,
    ) -> Result<ObjectVersion> {
        let version = self.live_version(bucket, key, version_id)?;
        let conn = self.db.lock();
        conn.execute(
            "UPDATE objects SET tags = ?1 WHERE seq = ?2",
            params![tags, version.seq],
        )?;
        Ok(ObjectVersion {
            attributes: ObjectAttributes {
                tags: tags.to_string(),
                ..version.attributes
            },
            ..version
        })
    }

    /// Replaces the ACL of a version (the current one for `None`).
    pub fn set_object_acl(
        &self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
        acl: &Acl,
    ) -> Result<ObjectVersion> {
        let version = self.live_version(bucket, key, version_id)?;
        self.db.lock().execute(
            "UPDATE objects SET acl = ?1 WHERE seq = ?2",
            params![acl.encode(), version.seq],
        )?;
        Ok(ObjectVersion {
            attributes: ObjectAttributes {
                acl: acl.clone(),
                ..version.attributes
            },
            ..version
        })
    }

    /// Removes blobs after the transaction that stopped naming them committed — each only if
    /// no object segment or part names it now. The check and the removal hold the writer lock,
    /// under which every new reference is made, so bytes a row still reads are never freed
    /// (two racing writers that both took a blob for theirs cannot lose it). A failure here
    /// leaves an orphan for the next start's sweep, never a visible inconsistency.
    /// `result`, after freeing the new blobs a failed write was handed (`taken`): no row names
    /// them, and no caller should have to remember to.
    pub(crate) fn or_free<T>(&self, result: Result<T>, taken: &[BlobInfo]) -> Result<T> {
        if result.is_err() {
            self.free(&taken.iter().map(|b| b.id.clone()).collect::<Vec<_>>());
        }
        result
    }

    pub(crate) fn free(&self, blobs: &[String]) {
        if blobs.is_empty() {
            return;
        }
        let conn = self.db.lock();
        for id in blobs {
            let named = conn
                .prepare_cached(
                    "SELECT EXISTS(SELECT 1 FROM segments WHERE blob_id = ?1)
                         OR EXISTS(SELECT 1 FROM parts WHERE blob_id = ?1)",
                )
                .and_then(|mut stmt| stmt.query_row([id], |r| r.get::<_, bool>(0)));
            // When the database cannot say, the blob stays (an orphan, not a loss).
            if named == Ok(false) {
                let _ = self.blobs.remove(id);
            }
        }
    }
}

/// Inserts `segments` as the newest version of `key` in bucket `b`, inside `tx`. Returns the
/// version and the blobs it made unreachable (to [`Store::free`] after the commit).
pub(crate) fn insert_version(
    tx: &Transaction,
    b: &crate::Bucket,
    key: &str,
    attributes: &ObjectAttributes,
    segments: &[BlobInfo],
    etag: &str,
) -> Result<(ObjectVersion, Vec<String>)> {
    let version_id = match b.versioning {
        Versioning::Enabled => ids::version_id(),
        _ => "null".to_string(),
    };
    let freed = make_way(tx, b.id, key, &version_id)?;
    let size: u64 = segments.iter().map(|s| s.size).sum();
    let seq = crate::db::next_id(tx, "objects")?;
    tx.execute(
        "INSERT INTO objects (bucket_id, key, version_id, is_latest, delete_marker, size, etag, content_type, metadata, tags, owner, modified_ms, acl, seq, encryption)
         VALUES (?1, ?2, ?3, 1, 0, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            b.id,
            key.as_bytes(),
            version_id,
            size as i64,
            etag,
            attributes.content_type,
            encode_metadata(&attributes.metadata),
            attributes.tags,
            attributes.owner,
            now_ms(),
            attributes.acl.encode(),
            seq,
            attributes.encryption
        ],
    )?;
    for (i, s) in segments.iter().enumerate() {
        tx.execute(
            "INSERT INTO segments (object_seq, idx, blob_id, size) VALUES (?1, ?2, ?3, ?4)",
            params![seq, i as i64, s.id, s.size as i64],
        )?;
    }
    let version = tx.query_row(
        &format!("SELECT {VERSION_COLUMNS} FROM objects WHERE seq = ?1"),
        [seq],
        version_row,
    )?;
    Ok((version, freed))
}

/// Before a new current version: the version it replaces (the `null` one, when the new one is
/// `null` too) goes, and the current one stops being current. Returns the blobs freed.
fn make_way(
    tx: &Transaction,
    bucket_id: i64,
    key: &str,
    new_version_id: &str,
) -> Result<Vec<String>> {
    let freed = if new_version_id == "null" {
        remove_version(tx, bucket_id, key, "null")?
    } else {
        Vec::new()
    };
    tx.execute(
        "UPDATE objects SET is_latest = 0 WHERE bucket_id = ?1 AND key = ?2 AND is_latest = 1",
        params![bucket_id, key.as_bytes()],
    )?;
    Ok(freed)
}

/// Deletes one version row and its segments; returns the blobs it held.
fn remove_version(
    tx: &Transaction,
    bucket_id: i64,
    key: &str,
    version_id: &str,
) -> Result<Vec<String>> {
    let seq: Option<i64> = tx
        .query_row(
            "SELECT seq FROM objects WHERE bucket_id = ?1 AND key = ?2 AND version_id = ?3",
            params![bucket_id, key.as_bytes(), version_id],
            |r| r.get(0),
        )
        .optional()?;
    let Some(seq) = seq else {
        return Ok(Vec::new());
    };
    let mut stmt = tx.prepare("SELECT blob_id FROM segments WHERE object_seq = ?1")?;
    let blobs = stmt
        .query_map([seq], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    tx.execute("DELETE FROM segments WHERE object_seq = ?1", [seq])?;
    tx.execute("DELETE FROM objects WHERE seq = ?1", [seq])?;
    Ok(blobs)
}

/// After a version is removed, the newest remaining one is current.
fn promote_newest(tx: &Transaction, bucket_id: i64, key: &str) -> Result<()> {
    let has_latest: bool = tx.query_row(
        "SELECT EXISTS(SELECT 1 FROM objects WHERE bucket_id = ?1 AND key = ?2 AND is_latest = 1)",
        params![bucket_id, key.as_bytes()],
        |r| r.get(0),
    )?;
    if !has_latest {
        tx.execute(
            "UPDATE objects SET is_latest = 1 WHERE seq = (SELECT MAX(seq) FROM objects WHERE bucket_id = ?1 AND key = ?2)",
            params![bucket_id, key.as_bytes()],
        )?;
    }
    Ok(())
}
