//! Tags on users, roles and managed policies.

use rusqlite::params;

use crate::error::{Result, StoreError};

/// At most this many tags on a user, role or policy [IAM `reference_iam-quotas`].
pub const MAX_TAGS: usize = 50;

pub(crate) fn put_tags(
    conn: &rusqlite::Connection,
    owner: &str,
    tags: &[(String, String)],
) -> Result<()> {
    for (k, v) in tags {
        // Tag keys are unique without regard to case; a new value replaces the old one.
        conn.execute(
            "DELETE FROM iam_tags WHERE owner = ?1 AND lower(key) = lower(?2)",
            params![owner, k],
        )?;
        conn.execute(
            "INSERT INTO iam_tags (owner, key, value) VALUES (?1, ?2, ?3)",
            params![owner, k, v],
        )?;
    }
    let count: i64 = conn.query_row(
        "SELECT count(*) FROM iam_tags WHERE owner = ?1",
        [owner],
        |r| r.get(0),
    )?;
    if count as usize > MAX_TAGS {
        return Err(StoreError::LimitExceeded(format!(
            "The number of tags has reached the maximum limit of {MAX_TAGS}."
        )));
    }
    Ok(())
}
