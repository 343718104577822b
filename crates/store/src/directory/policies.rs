//! Inline policies of users, groups and roles, and the managed policies attached to them.

use rusqlite::params;

use crate::error::{Result, StoreError};
use crate::Store;

use super::entities::{find, EntityKind};
use super::managed::{find_attachable, ManagedPolicy};

/// At most this many managed policies attached to one user, group or role (IAM's default
/// quota) [IAM `reference_iam-quotas`].
pub const MAX_ATTACHED: i64 = 10;

fn no_such_inline(kind: EntityKind, policy_name: &str) -> StoreError {
    StoreError::NoSuchEntity(format!(
        "The {} policy with name {policy_name} cannot be found.",
        kind.noun()
    ))
}

impl Store {
    /// Adds or replaces an inline policy.
    pub fn put_inline_policy(
        &self,
        account: &str,
        kind: EntityKind,
        name: &str,
        policy_name: &str,
        document: &str,
    ) -> Result<()> {
        let mut conn = self.db.lock();
        let tx = conn.transaction()?;
        let entity = find(&tx, account, kind, name)?;
        let digest = super::documents::keep_document(&tx, document)?;
        tx.execute(
            "INSERT INTO inline_policies (entity_id, name, digest) VALUES (?1, ?2, ?3)
             ON CONFLICT(entity_id, name) DO UPDATE SET digest = ?3",
            params![entity.id, policy_name, digest],
        )?;
        tx.commit()?;
        self.changed();
        Ok(())
    }

    pub fn inline_policy(
        &self,
        account: &str,
        kind: EntityKind,
        name: &str,
        policy_name: &str,
    ) -> Result<String> {
        let conn = self.db.read();
        let entity = find(&conn, account, kind, name)?;
        let digest: Option<String> = rusqlite::OptionalExtension::optional(conn.query_row(
            "SELECT digest FROM inline_policies WHERE entity_id = ?1 AND name = ?2",
            params![entity.id, policy_name],
            |r| r.get(0),
        ))?;
        let missing = || no_such_inline(kind, policy_name);
        let digest = digest.ok_or_else(missing)?;
        super::documents::document(&conn, &digest)?.ok_or_else(missing)
    }

    pub fn inline_policy_names(
        &self,
        account: &str,
        kind: EntityKind,
        name: &str,
    ) -> Result<Vec<String>> {
        let conn = self.db.read();
        let entity = find(&conn, account, kind, name)?;
        let mut stmt = conn.prepare_cached(
            "SELECT name FROM inline_policies WHERE entity_id = ?1 ORDER BY name",
        )?;
        let rows = stmt.query_map([&entity.id], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn delete_inline_policy(
        &self,
        account: &str,
        kind: EntityKind,
        name: &str,
        policy_name: &str,
    ) -> Result<()> {
        self.remove_from_entity(
            (account, kind, name),
            "DELETE FROM inline_policies WHERE entity_id = ?1 AND name = ?2",
            policy_name,
            || no_such_inline(kind, policy_name),
        )
    }

    /// Deletes the row `sql` names by (entity id, `what`); `missing` when there was none.
    fn remove_from_entity(
        &self,
        (account, kind, name): (&str, EntityKind, &str),
        sql: &str,
        what: &str,
        missing: impl FnOnce() -> StoreError,
    ) -> Result<()> {
        let conn = self.db.lock();
        let entity = find(&conn, account, kind, name)?;
        if conn.execute(sql, params![entity.id, what])? == 0 {
            return Err(missing());
        }
        self.changed();
        Ok(())
    }

    pub fn attach_policy(
        &self,
        account: &str,
        kind: EntityKind,
        name: &str,
        policy_arn: &str,
    ) -> Result<()> {
        let mut conn = self.db.lock();
        let tx = conn.transaction()?;
        let entity = find(&tx, account, kind, name)?;
        find_attachable(&tx, account, policy_arn)?;
        tx.execute(
            "INSERT INTO attachments (entity_id, policy_arn) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            params![entity.id, policy_arn],
        )?;
        let attached: i64 = tx.query_row(
            "SELECT count(*) FROM attachments WHERE entity_id = ?1",
            [&entity.id],
            |r| r.get(0),
        )?;
        if attached > MAX_ATTACHED {
            return Err(StoreError::LimitExceeded(format!(
                "Cannot exceed quota for PoliciesPer{}: {MAX_ATTACHED}",
                kind.title()
            )));
        }
        tx.commit()?;
        self.changed();
        Ok(())
    }

    pub fn detach_policy(
        &self,
        account: &str,
        kind: EntityKind,
        name: &str,
        policy_arn: &str,
    ) -> Result<()> {
        self.remove_from_entity(
            (account, kind, name),
            "DELETE FROM attachments WHERE entity_id = ?1 AND policy_arn = ?2",
            policy_arn,
            || StoreError::NoSuchEntity(format!("Policy {policy_arn} was not found.")),
        )
    }

    /// The managed policies attached to a user, group or role, by name.
    pub fn attached_policies(
        &self,
        account: &str,
        kind: EntityKind,
        name: &str,
    ) -> Result<Vec<ManagedPolicy>> {
        let conn = self.db.read();
        let entity = find(&conn, account, kind, name)?;
        super::managed::attached_to(&conn, &entity.id)
    }
}
