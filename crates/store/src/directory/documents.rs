//! Policy documents, kept once by their SHA-256 digest (for ever: decisions name them by it).

use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::error::Result;

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
