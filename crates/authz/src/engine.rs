//! AWS's evaluation logic: every layer, in AWS's order, combined with the same-account,
//! cross-account and principal-type rules, to one [`Decision`].
//!
//! The order [IAM `reference_policies_evaluation-logic`; reference §1.2, §4]: an explicit deny
//! anywhere decides; then every RCP and SCP level must allow, and a VPC endpoint policy must
//! allow; then some grant must exist — identity-side, resource-side, or both across accounts
//! (§1.3, §1.4, S3's contexts §3.3); then a permissions boundary and session policies limit
//! what is not exempt; role trust and KMS key policies (for requests on the key) must allow in
//! every case (§1.7); `sts:GetCallerIdentity` needs no permission at all. Which
//! layer a denial names when several deny is DESIGN.md's "When several layers deny".

use std::borrow::Cow;

use policy::{Outcome, PrincipalMatch, PrincipalType, Request};

use crate::decision::{Decision, PolicyTrace, Verdict};
use crate::input::{AuthzRequest, NamedPolicy, OrgLevel};
use crate::layer::Layer;
use crate::message;
use crate::principal::{is_account_principal, is_session};
use crate::s3::{acl, split_s3_arn};

/// Decides one request. `explain` asks for Gatehouse's explanation and the statement-by-statement
/// trace (the slow path); without it `explanation` is empty and `trace` too.
pub fn authorize(req: &AuthzRequest, explain: bool) -> Decision {
    // Actions compare without regard to case; lower-case once, on the stack when it fits.
    let mut buffer = [0u8; 128];
    let owned;
    let action: &str = match buffer.get_mut(..req.action.len()) {
        Some(buf) => {
            buf.copy_from_slice(req.action.as_bytes());
            buf.make_ascii_lowercase();
            // ASCII case changes keep UTF-8 valid.
            std::str::from_utf8(buf).unwrap_or(req.action)
        }
        None => {
            owned = req.action.to_ascii_lowercase();
            &owned
        }
    };
    let mut eval = Evaluator {
        req,
        request: Request::new(action, req.resource, req.principal, req.context),
        trace: explain.then(Vec::new),
    };
    let verdict = eval.decide();
    eval.finish(verdict)
}

/// What the evaluation found, before it becomes a [`Decision`].
enum Found {
    Allowed {
        policy: Option<String>,
        statement: Option<String>,
        how: Cow<'static, str>,
    },
    Denied {
        layer: Layer,
        explicit: bool,
        policy: Option<String>,
        statement: Option<String>,
        why: Cow<'static, str>,
    },
}

struct Evaluator<'a, 'r> {
    req: &'a AuthzRequest<'r>,
    request: Request<'a>,
    trace: Option<Vec<PolicyTrace>>,
}

/// A deny or allow pointing at one statement of one policy.
#[derive(Clone, Copy)]
struct Hit<'p> {
    policy: &'p NamedPolicy,
    statement: u32,
}

impl<'p> Hit<'p> {
    fn names(&self) -> (Option<String>, Option<String>) {
        (
            Some(self.policy.id.clone()),
            Some(
                self.policy
                    .policy
                    .statement_label(self.statement)
                    .to_string(),
            ),
        )
    }
}

/// One layer's policies evaluated: the first deny and the first allow (by ways the caller was
/// named, for resource policies).
#[derive(Default, Clone, Copy)]
struct LayerResult<'p> {
    deny: Option<Hit<'p>>,
    allow: Option<Hit<'p>>,
    outcome: Outcome,
}

impl<'a, 'r> Evaluator<'a, 'r> {
    fn evaluate(&mut self, layer: Layer, level: Option<&str>, np: &'a NamedPolicy) -> Outcome {
        match &mut self.trace {
            None => np.policy.evaluate(&self.request),
            Some(traces) => {
                let (outcome, statements) = np.policy.evaluate_traced(&self.request);
                traces.push(PolicyTrace {
                    layer,
                    policy: np.id.clone(),
                    level: level.map(str::to_string),
                    result: if outcome.deny.is_some() {
                        "deny"
                    } else if outcome.allow.is_some() {
                        "allow"
                    } else {
                        "none"
                    },
                    statements,
                });
                outcome
            }
        }
    }

    fn layer(
        &mut self,
        layer: Layer,
        policies: impl IntoIterator<Item = &'a NamedPolicy>,
    ) -> LayerResult<'a> {
        let mut result = LayerResult::default();
        for np in policies {
            let outcome = self.evaluate(layer, None, np);
            if result.deny.is_none() {
                result.deny = outcome.deny.map(|statement| Hit {
                    policy: np,
                    statement,
                });
            }
            if result.allow.is_none() {
                result.allow = outcome.allow.map(|statement| Hit {
                    policy: np,
                    statement,
                });
                result.outcome = outcome;
            }
        }
        result
    }

    /// SCPs or RCPs: a deny at any level, and the first level with no allow.
    fn org_levels(
        &mut self,
        layer: Layer,
        levels: &'a [OrgLevel],
    ) -> (Option<Hit<'a>>, Option<&'a OrgLevel>) {
        let mut deny = None;
        let mut missing = None;
        for level in levels {
            let mut allowed = false;
            for np in &level.policies {
                let outcome = self.evaluate(layer, Some(&level.target), np);
                if deny.is_none() {
                    deny = outcome.deny.map(|statement| Hit {
                        policy: np,
                        statement,
                    });
                }
                allowed |= outcome.allow.is_some();
            }
            if !allowed && missing.is_none() {
                missing = Some(level);
            }
        }
        (deny, missing)
    }

    fn decide(&mut self) -> Found {
        let req = self.req;
        let p = req.principal;
        let policies = req.policies;
        let action = self.request.action;
        let resource_layer = resource_layer_for(action);
        let account_principal = is_account_principal(p);
        let root = p.kind == PrincipalType::Account;

        // No permission is needed for sts:GetCallerIdentity, and a policy that denies it does
        // not stop it [STS GetCallerIdentity]: every signed caller is answered.
        if action == "sts:getcalleridentity" && p.kind != PrincipalType::Anonymous {
            return Found::Allowed {
                policy: None,
                statement: None,
                how: Cow::Borrowed(
                    "sts:GetCallerIdentity needs no permission and no policy can deny it",
                ),
            };
        }
        // A trust policy governs every `sts:AssumeRole*`; a key policy only the requests on its
        // key (`kms`): KMS requests on no key or on an alias follow IAM policies alone.
        let resource_policy_required = match resource_layer {
            Layer::Trust => true,
            Layer::Key => crate::kms::on_key(action, req.resource),
            _ => false,
        };
        let resource_policy = policies
            .resource
            .as_ref()
            .filter(|_| resource_layer != Layer::Key || resource_policy_required);

        // Decision: RCPs guard the resource account's resources from every caller, AWS service
        // principals included: AWS's own RCP examples exempt services explicitly with
        // `aws:PrincipalIsAWSService` (KMS "Resource control policies", Organizations RCP
        // examples), which they would not need to if RCPs skipped them.
        let (rcp_deny, rcp_missing) = self.org_levels(Layer::Rcp, &policies.rcp);
        // SCPs limit principals of member accounts, root users included; not anonymous callers
        // or service principals, which belong to no account (reference §1.5).
        let (scp_deny, scp_missing) = if account_principal {
            self.org_levels(Layer::Scp, &policies.scp)
        } else {
            (None, None)
        };
        let vpce = policies
            .vpc_endpoint
            .as_ref()
            .map(|np| self.layer(Layer::VpcEndpoint, [np]));
        let resource = resource_policy.map(|np| self.layer(resource_layer, [np]));
        // The root user has no identity policies or boundary (reference §1.8).
        let identity_side = account_principal && !root;
        let identity = if identity_side {
            self.layer(Layer::Identity, &policies.identity)
        } else {
            LayerResult::default()
        };
        let boundary = policies
            .permissions_boundary
            .as_ref()
            .filter(|_| identity_side)
            .map(|np| self.layer(Layer::PermissionsBoundary, [np]));
        let session = if is_session(p) {
            self.layer(Layer::Session, &policies.session)
        } else {
            LayerResult::default()
        };

        // S3's owners: bucket-policy allows cover only objects the bucket owner owns; its denies
        // cover all (reference §3.3).
        let s3 = req.s3.filter(|_| action.starts_with("s3:"));
        let bucket_owner = s3.map_or(req.resource_account, |s| s.bucket_owner.as_str());
        let object_resource =
            s3.is_some() && split_s3_arn(req.resource).is_some_and(|(_, key)| key.is_some());
        let owner_for_allow = match s3 {
            Some(s) if object_resource && !writes_into_bucket(action) => s.object_owner.as_str(),
            _ => bucket_owner,
        };
        let in_bucket_owner_account =
            account_principal && p.account.as_deref() == Some(bucket_owner);

        // 1. Explicit denies, in DESIGN.md's order.
        if let Some(hit) = rcp_deny {
            return denied(
                Layer::Rcp,
                true,
                Some(hit),
                "a resource control policy denies it",
            );
        }
        if let Some(hit) = scp_deny {
            return denied(
                Layer::Scp,
                true,
                Some(hit),
                "a service control policy denies it",
            );
        }
        if let Some(hit) = vpce.and_then(|v| v.deny) {
            return denied(
                Layer::VpcEndpoint,
                true,
                Some(hit),
                "the VPC endpoint policy denies it",
            );
        }
        let bpa = s3.map(|s| s.block_public_access()).unwrap_or_default();
        // RestrictPublicBuckets: only the bucket owner's account and AWS services keep access
        // through a public bucket policy (reference §3.6). Cheap tests first: whether the
        // policy is public is worked out once per policy.
        let outsider = !in_bucket_owner_account && p.kind != PrincipalType::Service;
        if bpa.restrict_public_buckets
            && outsider
            && resource_layer == Layer::Resource
            && s3.is_some()
        {
            if let Some((np, statement)) = policies
                .resource
                .as_ref()
                .and_then(|np| np.public_statement().map(|s| (np, s)))
            {
                return Found::Denied {
                    layer: Layer::S3BlockPublicAccess,
                    explicit: true,
                    policy: Some(np.id.clone()),
                    statement: Some(statement.to_string()),
                    why: Cow::Borrowed("the bucket policy is public and RestrictPublicBuckets admits only the bucket owner's account and AWS services"),
                };
            }
        }
        // The bucket owner's root can always repair its own bucket policy (reference §1.8).
        let owner_root_policy_repair = root
            && p.account.as_deref() == Some(bucket_owner)
            && matches!(
                action,
                "s3:getbucketpolicy" | "s3:putbucketpolicy" | "s3:deletebucketpolicy"
            );
        if resource_layer == Layer::Resource && !owner_root_policy_repair {
            if let Some(hit) = resource.and_then(|r| r.deny) {
                return denied(
                    Layer::Resource,
                    true,
                    Some(hit),
                    "the bucket policy denies it",
                );
            }
        }
        if let Some(hit) = identity.deny {
            return denied(
                Layer::Identity,
                true,
                Some(hit),
                "an identity-based policy denies it",
            );
        }
        if let Some(hit) = boundary.and_then(|b| b.deny) {
            return denied(
                Layer::PermissionsBoundary,
                true,
                Some(hit),
                "the permissions boundary denies it",
            );
        }
        if let Some(hit) = session.deny {
            return denied(
                Layer::Session,
                true,
                Some(hit),
                "a session policy denies it",
            );
        }
        if resource_layer != Layer::Resource {
            if let Some(hit) = resource.and_then(|r| r.deny) {
                return denied(
                    resource_layer,
                    true,
                    Some(hit),
                    "the resource policy denies it",
                );
            }
        }

        // 2. Every organization level and the endpoint must allow.
        if let Some(level) = rcp_missing {
            return missing(
                Layer::Rcp,
                format!(
                    "no resource control policy attached at {} allows it",
                    level.target
                ),
            );
        }
        if let Some(level) = scp_missing {
            return missing(
                Layer::Scp,
                format!(
                    "no service control policy attached at {} allows it",
                    level.target
                ),
            );
        }
        if vpce.is_some_and(|v| v.allow.is_none()) {
            return missing(
                Layer::VpcEndpoint,
                "the VPC endpoint policy does not allow it",
            );
        }

        // 3. The grant.
        let resource_counts = owner_for_allow == bucket_owner;
        let resource_allows: Vec<(PrincipalMatch, Hit)> = match (resource_policy, resource) {
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
        let acl = s3
            .map(|s| {
                acl_grants(
                    s,
                    action,
                    object_resource,
                    p,
                    in_bucket_owner_account,
                    bpa.ignore_public_acls,
                )
            })
            .unwrap_or_default();
        let same_account = account_principal && p.account.as_deref() == Some(owner_for_allow);
        let identity_allow = identity.allow;
        let resource_hit = |kinds: &[PrincipalMatch]| {
            resource_allows
                .iter()
                .find(|(m, _)| kinds.contains(m))
                .map(|(_, h)| *h)
        };
        // Grants that no boundary or session policy limits (reference §1.3): naming the user,
        // the session or the federated user itself, a service, or `*`. Decision: `*` counts
        // whether or not an `aws:PrincipalArn` condition narrows it — the IAM page's sentence
        // is about that form, and a bare `*` grants at least as much to the same caller.
        let unlimited_kinds = [
            PrincipalMatch::User,
            PrincipalMatch::Session,
            PrincipalMatch::FederatedUser,
            PrincipalMatch::Wildcard,
            PrincipalMatch::Service,
            PrincipalMatch::Federated,
        ];
        // Decision, who to name when nothing grants: Block Public Access if it took a public ACL grant
        // away; across accounts, for an object another account owns, its ACL — the only thing
        // that could grant (DESIGN.md names `resource` for anonymous callers whatever the owner).
        let no_grant_layer = |default: Layer| {
            if acl.public_ignored {
                Layer::S3BlockPublicAccess
            } else if !resource_counts && default == Layer::Resource && account_principal {
                Layer::Acl
            } else {
                default
            }
        };

        // `unlimited`: a grant no boundary or session policy limits; `grant`: the statement that
        // allows, for the answer.
        let (unlimited, grant): (bool, Option<Hit>) = if !account_principal {
            // Anonymous callers and services: only the resource side can grant (§1.5).
            let hit = resource_hit(&unlimited_kinds);
            if hit.is_none() && acl.everyone.is_none() {
                return missing(
                    no_grant_layer(resource_layer),
                    "no resource-based policy or ACL grants it to this caller",
                );
            }
            (true, hit)
        } else if same_account {
            let unlimited_hit = resource_hit(&unlimited_kinds);
            // Decision: a grant to AllUsers/AuthenticatedUsers names no account to delegate to: like
            // `"Principal": "*"`, it needs no identity-side allow in the same account. A grant
            // to the caller's own account is delegation and adds nothing to it.
            if root || unlimited_hit.is_some() || acl.everyone.is_some() {
                (true, unlimited_hit)
            } else if let Some(hit) =
                identity_allow.or_else(|| resource_hit(&[PrincipalMatch::Role]))
            {
                (false, Some(hit))
            } else {
                return missing(
                    no_grant_layer(Layer::Identity),
                    "no identity-based policy allows it, and no resource-based policy grants it to this caller itself",
                );
            }
        } else {
            // Across accounts both sides must allow (§1.4); the root user's own side needs no
            // identity policy.
            if !root && identity_allow.is_none() {
                return missing(Layer::Identity, "no identity-based policy in the caller's account allows it (across accounts both sides must allow)");
            }
            let trusting = resource_allows.first().map(|(_, h)| *h);
            if trusting.is_none() && acl.account.is_none() && acl.everyone.is_none() {
                return missing(
                    no_grant_layer(resource_layer),
                    "the resource's account grants nothing to this caller (across accounts both sides must allow)",
                );
            }
            (false, identity_allow.or(trusting))
        };

        // 4. Limits on what the grant did not exempt.
        if !unlimited {
            if let Some(b) = boundary {
                if b.allow.is_none() {
                    return missing(
                        Layer::PermissionsBoundary,
                        "the permissions boundary does not allow it",
                    );
                }
            }
            if is_session(p) {
                let no_session_allow = if policies.session.is_empty() {
                    // A federated-user session without a session policy has no permissions
                    // [STS GetFederationToken]; a role session without one is not limited.
                    p.kind == PrincipalType::FederatedUser
                } else {
                    // Inline `Policy` and `PolicyArns` together are the session's policies:
                    // an allow in any of them is an allow of the session policy.
                    session.allow.is_none()
                };
                if no_session_allow {
                    return missing(Layer::Session, "no session policy allows it");
                }
            }
        }

        // 5. Role trust and KMS key policies must allow the caller themselves (§1.7).
        if resource_policy_required && resource_allows.is_empty() {
            let what = if resource_layer == Layer::Trust {
                "the role trust policy"
            } else {
                "the key policy"
            };
            return missing(resource_layer, format!("{what} does not allow this caller"));
        }

        let (policy, statement) = grant.map(|h| h.names()).unwrap_or((None, None));
        let how = match (&policy, acl.everyone.or(acl.account)) {
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

    fn finish(self, found: Found) -> Decision {
        let req = self.req;
        let p = req.principal;
        let resource_account = req
            .s3
            .map_or(req.resource_account, |s| s.bucket_owner.as_str());
        let explain = self.trace.is_some();
        match found {
            Found::Allowed {
                policy,
                statement,
                how,
            } => Decision {
                verdict: Verdict::Allowed,
                denied_by: None,
                explanation: match (&policy, &statement) {
                    _ if !explain => String::new(),
                    (Some(pol), Some(st)) => format!(
                        "{} may perform {} on {}: statement {st} of {pol} allows it.",
                        p.arn, req.action, req.resource
                    ),
                    _ => format!(
                        "{} may perform {} on {}: {how}.",
                        p.arn, req.action, req.resource
                    ),
                },
                policy,
                statement,
                message: None,
                trace: self.trace.unwrap_or_default(),
            },
            Found::Denied {
                layer,
                explicit,
                policy,
                statement,
                why,
            } => {
                let same_org = match (
                    req.context.single("aws:PrincipalOrgID"),
                    req.context.single("aws:ResourceOrgID"),
                ) {
                    (Some(a), Some(b)) => a == b,
                    _ => false,
                };
                let message =
                    if message::gets_enhanced(p, req.action, resource_account, same_org, layer) {
                        message::enhanced(p, req.action, req.resource, layer, explicit)
                    } else {
                        message::PLAIN.to_string()
                    };
                let place = match (&policy, &statement) {
                    _ if !explain => String::new(),
                    (Some(pol), Some(st)) => format!(" (statement {st} of {pol})"),
                    _ => String::new(),
                };
                Decision {
                    verdict: if explicit {
                        Verdict::ExplicitDeny
                    } else {
                        Verdict::ImplicitDeny
                    },
                    denied_by: Some(layer),
                    explanation: if explain {
                        format!(
                            "{} may not perform {} on {}: {why}{place} [layer {layer}].",
                            p.arn, req.action, req.resource
                        )
                    } else {
                        String::new()
                    },
                    policy,
                    statement,
                    message: Some(message),
                    trace: self.trace.unwrap_or_default(),
                }
            }
        }
    }
}

fn denied(layer: Layer, explicit: bool, hit: Option<Hit>, why: &'static str) -> Found {
    let (policy, statement) = hit.map(|h| h.names()).unwrap_or((None, None));
    Found::Denied {
        layer,
        explicit,
        policy,
        statement,
        why: Cow::Borrowed(why),
    }
}

fn missing(layer: Layer, why: impl Into<Cow<'static, str>>) -> Found {
    Found::Denied {
        layer,
        explicit: false,
        policy: None,
        statement: None,
        why: why.into(),
    }
}

/// Whose resource policy the target has: a key policy for KMS, a trust policy for
/// `sts:AssumeRole*`, else a resource (bucket) policy.
pub(crate) fn resource_layer_for(action_lower: &str) -> Layer {
    // The STS actions on a role — assuming it and what may come with that (session tags, a
    // source identity, context) — are all allowed by its trust policy [IAM
    // `id_session-tags` "sts:TagSession", `id_credentials_temp_control-access_monitor`].
    const ON_ROLE: [&str; 4] = [
        "sts:assumerole",
        "sts:tagsession",
        "sts:setsourceidentity",
        "sts:setcontext",
    ];
    if action_lower.starts_with("kms:") {
        Layer::Key
    } else if ON_ROLE.iter().any(|a| action_lower.starts_with(a)) {
        Layer::Trust
    } else {
        Layer::Resource
    }
}

/// Writes that act on the bucket's behalf: a new object, or a delete, which the bucket owner
/// may do to any object (reference §3.3) — decided in the bucket owner's context.
fn writes_into_bucket(action_lower: &str) -> bool {
    matches!(
        action_lower,
        "s3:putobject" | "s3:deleteobject" | "s3:deleteobjectversion"
    )
}

/// The ACL grants that cover this request (ACLs on), by whom they name.
#[derive(Clone, Copy, Default)]
struct AclGrants {
    /// A grant to the caller's account, by canonical id.
    account: Option<acl::Permission>,
    /// A group grant (AllUsers, AuthenticatedUsers) that still counts.
    everyone: Option<acl::Permission>,
    /// IgnorePublicAcls took a public grant away.
    public_ignored: bool,
}

/// Which ACL grants cover this request [S3 `acl-overview`]; public ones count for nothing under
/// IgnorePublicAcls [S3 `access-control-block-public-access`].
fn acl_grants(
    s3: &crate::s3::S3Facts,
    action: &str,
    object_resource: bool,
    p: &policy::RequestPrincipal,
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
