//! Temporary credentials and the session they stand for: its source (role or user), name,
//! session policies, tags and expiry, kept so that every request of the session — and any later
//! replay of one — sees what the session was granted with.

use rusqlite::{params, OptionalExtension};

use crate::accounts::AccessKey;
use crate::db::now_ms;
use crate::error::Result;
use crate::{ids, Store};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionTag {
    pub key: String,
    pub value: String,
    pub transitive: bool,
}

pub struct NewSession<'a> {
    pub account_id: &'a str,
    /// `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`, or the user's ARN for GetSessionToken.
    pub principal_arn: &'a str,
    /// The role's (or user's) ARN and unique id (`None` for root).
    pub source_arn: &'a str,
    pub source_id: Option<&'a str>,
    pub session_name: Option<&'a str>,
    pub source_identity: Option<&'a str>,
    pub policy: Option<&'a str>,
    pub policy_arns: &'a [String],
    pub tags: &'a [SessionTag],
    pub expires_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub access_key_id: String,
    pub source_arn: String,
    pub source_id: Option<String>,
    pub session_name: Option<String>,
    pub source_identity: Option<String>,
    pub policy: Option<(String, String)>,
    pub policy_arns: Vec<String>,
    pub tags: Vec<SessionTag>,
    pub expires_ms: i64,
}

impl Store {
    /// Issues temporary credentials (`ASIA...`, a secret and a session token) for a session.
    pub fn create_session(&self, new: &NewSession) -> Result<AccessKey> {
        let key = AccessKey {
            access_key_id: ids::access_key_id("ASIA"),
            secret: ids::secret_access_key(),
            account_id: new.account_id.to_string(),
            principal_arn: new.principal_arn.to_string(),
            active: true,
            session_token: Some(ids::session_token()),
            expires_ms: Some(new.expires_ms),
        };
        let mut conn = self.db.lock();
        let tx = conn.transaction()?;
        let now = now_ms();
        tx.execute(
            "INSERT INTO access_keys (access_key_id, secret, account_id, principal_arn, active, created_ms, session_token, expires_ms)
             VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6, ?7)",
            params![key.access_key_id, key.secret, key.account_id, key.principal_arn, now, key.session_token, key.expires_ms],
        )?;
        let digest = new
            .policy
            .map(|d| super::documents::keep_document(&tx, d))
            .transpose()?;
        tx.execute(
            "INSERT INTO sessions (access_key_id, source_arn, source_id, session_name, source_identity, policy_digest, policy_arns, created_ms)
             VALUES (?1, ?2, ?8, ?3, ?4, ?5, ?6, ?7)",
            params![key.access_key_id, new.source_arn, new.session_name, new.source_identity, digest, new.policy_arns.join("\n"), now, new.source_id],
        )?;
        for t in new.tags {
            tx.execute(
                "INSERT INTO session_tags (access_key_id, key, value, transitive) VALUES (?1, ?2, ?3, ?4)",
                params![key.access_key_id, t.key, t.value, t.transitive],
            )?;
        }
        // Expired sessions are of no use to anyone; their rows go when the next one is made.
        // (Their documents stay in policy_documents, for replay.)
        tx.execute(
            "DELETE FROM access_keys WHERE session_token IS NOT NULL AND expires_ms < ?1",
            [now - 24 * 3600 * 1000],
        )?;
        tx.commit()?;
        self.changed();
        Ok(key)
    }

    pub fn session(&self, access_key_id: &str) -> Result<Option<Session>> {
        let conn = self.db.read();
        let row = conn
            .query_row(
                "SELECT s.source_arn, s.session_name, s.source_identity, s.policy_digest, d.document, s.policy_arns, k.expires_ms, s.source_id
                 FROM sessions s JOIN access_keys k ON k.access_key_id = s.access_key_id
                 LEFT JOIN policy_documents d ON d.digest = s.policy_digest WHERE s.access_key_id = ?1",
                [access_key_id],
                |r| {
                    let digest: Option<String> = r.get(3)?;
                    let document: Option<String> = r.get(4)?;
                    let arns: String = r.get(5)?;
                    Ok(Session {
                        access_key_id: access_key_id.to_string(),
                        source_arn: r.get(0)?,
                        source_id: r.get(7)?,
                        session_name: r.get(1)?,
                        source_identity: r.get(2)?,
                        policy: digest.zip(document).map(|(d, doc)| (doc, d)),
                        policy_arns: arns.lines().map(str::to_string).collect(),
                        tags: Vec::new(),
                        expires_ms: r.get::<_, Option<i64>>(6)?.unwrap_or(0),
                    })
                },
            )
            .optional()?;
        let Some(mut session) = row else {
            return Ok(None);
        };
        let mut stmt = conn.prepare_cached(
            "SELECT key, value, transitive FROM session_tags WHERE access_key_id = ?1 ORDER BY key",
        )?;
        session.tags = stmt
            .query_map([access_key_id], |r| {
                Ok(SessionTag {
                    key: r.get(0)?,
                    value: r.get(1)?,
                    transitive: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Some(session))
    }
}
