//! What the engine needs about a caller's identity side, read from the directory in one go:
//! identity policies (inline and attached, the user's groups' too), the permissions boundary,
//! the session policies, and the principal's tags.

use rusqlite::Connection;

use crate::accounts::AccessKey;
use crate::error::Result;
use crate::Store;

use super::entities::{Entity, EntityKind};
use super::managed::{attached_to, default_document};
use super::sessions::Session;

/// A document with the id decisions name it by (DESIGN.md, "Policy ids") and its digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityDocument {
    pub id: String,
    pub digest: String,
    pub document: String,
}

#[derive(Debug, Clone, Default)]
pub struct IdentityInputs {
    /// The IAM user, or the role of a role session; `None` for root and unknown callers.
    pub entity: Option<Entity>,
    pub identity: Vec<IdentityDocument>,
    pub boundary: Option<IdentityDocument>,
    pub session: Vec<IdentityDocument>,
    pub session_info: Option<Session>,
    /// `aws:PrincipalTag/*`: the user's or role's tags, a session tag replacing a tag of the
    /// same key [IAM `id_session-tags`, "session tags override role tags"].
    pub tags: Vec<(String, String)>,
}

fn inline_of(conn: &Connection, entity: &Entity, out: &mut Vec<IdentityDocument>) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT i.name, i.digest, d.document FROM inline_policies i JOIN policy_documents d ON d.digest = i.digest
         WHERE i.entity_id = ?1 ORDER BY i.name",
    )?;
    let rows = stmt.query_map([&entity.id], |r| {
        Ok(IdentityDocument {
            id: format!("{}#inline/{}", entity.arn, r.get::<_, String>(0)?),
            digest: r.get(1)?,
            document: r.get(2)?,
        })
    })?;
    for row in rows {
        out.push(row?);
    }
    Ok(())
}

fn managed(conn: &Connection, arn: &str) -> Result<Option<IdentityDocument>> {
    Ok(
        default_document(conn, arn)?.map(|(document, digest)| IdentityDocument {
            id: arn.to_string(),
            digest,
            document,
        }),
    )
}

fn policies_of(conn: &Connection, entity: &Entity, out: &mut Vec<IdentityDocument>) -> Result<()> {
    inline_of(conn, entity, out)?;
    for p in attached_to(conn, &entity.id)? {
        out.extend(managed(conn, &p.arn)?);
    }
    Ok(())
}

impl Store {
    /// The identity-side inputs for requests signed with `key`.
    pub fn identity_inputs(&self, key: &AccessKey) -> Result<IdentityInputs> {
        let session = if key.session_token.is_some() {
            self.session(&key.access_key_id)?
        } else {
            None
        };
        // A session belongs to its role's (or user's) unique id: a deleted role's sessions keep
        // their credentials but none of a later role of the same name's permissions, as IAM's.
        let entity = match &session {
            Some(s) => match &s.source_id {
                Some(id) => self.entity_by_id(id)?,
                None => None,
            },
            None => self.entity_by_arn(&key.principal_arn)?,
        };
        let Some(entity) = entity else {
            return Ok(IdentityInputs {
                session_info: session,
                ..IdentityInputs::default()
            });
        };
        let mut inputs = self.entity_inputs(entity)?;
        let conn = self.db.read();
        if let Some(s) = &session {
            if let Some((document, digest)) = &s.policy {
                inputs.session.push(IdentityDocument {
                    id: "session".into(),
                    digest: digest.clone(),
                    document: document.clone(),
                });
            }
            for arn in &s.policy_arns {
                inputs.session.extend(managed(&conn, arn)?);
            }
            for t in &s.tags {
                inputs.tags.retain(|(k, _)| !k.eq_ignore_ascii_case(&t.key));
                inputs.tags.push((t.key.clone(), t.value.clone()));
            }
        }
        inputs.session_info = session;
        Ok(inputs)
    }

    /// A user's or role's own identity-side inputs: its policies (a user's groups' too), its
    /// boundary and its tags — what IAM's policy simulator evaluates for it.
    pub fn entity_inputs(&self, entity: Entity) -> Result<IdentityInputs> {
        let mut inputs = IdentityInputs::default();
        let conn = self.db.read();
        policies_of(&conn, &entity, &mut inputs.identity)?;
        if entity.kind == EntityKind::User {
            let mut stmt =
                conn.prepare_cached("SELECT group_id FROM group_members WHERE user_id = ?1")?;
            let groups: Vec<String> = stmt
                .query_map([&entity.id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for id in groups {
                let group =
                    conn.query_row("SELECT arn FROM iam_entities WHERE id = ?1", [&id], |r| {
                        r.get::<_, String>(0)
                    })?;
                let g = Entity {
                    id,
                    arn: group,
                    ..entity.clone()
                };
                policies_of(&conn, &g, &mut inputs.identity)?;
            }
        }
        if let Some(arn) = &entity.boundary_arn {
            inputs.boundary = managed(&conn, arn)?;
        }
        let mut stmt =
            conn.prepare_cached("SELECT key, value FROM iam_tags WHERE owner = ?1 ORDER BY key")?;
        inputs.tags = stmt
            .query_map([&entity.id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        inputs.entity = Some(entity);
        Ok(inputs)
    }
}
