//! Gatehouse's engine on what the walk gathered: the same question the S3 request asks, with
//! every readable layer in place, cross-checked against the observed answer and AWS's message.
//! What could not be read is listed as the suspects that would look exactly like this.

use std::collections::HashMap;

use authz::s3::S3Facts;
use authz::{authorize, AuthzRequest, Decision, Layer, NamedPolicy, OrgLevel, Policies};
use policy::{Context, ContextValue};
use serde::Serialize;

use crate::bucket::{BucketSide, Known};
use crate::identity::{Caller, Document, IdentitySide};
use crate::observe::Observed;
use crate::organization::{Level, OrganizationSide};

/// Everything the verdict is made of.
pub struct Gathered<'a> {
    pub caller: &'a Caller,
    pub identity: &'a IdentitySide,
    pub bucket: &'a BucketSide,
    pub organization: &'a OrganizationSide,
    pub observed: &'a Observed,
    pub region: &'a str,
    pub secure: bool,
}

/// A layer the walk could not read, why, and how likely it is the one that denies.
#[derive(Debug, Serialize)]
pub struct Suspect {
    pub layer: &'static str,
    pub why: String,
}

/// The question made ready for the engine, kept to re-decide with fixes.
pub struct Question {
    pub principal: policy::RequestPrincipal,
    pub context: Context,
    pub policies: Policies,
    pub s3: S3Facts,
    pub resource_account: String,
    /// Documents that do not parse (named, skipped).
    pub unparsable: Vec<String>,
}

impl Question {
    pub fn request<'q>(&'q self, action: &'q str, resource: &'q str) -> AuthzRequest<'q> {
        AuthzRequest {
            principal: &self.principal,
            action,
            resource,
            resource_account: &self.resource_account,
            context: &self.context,
            policies: &self.policies,
            s3: Some(&self.s3),
        }
    }

    pub fn decide(&self, action: &str, resource: &str) -> Decision {
        authorize(&self.request(action, resource), true)
    }
}

fn single(v: impl Into<String>) -> ContextValue {
    ContextValue::Single(v.into())
}

fn compile(d: &Document, unparsable: &mut Vec<String>) -> Option<NamedPolicy> {
    match policy::parse_policy(&d.text) {
        Ok(p) => Some(NamedPolicy::compile(d.id.clone(), p)),
        Err(e) => {
            unparsable.push(format!("{}: {e}", d.id));
            None
        }
    }
}

fn levels(known: &Known<Vec<Level>>, unparsable: &mut Vec<String>) -> Vec<OrgLevel> {
    known
        .read()
        .map(|levels| {
            levels
                .iter()
                .map(|l| OrgLevel {
                    target: l.target.clone(),
                    policies: l
                        .policies
                        .iter()
                        .filter_map(|d| compile(d, unparsable))
                        .collect(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The account a canonical user id belongs to, as far as the walk knows.
fn account_of(canonical: &str, g: &Gathered) -> String {
    match &g.bucket.caller_canonical_id {
        Some(mine) if mine == canonical => g.caller.account.clone(),
        // S3 shows owners by canonical user id only, and no API maps one to an account id: the
        // owner is named by what is known of it.
        _ => format!("unknown to these credentials (canonical user id {canonical})"),
    }
}

pub fn question(g: &Gathered) -> Question {
    let mut unparsable = Vec::new();
    let caller = g.caller;
    let resource_account = g
        .bucket
        .bucket_acl
        .read()
        .map(|a| account_of(&a.owner, g))
        .unwrap_or_else(|| g.caller.account.clone());
    let mut context = Context::new();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    context.insert("aws:EpochTime", single(now.to_string()));
    context.insert("aws:SecureTransport", single(g.secure.to_string()));
    context.insert("aws:RequestedRegion", single(g.region));
    context.insert("aws:ResourceAccount", single(resource_account.clone()));
    context.insert("s3:ResourceAccount", single(resource_account.clone()));
    context.insert("aws:ViaAWSService", single("false"));
    context.insert("aws:PrincipalAccount", single(caller.account.clone()));
    context.insert("aws:PrincipalIsAWSService", single("false"));
    context.insert("aws:userid", single(caller.user_id.clone()));
    context.insert("s3:authType", single("REST-HEADER"));
    context.insert("s3:signatureversion", single("AWS4-HMAC-SHA256"));
    let kind = match caller.kind {
        "root" => "Account",
        "user" => "User",
        "assumed-role" => "AssumedRole",
        _ => "FederatedUser",
    };
    context.insert("aws:PrincipalType", single(kind));
    context.insert(
        "aws:PrincipalArn",
        single(
            g.identity
                .role_arn
                .clone()
                .unwrap_or_else(|| caller.arn.clone()),
        ),
    );
    if caller.kind == "user" {
        if let Some(name) = &caller.entity {
            context.insert("aws:username", single(name.clone()));
        }
    }
    for (k, v) in &g.identity.tags {
        context.insert(format!("aws:PrincipalTag/{k}"), single(v.clone()));
    }
    if let Known::Read(Some(org)) = &g.organization.organization {
        context.insert("aws:PrincipalOrgID", single(org.clone()));
        if resource_account == caller.account {
            context.insert("aws:ResourceOrgID", single(org.clone()));
        }
    }
    let mut principal =
        authz::principal::parse_principal(&caller.arn, &context).unwrap_or_else(|_| {
            authz::principal::parse_principal("anonymous", &Context::new()).expect("anonymous")
        });
    principal.has_permissions_boundary = g.identity.boundary.is_some();
    let managed_by_scps = g.organization.management_account.as_deref() != Some(&caller.account);
    let policies = Policies {
        identity: g
            .identity
            .identity
            .iter()
            .filter_map(|d| compile(d, &mut unparsable))
            .collect(),
        resource: g
            .bucket
            .policy
            .read()
            .and_then(|p| p.as_ref())
            .and_then(|d| compile(d, &mut unparsable)),
        permissions_boundary: g
            .identity
            .boundary
            .as_ref()
            .and_then(|d| compile(d, &mut unparsable)),
        session: Vec::new(),
        // SCPs never restrict the management account [Organizations SCP, "Tasks and entities
        // not restricted by SCPs"]; RCPs here only for a bucket of the caller's own account,
        // whose path the walk read.
        scp: if managed_by_scps {
            levels(&g.organization.scps, &mut unparsable)
        } else {
            Vec::new()
        },
        rcp: if managed_by_scps && resource_account == caller.account {
            levels(&g.organization.rcps, &mut unparsable)
        } else {
            Vec::new()
        },
        vpc_endpoint: None,
    };
    let bucket_owner_canonical = g.bucket.bucket_acl.read().map(|a| a.owner.clone());
    let object_owner = g
        .bucket
        .object_acl
        .as_ref()
        .and_then(|a| a.read())
        .map(|a| {
            if Some(&a.owner) == bucket_owner_canonical.as_ref() {
                resource_account.clone()
            } else {
                account_of(&a.owner, g)
            }
        })
        .unwrap_or_else(|| resource_account.clone());
    let mut canonical_ids = HashMap::new();
    if let Some(mine) = &g.bucket.caller_canonical_id {
        canonical_ids.insert(caller.account.clone(), mine.clone());
    }
    if let Some(owner) = bucket_owner_canonical {
        canonical_ids.insert(resource_account.clone(), owner);
    }
    let s3 = S3Facts {
        bucket_owner: resource_account.clone(),
        object_owner,
        object_ownership: g.bucket.object_ownership(),
        bucket_acl: g
            .bucket
            .bucket_acl
            .read()
            .map(|a| a.grants.clone())
            .unwrap_or_default(),
        object_acl: g
            .bucket
            .object_acl
            .as_ref()
            .and_then(|a| a.read())
            .map(|a| a.grants.clone())
            .unwrap_or_default(),
        account_block_public_access: Default::default(),
        bucket_block_public_access: g
            .bucket
            .block_public_access
            .read()
            .copied()
            .unwrap_or_default(),
        canonical_ids,
    };
    Question {
        principal,
        context,
        policies,
        s3,
        resource_account,
        unparsable,
    }
}

/// The layers the walk could not read, by how often each denies a request of this shape.
pub fn unread(g: &Gathered, q: &Question) -> Vec<Suspect> {
    let mut out = Vec::new();
    let mut add = |layer: Layer, why: String| {
        out.push(Suspect {
            layer: layer.as_str(),
            why,
        })
    };
    if let Known::Unreadable(e) = &g.bucket.policy {
        add(
            Layer::Resource,
            format!("the bucket policy is not readable with these credentials ({e}); a deny there would look exactly like this"),
        );
    }
    if !g.identity.unreadable.is_empty() {
        add(
            Layer::Identity,
            format!(
                "not readable with these credentials: {}",
                g.identity.unreadable.join(", ")
            ),
        );
    }
    if let Known::Unreadable(e) = &g.organization.scps {
        add(
            Layer::Scp,
            format!("the service control policies over account {} are not readable ({e}); only the management account (or a delegated administrator) can read them", g.caller.account),
        );
    }
    if let Known::Unreadable(e) = &g.organization.rcps {
        if q.resource_account == g.caller.account {
            add(
                Layer::Rcp,
                format!("the resource control policies over account {} are not readable ({e}); only the management account (or a delegated administrator) can read them", g.caller.account),
            );
        }
    }
    if g.caller.kind == "assumed-role" {
        add(
            Layer::Session,
            "a role session's own session policy cannot be read back through any API".to_string(),
        );
    }
    if q.resource_account != g.caller.account {
        add(
            Layer::Rcp,
            "the bucket is another account's: the resource control policies over it are that organization's".to_string(),
        );
    }
    let acl_unreadable = matches!(g.bucket.bucket_acl, Known::Unreadable(_))
        || matches!(g.bucket.object_acl, Some(Known::Unreadable(_)));
    if acl_unreadable {
        add(
            Layer::Acl,
            "the bucket or object ACL is not readable with these credentials".to_string(),
        );
    }
    if let Some(Known::Unreadable(e)) = &g.bucket.key_policy {
        add(
            Layer::Key,
            format!("the object's KMS key policy is not readable ({e}); a key that does not let the caller decrypt refuses the read"),
        );
    }
    // S3 shows the effective ACL: under IgnorePublicAcls without its public grants, so a
    // public grant the caller relied on cannot be seen [S3 `access-control-block-public-access`].
    let ignored = g
        .bucket
        .block_public_access
        .read()
        .is_some_and(|b| b.ignore_public_acls);
    if ignored && g.bucket.object_ownership().acls_enabled() {
        add(
            Layer::S3BlockPublicAccess,
            "the bucket's IgnorePublicAcls is on, and S3 shows ACLs without the public grants it ignores: a public grant this caller relied on would be set aside unseen".to_string(),
        );
    }
    add(
        Layer::VpcEndpoint,
        "a VPC endpoint policy is invisible from the client; it applies only to requests through that endpoint".to_string(),
    );
    add(
        Layer::S3BlockPublicAccess,
        "the account-level Block Public Access (S3 Control) is not read".to_string(),
    );
    out
}

/// The suspects, the likeliest first: the layer AWS's own message names is certain, so first
/// (S3 names ACL, Block Public Access and key-policy denials as a resource-based policy's);
/// named but fully read, it is still listed, for a part the walk cannot see.
pub fn rank(g: &Gathered, mut out: Vec<Suspect>) -> Vec<Suspect> {
    if let Some((named, _)) = g.observed.named_layer {
        let covers = |layer: &str| {
            layer == named.as_str()
                || (named == Layer::Resource
                    && [Layer::Acl, Layer::S3BlockPublicAccess, Layer::Key]
                        .iter()
                        .any(|l| l.as_str() == layer))
        };
        if !out.iter().any(|s| covers(s.layer)) {
            out.push(Suspect {
                layer: named.as_str(),
                why: format!("AWS's message names the {named} layer, and what could be read of it allows: the denial is in a part of it the walk cannot see"),
            });
        }
        out.sort_by_key(|s| !covers(s.layer));
    }
    out
}
