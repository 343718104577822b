//! Reading one scenario: every field checked, every error naming its JSON path and position.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use policy::json::{self, Json, JsonError, Pos, Value};
use policy::{
    validate_json, CompiledPolicy, Context, ContextValue, PolicyType, PrincipalType,
    RequestPrincipal,
};

use crate::input::{AuthzRequest, NamedPolicy, OrgLevel, Policies};
use crate::layer::Layer;
use crate::principal::parse_principal;
use crate::s3::{BlockPublicAccess, Grant, Grantee, ObjectOwnership, Permission, S3Facts};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    pub path: String,
    pub pos: Pos,
    pub message: String,
}

impl ScenarioError {
    fn at(path: &str, json: &Json, message: impl Into<String>) -> ScenarioError {
        ScenarioError {
            path: path.to_string(),
            pos: json.span.start,
            message: message.into(),
        }
    }

    /// `{"error":{"path","line","column","message"}}`: the answer line of a scenario that
    /// could not be read.
    pub fn to_json(&self) -> String {
        #[derive(serde::Serialize)]
        struct Line<'a> {
            error: Fields<'a>,
        }
        #[derive(serde::Serialize)]
        struct Fields<'a> {
            path: &'a str,
            line: u32,
            column: u32,
            message: &'a str,
        }
        serde_json::to_string(&Line {
            error: Fields {
                path: &self.path,
                line: self.pos.line,
                column: self.pos.column,
                message: &self.message,
            },
        })
        .expect("an error line always serializes")
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} (line {}, column {})",
            self.path, self.message, self.pos.line, self.pos.column
        )
    }
}

impl From<JsonError> for ScenarioError {
    fn from(e: JsonError) -> Self {
        ScenarioError {
            path: String::new(),
            pos: e.pos,
            message: e.message,
        }
    }
}

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

type R<T> = Result<T, ScenarioError>;

fn object<'a>(json: &'a Json, path: &str) -> R<&'a [json::Member]> {
    json.as_object().ok_or_else(|| {
        ScenarioError::at(
            path,
            json,
            format!("expected an object, found {}", json.kind()),
        )
    })
}

fn only_keys(json: &Json, path: &str, allowed: &[&str]) -> R<()> {
    for m in object(json, path)? {
        if !allowed.contains(&m.key.as_str()) {
            return Err(ScenarioError::at(
                &join(path, &m.key),
                &m.value,
                format!(
                    "unknown field {:?}; expected one of {}",
                    m.key,
                    allowed.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn string(json: &Json, path: &str) -> R<String> {
    json.as_str().map(str::to_string).ok_or_else(|| {
        ScenarioError::at(
            path,
            json,
            format!("expected a string, found {}", json.kind()),
        )
    })
}

fn required<'a>(parent: &'a Json, path: &str, key: &str) -> R<&'a Json> {
    parent
        .get(key)
        .ok_or_else(|| ScenarioError::at(path, parent, format!("missing required field {key:?}")))
}

/// `null` and absent are the same.
fn optional<'a>(parent: &'a Json, key: &str) -> Option<&'a Json> {
    parent.get(key).filter(|v| v.value != Value::Null)
}

/// The fields a scenario may have: the three that decide, and metadata that cannot change the
/// answer (a name, an expectation kept beside the scenario). Anything else is refused, so that a
/// misspelt `policies` never silently drops every policy.
const SCENARIO_FIELDS: &[&str] = &[
    "request",
    "policies",
    "s3",
    "id",
    "name",
    "description",
    "comment",
    "note",
    "cite",
    "source",
    "tags",
    "expect",
    "expected",
];

pub fn read_scenario(json: &Json) -> R<Scenario> {
    only_keys(json, "", SCENARIO_FIELDS)?;
    let request = required(json, "", "request")?;
    only_keys(
        request,
        "request",
        &[
            "principal",
            "action",
            "resource",
            "resource_account",
            "context",
        ],
    )?;
    let action = string(required(request, "request", "action")?, "request.action")?;
    if action != "*" && !action.contains(':') {
        return Err(ScenarioError::at(
            "request.action",
            required(request, "request", "action")?,
            "an action is written service:Action",
        ));
    }
    let resource = string(
        required(request, "request", "resource")?,
        "request.resource",
    )?;
    let context = match optional(request, "context") {
        Some(c) => read_context(c, "request.context")?,
        None => Context::new(),
    };
    let principal_json = required(request, "request", "principal")?;
    let mut principal = parse_principal(&string(principal_json, "request.principal")?, &context)
        .map_err(|e| ScenarioError::at("request.principal", principal_json, e.0))?;
    let resource_account = match optional(request, "resource_account") {
        Some(v) => string(v, "request.resource_account")?,
        None => principal.account.clone().ok_or_else(|| {
            ScenarioError::at("request", request, "missing required field \"resource_account\" (the caller has no account to default to)")
        })?,
    };
    let policies = match optional(json, "policies") {
        Some(p) => read_policies(p, &action)?,
        None => Policies::default(),
    };
    principal.has_permissions_boundary = policies.permissions_boundary.is_some()
        && matches!(
            principal.kind,
            PrincipalType::User | PrincipalType::AssumedRole
        );
    let s3 = match optional(json, "s3") {
        Some(s) => Some(read_s3(s, &resource_account)?),
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
        resource,
        resource_account,
        context,
        policies,
        s3,
    })
}

/// Strings are single-valued keys, lists multi-valued ones; booleans and numbers stand for
/// their string forms.
fn read_context(json: &Json, path: &str) -> R<Context> {
    let mut context = Context::new();
    for m in object(json, path)? {
        let here = join(path, &m.key);
        let value = match &m.value.value {
            Value::Array(items) => ContextValue::Multi(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| scalar(v, &format!("{here}[{i}]")))
                    .collect::<R<_>>()?,
            ),
            _ => ContextValue::Single(scalar(&m.value, &here)?),
        };
        context.insert(&m.key, value);
    }
    Ok(context)
}

fn scalar(json: &Json, path: &str) -> R<String> {
    match &json.value {
        Value::String(s) => Ok(s.clone()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.clone()),
        _ => Err(ScenarioError::at(
            path,
            json,
            format!(
                "a context value is a string, number, boolean or a list of them, not {}",
                json.kind()
            ),
        )),
    }
}

fn read_policies(json: &Json, action: &str) -> R<Policies> {
    only_keys(
        json,
        "policies",
        &[
            "identity",
            "resource",
            "permissions_boundary",
            "session",
            "scp",
            "rcp",
            "vpc_endpoint",
        ],
    )?;
    let action = action.to_ascii_lowercase();
    let resource_type = match crate::engine::resource_layer_for(&action) {
        Layer::Key => PolicyType::Key,
        Layer::Trust => PolicyType::Trust,
        _ => PolicyType::Bucket,
    };
    Ok(Policies {
        identity: list(json, "policies.identity", PolicyType::Managed)?,
        resource: one(json, "policies.resource", resource_type)?,
        permissions_boundary: one(
            json,
            "policies.permissions_boundary",
            PolicyType::PermissionsBoundary,
        )?,
        session: list(json, "policies.session", PolicyType::Session)?,
        scp: levels(json, "policies.scp", PolicyType::Scp)?,
        rcp: levels(json, "policies.rcp", PolicyType::Rcp)?,
        vpc_endpoint: one(json, "policies.vpc_endpoint", PolicyType::VpcEndpoint)?,
    })
}

fn field<'a>(json: &'a Json, path: &str) -> Option<&'a Json> {
    optional(json, path.rsplit('.').next().unwrap_or(path))
}

fn one(parent: &Json, path: &str, kind: PolicyType) -> R<Option<NamedPolicy>> {
    field(parent, path)
        .map(|j| named_policy(j, path, kind))
        .transpose()
}

/// The items of an optional list field (the last part of `path`); none when absent or null.
fn items<'a>(parent: &'a Json, path: &str, what: &str) -> R<&'a [Json]> {
    match field(parent, path) {
        None => Ok(&[]),
        Some(json) => json
            .as_array()
            .ok_or_else(|| ScenarioError::at(path, json, format!("expected a list of {what}"))),
    }
}

fn list(parent: &Json, path: &str, kind: PolicyType) -> R<Vec<NamedPolicy>> {
    items(parent, path, "{\"id\", \"document\"} policies")?
        .iter()
        .enumerate()
        .map(|(i, item)| named_policy(item, &format!("{path}[{i}]"), kind))
        .collect()
}

fn levels(parent: &Json, path: &str, kind: PolicyType) -> R<Vec<OrgLevel>> {
    let items = items(parent, path, "{\"target\", \"policies\"} levels")?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let here = format!("{path}[{i}]");
        only_keys(item, &here, &["target", "policies"])?;
        let target = match optional(item, "target") {
            Some(t) => string(t, &join(&here, "target"))?,
            None => format!("level {i}"),
        };
        let policies = list(item, &join(&here, "policies"), kind)?;
        out.push(OrgLevel { target, policies });
    }
    Ok(out)
}

fn named_policy(json: &Json, path: &str, kind: PolicyType) -> R<NamedPolicy> {
    only_keys(json, path, &["id", "document"])?;
    let id = string(required(json, path, "id")?, &join(path, "id"))?;
    let doc_path = join(path, "document");
    let document = required(json, path, "document")?;
    // A document given as a string of JSON is read from that string.
    let parsed;
    let document = match &document.value {
        Value::String(text) => {
            parsed = json::parse(text).map_err(|e| ScenarioError {
                path: doc_path.clone(),
                pos: document.span.start,
                message: format!("policy text: {e}"),
            })?;
            &parsed
        }
        _ => document,
    };
    let policy = validate_json(document, kind).map_err(|e| {
        let f = e.first();
        ScenarioError {
            path: join(&doc_path, &f.path),
            pos: f.span.start,
            message: f.message.clone(),
        }
    })?;
    Ok(NamedPolicy::new(
        id,
        Arc::new(CompiledPolicy::compile(policy)),
    ))
}

fn read_s3(json: &Json, resource_account: &str) -> R<S3Facts> {
    let path = "s3";
    only_keys(
        json,
        path,
        &[
            "bucket_owner",
            "object_owner",
            "object_ownership",
            "bucket_acl",
            "object_acl",
            "block_public_access",
            "canonical_ids",
        ],
    )?;
    let bucket_owner = match optional(json, "bucket_owner") {
        Some(v) => string(v, "s3.bucket_owner")?,
        None => resource_account.to_string(),
    };
    let object_owner = match optional(json, "object_owner") {
        Some(v) => string(v, "s3.object_owner")?,
        None => bucket_owner.clone(),
    };
    let object_ownership = match optional(json, "object_ownership") {
        Some(v) => ObjectOwnership::parse(&string(v, "s3.object_ownership")?).ok_or_else(|| {
            ScenarioError::at(
                "s3.object_ownership",
                v,
                "expected BucketOwnerEnforced, BucketOwnerPreferred or ObjectWriter",
            )
        })?,
        None => ObjectOwnership::default(),
    };
    let mut canonical_ids = HashMap::new();
    if let Some(ids) = optional(json, "canonical_ids") {
        for m in object(ids, "s3.canonical_ids")? {
            canonical_ids.insert(
                m.key.clone(),
                string(&m.value, &join("s3.canonical_ids", &m.key))?,
            );
        }
    }
    let bucket_acl = grants(json, "bucket_acl")?;
    let object_acl = grants(json, "object_acl")?;
    // BucketOwnerEnforced disables ACLs and makes the bucket owner own every object: a scenario
    // that says otherwise describes a bucket S3 cannot have (DESIGN.md, "Out of simulate's scope").
    if object_ownership == ObjectOwnership::BucketOwnerEnforced {
        if !bucket_acl.is_empty() || !object_acl.is_empty() {
            return Err(ScenarioError::at(
                path,
                json,
                "ACL grants on a BucketOwnerEnforced bucket: ACLs are disabled there",
            ));
        }
        if object_owner != bucket_owner {
            return Err(ScenarioError::at(
                path,
                json,
                "an object owner other than the bucket owner on a BucketOwnerEnforced bucket",
            ));
        }
    }
    let (account_bpa, bucket_bpa) = match optional(json, "block_public_access") {
        Some(b) => {
            only_keys(b, "s3.block_public_access", &["account", "bucket"])?;
            (bpa(b, "account")?, bpa(b, "bucket")?)
        }
        None => Default::default(),
    };
    Ok(S3Facts {
        bucket_owner,
        object_owner,
        object_ownership,
        bucket_acl,
        object_acl,
        account_block_public_access: account_bpa,
        bucket_block_public_access: bucket_bpa,
        canonical_ids,
    })
}

fn bpa(parent: &Json, key: &str) -> R<BlockPublicAccess> {
    let path = format!("s3.block_public_access.{key}");
    let Some(json) = optional(parent, key) else {
        return Ok(BlockPublicAccess::default());
    };
    only_keys(
        json,
        &path,
        &[
            "BlockPublicAcls",
            "IgnorePublicAcls",
            "BlockPublicPolicy",
            "RestrictPublicBuckets",
        ],
    )?;
    let flag = |name: &str| -> R<bool> {
        match optional(json, name) {
            None => Ok(false),
            Some(Json {
                value: Value::Bool(b),
                ..
            }) => Ok(*b),
            Some(other) => Err(ScenarioError::at(
                &join(&path, name),
                other,
                "expected true or false",
            )),
        }
    };
    Ok(BlockPublicAccess {
        block_public_acls: flag("BlockPublicAcls")?,
        ignore_public_acls: flag("IgnorePublicAcls")?,
        block_public_policy: flag("BlockPublicPolicy")?,
        restrict_public_buckets: flag("RestrictPublicBuckets")?,
    })
}

fn grants(parent: &Json, key: &str) -> R<Vec<Grant>> {
    let path = format!("s3.{key}");
    let items = items(parent, &path, "grants")?;
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let here = format!("{path}[{i}]");
        only_keys(item, &here, &["grantee", "permission"])?;
        let grantee_json = required(item, &here, "grantee")?;
        let gpath = join(&here, "grantee");
        only_keys(grantee_json, &gpath, &["type", "id", "uri", "display_name"])?;
        let grantee = match string(
            required(grantee_json, &gpath, "type")?,
            &join(&gpath, "type"),
        )?
        .as_str()
        {
            "CanonicalUser" => Grantee::CanonicalUser(string(
                required(grantee_json, &gpath, "id")?,
                &join(&gpath, "id"),
            )?),
            "Group" => Grantee::Group(string(
                required(grantee_json, &gpath, "uri")?,
                &join(&gpath, "uri"),
            )?),
            other => {
                return Err(ScenarioError::at(
                    &join(&gpath, "type"),
                    grantee_json,
                    format!("grantee type {other:?}: expected CanonicalUser or Group"),
                ))
            }
        };
        let perm_json = required(item, &here, "permission")?;
        let permission = Permission::parse(&string(perm_json, &join(&here, "permission"))?)
            .ok_or_else(|| {
                ScenarioError::at(
                    &join(&here, "permission"),
                    perm_json,
                    "expected READ, WRITE, READ_ACP, WRITE_ACP or FULL_CONTROL",
                )
            })?;
        out.push(Grant {
            grantee,
            permission,
        });
    }
    Ok(out)
}
