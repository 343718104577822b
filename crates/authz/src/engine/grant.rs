//! Phase 3: some grant must exist — for anonymous callers and services the resource side
//! alone; in the resource's account the identity side or a grant naming the caller itself;
//! across accounts both sides (reference §1.3, §1.4, §1.5; S3's owners and ACLs §3.3).

use std::borrow::Cow;

use policy::{PrincipalMatch, PrincipalType, RequestPrincipal};

use super::evaluator::Hit;
use super::found::{missing, Found};
use super::gather::Gathered;
use crate::layer::Layer;
use crate::principal::is_account_principal;
use crate::s3::{acl, S3Facts};

/// The grant found.
pub(super) struct Grant<'a> {
    /// No permissions boundary or session policy limits it.
    pub unlimited: bool,
    /// The statement that allows, for the answer.
    pub hit: Option<Hit<'a>>,
    /// The resource policy's allows that name the caller (a trust or key policy needs one).
    pub resource_allows: Vec<(PrincipalMatch, Hit<'a>)>,
    pub acl: AclGrants,
}

/// Grants that no boundary or session policy limits (reference §1.3): naming the user, the
/// session or the federated user itself, a service, or `*`. Decision: `*` counts whether or
/// not an `aws:PrincipalArn` condition narrows it — the IAM page's sentence is about that form,
/// and a bare `*` grants at least as much to the same caller.
const UNLIMITED_KINDS: [PrincipalMatch; 6] = [
    PrincipalMatch::User,
    PrincipalMatch::Session,
    PrincipalMatch::FederatedUser,
    PrincipalMatch::Wildcard,
    PrincipalMatch::Service,
    PrincipalMatch::Federated,
];

pub(super) fn find<'a>(g: &Gathered<'a>) -> Result<Grant<'a>, Found> {
    let p = g.principal;
    let resource_counts = g.owner_for_allow == g.bucket_owner;
    let resource_allows: Vec<(PrincipalMatch, Hit)> = match (g.resource_policy, g.resource) {
        (Some(np), Some(r)) if resource_counts => r
            .outcome
            .allow_matches()
            .map(|(m, statement)| {
                (
                    m,
                    Hit {
                        policy: np,
                        statement,
                    },
                )
            })
            .collect(),
        _ => Vec::new(),
    };
    let acl =
        g.s3.map(|s| {
            acl_grants(
                s,
                g.action,
                g.object_resource,
                p,
                g.in_bucket_owner_account,
                g.bpa.ignore_public_acls,
            )
        })
        .unwrap_or_default();
    let same_account = g.account_principal && p.account.as_deref() == Some(g.owner_for_allow);
    let identity_allow = g.identity.allow;
    let resource_hit = |kinds: &[PrincipalMatch]| {
        resource_allows
            .iter()
            .find(|(m, _)| kinds.contains(m))
            .map(|(_, h)| *h)
    };
    // Decision, who to name when nothing grants: Block Public Access if it took a public ACL
    // grant away; across accounts, for an object another account owns, its ACL — the only
    // thing that could grant (DESIGN.md names `resource` for anonymous callers whatever the
    // owner).
    let no_grant_layer = |default: Layer| {
        if acl.public_ignored {
            Layer::S3BlockPublicAccess
        } else if !resource_counts && default == Layer::Resource && g.account_principal {
            Layer::Acl
        } else {
            default
        }
    };

    let (unlimited, hit) = if !g.account_principal {
        // Anonymous callers and services: only the resource side can grant (§1.5).
        let hit = resource_hit(&UNLIMITED_KINDS);
        if hit.is_none() && acl.everyone.is_none() {
            return Err(missing(
                no_grant_layer(g.resource_layer),
                "no resource-based policy or ACL grants it to this caller",
            ));
        }
        (true, hit)
    } else if same_account {
        let unlimited_hit = resource_hit(&UNLIMITED_KINDS);
        // Decision: a grant to AllUsers/AuthenticatedUsers names no account to delegate to:
        // like `"Principal": "*"`, it needs no identity-side allow in the same account. A grant
        // to the caller's own account is delegation and adds nothing to it.
        if g.root || unlimited_hit.is_some() || acl.everyone.is_some() {
            (true, unlimited_hit)
        } else if let Some(hit) = identity_allow.or_else(|| resource_hit(&[PrincipalMatch::Role])) {
            (false, Some(hit))
        } else {
            return Err(missing(
                no_grant_layer(Layer::Identity),
                "no identity-based policy allows it, and no resource-based policy grants it to this caller itself",
            ));
        }
    } else {
        // Across accounts both sides must allow (§1.4); the root user's own side needs no
        // identity policy.
        if !g.root && identity_allow.is_none() {
            return Err(missing(Layer::Identity, "no identity-based policy in the caller's account allows it (across accounts both sides must allow)"));
        }
        let trusting = resource_allows.first().map(|(_, h)| *h);
        if trusting.is_none() && acl.account.is_none() && acl.everyone.is_none() {
            return Err(missing(
                no_grant_layer(g.resource_layer),
                "the resource's account grants nothing to this caller (across accounts both sides must allow)",
            ));
        }
        (false, identity_allow.or(trusting))
    };
    Ok(Grant {
        unlimited,
        hit,
        resource_allows,
        acl,
    })
}

impl Grant<'_> {
    /// The answer's allow: the statement that allows, or the ACL grant, or the root user's
    /// own access.
    pub fn allowed(&self) -> Found {
        let (policy, statement) = self.hit.map(|h| h.names()).unwrap_or((None, None));
        let how = match (&policy, self.acl.everyone.or(self.acl.account)) {
            (Some(_), _) => Cow::Borrowed("allowed by the named statement"),
            (None, Some(permission)) => match permission {
                acl::Permission::FullControl => {
                    Cow::Borrowed("allowed by an ACL grant of FULL_CONTROL")
                }
                other => Cow::Owned(format!("allowed by an ACL grant of {}", other.as_str())),
            },
            (None, None) => {
                Cow::Borrowed("allowed: the account root user has full access to its own resources")
            }
        };
        Found::Allowed {
            policy,
            statement,
            how,
        }
    }
}

/// The ACL grants that cover this request (ACLs on), by whom they name.
#[derive(Clone, Copy, Default)]
pub(super) struct AclGrants {
    /// A grant to the caller's account, by canonical id.
    pub account: Option<acl::Permission>,
    /// A group grant (AllUsers, AuthenticatedUsers) that still counts.
    pub everyone: Option<acl::Permission>,
    /// IgnorePublicAcls took a public grant away.
    pub public_ignored: bool,
}

/// Which ACL grants cover this request [S3 `acl-overview`]; public ones count for nothing under
/// IgnorePublicAcls [S3 `access-control-block-public-access`].
fn acl_grants(
    s3: &S3Facts,
    action: &str,
    object_resource: bool,
    p: &RequestPrincipal,
    caller_is_bucket_owner: bool,
    ignore_public_acls: bool,
) -> AclGrants {
    let mut found = AclGrants::default();
    if !acl::acls_apply(s3.object_ownership) {
        return found;
    }
    let caller_is_object_owner = object_resource
        && is_account_principal(p)
        && p.account.as_deref() == Some(s3.object_owner.as_str());
    let Some((target, needed)) =
        acl::needed_permission(action, caller_is_bucket_owner, caller_is_object_owner)
    else {
        return found;
    };
    let grants = match target {
        acl::AclTarget::Bucket => &s3.bucket_acl,
        acl::AclTarget::Object if object_resource => &s3.object_acl,
        acl::AclTarget::Object => return found,
    };
    let canonical = p
        .account
        .as_ref()
        .filter(|_| is_account_principal(p))
        .and_then(|a| s3.canonical_ids.get(a))
        .map(String::as_str)
        .or(p.canonical_id.as_deref());
    let signed = p.kind != PrincipalType::Anonymous;
    for g in grants
        .iter()
        .filter(|g| acl::grant_applies(g, needed, canonical, signed))
    {
        match &g.grantee {
            acl::Grantee::CanonicalUser(_) => found.account = Some(g.permission),
            acl::Grantee::Group(_) if g.is_public() && ignore_public_acls => {
                found.public_ignored = true
            }
            acl::Grantee::Group(_) => found.everyone = Some(g.permission),
        }
    }
    found
}
