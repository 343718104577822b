//! Multipart uploads: parts are durable blobs kept until the upload completes (they become the
//! object's segments, no bytes copied) or is aborted (they are removed).

use rusqlite::{params, OptionalExtension, Row, Transaction};

use md5::{Digest, Md5};

use crate::blobs::BlobInfo;
use crate::db::now_ms;
use crate::error::{Result, StoreError};
use crate::ids;
use crate::objects::{encode_metadata, etag_of, insert_version, ObjectAttributes, ObjectVersion};
use crate::Store;

/// S3's minimum size of every part but the last.
pub const MIN_PART_SIZE: u64 = 5 * 1024 * 1024;
pub const MAX_PART_NUMBER: u32 = 10_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub upload_id: String,
    pub bucket_id: i64,
    pub key: String,
    pub initiator: String,
    pub attributes: ObjectAttributes,
    pub created_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub part_number: u32,
    pub blob_id: String,
    pub size: u64,
    /// Without quotes.
    pub etag: String,
    pub modified_ms: i64,
}

fn upload_row(r: &Row) -> rusqlite::Result<Upload> {
    let key: Vec<u8> = r.get(2)?;
    let metadata: String = r.get(6)?;
    Ok(Upload {
        upload_id: r.get(0)?,
        bucket_id: r.get(1)?,
        key: String::from_utf8_lossy(&key).into_owned(),
        initiator: r.get(3)?,
        attributes: ObjectAttributes {
            owner: r.get(4)?,
            content_type: r.get(5)?,
            metadata: metadata
                .lines()
                .filter_map(|l| l.split_once(": "))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            tags: r.get(7)?,
            acl: crate::acl::Acl::decode(&r.get::<_, String>(9)?),
            encryption: r.get(10)?,
        },
        created_ms: r.get(8)?,
    })
}

const UPLOAD_COLUMNS: &str =
    "upload_id, bucket_id, key, initiator, owner, content_type, metadata, tags, created_ms, acl, encryption";

fn part_row(r: &Row) -> rusqlite::Result<Part> {
    Ok(Part {
        part_number: r.get(0)?,
        blob_id: r.get(1)?,
        size: r.get::<_, i64>(2)? as u64,
        etag: r.get(3)?,
        modified_ms: r.get(4)?,
    })
}

impl Store {
    pub fn create_upload(
        &self,
        bucket: &str,
        key: &str,
        initiator: &str,
        attributes: &ObjectAttributes,
    ) -> Result<Upload> {
        let b = self.require_bucket(bucket)?;
        let conn = self.db.lock();
        let upload_id = ids::upload_id();
        conn.execute(
            &format!("INSERT INTO uploads ({UPLOAD_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"),
            params![
                upload_id,
                b.id,
                key.as_bytes(),
                initiator,
                attributes.owner,
                attributes.content_type,
                encode_metadata(&attributes.metadata),
                attributes.tags,
                now_ms(),
                attributes.acl.encode(),
                attributes.encryption
            ],
        )?;
        Ok(conn.query_row(
            &format!("SELECT {UPLOAD_COLUMNS} FROM uploads WHERE upload_id = ?1"),
            [&upload_id],
            upload_row,
        )?)
    }

    /// The upload `upload_id` of `key` in `bucket`.
    pub fn upload(&self, bucket: &str, key: &str, upload_id: &str) -> Result<Upload> {
        let b = self.require_bucket(bucket)?;
        let conn = self.db.lock();
        conn.query_row(
            &format!("SELECT {UPLOAD_COLUMNS} FROM uploads WHERE upload_id = ?1 AND bucket_id = ?2 AND key = ?3"),
            params![upload_id, b.id, key.as_bytes()],
            upload_row,
        )
        .optional()?
        .ok_or(StoreError::NoSuchUpload)
    }

    /// Records a new durable blob as part `number` (replacing an earlier upload of that part).
    /// The upload is looked up in the same transaction: a part never lands in an upload that a
    /// concurrent Complete or Abort has ended. The blob is taken: freed when the write fails.
    pub fn put_part(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        number: u32,
        blob: &BlobInfo,
    ) -> Result<Part> {
        let part = Part {
            part_number: number,
            blob_id: blob.id.clone(),
            size: blob.size,
            etag: etag_of(&blob.md5),
            modified_ms: now_ms(),
        };
        let replaced = self.require_bucket(bucket).and_then(|b| {
            let conn = self.db.lock();
            let tx = conn.unchecked_transaction()?;
            require_upload(&tx, b.id, key, upload_id)?;
            let old: Option<String> = tx
                .query_row(
                    "SELECT blob_id FROM parts WHERE upload_id = ?1 AND part_number = ?2",
                    params![upload_id, number],
                    |r| r.get(0),
                )
                .optional()?;
            tx.execute(
                "INSERT INTO parts (upload_id, part_number, blob_id, size, etag, modified_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(upload_id, part_number) DO UPDATE SET blob_id = ?3, size = ?4, etag = ?5, modified_ms = ?6",
                params![upload_id, number, part.blob_id, part.size as i64, part.etag, part.modified_ms],
            )?;
            tx.commit()?;
            Ok(old)
        });
        let replaced = self.or_free(replaced, std::slice::from_ref(blob))?;
        self.free(&replaced.into_iter().collect::<Vec<_>>());
        Ok(part)
    }

    /// Parts after `marker`, in order, at most `max` (and whether more follow).
    pub fn list_parts(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        marker: u32,
        max: usize,
    ) -> Result<(Vec<Part>, bool)> {
        self.upload(bucket, key, upload_id)?;
        let mut parts = parts_after(&self.db.lock(), upload_id, marker, max + 1)?;
        let truncated = parts.len() > max;
        parts.truncate(max);
        Ok((parts, truncated))
    }

    /// Uploads in progress under `prefix`, by key then start time, after the markers.
    pub fn list_uploads(
        &self,
        bucket: &str,
        prefix: &str,
        key_marker: Option<&str>,
        max: usize,
    ) -> Result<(Vec<Upload>, bool)> {
        let b = self.require_bucket(bucket)?;
        let conn = self.db.lock();
        let upper = if prefix.is_empty() {
            None
        } else {
            crate::order::successor(prefix.as_bytes())
        };
        let mut stmt = conn.prepare(&format!(
            "SELECT {UPLOAD_COLUMNS} FROM uploads
             WHERE bucket_id = ?1 AND key >= ?2 AND (?3 IS NULL OR key < ?3) AND (?4 IS NULL OR key > ?4)
             ORDER BY key, created_ms LIMIT ?5"
        ))?;
        let mut uploads = stmt
            .query_map(
                params![
                    b.id,
                    prefix.as_bytes(),
                    upper,
                    key_marker.map(str::as_bytes),
                    max as i64 + 1
                ],
                upload_row,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let truncated = uploads.len() > max;
        uploads.truncate(max);
        Ok((uploads, truncated))
    }

    /// CompleteMultipartUpload: the listed parts, in ascending order with matching ETags, become
    /// the object (S3's ETag: the MD5 of the parts' MD5s, then `-N`); unlisted parts are freed.
    /// The upload's check, its parts' listing, the object's insert and the upload's end are one
    /// transaction: of two Completes racing, one finds the upload gone (NoSuchUpload).
    pub fn complete_upload(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        listed: &[(u32, String)],
    ) -> Result<ObjectVersion> {
        let b = self.require_bucket(bucket)?;
        if listed.is_empty() {
            return Err(StoreError::InvalidPart);
        }
        if listed.windows(2).any(|w| w[0].0 >= w[1].0) {
            return Err(StoreError::InvalidPartOrder);
        }
        let (version, freed) = {
            let conn = self.db.lock();
            let tx = conn.unchecked_transaction()?;
            let upload = require_upload(&tx, b.id, key, upload_id)?;
            let stored = parts_after(&tx, upload_id, 0, MAX_PART_NUMBER as usize)?;
            let chosen = choose_parts(&stored, listed)?;
            let etag = multipart_etag(&chosen)?;
            let segments: Vec<BlobInfo> = chosen
                .iter()
                .map(|p| BlobInfo {
                    id: p.blob_id.clone(),
                    size: p.size,
                    md5: [0; 16],
                })
                .collect();
            let (version, mut freed) =
                insert_version(&tx, &b, key, &upload.attributes, &segments, &etag)?;
            freed.extend(
                stored
                    .iter()
                    .filter(|p| !chosen.iter().any(|c| c.part_number == p.part_number))
                    .map(|p| p.blob_id.clone()),
            );
            tx.execute("DELETE FROM parts WHERE upload_id = ?1", [upload_id])?;
            tx.execute("DELETE FROM uploads WHERE upload_id = ?1", [upload_id])?;
            tx.commit()?;
            (version, freed)
        };
        self.free(&freed);
        Ok(version)
    }

    pub fn abort_upload(&self, bucket: &str, key: &str, upload_id: &str) -> Result<()> {
        let b = self.require_bucket(bucket)?;
        let blobs: Vec<String> = {
            let conn = self.db.lock();
            let tx = conn.unchecked_transaction()?;
            require_upload(&tx, b.id, key, upload_id)?;
            let mut stmt = tx.prepare("SELECT blob_id FROM parts WHERE upload_id = ?1")?;
            let blobs = stmt
                .query_map([upload_id], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()?;
            drop(stmt);
            tx.execute("DELETE FROM parts WHERE upload_id = ?1", [upload_id])?;
            tx.execute("DELETE FROM uploads WHERE upload_id = ?1", [upload_id])?;
            tx.commit()?;
            blobs
        };
        self.free(&blobs);
        Ok(())
    }
}

/// The parts of an upload numbered after `marker`, in order, at most `limit`.
fn parts_after(
    conn: &rusqlite::Connection,
    upload_id: &str,
    marker: u32,
    limit: usize,
) -> Result<Vec<Part>> {
    let mut stmt = conn.prepare_cached(
        "SELECT part_number, blob_id, size, etag, modified_ms FROM parts
         WHERE upload_id = ?1 AND part_number > ?2 ORDER BY part_number LIMIT ?3",
    )?;
    let parts = stmt
        .query_map(params![upload_id, marker, limit as i64], part_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(parts)
}

/// The upload `upload_id` of `key` in bucket `bucket_id`, read inside the caller's transaction.
fn require_upload(tx: &Transaction, bucket_id: i64, key: &str, upload_id: &str) -> Result<Upload> {
    tx.query_row(
        &format!("SELECT {UPLOAD_COLUMNS} FROM uploads WHERE upload_id = ?1 AND bucket_id = ?2 AND key = ?3"),
        params![upload_id, bucket_id, key.as_bytes()],
        upload_row,
    )
    .optional()?
    .ok_or(StoreError::NoSuchUpload)
}

/// The stored parts `listed` names (number and ETag both must match); every part but the last
/// at least [`MIN_PART_SIZE`].
fn choose_parts<'p>(stored: &'p [Part], listed: &[(u32, String)]) -> Result<Vec<&'p Part>> {
    let mut chosen = Vec::with_capacity(listed.len());
    for (i, (number, etag)) in listed.iter().enumerate() {
        let part = stored
            .iter()
            .find(|p| p.part_number == *number && p.etag == etag.trim_matches('"'))
            .ok_or(StoreError::InvalidPart)?;
        if i + 1 < listed.len() && part.size < MIN_PART_SIZE {
            return Err(StoreError::EntityTooSmall);
        }
        chosen.push(part);
    }
    Ok(chosen)
}

/// S3's multipart ETag: the MD5 of the parts' binary MD5s, then `-` and the part count.
fn multipart_etag(chosen: &[&Part]) -> Result<String> {
    let mut digest = Md5::new();
    for part in chosen {
        let mut raw = [0u8; 16];
        for (j, byte) in raw.iter_mut().enumerate() {
            *byte = part
                .etag
                .get(2 * j..2 * j + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| StoreError::Corrupt(format!("part ETag {}", part.etag)))?;
        }
        digest.update(raw);
    }
    Ok(format!("{}-{}", ids::hex(&digest.finalize()), chosen.len()))
}
