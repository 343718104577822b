//! Users, roles and groups, with their paths, tags, boundaries and group membership.

use rusqlite::{params, OptionalExtension, Row};

use crate::db::now_ms;
use crate::error::{Result, StoreError};
use crate::{ids, Store};

use super::tags::put_tags;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityKind {
    User,
    Role,
    Group,
}

impl EntityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::User => "user",
            EntityKind::Role => "role",
            EntityKind::Group => "group",
        }
    }

    fn parse(s: &str) -> EntityKind {
        match s {
            "role" => EntityKind::Role,
            "group" => EntityKind::Group,
            _ => EntityKind::User,
        }
    }

    /// The unique-id prefix IAM gives this kind [IAM `reference_identifiers`, unique ids].
    fn id_prefix(self) -> &'static str {
        match self {
            EntityKind::User => "AIDA",
            EntityKind::Role => "AROA",
            EntityKind::Group => "AGPA",
        }
    }

    /// "User", "Role", "Group": as IAM's parameter and element names spell them
    /// (`UserName`, `<Role>`).
    pub fn title(self) -> &'static str {
        match self {
            EntityKind::User => "User",
            EntityKind::Role => "Role",
            EntityKind::Group => "Group",
        }
    }

    /// "user", "role", "group" as IAM's messages name them.
    pub fn noun(self) -> &'static str {
        match self {
            EntityKind::User => "user",
            EntityKind::Role => "role",
            EntityKind::Group => "group",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    pub id: String,
    pub account_id: String,
    pub kind: EntityKind,
    pub name: String,
    pub path: String,
    pub arn: String,
    pub description: Option<String>,
    /// A role's trust policy, as text.
    pub trust_policy: Option<String>,
    pub trust_digest: Option<String>,
    pub max_session_s: Option<i64>,
    pub boundary_arn: Option<String>,
    pub created_ms: i64,
}

pub struct NewEntity<'a> {
    pub account_id: &'a str,
    pub kind: EntityKind,
    pub name: &'a str,
    pub path: &'a str,
    pub description: Option<&'a str>,
    pub trust_policy: Option<&'a str>,
    /// The users and roles the trust policy names, each bound to its unique id (see
    /// `migrations/5.sql`).
    pub trust_bindings: &'a [(String, String)],
    pub max_session_s: Option<i64>,
    pub boundary_arn: Option<&'a str>,
    pub tags: &'a [(String, String)],
}

/// What UpdateUser/UpdateGroup/UpdateRole change; `None` keeps the old value.
#[derive(Default)]
pub struct EntityUpdate<'a> {
    pub new_name: Option<&'a str>,
    pub new_path: Option<&'a str>,
    pub description: Option<&'a str>,
    pub max_session_s: Option<i64>,
}

const COLUMNS: &str = "e.id, e.account_id, e.kind, e.name, e.path, e.arn, e.description, d.document, e.trust_digest, e.max_session_s, e.boundary_arn, e.created_ms";
const FROM: &str = "iam_entities e LEFT JOIN policy_documents d ON d.digest = e.trust_digest";

fn entity_row(r: &Row) -> rusqlite::Result<Entity> {
    Ok(Entity {
        id: r.get(0)?,
        account_id: r.get(1)?,
        kind: EntityKind::parse(&r.get::<_, String>(2)?),
        name: r.get(3)?,
        path: r.get(4)?,
        arn: r.get(5)?,
        description: r.get(6)?,
        trust_policy: r.get(7)?,
        trust_digest: r.get(8)?,
        max_session_s: r.get(9)?,
        boundary_arn: r.get(10)?,
        created_ms: r.get(11)?,
    })
}

pub(crate) fn arn_of(account: &str, kind: EntityKind, path: &str, name: &str) -> String {
    format!("arn:aws:iam::{account}:{}{path}{name}", kind.as_str())
}

pub(crate) fn not_found(kind: EntityKind, name: &str) -> StoreError {
    StoreError::NoSuchEntity(format!(
        "The {} with name {name} cannot be found.",
        kind.noun()
    ))
}

pub(crate) fn find(
    conn: &rusqlite::Connection,
    account: &str,
    kind: EntityKind,
    name: &str,
) -> Result<Entity> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM {FROM} WHERE e.account_id = ?1 AND e.kind = ?2 AND e.name_key = ?3"),
        params![account, kind.as_str(), name.to_lowercase()],
        entity_row,
    )
    .optional()?
    .ok_or_else(|| not_found(kind, name))
}

impl Store {
    pub fn create_entity(&self, new: &NewEntity) -> Result<Entity> {
        let mut conn = self.db.lock();
        let tx = conn.transaction()?;
        let known: Option<String> = tx
            .query_row(
                "SELECT name FROM iam_entities WHERE account_id = ?1 AND kind = ?2 AND name_key = ?3",
                params![new.account_id, new.kind.as_str(), new.name.to_lowercase()],
                |r| r.get(0),
            )
            .optional()?;
        if known.is_some() {
            return Err(StoreError::EntityAlreadyExists(format!(
                "{} with name {} already exists.",
                new.kind.title(),
                new.name
            )));
        }
        // IAM's default account quotas [IAM `reference_iam-quotas`].
        let quota = match new.kind {
            EntityKind::User => ("UsersPerAccount", 5000),
            EntityKind::Group => ("GroupsPerAccount", 300),
            EntityKind::Role => ("RolesPerAccount", 1000),
        };
        let count: i64 = tx.query_row(
            "SELECT count(*) FROM iam_entities WHERE account_id = ?1 AND kind = ?2",
            params![new.account_id, new.kind.as_str()],
            |r| r.get(0),
        )?;
        if count >= quota.1 {
            return Err(StoreError::LimitExceeded(format!(
                "Cannot exceed quota for {}: {}",
                quota.0, quota.1
            )));
        }
        if let Some(arn) = new.boundary_arn {
            super::managed::find_attachable(&tx, new.account_id, arn)?;
        }
        let id = ids::iam_unique_id(new.kind.id_prefix());
        let arn = arn_of(new.account_id, new.kind, new.path, new.name);
        let trust = new
            .trust_policy
            .map(|d| super::documents::keep_document(&tx, d))
            .transpose()?;
        tx.execute(
            "INSERT INTO iam_entities (id, account_id, kind, name, name_key, path, arn, description, trust_digest, max_session_s, boundary_arn, created_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![id, new.account_id, new.kind.as_str(), new.name, new.name.to_lowercase(), new.path, arn,
                new.description, trust, new.max_session_s, new.boundary_arn, now_ms()],
        )?;
        put_tags(&tx, &id, new.tags)?;
        bind_trust(&tx, &id, new.trust_bindings)?;
        let entity = find(&tx, new.account_id, new.kind, new.name)?;
        tx.commit()?;
        self.changed();
        Ok(entity)
    }

    pub fn entity(&self, account: &str, kind: EntityKind, name: &str) -> Result<Entity> {
        find(&self.db.read(), account, kind, name)
    }

    pub fn entity_by_arn(&self, arn: &str) -> Result<Option<Entity>> {
        Ok(self
            .db
            .read()
            .query_row(
                &format!("SELECT {COLUMNS} FROM {FROM} WHERE e.arn = ?1"),
                [arn],
                entity_row,
            )
            .optional()?)
    }

    pub fn entity_by_id(&self, id: &str) -> Result<Option<Entity>> {
        Ok(self
            .db
            .read()
            .query_row(
                &format!("SELECT {COLUMNS} FROM {FROM} WHERE e.id = ?1"),
                [id],
                entity_row,
            )
            .optional()?)
    }

    /// An account's users, roles or groups whose path starts with `path_prefix`, by name.
    pub fn entities(
        &self,
        account: &str,
        kind: EntityKind,
        path_prefix: &str,
    ) -> Result<Vec<Entity>> {
        let conn = self.db.read();
        let mut stmt = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM {FROM} WHERE e.account_id = ?1 AND e.kind = ?2 AND substr(e.path, 1, length(?3)) = ?3 ORDER BY e.name_key"
        ))?;
        let rows = stmt.query_map(params![account, kind.as_str(), path_prefix], entity_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn update_entity(
        &self,
        account: &str,
        kind: EntityKind,
        name: &str,
        update: &EntityUpdate,
    ) -> Result<Entity> {
        let mut conn = self.db.lock();
        let tx = conn.transaction()?;
        let old = find(&tx, account, kind, name)?;
        let new_name = update.new_name.unwrap_or(&old.name);
        let new_path = update.new_path.unwrap_or(&old.path);
        if new_name.to_lowercase() != old.name.to_lowercase()
            && find(&tx, account, kind, new_name).is_ok()
        {
            return Err(StoreError::EntityAlreadyExists(format!(
                "{} with name {new_name} already exists.",
                kind.title()
            )));
        }
        let arn = arn_of(account, kind, new_path, new_name);
        tx.execute(
            "UPDATE iam_entities SET name = ?2, name_key = ?3, path = ?4, arn = ?5,
                description = coalesce(?6, description), max_session_s = coalesce(?7, max_session_s)
             WHERE id = ?1",
            params![
                old.id,
                new_name,
                new_name.to_lowercase(),
                new_path,
                arn,
                update.description,
                update.max_session_s
            ],
        )?;
        // A renamed user keeps its keys, which name the principal by ARN.
        tx.execute(
            "UPDATE access_keys SET principal_arn = ?2 WHERE principal_arn = ?1",
            params![old.arn, arn],
        )?;
        // So do its sessions (GetSessionToken's, a role's), which name their source by ARN.
        tx.execute(
            "UPDATE sessions SET source_arn = ?2 WHERE source_arn = ?1",
            params![old.arn, arn],
        )?;
        let entity = find(&tx, account, kind, new_name)?;
        tx.commit()?;
        self.changed();
        Ok(entity)
    }

    /// Replaces a role's trust policy and its principal bindings, in one transaction.
    pub fn set_trust_policy(
        &self,
        account: &str,
        role: &str,
        document: &str,
        bindings: &[(String, String)],
    ) -> Result<()> {
        let mut conn = self.db.lock();
        let tx = conn.transaction()?;
        let entity = find(&tx, account, EntityKind::Role, role)?;
        let digest = super::documents::keep_document(&tx, document)?;
        tx.execute(
            "UPDATE iam_entities SET trust_digest = ?2 WHERE id = ?1",
            params![entity.id, digest],
        )?;
        bind_trust(&tx, &entity.id, bindings)?;
        tx.commit()?;
        self.changed();
        Ok(())
    }

    /// Sets (`Some`) or removes the permissions boundary of a user or role.
    pub fn set_boundary(
        &self,
        account: &str,
        kind: EntityKind,
        name: &str,
        policy_arn: Option<&str>,
    ) -> Result<()> {
        let mut conn = self.db.lock();
        let tx = conn.transaction()?;
        let entity = find(&tx, account, kind, name)?;
        if let Some(arn) = policy_arn {
            super::managed::find_attachable(&tx, account, arn)?;
        }
        tx.execute(
            "UPDATE iam_entities SET boundary_arn = ?2 WHERE id = ?1",
            params![entity.id, policy_arn],
        )?;
        tx.commit()?;
        self.changed();
        Ok(())
    }

    /// Deletes a user, role or group that has nothing attached to it any more, as IAM requires
    /// [IAM DeleteUser, DeleteRole, DeleteGroup: DeleteConflict].
    pub fn delete_entity(&self, account: &str, kind: EntityKind, name: &str) -> Result<()> {
        let mut conn = self.db.lock();
        let tx = conn.transaction()?;
        let entity = find(&tx, account, kind, name)?;
        let count =
            |sql: &str, arg: &str| -> Result<i64> { Ok(tx.query_row(sql, [arg], |r| r.get(0))?) };
        let conflict = |what: &str| {
            StoreError::DeleteConflict(format!("Cannot delete entity, must {what} first."))
        };
        if kind == EntityKind::User
            && count("SELECT count(*) FROM access_keys WHERE principal_arn = ?1 AND session_token IS NULL", &entity.arn)? > 0
        {
            return Err(conflict("delete access keys"));
        }
        if count(
            "SELECT count(*) FROM inline_policies WHERE entity_id = ?1",
            &entity.id,
        )? > 0
        {
            return Err(conflict("delete policies"));
        }
        if count(
            "SELECT count(*) FROM attachments WHERE entity_id = ?1",
            &entity.id,
        )? > 0
        {
            return Err(conflict("detach all policies"));
        }
        match kind {
            EntityKind::User
                if count(
                    "SELECT count(*) FROM group_members WHERE user_id = ?1",
                    &entity.id,
                )? > 0 =>
            {
                return Err(conflict("remove users from group"));
            }
            EntityKind::Group
                if count(
                    "SELECT count(*) FROM group_members WHERE group_id = ?1",
                    &entity.id,
                )? > 0 =>
            {
                return Err(conflict("remove users from group"));
            }
            _ => {}
        }
        tx.execute("DELETE FROM iam_tags WHERE owner = ?1", [&entity.id])?;
        bind_trust(&tx, &entity.id, &[])?;
        tx.execute("DELETE FROM iam_entities WHERE id = ?1", [&entity.id])?;
        tx.commit()?;
        self.changed();
        Ok(())
    }

    /// The (ARN, unique id) pairs a role's current trust policy was bound to when saved.
    pub fn trust_bindings(&self, role_id: &str) -> Result<Vec<(String, String)>> {
        let conn = self.db.read();
        let mut stmt = conn.prepare_cached(
            "SELECT arn, unique_id FROM principal_bindings WHERE policy = ?1 ORDER BY arn",
        )?;
        let rows = stmt.query_map([trust_key(role_id)], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn tag_entity(&self, owner_id: &str, tags: &[(String, String)]) -> Result<()> {
        let mut conn = self.db.lock();
        let tx = conn.transaction()?;
        put_tags(&tx, owner_id, tags)?;
        tx.commit()?;
        self.changed();
        Ok(())
    }

    pub fn untag_entity(&self, owner_id: &str, keys: &[String]) -> Result<()> {
        let conn = self.db.lock();
        for k in keys {
            conn.execute(
                "DELETE FROM iam_tags WHERE owner = ?1 AND lower(key) = lower(?2)",
                params![owner_id, k],
            )?;
        }
        self.changed();
        Ok(())
    }

    /// The tags of a user, role or policy (by its id), in key order.
    pub fn tags(&self, owner_id: &str) -> Result<Vec<(String, String)>> {
        let conn = self.db.read();
        let mut stmt =
            conn.prepare_cached("SELECT key, value FROM iam_tags WHERE owner = ?1 ORDER BY key")?;
        let rows = stmt.query_map([owner_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn add_user_to_group(&self, account: &str, group: &str, user: &str) -> Result<()> {
        let mut conn = self.db.lock();
        let tx = conn.transaction()?;
        let g = find(&tx, account, EntityKind::Group, group)?;
        let u = find(&tx, account, EntityKind::User, user)?;
        tx.execute(
            "INSERT INTO group_members (group_id, user_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            params![g.id, u.id],
        )?;
        // A user may be in at most 10 groups [IAM `reference_iam-quotas`].
        let groups: i64 = tx.query_row(
            "SELECT count(*) FROM group_members WHERE user_id = ?1",
            [&u.id],
            |r| r.get(0),
        )?;
        if groups > 10 {
            return Err(StoreError::LimitExceeded(
                "Cannot exceed quota for GroupsPerUser: 10".into(),
            ));
        }
        tx.commit()?;
        self.changed();
        Ok(())
    }

    pub fn remove_user_from_group(&self, account: &str, group: &str, user: &str) -> Result<()> {
        let conn = self.db.lock();
        let g = find(&conn, account, EntityKind::Group, group)?;
        let u = find(&conn, account, EntityKind::User, user)?;
        let removed = conn.execute(
            "DELETE FROM group_members WHERE group_id = ?1 AND user_id = ?2",
            params![g.id, u.id],
        )?;
        if removed == 0 {
            return Err(StoreError::NoSuchEntity(format!(
                "The user with name {user} cannot be found in group {group}."
            )));
        }
        self.changed();
        Ok(())
    }

    /// The groups a user is in, by name.
    pub fn groups_of(&self, user_id: &str) -> Result<Vec<Entity>> {
        let conn = self.db.read();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM {FROM} JOIN group_members m ON m.group_id = e.id WHERE m.user_id = ?1 ORDER BY e.name_key"
        ))?;
        let rows = stmt.query_map([user_id], entity_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn members_of(&self, group_id: &str) -> Result<Vec<Entity>> {
        let conn = self.db.read();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM {FROM} JOIN group_members m ON m.user_id = e.id WHERE m.group_id = ?1 ORDER BY e.name_key"
        ))?;
        let rows = stmt.query_map([group_id], entity_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// The `principal_bindings.policy` of a role's trust policy: role ids are never reused.
fn trust_key(role_id: &str) -> String {
    format!("trust:{role_id}")
}

/// Makes `bindings` the role's trust-policy bindings (none: removes them).
fn bind_trust(
    tx: &rusqlite::Transaction,
    role_id: &str,
    bindings: &[(String, String)],
) -> Result<()> {
    let key = trust_key(role_id);
    tx.execute("DELETE FROM principal_bindings WHERE policy = ?1", [&key])?;
    for (arn, unique_id) in bindings {
        tx.execute(
            "INSERT OR REPLACE INTO principal_bindings (policy, arn, unique_id) VALUES (?1, ?2, ?3)",
            params![key, arn, unique_id],
        )?;
    }
    Ok(())
}

impl Store {
    /// The users and roles whose permissions boundary a managed policy is.
    pub fn boundary_entities(&self, arn: &str) -> Result<Vec<Entity>> {
        self.entities_where("SELECT id FROM iam_entities WHERE boundary_arn = ?1", arn)
    }

    /// The users, groups and roles a managed policy is attached to.
    pub fn policy_entities(&self, arn: &str) -> Result<Vec<Entity>> {
        super::managed::find_policy(&self.db.read(), arn)?;
        self.entities_where(
            "SELECT entity_id FROM attachments WHERE policy_arn = ?1",
            arn,
        )
    }

    /// The entities whose ids `sql` selects for `arn`, by name.
    fn entities_where(&self, sql: &str, arn: &str) -> Result<Vec<Entity>> {
        let ids: Vec<String> = {
            let conn = self.db.read();
            let mut stmt = conn.prepare_cached(sql)?;
            let ids = stmt
                .query_map([arn], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            ids
        };
        let mut out = Vec::new();
        for id in ids {
            out.extend(self.entity_by_id(&id)?);
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }
}
