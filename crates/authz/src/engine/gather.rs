//! Before any rule: every layer that applies to the caller evaluated once, and the facts the
//! rules compare — whose resource policy the target has, the bucket and object owners S3's
//! rules turn on, Block Public Access.

use policy::{PrincipalType, RequestPrincipal};

use super::evaluator::{Evaluator, Hit, LayerResult};
use crate::input::{NamedPolicy, OrgLevel, Policies};
use crate::layer::Layer;
use crate::principal::{is_account_principal, is_session};
use crate::s3::{split_s3_arn, BlockPublicAccess, S3Facts};

/// What the rules of every phase read.
pub(super) struct Gathered<'a> {
    pub principal: &'a RequestPrincipal,
    pub policies: &'a Policies,
    /// Lower-case.
    pub action: &'a str,
    /// The kind of resource policy the target has: bucket, trust or key policy.
    pub resource_layer: Layer,
    /// A principal of some account (not anonymous, not a service).
    pub account_principal: bool,
    /// The account's root user.
    pub root: bool,
    /// A trust policy must allow every `sts:AssumeRole*`; a key policy every request on its key.
    pub resource_policy_required: bool,
    /// The resource policy that takes part (a key policy only for requests on its key).
    pub resource_policy: Option<&'a NamedPolicy>,
    pub rcp_deny: Option<Hit<'a>>,
    pub rcp_missing: Option<&'a OrgLevel>,
    pub scp_deny: Option<Hit<'a>>,
    pub scp_missing: Option<&'a OrgLevel>,
    pub vpce: Option<LayerResult<'a>>,
    pub resource: Option<LayerResult<'a>>,
    pub identity: LayerResult<'a>,
    pub boundary: Option<LayerResult<'a>>,
    pub session: LayerResult<'a>,
    /// S3's facts, for an `s3:` action.
    pub s3: Option<&'a S3Facts>,
    pub bucket_owner: &'a str,
    /// The resource is an object (not a bucket).
    pub object_resource: bool,
    /// Whose resource-policy allows count: the object owner's for reads of an object, else the
    /// bucket owner's (reference §3.3).
    pub owner_for_allow: &'a str,
    pub in_bucket_owner_account: bool,
    pub bpa: BlockPublicAccess,
}

pub(super) fn gather<'a>(eval: &mut Evaluator<'a, '_>) -> Gathered<'a> {
    let req = eval.req;
    let p = req.principal;
    let policies = req.policies;
    let action = eval.request.action;
    let resource_layer = resource_layer_for(action);
    let account_principal = is_account_principal(p);
    let root = p.kind == PrincipalType::Account;

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
    let (rcp_deny, rcp_missing) = eval.org_levels(Layer::Rcp, &policies.rcp);
    // SCPs limit principals of member accounts, root users included; not anonymous callers
    // or service principals, which belong to no account (reference §1.5).
    let (scp_deny, scp_missing) = if account_principal {
        eval.org_levels(Layer::Scp, &policies.scp)
    } else {
        (None, None)
    };
    let vpce = policies
        .vpc_endpoint
        .as_ref()
        .map(|np| eval.layer(Layer::VpcEndpoint, [np]));
    let resource = resource_policy.map(|np| eval.layer(resource_layer, [np]));
    // The root user has no identity policies or boundary (reference §1.8).
    let identity_side = account_principal && !root;
    let identity = if identity_side {
        eval.layer(Layer::Identity, &policies.identity)
    } else {
        LayerResult::default()
    };
    let boundary = policies
        .permissions_boundary
        .as_ref()
        .filter(|_| identity_side)
        .map(|np| eval.layer(Layer::PermissionsBoundary, [np]));
    let session = if is_session(p) {
        eval.layer(Layer::Session, &policies.session)
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
    let in_bucket_owner_account = account_principal && p.account.as_deref() == Some(bucket_owner);
    Gathered {
        principal: p,
        policies,
        action,
        resource_layer,
        account_principal,
        root,
        resource_policy_required,
        resource_policy,
        rcp_deny,
        rcp_missing,
        scp_deny,
        scp_missing,
        vpce,
        resource,
        identity,
        boundary,
        session,
        s3,
        bucket_owner,
        object_resource,
        owner_for_allow,
        in_bucket_owner_account,
        bpa: s3.map(|s| s.block_public_access()).unwrap_or_default(),
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
