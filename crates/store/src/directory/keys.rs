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

/// At most two long-term keys per principal.
fn insert_key(tx: &rusqlite::Transaction, account: &str, principal_arn: &str) -> Result<AccessKey> {
    let count: i64 = tx.query_row(
        "SELECT count(*) FROM access_keys WHERE principal_arn = ?1 AND session_token IS NULL",
        [principal_arn],
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
        principal_arn: principal_arn.to_string(),
        active: true,
        session_token: None,
        expires_ms: None,
    };
    tx.execute(
        "INSERT INTO access_keys (access_key_id, secret, account_id, principal_arn, active, created_ms) VALUES (?1, ?2, ?3, ?4, 1, ?5)",
        params![key.access_key_id, key.secret, key.account_id, key.principal_arn, now_ms()],
    )?;
    Ok(key)
}

impl Store {
    /// A new access key for the user; the secret is in the answer and nowhere else outside
    /// the store.
    pub fn create_user_key(&self, account: &str, user: &str) -> Result<AccessKey> {
        let mut conn = self.db.lock();
        let tx = conn.transaction()?;
        let arn = find(&tx, account, EntityKind::User, user)?.arn;
        let key = insert_key(&tx, account, &arn)?;
        tx.commit()?;
        self.changed();
        Ok(key)
    }

    /// A new access key for the account's root user.
    pub fn create_root_key(&self, account: &str) -> Result<AccessKey> {
        let mut conn = self.db.lock();
        let tx = conn.transaction()?;
        let key = insert_key(&tx, account, &format!("arn:aws:iam::{account}:root"))?;
        tx.commit()?;
        self.changed();
        Ok(key)
    }

    pub fn user_keys(&self, account: &str, user: &str) -> Result<Vec<KeyInfo>> {
        let arn = find(&self.db.read(), account, EntityKind::User, user)?.arn;
        self.keys_of(&arn)
    }

    /// A principal's long-term keys, oldest first.
    pub fn keys_of(&self, principal_arn: &str) -> Result<Vec<KeyInfo>> {
        let conn = self.db.read();
        let mut stmt = conn.prepare_cached(
            "SELECT access_key_id, active, created_ms FROM access_keys WHERE principal_arn = ?1 AND session_token IS NULL ORDER BY created_ms",
        )?;
        let rows = stmt.query_map([principal_arn], |r| {
            Ok(KeyInfo {
                access_key_id: r.get(0)?,
                active: r.get(1)?,
                created_ms: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn owned_key(&self, principal_arn: &str, key_id: &str) -> Result<()> {
        if self
            .keys_of(principal_arn)?
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
        let arn = find(&self.db.read(), account, EntityKind::User, user)?.arn;
        self.set_key_active(&arn, key_id, active)
    }

    pub fn set_key_active(&self, principal_arn: &str, key_id: &str, active: bool) -> Result<()> {
        self.owned_key(principal_arn, key_id)?;
        self.db.lock().execute(
            "UPDATE access_keys SET active = ?2 WHERE access_key_id = ?1",
            params![key_id, active],
        )?;
        self.changed();
        Ok(())
    }

    pub fn delete_user_key(&self, account: &str, user: &str, key_id: &str) -> Result<()> {
        let arn = find(&self.db.read(), account, EntityKind::User, user)?.arn;
        self.delete_key(&arn, key_id)
    }

    pub fn delete_key(&self, principal_arn: &str, key_id: &str) -> Result<()> {
        self.owned_key(principal_arn, key_id)?;
        self.db
            .lock()
            .execute("DELETE FROM access_keys WHERE access_key_id = ?1", [key_id])?;
        self.changed();
        Ok(())
    }
}
