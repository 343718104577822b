//! The IAM directory: users, roles and groups, their inline and attached policies, permissions
//! boundaries, group membership, tags, customer and AWS managed policies with their versions, and
//! the sessions STS grants. The store keeps documents as text by digest and never reads them:
//! what a policy means is the engine's business.
//!
//! Every write bumps [`Store::generation`], so a cache of anything derived from the directory (a
//! caller's compiled policies) knows when to drop it (the rule is in `cache.rs`).

mod entities;
mod identity;
mod keys;
mod managed;
mod policies;
mod sessions;

pub use entities::{Entity, EntityKind, EntityUpdate, NewEntity};
pub use identity::{IdentityDocument, IdentityInputs};
pub use keys::{KeyInfo, MAX_KEYS_PER_USER};
pub use managed::{ManagedPolicy, PolicyVersion, MAX_POLICY_VERSIONS};
pub use sessions::{NewSession, Session, SessionTag};

use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::error::Result;

/// At most this many tags on a user, role or policy [IAM `reference_iam-quotas`].
pub const MAX_TAGS: usize = 50;

/// Keeps `document` (once) and returns its digest.
pub(crate) fn keep_document(conn: &Connection, document: &str) -> Result<String> {
    let digest = crate::ids::hex(&Sha256::digest(document.as_bytes()));
    conn.execute(
        "INSERT INTO policy_documents (digest, document) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        params![digest, document],
    )?;
    Ok(digest)
}

pub(crate) fn document(conn: &Connection, digest: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT document FROM policy_documents WHERE digest = ?1",
            [digest],
            |r| r.get(0),
        )
        .optional()?)
}

impl crate::Store {
    /// A policy document by its digest: every document the directory ever held is kept.
    pub fn policy_document(&self, digest: &str) -> Result<Option<String>> {
        document(&self.db.read(), digest)
    }
}
