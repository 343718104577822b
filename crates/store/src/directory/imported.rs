//! Identifiers kept from elsewhere. A data directory built from an export of an AWS account
//! (`gatehouse import`) gives its accounts, users, groups, roles and managed policies the ids
//! they have there: ACLs name canonical user ids, `aws:userid` and policy bindings name unique
//! ids. Each thing is made by the ordinary calls first (which check names, quotas and
//! references), then given its exported identifier here.

use rusqlite::{params, OptionalExtension};

use crate::error::{Result, StoreError};
use crate::Store;

fn taken(what: &str) -> StoreError {
    StoreError::EntityAlreadyExists(format!("{what} is already in use."))
}

impl Store {
    /// Gives an account the S3 canonical user id it has elsewhere.
    pub fn adopt_canonical_id(&self, account: &str, canonical_id: &str) -> Result<()> {
        let conn = self.db.lock();
        let other: Option<String> = conn
            .query_row(
                "SELECT id FROM accounts WHERE canonical_id = ?1 AND id != ?2",
                params![canonical_id, account],
                |r| r.get(0),
            )
            .optional()?;
        if other.is_some() {
            return Err(taken(&format!("Canonical user id {canonical_id}")));
        }
        let changed = conn.execute(
            "UPDATE accounts SET canonical_id = ?2 WHERE id = ?1",
            params![account, canonical_id],
        )?;
        if changed == 0 {
            return Err(StoreError::NoSuchAccount);
        }
        drop(conn);
        self.changed();
        Ok(())
    }

    /// Gives a user, group or role the unique id it has elsewhere. Only a new entity can
    /// change its id: one without tags or a trust policy, in no group, with no policy (the
    /// rows that name it by id would otherwise be left behind).
    pub fn adopt_entity_id(&self, current_id: &str, unique_id: &str) -> Result<()> {
        let mut conn = self.db.lock();
        let tx = conn.transaction()?;
        let named: i64 = tx.query_row(
            "SELECT (SELECT count(*) FROM iam_tags WHERE owner = ?1)
                  + (SELECT count(*) FROM group_members WHERE group_id = ?1 OR user_id = ?1)
                  + (SELECT count(*) FROM inline_policies WHERE entity_id = ?1)
                  + (SELECT count(*) FROM attachments WHERE entity_id = ?1)
                  + (SELECT count(*) FROM iam_entities WHERE id = ?1 AND trust_digest IS NOT NULL)",
            [current_id],
            |r| r.get(0),
        )?;
        if named > 0 {
            return Err(StoreError::DeleteConflict(format!(
                "{current_id} is already named by other rows; only a new entity takes another id."
            )));
        }
        if tx
            .query_row(
                "SELECT 1 FROM iam_entities WHERE id = ?1",
                [unique_id],
                |_| Ok(()),
            )
            .optional()?
            .is_some()
        {
            return Err(taken(&format!("Unique id {unique_id}")));
        }
        let changed = tx.execute(
            "UPDATE iam_entities SET id = ?2 WHERE id = ?1",
            params![current_id, unique_id],
        )?;
        if changed == 0 {
            return Err(StoreError::NoSuchEntity(format!(
                "No user, group or role has the id {current_id}."
            )));
        }
        tx.commit()?;
        self.changed();
        Ok(())
    }

    /// Gives a managed policy (one without tags) the policy id and version ids it has
    /// elsewhere: `versions` pairs each current version id with its new one, `default` is the
    /// new default version. Later versions are numbered after the largest.
    pub fn adopt_policy_ids(
        &self,
        arn: &str,
        policy_id: &str,
        versions: &[(String, String)],
        default: &str,
    ) -> Result<()> {
        let mut conn = self.db.lock();
        let tx = conn.transaction()?;
        let current = super::managed::find_policy(&tx, arn)?;
        if tx
            .query_row(
                "SELECT 1 FROM iam_tags WHERE owner = ?1",
                [&current.id],
                |_| Ok(()),
            )
            .optional()?
            .is_some()
        {
            return Err(StoreError::DeleteConflict(format!(
                "{arn} has tags under its id; only an untagged policy takes another id."
            )));
        }
        let other: Option<String> = tx
            .query_row(
                "SELECT arn FROM managed_policies WHERE id = ?1 AND arn != ?2",
                params![policy_id, arn],
                |r| r.get(0),
            )
            .optional()?;
        if other.is_some() {
            return Err(taken(&format!("Policy id {policy_id}")));
        }
        let number = |v: &str| v.strip_prefix('v').and_then(|n| n.parse::<i64>().ok());
        let mut largest = 0;
        for (_, new) in versions {
            largest = largest.max(number(new).filter(|n| *n > 0).ok_or_else(|| {
                StoreError::NoSuchEntity(format!("{new} is not a policy version id."))
            })?);
        }
        if !versions.iter().any(|(_, new)| new == default) {
            return Err(StoreError::NoSuchEntity(format!(
                "Policy {arn} version {default} does not exist."
            )));
        }
        // Through names no version has, so that swapping two ids never collides.
        for (step, (from, _)) in versions.iter().enumerate() {
            let moved = tx.execute(
                "UPDATE managed_policy_versions SET version_id = ?3 WHERE policy_arn = ?1 AND version_id = ?2",
                params![arn, from, format!("adopting-{step}")],
            )?;
            if moved == 0 {
                return Err(StoreError::NoSuchEntity(format!(
                    "Policy {arn} version {from} does not exist."
                )));
            }
        }
        for (step, (_, to)) in versions.iter().enumerate() {
            tx.execute(
                "UPDATE managed_policy_versions SET version_id = ?3 WHERE policy_arn = ?1 AND version_id = ?2",
                params![arn, format!("adopting-{step}"), to],
            )?;
        }
        tx.execute(
            "UPDATE managed_policies SET id = ?2, default_version = ?3, next_version = ?4 WHERE arn = ?1",
            params![arn, policy_id, default, largest + 1],
        )?;
        tx.commit()?;
        self.changed();
        Ok(())
    }
}
