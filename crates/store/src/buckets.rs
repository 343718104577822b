//! Buckets and their configuration: owner, region, Object Ownership, versioning, Block Public
//! Access, and the versioned bucket policy.

use rusqlite::{params, OptionalExtension, Row};
use sha2::Digest;

use crate::acl::Acl;
use crate::db::now_ms;
use crate::error::{Result, StoreError};
use crate::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Versioning {
    #[default]
    Unversioned,
    Enabled,
    Suspended,
}

impl Versioning {
    pub fn as_str(self) -> &'static str {
        match self {
            Versioning::Unversioned => "Unversioned",
            Versioning::Enabled => "Enabled",
            Versioning::Suspended => "Suspended",
        }
    }

    fn parse(s: &str) -> Versioning {
        match s {
            "Enabled" => Versioning::Enabled,
            "Suspended" => Versioning::Suspended,
            _ => Versioning::Unversioned,
        }
    }
}

/// A bucket's Object Ownership setting, as stored [S3 `about-object-ownership`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectOwnership {
    BucketOwnerEnforced,
    BucketOwnerPreferred,
    ObjectWriter,
}

impl ObjectOwnership {
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectOwnership::BucketOwnerEnforced => "BucketOwnerEnforced",
            ObjectOwnership::BucketOwnerPreferred => "BucketOwnerPreferred",
            ObjectOwnership::ObjectWriter => "ObjectWriter",
        }
    }

    /// A setting's name (`None` for anything else, the empty text a bucket without ownership
    /// controls stores included).
    pub fn parse(s: &str) -> Option<ObjectOwnership> {
        match s {
            "BucketOwnerEnforced" => Some(ObjectOwnership::BucketOwnerEnforced),
            "BucketOwnerPreferred" => Some(ObjectOwnership::BucketOwnerPreferred),
            "ObjectWriter" => Some(ObjectOwnership::ObjectWriter),
            _ => None,
        }
    }

    fn stored(setting: Option<ObjectOwnership>) -> &'static str {
        setting.map_or("", ObjectOwnership::as_str)
    }
}

const CONFIGURED: i64 = 1 << 4;

/// The four Block Public Access settings of a bucket, stored as bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BlockPublicAccessFlags {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

impl BlockPublicAccessFlags {
    pub const ALL: BlockPublicAccessFlags = BlockPublicAccessFlags {
        block_public_acls: true,
        ignore_public_acls: true,
        block_public_policy: true,
        restrict_public_buckets: true,
    };

    /// The stored form: the four settings as bits 0–3, and bit 4 set when a configuration
    /// exists at all (S3 tells "all four false" from "no configuration").
    pub fn stored(flags: Option<BlockPublicAccessFlags>) -> i64 {
        flags.map_or(0, |f| f.bits() | CONFIGURED)
    }

    /// `None` when no configuration exists.
    pub fn from_stored(b: i64) -> Option<BlockPublicAccessFlags> {
        (b & CONFIGURED != 0).then(|| BlockPublicAccessFlags::from_bits(b))
    }

    fn bits(self) -> i64 {
        self.block_public_acls as i64
            | (self.ignore_public_acls as i64) << 1
            | (self.block_public_policy as i64) << 2
            | (self.restrict_public_buckets as i64) << 3
    }

    fn from_bits(b: i64) -> Self {
        BlockPublicAccessFlags {
            block_public_acls: b & 1 != 0,
            ignore_public_acls: b & 2 != 0,
            block_public_policy: b & 4 != 0,
            restrict_public_buckets: b & 8 != 0,
        }
    }
}

/// Which of an account's buckets a ListBuckets page holds.
#[derive(Debug, Clone, Default)]
pub struct BucketsQuery<'a> {
    pub prefix: &'a str,
    pub region: Option<&'a str>,
    /// Names after this one (the page before ended there).
    pub after: Option<&'a str>,
    pub limit: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    pub id: i64,
    pub name: String,
    pub owner: String,
    pub region: String,
    /// `None` once its ownership controls were deleted.
    pub object_ownership: Option<ObjectOwnership>,
    pub versioning: Versioning,
    /// The bucket's PublicAccessBlock configuration; `None` when it has none (all off).
    pub block_public_access: Option<BlockPublicAccessFlags>,
    pub created_ms: i64,
    /// The bucket ACL (no grants: the owner's FULL_CONTROL alone).
    pub acl: Acl,
    /// The default encryption configuration (the server's own text); `None`: none.
    pub encryption: Option<String>,
    /// Server access logging (the server's own text); `None`: off.
    pub logging: Option<String>,
}

/// What CreateBucket decides.
#[derive(Debug, Clone)]
pub struct NewBucket<'a> {
    pub name: &'a str,
    pub owner: &'a str,
    pub region: &'a str,
    pub object_ownership: ObjectOwnership,
    pub block_public_access: BlockPublicAccessFlags,
    pub acl: &'a Acl,
}

/// A bucket policy as stored: its version (1, 2, ...), its text and the text's SHA-256 (hex):
/// a key for anything derived from the text alone (a compiled policy), which no other text
/// can share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPolicy {
    pub version: i64,
    pub document: String,
    pub digest: String,
    /// The IAM users and roles it named when it was saved: (ARN, unique id).
    pub bindings: Vec<(String, String)>,
}

fn bindings_key(bucket_id: i64, version: i64) -> String {
    format!("bucket:{bucket_id}:{version}")
}

const COLUMNS: &str =
    "id, name, owner, region, object_ownership, versioning, block_public_access, created_ms, acl, encryption, logging";

fn bucket_row(r: &Row) -> rusqlite::Result<Bucket> {
    Ok(Bucket {
        id: r.get(0)?,
        name: r.get(1)?,
        owner: r.get(2)?,
        region: r.get(3)?,
        object_ownership: ObjectOwnership::parse(&r.get::<_, String>(4)?),
        versioning: Versioning::parse(&r.get::<_, String>(5)?),
        block_public_access: BlockPublicAccessFlags::from_stored(r.get(6)?),
        created_ms: r.get(7)?,
        acl: Acl::decode(&r.get::<_, String>(8)?),
        encryption: r.get(9)?,
        logging: r.get(10)?,
    })
}

impl Store {
    /// Creates a bucket; S3's two errors tell apart a name the caller's account already owns
    /// and one another account owns.
    pub fn create_bucket(&self, new: &NewBucket) -> Result<Bucket> {
        let conn = self.db.lock();
        let tx = conn.unchecked_transaction()?;
        let existing: Option<String> = tx
            .query_row(
                "SELECT owner FROM buckets WHERE name = ?1",
                [new.name],
                |r| r.get(0),
            )
            .optional()?;
        match existing {
            Some(owner) if owner == new.owner => return Err(StoreError::BucketAlreadyOwnedByYou),
            Some(_) => return Err(StoreError::BucketAlreadyExists),
            None => {}
        }
        let id = crate::db::next_id(&tx, "buckets")?;
        tx.execute(
            "INSERT INTO buckets (name, owner, region, object_ownership, versioning, block_public_access, created_ms, acl, id)
             VALUES (?1, ?2, ?3, ?4, 'Unversioned', ?5, ?6, ?7, ?8)",
            params![new.name, new.owner, new.region, new.object_ownership.as_str(), BlockPublicAccessFlags::stored(Some(new.block_public_access)), now_ms(), new.acl.encode(), id],
        )?;
        let bucket = tx.query_row(
            &format!("SELECT {COLUMNS} FROM buckets WHERE name = ?1"),
            [new.name],
            bucket_row,
        )?;
        tx.commit()?;
        self.changed();
        Ok(bucket)
    }

    /// Shared, not copied: every request on a bucket reads it.
    pub fn bucket(&self, name: &str) -> Result<Option<std::sync::Arc<Bucket>>> {
        self.cache.buckets.get_or_load(&self.generation, name, || {
            let conn = self.db.read();
            let mut stmt =
                conn.prepare_cached(&format!("SELECT {COLUMNS} FROM buckets WHERE name = ?1"))?;
            Ok(stmt
                .query_row([name], bucket_row)
                .optional()?
                .map(std::sync::Arc::new))
        })
    }

    pub(crate) fn require_bucket(&self, name: &str) -> Result<std::sync::Arc<Bucket>> {
        self.bucket(name)?.ok_or(StoreError::NoSuchBucket)
    }

    /// Every bucket `owner` owns, by name.
    pub fn list_buckets(&self, owner: &str) -> Result<Vec<Bucket>> {
        self.list_buckets_page(
            owner,
            &BucketsQuery {
                limit: usize::MAX,
                ..Default::default()
            },
        )
    }

    /// A page of `owner`'s buckets by name: those after `q.after` whose names start with
    /// `q.prefix` (and in `q.region`, when given), at most `q.limit` of them. Its cost follows
    /// the page, not the number of buckets (index `buckets_by_owner`).
    pub fn list_buckets_page(&self, owner: &str, q: &BucketsQuery) -> Result<Vec<Bucket>> {
        // Bucket names are ASCII: nothing starts with anything else.
        if !q.prefix.is_ascii() {
            return Ok(Vec::new());
        }
        let conn = self.db.read();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM buckets
             WHERE owner = ?1 AND name > ?2 AND name >= ?3 AND (?4 IS NULL OR name < ?4)
               AND (?5 IS NULL OR region = ?5)
             ORDER BY name LIMIT ?6"
        ))?;
        let upper = crate::order::successor(q.prefix.as_bytes())
            .map(|u| String::from_utf8_lossy(&u).into_owned())
            .filter(|_| !q.prefix.is_empty());
        let limit = i64::try_from(q.limit).unwrap_or(i64::MAX);
        let rows = stmt.query_map(
            params![
                owner,
                q.after.unwrap_or(""),
                q.prefix,
                upper,
                q.region,
                limit
            ],
            bucket_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Deletes an empty bucket: no object version, no delete marker, no upload in progress.
    pub fn delete_bucket(&self, name: &str) -> Result<()> {
        let conn = self.db.lock();
        let tx = conn.unchecked_transaction()?;
        let id: i64 = tx
            .query_row("SELECT id FROM buckets WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or(StoreError::NoSuchBucket)?;
        let busy: bool = tx.query_row(
            "SELECT EXISTS(SELECT 1 FROM objects WHERE bucket_id = ?1) OR EXISTS(SELECT 1 FROM uploads WHERE bucket_id = ?1)",
            [id],
            |r| r.get(0),
        )?;
        if busy {
            return Err(StoreError::BucketNotEmpty);
        }
        tx.execute("DELETE FROM bucket_policies WHERE bucket_id = ?1", [id])?;
        tx.execute("DELETE FROM buckets WHERE id = ?1", [id])?;
        tx.commit()?;
        self.changed();
        Ok(())
    }

    /// Sets (`Some`) or deletes (`None`) the bucket policy as a new version, with the IAM
    /// users and roles it names bound to their unique ids (ARN, id); returns the version.
    pub fn set_bucket_policy(
        &self,
        bucket: &str,
        document: Option<&str>,
        bindings: &[(String, String)],
    ) -> Result<i64> {
        let conn = self.db.lock();
        let tx = conn.unchecked_transaction()?;
        let id: i64 = tx
            .query_row("SELECT id FROM buckets WHERE name = ?1", [bucket], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or(StoreError::NoSuchBucket)?;
        let version: i64 = tx.query_row(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM bucket_policies WHERE bucket_id = ?1",
            [id],
            |r| r.get(0),
        )?;
        tx.execute(
            "INSERT INTO bucket_policies (bucket_id, version, document, created_ms) VALUES (?1, ?2, ?3, ?4)",
            params![id, version, document, now_ms()],
        )?;
        for (arn, unique_id) in bindings {
            tx.execute(
                "INSERT INTO principal_bindings (policy, arn, unique_id) VALUES (?1, ?2, ?3)",
                params![bindings_key(id, version), arn, unique_id],
            )?;
        }
        tx.commit()?;
        self.changed();
        Ok(version)
    }

    /// The current bucket policy, if the bucket has one.
    pub fn bucket_policy(&self, bucket: &str) -> Result<Option<StoredPolicy>> {
        let b = self.require_bucket(bucket)?;
        let cached = self.cache.policies.get_or_load(&self.generation, &b.name, || {
            let conn = self.db.read();
            let mut stmt = conn.prepare_cached(
                "SELECT version, document FROM bucket_policies WHERE bucket_id = ?1 ORDER BY version DESC LIMIT 1",
            )?;
            let row: Option<(i64, Option<String>)> = stmt.query_row([b.id], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
            let Some((version, Some(document))) = row else {
                return Ok::<_, StoreError>(Some(None));
            };
            let mut stmt = conn.prepare_cached(
                "SELECT arn, unique_id FROM principal_bindings WHERE policy = ?1 ORDER BY arn",
            )?;
            let bindings = stmt
                .query_map([bindings_key(b.id, version)], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(Some(Some(StoredPolicy {
                version,
                digest: crate::ids::hex(&sha2::Sha256::digest(document.as_bytes())),
                document,
                bindings,
            })))
        })?;
        Ok(cached.flatten())
    }

    /// A past version of the bucket policy (`None` document: deleted then), for replay.
    pub fn bucket_policy_version(
        &self,
        bucket: &str,
        version: i64,
    ) -> Result<Option<Option<String>>> {
        let b = self.require_bucket(bucket)?;
        let conn = self.db.lock();
        Ok(conn
            .query_row(
                "SELECT document FROM bucket_policies WHERE bucket_id = ?1 AND version = ?2",
                params![b.id, version],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Sets (`Some`) or deletes the bucket's PublicAccessBlock configuration.
    pub fn set_block_public_access(
        &self,
        bucket: &str,
        flags: Option<BlockPublicAccessFlags>,
    ) -> Result<()> {
        self.update_bucket(
            bucket,
            "block_public_access",
            BlockPublicAccessFlags::stored(flags),
        )
    }

    pub fn set_versioning(&self, bucket: &str, state: Versioning) -> Result<()> {
        self.update_bucket(bucket, "versioning", state.as_str())
    }

    /// Sets (`Some`) or deletes (`None`) the bucket's ownership controls.
    pub fn set_object_ownership(
        &self,
        bucket: &str,
        ownership: Option<ObjectOwnership>,
    ) -> Result<()> {
        self.update_bucket(
            bucket,
            "object_ownership",
            ObjectOwnership::stored(ownership),
        )
    }

    /// Sets (`Some`) or deletes the bucket's default encryption.
    pub fn set_bucket_encryption(&self, bucket: &str, configuration: Option<&str>) -> Result<()> {
        self.update_bucket(bucket, "encryption", configuration)
    }

    /// Sets (`Some`) or turns off the bucket's server access logging.
    pub fn set_bucket_logging(&self, bucket: &str, logging: Option<&str>) -> Result<()> {
        self.update_bucket(bucket, "logging", logging)
    }

    pub fn set_bucket_acl(&self, bucket: &str, acl: &Acl) -> Result<()> {
        self.update_bucket(bucket, "acl", acl.encode())
    }

    fn update_bucket(
        &self,
        bucket: &str,
        column: &'static str,
        value: impl rusqlite::ToSql,
    ) -> Result<()> {
        let conn = self.db.lock();
        let changed = conn.execute(
            &format!("UPDATE buckets SET {column} = ?1 WHERE name = ?2"),
            params![value, bucket],
        )?;
        if changed == 0 {
            return Err(StoreError::NoSuchBucket);
        }
        self.changed();
        Ok(())
    }
}
