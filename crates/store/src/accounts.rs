//! Accounts (with their S3 canonical user id) and access keys.

use rusqlite::{params, OptionalExtension, Row};

use crate::db::now_ms;
use crate::error::{Result, StoreError};
use crate::{ids, Store};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub canonical_id: String,
    pub created_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessKey {
    pub access_key_id: String,
    pub secret: String,
    pub account_id: String,
    pub principal_arn: String,
    pub active: bool,
    /// Temporary credentials only: the token the request must carry, and when they expire.
    pub session_token: Option<String>,
    pub expires_ms: Option<i64>,
}

fn account_row(r: &Row) -> rusqlite::Result<Account> {
    Ok(Account {
        id: r.get(0)?,
        name: r.get(1)?,
        email: r.get(2)?,
        canonical_id: r.get(3)?,
        created_ms: r.get(4)?,
    })
}

const ACCOUNT_COLUMNS: &str = "id, name, email, canonical_id, created_ms";

impl Store {
    /// The account's PublicAccessBlock configuration (S3 Control); `None` when it has none.
    pub fn account_block_public_access(
        &self,
        account: &str,
    ) -> Result<Option<crate::BlockPublicAccessFlags>> {
        self.cache
            .account_bpa
            .get_or_load(&self.generation, account, || {
                let conn = self.db.read();
                let stored: Option<i64> = conn
                    .query_row(
                        "SELECT block_public_access FROM accounts WHERE id = ?1",
                        [account],
                        |r| r.get(0),
                    )
                    .optional()?;
                Ok::<_, StoreError>(Some(crate::BlockPublicAccessFlags::from_stored(
                    stored.unwrap_or(0),
                )))
            })
            .map(Option::flatten)
    }

    /// Sets (`Some`) or deletes the account's configuration.
    pub fn set_account_block_public_access(
        &self,
        account: &str,
        flags: Option<crate::BlockPublicAccessFlags>,
    ) -> Result<()> {
        let changed = self.db.lock().execute(
            "UPDATE accounts SET block_public_access = ?1 WHERE id = ?2",
            params![crate::BlockPublicAccessFlags::stored(flags), account],
        )?;
        if changed == 0 {
            return Err(StoreError::NoSuchAccount);
        }
        self.changed();
        Ok(())
    }

    /// Creates an account with a new canonical user id.
    pub fn create_account(&self, id: &str, name: &str, email: Option<&str>) -> Result<Account> {
        let conn = self.db.lock();
        let account = Account {
            id: id.to_string(),
            name: name.to_string(),
            email: email.map(str::to_string),
            canonical_id: ids::canonical_user_id(),
            created_ms: now_ms(),
        };
        let inserted = conn.execute(
            "INSERT INTO accounts (id, name, email, canonical_id, created_ms) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(id) DO NOTHING",
            params![account.id, account.name, account.email, account.canonical_id, account.created_ms],
        )?;
        if inserted == 0 {
            return Err(StoreError::AccountExists);
        }
        drop(conn);
        self.changed();
        Ok(account)
    }

    pub fn account(&self, id: &str) -> Result<Option<Account>> {
        let conn = self.db.lock();
        Ok(conn
            .query_row(
                &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = ?1"),
                [id],
                account_row,
            )
            .optional()?)
    }

    pub fn account_by_canonical_id(&self, canonical_id: &str) -> Result<Option<Account>> {
        let conn = self.db.lock();
        Ok(conn
            .query_row(
                &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE canonical_id = ?1"),
                [canonical_id],
                account_row,
            )
            .optional()?)
    }

    /// Every account, in id order (cached: requests look accounts up by canonical id and
    /// e-mail address, and accounts are made at runtime by Organizations' CreateAccount).
    pub fn accounts(&self) -> Result<std::sync::Arc<Vec<Account>>> {
        self.cache
            .accounts
            .get_or_load(&self.generation, &(), || {
                let conn = self.db.read();
                let mut stmt = conn.prepare(&format!(
                    "SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY id"
                ))?;
                let rows = stmt.query_map([], account_row)?;
                let accounts = rows.collect::<rusqlite::Result<Vec<_>>>()?;
                Ok::<_, StoreError>(Some(std::sync::Arc::new(accounts)))
            })
            .map(Option::unwrap_or_default)
    }

    /// Adds or replaces an access key.
    pub fn put_access_key(&self, key: &AccessKey) -> Result<()> {
        let conn = self.db.lock();
        let known: Option<String> = conn
            .query_row(
                "SELECT id FROM accounts WHERE id = ?1",
                [&key.account_id],
                |r| r.get(0),
            )
            .optional()?;
        if known.is_none() {
            return Err(StoreError::NoSuchAccount);
        }
        conn.execute(
            "INSERT INTO access_keys (access_key_id, secret, account_id, principal_arn, active, created_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT(access_key_id) DO UPDATE SET secret = ?2, account_id = ?3, principal_arn = ?4, active = ?5",
            params![key.access_key_id, key.secret, key.account_id, key.principal_arn, key.active, now_ms()],
        )?;
        self.changed();
        Ok(())
    }

    /// Shared, not copied: every request reads its key (twice: the signature, the caller).
    pub fn access_key(&self, access_key_id: &str) -> Result<Option<std::sync::Arc<AccessKey>>> {
        self.cache.keys.get_or_load(&self.generation, access_key_id, || {
            let conn = self.db.read();
            let mut stmt = conn.prepare_cached(
                "SELECT access_key_id, secret, account_id, principal_arn, active, session_token, expires_ms FROM access_keys WHERE access_key_id = ?1",
            )?;
            Ok(stmt
                .query_row([access_key_id], |r| {
                    Ok(std::sync::Arc::new(AccessKey {
                        access_key_id: r.get(0)?,
                        secret: r.get(1)?,
                        account_id: r.get(2)?,
                        principal_arn: r.get(3)?,
                        active: r.get(4)?,
                        session_token: r.get(5)?,
                        expires_ms: r.get(6)?,
                    }))
                })
                .optional()?)
        })
    }
}
