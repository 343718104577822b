//! Gatehouse's persistence: the directory (accounts, access keys), buckets and their
//! configuration (versioned bucket policies included), objects with their versions, and their
//! bytes. It knows nothing of what a policy means.
//!
//! The embedded backend: metadata in SQLite (`DATA_DIR/meta.db`, WAL, `synchronous=FULL`),
//! bytes in blob files under generated ids (`DATA_DIR/blobs/`). A write is acknowledged only
//! when its bytes and its metadata are durable; a crash at any instant leaves the old object or
//! the new one, and any orphaned bytes are swept at the next open.
//!
//! ```
//! # let dir = tempfile::tempdir().unwrap();
//! use store::{BlockPublicAccessFlags, NewBucket, ObjectAttributes, ObjectOwnership, Store};
//! let store = Store::open(dir.path()).unwrap();
//! store.create_account("111122223333", "alpha", None).unwrap();
//! store.create_bucket(&NewBucket { name: "reports", owner: "111122223333", region: "us-east-1",
//!     object_ownership: ObjectOwnership::BucketOwnerEnforced, block_public_access: BlockPublicAccessFlags::ALL,
//!     acl: &store::Acl::default() }).unwrap();
//! let blob = store.blobs().write_from(&mut &b"hello"[..], 1 << 20).unwrap();
//! let attrs = ObjectAttributes { owner: "111122223333".into(), ..Default::default() };
//! let etag = store::etag_of(&blob.md5);
//! store.put_object("reports", "q3.csv", &attrs, &[blob], &etag).unwrap();
//! assert_eq!(store.object("reports", "q3.csv", None).unwrap().unwrap().size, 5);
//! ```

mod accounts;
mod acl;
mod blobs;
mod buckets;
mod bulk;
mod cache;
mod db;
mod directory;
mod error;
mod generation;
mod ids;
mod listing;
mod multipart;
mod objects;
mod order;
mod organizations;
mod reader;
mod records;
mod small_blobs;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

pub use accounts::{AccessKey, Account};
pub use acl::{Acl, AclGrant, AclGrantee, AclPermission};
pub use blobs::{BlobInfo, BlobStore, BlobWriter};
pub use buckets::{
    BlockPublicAccessFlags, Bucket, BucketsQuery, NewBucket, ObjectOwnership, StoredPolicy,
    Versioning,
};
pub use cache::{bypassed as caches_bypassed, MAX_ENTRIES as MAX_CACHE_ENTRIES};
pub use db::SCHEMA_VERSION;
pub use directory::{
    Entity, EntityKind, EntityUpdate, IdentityDocument, IdentityInputs, KeyInfo, ManagedPolicy,
    NewEntity, NewSession, PolicyVersion, Session, SessionTag, MAX_KEYS_PER_USER,
    MAX_POLICY_VERSIONS, MAX_TAGS,
};
pub use error::{Result, StoreError};
pub use listing::{ListPage, ListQuery};
pub use multipart::{Part, Upload, MAX_PART_NUMBER, MIN_PART_SIZE};
pub use objects::{etag_of, Deleted, ObjectAttributes, ObjectVersion, Segment};
pub use reader::ObjectReader;
pub use records::Record;
pub use small_blobs::MAX_BLOB as SMALL_BLOB;

pub struct Store {
    root: PathBuf,
    db: db::Db,
    blobs: BlobStore,
    cache: cache::Caches,
    generation: generation::Generation,
    small_blobs: small_blobs::SmallBlobs,
}

impl Store {
    /// Opens (creating when new) the store in `data_dir`, and sweeps bytes no metadata names.
    pub fn open(data_dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(data_dir)?;
        let db = db::Db::open(&data_dir.join("meta.db"))?;
        let blobs = BlobStore::open(data_dir.join("blobs"))?;
        let store = Store {
            root: data_dir.to_path_buf(),
            db,
            blobs,
            cache: cache::Caches::new(),
            generation: generation::Generation::default(),
            small_blobs: Default::default(),
        };
        let referenced = store.referenced_blobs()?;
        store.blobs.sweep(&referenced)?;
        Ok(store)
    }

    /// Opens an existing store to read it beside its server: no blob is swept (bytes a running
    /// server has written but not yet named would be lost), nothing is created.
    pub fn open_for_reading(data_dir: &Path) -> Result<Store> {
        let meta = data_dir.join("meta.db");
        if !meta.exists() {
            return Err(StoreError::Corrupt(format!(
                "{} holds no Gatehouse data (no meta.db)",
                data_dir.display()
            )));
        }
        Ok(Store {
            root: data_dir.to_path_buf(),
            db: db::Db::open(&meta)?,
            blobs: BlobStore::open(data_dir.join("blobs"))?,
            cache: cache::Caches::new(),
            generation: generation::Generation::default(),
            small_blobs: Default::default(),
        })
    }

    /// The store-wide change counter: it increases after every committed change to what
    /// decisions read (buckets and their settings, policies, the directory, keys, sessions).
    /// A cache over the store serves an entry only if it was loaded at the current value
    /// (`cache.rs` states the rule).
    pub fn generation(&self) -> u64 {
        self.generation.current()
    }

    /// Runs `f` with every cache of the store bypassed on this thread: what the database holds
    /// now, for the server's verification mode.
    pub fn bypassing_caches<R>(&self, f: impl FnOnce() -> R) -> R {
        cache::bypassing(f)
    }

    pub(crate) fn changed(&self) {
        self.generation.bump();
    }

    pub fn data_dir(&self) -> &Path {
        &self.root
    }

    /// Where object bytes are written before [`Store::put_object`] or [`Store::put_part`].
    pub fn blobs(&self) -> &BlobStore {
        &self.blobs
    }

    fn referenced_blobs(&self) -> Result<HashSet<String>> {
        let conn = self.db.lock();
        let mut stmt =
            conn.prepare("SELECT blob_id FROM segments UNION SELECT blob_id FROM parts")?;
        let ids = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<HashSet<String>>>()?;
        Ok(ids)
    }
}
