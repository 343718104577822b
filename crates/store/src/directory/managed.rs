//! Managed policies (customer and AWS), their versions, and the default version.

use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::db::now_ms;
use crate::error::{Result, StoreError};
use crate::{ids, Store};

/// A managed policy keeps at most five versions [IAM `access_policies_managed-versioning`].
pub const MAX_POLICY_VERSIONS: i64 = 5;
/// Customer managed policies per account (IAM's default quota) [IAM `reference_iam-quotas`].
pub const MAX_CUSTOMER_POLICIES: i64 = 1500;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedPolicy {
    pub arn: String,
    pub id: String,
    /// `None` for an AWS managed policy.
    pub account_id: Option<String>,
    pub name: String,
    pub path: String,
    pub description: Option<String>,
    pub default_version: String,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub attachment_count: i64,
    pub boundary_count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyVersion {
    pub version_id: String,
    pub document: String,
    pub digest: String,
    pub is_default: bool,
    pub created_ms: i64,
}

const COLUMNS: &str = "p.arn, p.id, p.account_id, p.name, p.path, p.description, p.default_version, p.created_ms, p.updated_ms,
    (SELECT count(*) FROM attachments a WHERE a.policy_arn = p.arn),
    (SELECT count(*) FROM iam_entities e WHERE e.boundary_arn = p.arn)";

/// [`COLUMNS`] with the usage counts of the account bound as `?1` only: what that account sees
/// of an AWS managed policy, whose attachments span every account [IAM GetPolicy,
/// AttachmentCount: "the number of entities (users, groups, and roles) that the policy is
/// attached to" — in the caller's account].
const COLUMNS_IN_ACCOUNT: &str = "p.arn, p.id, p.account_id, p.name, p.path, p.description, p.default_version, p.created_ms, p.updated_ms,
    (SELECT count(*) FROM attachments a JOIN iam_entities e ON e.id = a.entity_id WHERE a.policy_arn = p.arn AND e.account_id = ?1),
    (SELECT count(*) FROM iam_entities e WHERE e.boundary_arn = p.arn AND e.account_id = ?1)";

fn policy_row(r: &Row) -> rusqlite::Result<ManagedPolicy> {
    Ok(ManagedPolicy {
        arn: r.get(0)?,
        id: r.get(1)?,
        account_id: r.get(2)?,
        name: r.get(3)?,
        path: r.get(4)?,
        description: r.get(5)?,
        default_version: r.get(6)?,
        created_ms: r.get(7)?,
        updated_ms: r.get(8)?,
        attachment_count: r.get(9)?,
        boundary_count: r.get(10)?,
    })
}

pub(crate) fn find_policy(conn: &Connection, arn: &str) -> Result<ManagedPolicy> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM managed_policies p WHERE p.arn = ?1"),
        [arn],
        policy_row,
    )
    .optional()?
    .ok_or_else(|| {
        StoreError::NoSuchEntity(format!("Policy {arn} does not exist or is not attachable."))
    })
}

/// A policy `account` may attach or use as a boundary: its own or an AWS managed one.
pub(crate) fn find_attachable(
    conn: &Connection,
    account: &str,
    arn: &str,
) -> Result<ManagedPolicy> {
    let policy = find_policy(conn, arn)?;
    if policy
        .account_id
        .as_deref()
        .is_some_and(|owner| owner != account)
    {
        return Err(StoreError::NoSuchEntity(format!(
            "Policy {arn} does not exist or is not attachable."
        )));
    }
    Ok(policy)
}

pub(crate) fn attached_to(conn: &Connection, entity_id: &str) -> Result<Vec<ManagedPolicy>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM managed_policies p JOIN attachments a ON a.policy_arn = p.arn WHERE a.entity_id = ?1 ORDER BY p.name"
    ))?;
    let rows = stmt.query_map([entity_id], policy_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The default version's document and digest.
pub(crate) fn default_document(conn: &Connection, arn: &str) -> Result<Option<(String, String)>> {
    Ok(conn
        .query_row(
            "SELECT d.document, d.digest FROM managed_policies p
             JOIN managed_policy_versions v ON v.policy_arn = p.arn AND v.version_id = p.default_version
             JOIN policy_documents d ON d.digest = v.digest WHERE p.arn = ?1",
            [arn],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

impl Store {
    /// Creates a managed policy with `document` as its default version `v1`. `account` is
    /// `None` for an AWS managed policy (`arn:aws:iam::aws:policy/...`).
    pub fn create_managed_policy(
        &self,
        account: Option<&str>,
        name: &str,
        path: &str,
        description: Option<&str>,
        document: &str,
        tags: &[(String, String)],
    ) -> Result<ManagedPolicy> {
        let arn = format!(
            "arn:aws:iam::{}:policy{path}{name}",
            account.unwrap_or("aws")
        );
        let mut conn = self.db.lock();
        let tx = conn.transaction()?;
        let same_name: Option<String> = tx
            .query_row(
                // Names are unique in an account whatever the path [IAM CreatePolicy,
                // EntityAlreadyExists].
                "SELECT arn FROM managed_policies WHERE account_id IS ?1 AND lower(name) = lower(?2)",
                params![account, name],
                |r| r.get(0),
            )
            .optional()?;
        if same_name.is_some() {
            return Err(StoreError::EntityAlreadyExists(format!(
                "A policy called {name} already exists. Duplicate names are not allowed."
            )));
        }
        let local: i64 = tx.query_row(
            "SELECT count(*) FROM managed_policies WHERE account_id IS ?1",
            [account],
            |r| r.get(0),
        )?;
        if account.is_some() && local >= MAX_CUSTOMER_POLICIES {
            return Err(StoreError::LimitExceeded(format!(
                "Cannot exceed quota for PoliciesPerAccount: {MAX_CUSTOMER_POLICIES}"
            )));
        }
        let id = ids::iam_unique_id("ANPA");
        let digest = super::documents::keep_document(&tx, document)?;
        let now = now_ms();
        tx.execute(
            "INSERT INTO managed_policies (arn, id, account_id, name, path, description, default_version, next_version, created_ms, updated_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'v1', 2, ?7, ?7)",
            params![arn, id, account, name, path, description, now],
        )?;
        tx.execute(
            "INSERT INTO managed_policy_versions (policy_arn, version_id, digest, created_ms) VALUES (?1, 'v1', ?2, ?3)",
            params![arn, digest, now],
        )?;
        super::tags::put_tags(&tx, &id, tags)?;
        let policy = find_policy(&tx, &arn)?;
        tx.commit()?;
        self.changed();
        Ok(policy)
    }

    pub fn managed_policy(&self, arn: &str) -> Result<ManagedPolicy> {
        find_policy(&self.db.read(), arn)
    }

    /// A policy as `account` sees it: its usage counts are that account's.
    pub fn managed_policy_in(&self, account: &str, arn: &str) -> Result<ManagedPolicy> {
        self.db
            .read()
            .query_row(
                &format!("SELECT {COLUMNS_IN_ACCOUNT} FROM managed_policies p WHERE p.arn = ?2"),
                params![account, arn],
                policy_row,
            )
            .optional()?
            .ok_or_else(|| {
                StoreError::NoSuchEntity(format!(
                    "Policy {arn} does not exist or is not attachable."
                ))
            })
    }

    /// The account's customer managed policies and the AWS managed ones, by name, with the
    /// account's usage counts.
    pub fn managed_policies(&self, account: &str, path_prefix: &str) -> Result<Vec<ManagedPolicy>> {
        let conn = self.db.read();
        let mut stmt = conn.prepare(&format!(
            "SELECT {COLUMNS_IN_ACCOUNT} FROM managed_policies p WHERE (p.account_id = ?1 OR p.account_id IS NULL)
             AND substr(p.path, 1, length(?2)) = ?2 ORDER BY p.name"
        ))?;
        let rows = stmt.query_map(params![account, path_prefix], policy_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Adds a version, optionally making it the default; a sixth is refused.
    pub fn create_policy_version(
        &self,
        arn: &str,
        document: &str,
        set_default: bool,
    ) -> Result<PolicyVersion> {
        let mut conn = self.db.lock();
        let tx = conn.transaction()?;
        find_policy(&tx, arn)?;
        let count: i64 = tx.query_row(
            "SELECT count(*) FROM managed_policy_versions WHERE policy_arn = ?1",
            [arn],
            |r| r.get(0),
        )?;
        if count >= MAX_POLICY_VERSIONS {
            return Err(StoreError::LimitExceeded(format!(
                "A managed policy can have up to {MAX_POLICY_VERSIONS} versions. Before you create a new version, you must delete an existing version."
            )));
        }
        let next: i64 = tx.query_row(
            "SELECT next_version FROM managed_policies WHERE arn = ?1",
            [arn],
            |r| r.get(0),
        )?;
        let version_id = format!("v{next}");
        let digest = super::documents::keep_document(&tx, document)?;
        let now = now_ms();
        tx.execute(
            "INSERT INTO managed_policy_versions (policy_arn, version_id, digest, created_ms) VALUES (?1, ?2, ?3, ?4)",
            params![arn, version_id, digest, now],
        )?;
        tx.execute(
            "UPDATE managed_policies SET next_version = next_version + 1, updated_ms = ?2,
                default_version = CASE WHEN ?3 THEN ?4 ELSE default_version END WHERE arn = ?1",
            params![arn, now, set_default, version_id],
        )?;
        tx.commit()?;
        self.changed();
        Ok(PolicyVersion {
            version_id,
            document: document.to_string(),
            digest,
            is_default: set_default,
            created_ms: now,
        })
    }

    pub fn policy_versions(&self, arn: &str) -> Result<Vec<PolicyVersion>> {
        let conn = self.db.read();
        let policy = find_policy(&conn, arn)?;
        let mut stmt = conn.prepare_cached(
            "SELECT v.version_id, d.document, v.digest, v.created_ms FROM managed_policy_versions v
             JOIN policy_documents d ON d.digest = v.digest WHERE v.policy_arn = ?1 ORDER BY CAST(substr(v.version_id, 2) AS INTEGER) DESC",
        )?;
        let rows = stmt.query_map([arn], |r| {
            let version_id: String = r.get(0)?;
            Ok(PolicyVersion {
                is_default: version_id == policy.default_version,
                version_id,
                document: r.get(1)?,
                digest: r.get(2)?,
                created_ms: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn policy_version(&self, arn: &str, version_id: &str) -> Result<PolicyVersion> {
        self.policy_versions(arn)?
            .into_iter()
            .find(|v| v.version_id == version_id)
            .ok_or_else(|| {
                StoreError::NoSuchEntity(format!(
                    "Policy {arn} version {version_id} does not exist or is not attachable."
                ))
            })
    }

    pub fn set_default_policy_version(&self, arn: &str, version_id: &str) -> Result<()> {
        self.policy_version(arn, version_id)?;
        let conn = self.db.lock();
        conn.execute(
            "UPDATE managed_policies SET default_version = ?2, updated_ms = ?3 WHERE arn = ?1",
            params![arn, version_id, now_ms()],
        )?;
        self.changed();
        Ok(())
    }

    pub fn delete_policy_version(&self, arn: &str, version_id: &str) -> Result<()> {
        let version = self.policy_version(arn, version_id)?;
        if version.is_default {
            return Err(StoreError::DeleteConflict(
                "Cannot delete the default version of a policy.".into(),
            ));
        }
        let conn = self.db.lock();
        conn.execute(
            "DELETE FROM managed_policy_versions WHERE policy_arn = ?1 AND version_id = ?2",
            params![arn, version_id],
        )?;
        self.changed();
        Ok(())
    }

    /// Deletes a customer managed policy that is attached nowhere and is nobody's boundary.
    pub fn delete_managed_policy(&self, arn: &str) -> Result<()> {
        let mut conn = self.db.lock();
        let tx = conn.transaction()?;
        let policy = find_policy(&tx, arn)?;
        if policy.attachment_count > 0 || policy.boundary_count > 0 {
            return Err(StoreError::DeleteConflict(
                "Cannot delete a policy attached to entities.".into(),
            ));
        }
        let versions: i64 = tx.query_row(
            "SELECT count(*) FROM managed_policy_versions WHERE policy_arn = ?1",
            [arn],
            |r| r.get(0),
        )?;
        // [IAM DeletePolicy: "you must delete all the policy's versions ... other than the
        // default version"].
        if versions > 1 {
            return Err(StoreError::DeleteConflict(
                "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.".into(),
            ));
        }
        tx.execute("DELETE FROM iam_tags WHERE owner = ?1", [&policy.id])?;
        tx.execute("DELETE FROM managed_policies WHERE arn = ?1", [arn])?;
        tx.commit()?;
        self.changed();
        Ok(())
    }
}
