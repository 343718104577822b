//! The smallest fix: for the layer that decided, the least-privilege change that would let
//! this request through — the exact action on the exact resource for this caller, never a
//! wildcard — or, for an explicit deny, the statement to narrow. Each fix is applied to the
//! question and the decision made again; a request that needs several (a cross-account read
//! needs both sides) gets them in order.

use authz::s3::{Grant, Grantee, Permission, S3Facts};
use authz::{Decision, Layer, NamedPolicy, Policies, Verdict};
use serde_json::{json, Value};

use super::report::Fix;
use policy::RequestPrincipal;

/// At most this many fixes in a row (every layer a request crosses, once).
const MAX_FIXES: usize = 6;

/// What a fix is about: the action, the resource, whose it is, and its resource policy.
pub struct Target {
    pub action: String,
    pub resource: String,
    pub owner: String,
    /// "the bucket owner", "the key's owner".
    pub owner_is: &'static str,
    /// The resource policy's id in decisions, and how a person changes it.
    pub policy_id: String,
    pub policy_change: String,
    /// An S3 object's owner, when it is not the bucket's.
    pub object_owner: Option<String>,
}

/// What a fix may change of a question: its policies, and S3's facts (an object ACL).
#[derive(Clone)]
pub struct Trial {
    pub policies: Policies,
    pub s3: Option<S3Facts>,
}

/// The fixes that, applied in order to `trial`, turn `decided` into an allow (as far as
/// they can): each re-decided with `decide`.
pub fn propose(
    caller: &RequestPrincipal,
    target: &Target,
    mut trial: Trial,
    decided: &Decision,
    decide: &dyn Fn(&Trial) -> Decision,
) -> Vec<Fix> {
    let mut fixes = Vec::new();
    let mut current = decided.clone();
    for _ in 0..MAX_FIXES {
        if current.is_allowed() {
            break;
        }
        let Some((mut fix, apply)) = one(caller, target, &current) else {
            break;
        };
        if !apply(&mut trial) {
            break;
        }
        current = decide(&trial);
        fix.then = match (&current.denied_by, current.verdict) {
            (_, Verdict::Allowed) => "allowed".to_string(),
            (Some(layer), v) => format!("still {} — by the {layer} layer", v.as_str()),
            (None, v) => format!("still {}", v.as_str()),
        };
        fixes.push(fix);
    }
    fixes
}

type Apply = Box<dyn FnOnce(&mut Trial) -> bool>;

/// The principal a resource-side statement should name: a session's role, else the caller.
fn grantee(p: &RequestPrincipal) -> String {
    p.role_arn.clone().unwrap_or_else(|| p.arn.clone())
}

fn allow(action: &str, resource: &str, principal: Option<&str>) -> Value {
    let mut s = json!({"Effect": "Allow", "Action": action, "Resource": resource});
    if let Some(p) = principal {
        s["Principal"] = json!({"AWS": p});
    }
    s
}

/// `policy` with `statement` added (a new policy named `id` when there is none).
fn with_statement(
    policy: Option<&NamedPolicy>,
    id: &str,
    statement: &Value,
) -> Option<NamedPolicy> {
    let added = policy::parse_policy(
        &json!({"Version": "2012-10-17", "Statement": [statement]}).to_string(),
    )
    .ok()?;
    let mut doc = match policy {
        Some(p) => p.policy.document.clone(),
        None => added.clone(),
    };
    if policy.is_some() {
        let mut s = added.statements.into_iter().next()?;
        s.index = doc.statements.len();
        doc.statements.push(s);
    }
    let id = policy.map_or(id.to_string(), |p| p.id.to_string());
    Some(NamedPolicy::compile(id, doc))
}

/// `policy` without the statement labelled `label` (its Sid, or its index).
fn without_statement(policy: &NamedPolicy, label: &str) -> NamedPolicy {
    let mut doc = policy.policy.document.clone();
    doc.statements
        .retain(|s| s.sid.as_deref().unwrap_or(&s.index.to_string()) != label);
    NamedPolicy::compile(policy.id.clone(), doc)
}

/// Every policy of the question, mutable, wherever it sits.
fn all_policies(p: &mut Policies) -> Vec<&mut NamedPolicy> {
    let mut out: Vec<&mut NamedPolicy> = p.identity.iter_mut().collect();
    out.extend(p.resource.iter_mut());
    out.extend(p.permissions_boundary.iter_mut());
    out.extend(p.session.iter_mut());
    out.extend(p.scp.iter_mut().flat_map(|l| l.policies.iter_mut()));
    out.extend(p.rcp.iter_mut().flat_map(|l| l.policies.iter_mut()));
    out.extend(p.vpc_endpoint.iter_mut());
    out
}

fn one(caller: &RequestPrincipal, target: &Target, d: &Decision) -> Option<(Fix, Apply)> {
    let action = target.action.clone();
    let resource = target.resource.clone();
    let layer = d.denied_by?;
    let account = caller.account.clone().unwrap_or_default();
    let owner = target.owner.clone();
    let other_owner = |what: &str| {
        (owner != account).then(|| format!("{what} — account {owner}, not the caller's"))
    };
    if d.verdict == Verdict::ExplicitDeny {
        let (policy, label) = (d.policy.clone()?, d.statement.clone()?);
        let fix = Fix {
            what: format!(
                "narrow statement {label} of {policy} so that it no longer denies {action} on {resource} to this caller (an explicit deny wins over every allow); here it is shown removed"
            ),
            statement: None,
            needs: match layer {
                Layer::Scp | Layer::Rcp => Some("the organization's management account".into()),
                Layer::Resource | Layer::Key => other_owner(target.owner_is),
                _ => None,
            },
            then: String::new(),
        };
        let apply: Apply = Box::new(move |t: &mut Trial| {
            let p = &mut t.policies;
            let mut changed = false;
            for named in all_policies(p).into_iter().filter(|n| n.id == policy) {
                *named = without_statement(named, &label);
                changed = true;
            }
            changed
        });
        return Some((fix, apply));
    }
    let identity_statement = allow(&action, &resource, None);
    let (what, statement, needs, apply): (String, Value, Option<String>, Apply) = match layer {
        Layer::Identity => {
            let who = grantee(caller);
            (
                format!("add to an identity policy of {who} (for a user, an inline policy: aws iam put-user-policy) the exact action on the exact resource"),
                identity_statement.clone(),
                None,
                Box::new(move |t: &mut Trial| {
            let p = &mut t.policies;
                    with_statement(None, "proposed identity policy", &identity_statement)
                        .map(|n| p.identity.push(n))
                        .is_some()
                }),
            )
        }
        Layer::Resource | Layer::Key | Layer::S3BlockPublicAccess => {
            let s = allow(&action, &resource, Some(&grantee(caller)));
            let id = target.policy_id.clone();
            let added = s.clone();
            // Block Public Access set aside a public grant: rather than make the bucket public
            // again, grant this caller by name — a grant that is not public is untouched by it
            // [S3 `access-control-block-public-access`, "The meaning of public"].
            let why = if layer == Layer::S3BlockPublicAccess {
                "Block Public Access ignores the public grant this caller relied on; instead of turning it off, "
            } else {
                ""
            };
            (
                format!("{why}add to {} a statement naming this caller", target.policy_change),
                s,
                other_owner(target.owner_is),
                Box::new(move |t: &mut Trial| {
            let p = &mut t.policies;
                    with_statement(p.resource.as_ref(), &id, &added)
                        .map(|n| p.resource = Some(n))
                        .is_some()
                }),
            )
        }
        Layer::Acl => {
            // The object belongs to another account: only its owner can grant the bucket
            // owner's account a read, or the bucket owner can take every object over with
            // BucketOwnerEnforced [S3 `about-object-ownership`].
            let object_owner = target.object_owner.clone()?;
            let bucket_owner = target.owner.clone();
            let fix = Fix {
                what: format!(
                    "the object belongs to account {object_owner}: its owner grants the bucket owner full control (aws s3api put-object-acl --acl bucket-owner-full-control), or the bucket owner sets Object Ownership to BucketOwnerEnforced so that it owns every object"
                ),
                statement: None,
                needs: Some(format!("the object's owner, account {object_owner}")),
                then: String::new(),
            };
            let apply: Apply = Box::new(move |t: &mut Trial| {
                let Some(s3) = t.s3.as_mut() else {
                    return false;
                };
                let Some(id) = s3.canonical_ids.get(&bucket_owner).cloned() else {
                    return false;
                };
                s3.object_acl.push(Grant {
                    grantee: Grantee::CanonicalUser(id),
                    permission: Permission::FullControl,
                });
                true
            });
            return Some((fix, apply));
        }
        Layer::PermissionsBoundary => (
            "add to the caller's permissions boundary (a boundary only limits: both it and an identity policy must allow)".to_string(),
            identity_statement.clone(),
            None,
            Box::new(move |t: &mut Trial| {
            let p = &mut t.policies;
                let merged = with_statement(p.permissions_boundary.as_ref(), "proposed boundary", &identity_statement);
                merged.map(|n| p.permissions_boundary = Some(n)).is_some()
            }),
        ),
        Layer::Session => (
            "the session policy does not allow it: assume the role again with a session policy (Policy or PolicyArns) that includes".to_string(),
            identity_statement.clone(),
            None,
            Box::new(move |t: &mut Trial| match t.policies.session.first_mut() {
                Some(first) => with_statement(Some(first), "", &identity_statement)
                    .map(|n| *first = n)
                    .is_some(),
                None => false,
            }),
        ),
        Layer::Scp | Layer::Rcp => {
            let scp = layer == Layer::Scp;
            let s = if scp {
                identity_statement.clone()
            } else {
                allow(&action, &resource, Some("*"))
            };
            let added = s.clone();
            (
                format!(
                    "every level of the organization from the root down must have a {} allowing it: attach one where none does",
                    if scp { "service control policy" } else { "resource control policy" }
                ),
                s,
                Some("the organization's management account".into()),
                Box::new(move |t: &mut Trial| {
            let p = &mut t.policies;
                    let levels = if scp { &mut p.scp } else { &mut p.rcp };
                    for level in levels.iter_mut() {
                        if let Some(n) = with_statement(None, "proposed", &added) {
                            level.policies.push(n);
                        }
                    }
                    true
                }),
            )
        }
        Layer::VpcEndpoint => {
            let s = allow(&action, &resource, Some("*"));
            let added = s.clone();
            (
                "add to the VPC endpoint's policy (the request came through it)".to_string(),
                s,
                None,
                Box::new(move |t: &mut Trial| {
            let p = &mut t.policies;
                    let merged = with_statement(p.vpc_endpoint.as_ref(), "", &added);
                    merged.map(|n| p.vpc_endpoint = Some(n)).is_some()
                }),
            )
        }
        _ => return None,
    };
    Some((
        Fix {
            what,
            statement: Some(statement),
            needs,
            then: String::new(),
        },
        apply,
    ))
}
