//! Reading one scenario (DESIGN.md's simulator format): its shape declared as serde types,
//! every field checked, every error naming its JSON path and position.

use std::collections::HashMap;

use policy::json::{self, Json, Value};
use policy::{validate_json, Context, ContextValue, PolicyType, PrincipalType, RequestPrincipal};
use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::error::ScenarioError;
use super::positioned::{from_json, join, At, Node};
use crate::input::{AuthzRequest, NamedPolicy, OrgLevel, Policies};
use crate::layer::Layer;
use crate::principal::parse_principal;
use crate::s3::{BlockPublicAccess, Grant, Grantee, ObjectOwnership, Permission, S3Facts};

#[derive(Debug, Clone)]
pub struct Scenario {
    pub principal: RequestPrincipal,
    pub action: String,
    pub resource: String,
    pub resource_account: String,
    pub context: Context,
    pub policies: Policies,
    pub s3: Option<S3Facts>,
}

impl Scenario {
    pub fn request(&self) -> AuthzRequest<'_> {
        AuthzRequest {
            principal: &self.principal,
            action: &self.action,
            resource: &self.resource,
            resource_account: &self.resource_account,
            context: &self.context,
            policies: &self.policies,
            s3: self.s3.as_ref(),
        }
    }
}

/// The fields a scenario may have: the three that decide, and metadata that cannot change the
/// answer (a name, an expectation kept beside the scenario). Anything else is refused, so that a
/// misspelt `policies` never silently drops every policy.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioFields {
    request: At<RequestFields>,
    policies: Option<PoliciesFields>,
    s3: Option<At<S3Fields>>,
    #[serde(rename = "id")]
    _id: Option<IgnoredAny>,
    #[serde(rename = "name")]
    _name: Option<IgnoredAny>,
    #[serde(rename = "description")]
    _description: Option<IgnoredAny>,
    #[serde(rename = "comment")]
    _comment: Option<IgnoredAny>,
    #[serde(rename = "note")]
    _note: Option<IgnoredAny>,
    #[serde(rename = "cite")]
    _cite: Option<IgnoredAny>,
    #[serde(rename = "source")]
    _source: Option<IgnoredAny>,
    #[serde(rename = "tags")]
    _tags: Option<IgnoredAny>,
    #[serde(rename = "expect")]
    _expect: Option<IgnoredAny>,
    #[serde(rename = "expected")]
    _expected: Option<IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestFields {
    principal: At<String>,
    action: Action,
    resource: String,
    resource_account: Option<String>,
    context: Option<ContextFields>,
}

#[derive(Deserialize)]
#[serde(try_from = "String")]
struct Action(String);

impl TryFrom<String> for Action {
    type Error = &'static str;
    fn try_from(action: String) -> Result<Action, &'static str> {
        if action == "*" || action.contains(':') {
            Ok(Action(action))
        } else {
            Err("an action is written service:Action")
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PoliciesFields {
    identity: Option<Vec<PolicyFields>>,
    resource: Option<PolicyFields>,
    permissions_boundary: Option<PolicyFields>,
    session: Option<Vec<PolicyFields>>,
    scp: Option<Vec<LevelFields>>,
    rcp: Option<Vec<LevelFields>>,
    vpc_endpoint: Option<PolicyFields>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFields {
    id: String,
    /// A policy object, or a string of policy JSON.
    document: At<Node>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LevelFields {
    target: Option<String>,
    policies: Option<Vec<PolicyFields>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct S3Fields {
    bucket_owner: Option<String>,
    object_owner: Option<String>,
    object_ownership: Option<Ownership>,
    bucket_acl: Option<Vec<GrantFields>>,
    object_acl: Option<Vec<GrantFields>>,
    block_public_access: Option<BlockPublicAccessFields>,
    canonical_ids: Option<HashMap<String, String>>,
}

#[derive(Deserialize)]
#[serde(try_from = "String")]
struct Ownership(ObjectOwnership);

impl TryFrom<String> for Ownership {
    type Error = &'static str;
    fn try_from(s: String) -> Result<Ownership, &'static str> {
        ObjectOwnership::parse(&s)
            .map(Ownership)
            .ok_or("expected BucketOwnerEnforced, BucketOwnerPreferred or ObjectWriter")
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BlockPublicAccessFields {
    account: Option<Flags>,
    bucket: Option<Flags>,
}

/// The four settings by their S3 names; an absent or null one is off.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
struct Flags {
    block_public_acls: Option<bool>,
    ignore_public_acls: Option<bool>,
    block_public_policy: Option<bool>,
    restrict_public_buckets: Option<bool>,
}

impl From<Flags> for BlockPublicAccess {
    fn from(f: Flags) -> BlockPublicAccess {
        BlockPublicAccess {
            block_public_acls: f.block_public_acls.unwrap_or(false),
            ignore_public_acls: f.ignore_public_acls.unwrap_or(false),
            block_public_policy: f.block_public_policy.unwrap_or(false),
            restrict_public_buckets: f.restrict_public_buckets.unwrap_or(false),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GrantFields {
    grantee: GranteeFields,
    permission: PermissionName,
}

#[derive(Deserialize)]
#[serde(try_from = "GranteeParts")]
struct GranteeFields(Grantee);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GranteeParts {
    #[serde(rename = "type")]
    kind: GranteeType,
    id: Option<String>,
    uri: Option<String>,
    #[serde(rename = "display_name")]
    _display_name: Option<IgnoredAny>,
}

#[derive(Deserialize)]
enum GranteeType {
    CanonicalUser,
    Group,
}

impl TryFrom<GranteeParts> for GranteeFields {
    type Error = &'static str;
    fn try_from(g: GranteeParts) -> Result<GranteeFields, &'static str> {
        let grantee = match g.kind {
            GranteeType::CanonicalUser => {
                Grantee::CanonicalUser(g.id.ok_or("missing field `id` of a CanonicalUser")?)
            }
            GranteeType::Group => Grantee::Group(g.uri.ok_or("missing field `uri` of a Group")?),
        };
        Ok(GranteeFields(grantee))
    }
}

#[derive(Deserialize)]
#[serde(try_from = "String")]
struct PermissionName(Permission);

impl TryFrom<String> for PermissionName {
    type Error = &'static str;
    fn try_from(s: String) -> Result<PermissionName, &'static str> {
        Permission::parse(&s)
            .map(PermissionName)
            .ok_or("expected READ, WRITE, READ_ACP, WRITE_ACP or FULL_CONTROL")
    }
}

/// The request context, in source order (a key written twice keeps its last value, as
/// `Context::insert` does). Strings are single-valued keys, lists multi-valued ones; booleans
/// and numbers stand for their string forms (a number as a number: `1.50` is `1.5`).
struct ContextFields(Context);

impl<'de> Deserialize<'de> for ContextFields {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> Visitor<'de> for Entries {
            type Value = ContextFields;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of context keys")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ContextFields, A::Error> {
                let mut context = Context::new();
                while let Some((key, value)) = map.next_entry::<String, ContextEntry>()? {
                    context.insert(key, value.0);
                }
                Ok(ContextFields(context))
            }
        }
        deserializer.deserialize_map(Entries)
    }
}

struct ContextEntry(ContextValue);

impl<'de> Deserialize<'de> for ContextEntry {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entry;
        impl<'de> Visitor<'de> for Entry {
            type Value = ContextEntry;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string, number, boolean or a list of them")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ContextEntry, A::Error> {
                let mut values = Vec::new();
                while let Some(Scalar(v)) = seq.next_element()? {
                    values.push(v);
                }
                Ok(ContextEntry(ContextValue::Multi(values)))
            }
            scalar_visits!(|v| ContextEntry(ContextValue::Single(v)));
        }
        deserializer.deserialize_any(Entry)
    }
}

struct Scalar(String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct One;
        impl Visitor<'_> for One {
            type Value = Scalar;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string, number or boolean")
            }
            scalar_visits!(Scalar);
        }
        deserializer.deserialize_any(One)
    }
}

/// The visits of a string, boolean or number, each as its string form, wrapped by `$wrap`.
macro_rules! scalar_visits {
    ($wrap:expr) => {
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok($wrap(v.to_string()))
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok($wrap(v.to_string()))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok($wrap(v.to_string()))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok($wrap(v.to_string()))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok($wrap(v.to_string()))
        }
    };
}
use scalar_visits;

pub fn read_scenario(json: &Json) -> Result<Scenario, ScenarioError> {
    let fields: ScenarioFields = from_json(json)?;
    let request = fields.request.value;
    let Action(action) = request.action;
    let context = request.context.map(|c| c.0).unwrap_or_default();
    let mut principal = parse_principal(&request.principal.value, &context)
        .map_err(|e| request.principal.error(e.0))?;
    let resource_account = match request.resource_account {
        Some(account) => account,
        None => principal.account.clone().ok_or_else(|| ScenarioError {
            path: fields.request.path.clone(),
            pos: fields.request.pos,
            message: "missing required field \"resource_account\" (the caller has no account to default to)".into(),
        })?,
    };
    let policies = match fields.policies {
        Some(p) => compile_policies(p, &action)?,
        None => Policies::default(),
    };
    principal.has_permissions_boundary = policies.permissions_boundary.is_some()
        && matches!(
            principal.kind,
            PrincipalType::User | PrincipalType::AssumedRole
        );
    let s3 = match fields.s3 {
        Some(s3) => Some(s3_facts(s3, &resource_account)?),
        None if action.to_ascii_lowercase().starts_with("s3:") => Some(S3Facts {
            bucket_owner: resource_account.clone(),
            object_owner: resource_account.clone(),
            ..S3Facts::default()
        }),
        None => None,
    };
    if let (Some(s3), Some(account)) = (&s3, &principal.account) {
        principal.canonical_id = s3.canonical_ids.get(account).cloned();
    }
    Ok(Scenario {
        principal,
        action,
        resource: request.resource,
        resource_account,
        context,
        policies,
        s3,
    })
}

fn compile_policies(p: PoliciesFields, action: &str) -> Result<Policies, ScenarioError> {
    let resource_type = match crate::engine::resource_layer_for(&action.to_ascii_lowercase()) {
        Layer::Key => PolicyType::Key,
        Layer::Trust => PolicyType::Trust,
        _ => PolicyType::Bucket,
    };
    let one = |p: Option<PolicyFields>, kind| p.map(|p| compile(p, kind)).transpose();
    Ok(Policies {
        identity: compile_all(p.identity, PolicyType::Managed)?,
        resource: one(p.resource, resource_type)?,
        permissions_boundary: one(p.permissions_boundary, PolicyType::PermissionsBoundary)?,
        session: compile_all(p.session, PolicyType::Session)?,
        scp: levels(p.scp, PolicyType::Scp)?,
        rcp: levels(p.rcp, PolicyType::Rcp)?,
        vpc_endpoint: one(p.vpc_endpoint, PolicyType::VpcEndpoint)?,
    })
}

fn compile_all(
    list: Option<Vec<PolicyFields>>,
    kind: PolicyType,
) -> Result<Vec<NamedPolicy>, ScenarioError> {
    list.unwrap_or_default()
        .into_iter()
        .map(|p| compile(p, kind))
        .collect()
}

fn levels(
    list: Option<Vec<LevelFields>>,
    kind: PolicyType,
) -> Result<Vec<OrgLevel>, ScenarioError> {
    let mut out = Vec::new();
    for (i, level) in list.unwrap_or_default().into_iter().enumerate() {
        out.push(OrgLevel {
            target: level.target.unwrap_or_else(|| format!("level {i}")),
            policies: compile_all(level.policies, kind)?,
        });
    }
    Ok(out)
}

fn compile(p: PolicyFields, kind: PolicyType) -> Result<NamedPolicy, ScenarioError> {
    let At {
        value: Node(document),
        path,
        pos,
    } = p.document;
    // A document given as a string of JSON is read from that string.
    let document = match &document.value {
        Value::String(text) => json::parse(text).map_err(|e| ScenarioError {
            path: path.clone(),
            pos,
            message: format!("policy text: {e}"),
        })?,
        _ => document,
    };
    let policy = validate_json(&document, kind).map_err(|e| {
        let f = e.first();
        ScenarioError {
            path: join(&path, &f.path),
            pos: f.span.start,
            message: f.message.clone(),
        }
    })?;
    Ok(NamedPolicy::compile(p.id, policy))
}

fn s3_facts(s3: At<S3Fields>, resource_account: &str) -> Result<S3Facts, ScenarioError> {
    let fields = &s3.value;
    let bucket_owner = fields
        .bucket_owner
        .clone()
        .unwrap_or_else(|| resource_account.to_string());
    let object_owner = fields
        .object_owner
        .clone()
        .unwrap_or_else(|| bucket_owner.clone());
    let object_ownership = fields
        .object_ownership
        .as_ref()
        .map(|o| o.0)
        .unwrap_or_default();
    let grants = |list: &Option<Vec<GrantFields>>| -> Vec<Grant> {
        list.iter()
            .flatten()
            .map(|g| Grant {
                grantee: g.grantee.0.clone(),
                permission: g.permission.0,
            })
            .collect()
    };
    let bucket_acl = grants(&fields.bucket_acl);
    let object_acl = grants(&fields.object_acl);
    // BucketOwnerEnforced disables ACLs and makes the bucket owner own every object: a scenario
    // that says otherwise describes a bucket S3 cannot have (DESIGN.md, "Out of simulate's scope").
    if object_ownership == ObjectOwnership::BucketOwnerEnforced {
        if !bucket_acl.is_empty() || !object_acl.is_empty() {
            return Err(
                s3.error("ACL grants on a BucketOwnerEnforced bucket: ACLs are disabled there")
            );
        }
        if object_owner != bucket_owner {
            return Err(s3.error(
                "an object owner other than the bucket owner on a BucketOwnerEnforced bucket",
            ));
        }
    }
    let S3Fields {
        block_public_access,
        canonical_ids,
        ..
    } = s3.value;
    let (account, bucket) = block_public_access
        .map(|b| (b.account, b.bucket))
        .unwrap_or_default();
    Ok(S3Facts {
        bucket_owner,
        object_owner,
        object_ownership,
        bucket_acl,
        object_acl,
        account_block_public_access: account.map(Into::into).unwrap_or_default(),
        bucket_block_public_access: bucket.map(Into::into).unwrap_or_default(),
        canonical_ids: canonical_ids.unwrap_or_default(),
    })
}
