//! IAM users' long-term access keys: at most two per user [IAM `reference_iam-quotas`].

use rusqlite::params;

use crate::accounts::AccessKey;
use crate::db::now_ms;
use crate::error::{Result, StoreError};
use crate::{ids, Store};

use super::entities::{find, EntityKind};

pub const MAX_KEYS_PER_USER: i64 = 2;

/// One of a user's keys as ListAccessKeys shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyInfo {
    pub access_key_id: String,
    pub active: bool,
    pub created_ms: i64,
}

impl Store {
    /// A new access key for the user; the secret is in the answer and nowhere else outside
    /// the store.
    pub fn create_user_key(&self, account: &str, user: &str) -> Result<AccessKey> {
        let mut conn = self.db.lock();
        let tx = conn.transaction()?;
        let entity = find(&tx, account, EntityKind::User, user)?;
        let count: i64 = tx.query_row(
            "SELECT count(*) FROM access_keys WHERE principal_arn = ?1 AND session_token IS NULL",
            [&entity.arn],
            |r| r.get(0),
        )?;
        if count >= MAX_KEYS_PER_USER {
            return Err(StoreError::LimitExceeded(format!(
                "Cannot exceed quota for AccessKeysPerUser: {MAX_KEYS_PER_USER}"
            )));
        }
        let key = AccessKey {
            access_key_id: ids::access_key_id("AKIA"),
            secret: ids::secret_access_key(),
            account_id: account.to_string(),
            principal_arn: entity.arn,
            active: true,
            session_token: None,
            expires_ms: None,
        };
        tx.execute(
            "INSERT INTO access_keys (access_key_id, secret, account_id, principal_arn, active, created_ms) VALUES (?1, ?2, ?3, ?4, 1, ?5)",
            params![key.access_key_id, key.secret, key.account_id, key.principal_arn, now_ms()],
        )?;
        tx.commit()?;
        self.directory_changed();
        Ok(key)
    }

    pub fn user_keys(&self, account: &str, user: &str) -> Result<Vec<KeyInfo>> {
        let conn = self.db.read();
        let entity = find(&conn, account, EntityKind::User, user)?;
        let mut stmt = conn.prepare_cached(
            "SELECT access_key_id, active, created_ms FROM access_keys WHERE principal_arn = ?1 AND session_token IS NULL ORDER BY created_ms",
        )?;
        let rows = stmt.query_map([&entity.arn], |r| {
            Ok(KeyInfo {
                access_key_id: r.get(0)?,
                active: r.get(1)?,
                created_ms: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn users_key(&self, account: &str, user: &str, key_id: &str) -> Result<()> {
        if self
            .user_keys(account, user)?
            .iter()
            .any(|k| k.access_key_id == key_id)
        {
            return Ok(());
        }
        Err(StoreError::NoSuchEntity(format!(
            "The Access Key with id {key_id} cannot be found."
        )))
    }

    pub fn set_user_key_active(
        &self,
        account: &str,
        user: &str,
        key_id: &str,
        active: bool,
    ) -> Result<()> {
        self.users_key(account, user, key_id)?;
        self.db.lock().execute(
            "UPDATE access_keys SET active = ?2 WHERE access_key_id = ?1",
            params![key_id, active],
        )?;
        self.cache.keys.forget(&key_id.to_string());
        self.directory_changed();
        Ok(())
    }

    pub fn delete_user_key(&self, account: &str, user: &str, key_id: &str) -> Result<()> {
        self.users_key(account, user, key_id)?;
        self.db
            .lock()
            .execute("DELETE FROM access_keys WHERE access_key_id = ?1", [key_id])?;
        self.cache.keys.forget(&key_id.to_string());
        self.directory_changed();
        Ok(())
    }
}
