//! Step 3–5 of the request path for S3: an operation's question (action, resource, keys) with
//! the request context a real request carries, decided by the engine; a denial becomes AWS's
//! AccessDenied plus, for the callers `explain_denials` admits, the `x-gatehouse-*` headers.
//!
//! The children, in the order a question goes: `question`, `context` (the keys a request
//! carries), `facts` (what S3 and the caller's identity bring), then deciding and recording
//! here, with `record` (the audit trail's form) and `denied` (the protocols' form).

pub(crate) mod context;
pub(crate) mod denied;
pub(crate) mod facts;
pub mod grants;
pub mod key;
pub(crate) mod question;
mod record;

pub use context::{add_carried_keys, request_context};
pub use denied::{denied, Denied, Explanation};
pub use facts::{add_perimeter, bpa, identity_policies, ownership_of, s3_facts};
pub use question::{arn, Question};

use authz::catalog::catalog;
use authz::{authorize, AuthzRequest, Decision, Policies};
use policy::ContextValue;

use crate::caller::Caller;
use crate::identity::Consulted;
use crate::state::Gatehouse;

/// A question made ready for the engine: the very request a real one makes (the doctor asks
/// the same, and changes its policies to try a fix).
pub struct Prepared {
    pub resource: String,
    pub context: policy::Context,
    pub policies: Policies,
    pub s3: authz::s3::S3Facts,
    /// The resource policies consulted, by id and version (for the audit trail).
    pub consulted: Vec<(String, i64)>,
}

impl Prepared {
    pub fn request<'a>(&'a self, caller: &'a Caller, q: &'a Question) -> AuthzRequest<'a> {
        AuthzRequest {
            principal: caller.principal(),
            action: q.action,
            resource: &self.resource,
            resource_account: &q.bucket.owner,
            context: &self.context,
            policies: &self.policies,
            s3: Some(&self.s3),
        }
    }
}

/// Gathers everything `q` is decided on: the context keys, the bucket policy, the caller's
/// policies, the perimeter, S3's facts.
pub fn prepare(gatehouse: &Gatehouse, caller: &Caller, q: &Question) -> Result<Prepared, Denied> {
    let resource = arn(&q.bucket.name, q.key);
    let mut context = request_context(gatehouse, caller, &q.bucket.owner);
    let resource_type = if q.key.is_some() { "object" } else { "bucket" };
    add_carried_keys(&mut context, q.action, Some(resource_type), &q.keys);
    let bucket_policy = gatehouse.bucket_policy(q.bucket).map_err(Denied::fault)?;
    let consulted: Vec<(String, i64)> = bucket_policy
        .iter()
        .map(|(p, v)| (p.id.to_string(), *v))
        .collect();
    let mut policies = Policies {
        resource: bucket_policy.map(|(p, _)| p),
        ..identity_policies(caller)
    };
    add_perimeter(gatehouse, &mut policies, caller, q.action, &q.bucket.owner)?;
    let s3 = s3_facts(gatehouse, caller, q.bucket, q.object)?;
    Ok(Prepared {
        resource,
        context,
        policies,
        s3,
        consulted,
    })
}

/// Decides `q` for `caller`; `Err` is the response AWS would give.
pub fn check(gatehouse: &Gatehouse, caller: &Caller, q: Question) -> Result<Decision, Denied> {
    let prepared = prepare(gatehouse, caller, &q)?;
    let request = prepared.request(caller, &q);
    if gatehouse.verify_decisions {
        crate::verify::s3_question(gatehouse, caller, &q, &request)?;
    }
    decide_recorded(gatehouse, caller, &request, &prepared.consulted)
}

/// Decides a question that no bucket holds (ListBuckets, CreateBucket): the caller's own
/// account is the resource's.
pub fn check_account_action(
    gatehouse: &Gatehouse,
    caller: &Caller,
    action: &str,
    resource: &str,
) -> Result<Decision, Denied> {
    check_in_own_account(gatehouse, caller, action, resource, Vec::new())
}

/// Decides `action` on a resource of the caller's own account (IAM's resources, S3's account
/// actions), with the request keys the catalogue says the action carries.
pub fn check_in_own_account(
    gatehouse: &Gatehouse,
    caller: &Caller,
    action: &str,
    resource: &str,
    keys: Vec<(String, ContextValue)>,
) -> Result<Decision, Denied> {
    let account = caller.account().unwrap_or("anonymous").to_string();
    check_on_resource(gatehouse, caller, action, resource, &account, None, &keys)
}

/// The context and policies of `action` on a resource of `resource_account` that has its own
/// resource policy or none (a KMS key and its key policy), with the request keys the catalogue
/// says the action carries.
pub fn prepare_on_resource(
    gatehouse: &Gatehouse,
    caller: &Caller,
    action: &str,
    resource: &str,
    resource_account: &str,
    resource_policy: Option<authz::NamedPolicy>,
    keys: &[(String, ContextValue)],
) -> Result<(policy::Context, Policies), Denied> {
    let mut context = request_context(gatehouse, caller, resource_account);
    let resource_type = catalog().resource_type_of(action, resource);
    add_carried_keys(&mut context, action, resource_type, keys);
    let mut policies = Policies {
        resource: resource_policy,
        ..identity_policies(caller)
    };
    add_perimeter(gatehouse, &mut policies, caller, action, resource_account)?;
    Ok((context, policies))
}

/// Decides what [`prepare_on_resource`] prepares.
pub fn check_on_resource(
    gatehouse: &Gatehouse,
    caller: &Caller,
    action: &str,
    resource: &str,
    resource_account: &str,
    resource_policy: Option<authz::NamedPolicy>,
    keys: &[(String, ContextValue)],
) -> Result<Decision, Denied> {
    let (context, policies) = prepare_on_resource(
        gatehouse,
        caller,
        action,
        resource,
        resource_account,
        resource_policy,
        keys,
    )?;
    let request = AuthzRequest {
        principal: caller.principal(),
        action,
        resource,
        resource_account,
        context: &context,
        policies: &policies,
        s3: None,
    };
    decide_recorded(gatehouse, caller, &request, &[])
}

/// Decides, and records the decision for the audit trail: an allow with its statement and the
/// policies consulted (id and version, enough to replay it), a denial with its full trace.
pub fn decide_recorded(
    gatehouse: &Gatehouse,
    caller: &Caller,
    request: &AuthzRequest,
    consulted: &[(String, i64)],
) -> Result<Decision, Denied> {
    decide_with_documents(gatehouse, caller, request, consulted, &[])
}

/// [`decide_recorded`] naming, besides the caller's identity-side documents, others consulted
/// (a role's trust policy) by id and digest.
pub fn decide_with_documents(
    gatehouse: &Gatehouse,
    caller: &Caller,
    request: &AuthzRequest,
    consulted: &[(String, i64)],
    documents: &[Consulted],
) -> Result<Decision, Denied> {
    if caller.identity.fault.is_some() {
        return Err(Denied::internal());
    }
    if gatehouse.verify_decisions && request.s3.is_none() {
        crate::verify::identity_side(gatehouse, caller, request)?;
    }
    let decision = authorize(request, false);
    let traced = (!decision.is_allowed()).then(|| authorize(request, true));
    let record = record::record(
        request,
        &decision,
        traced.as_ref(),
        consulted,
        [caller.identity.documents.as_slice(), documents],
        &caller.identity.keys,
    );
    gatehouse.audit.note(&caller.connection.request_id, |p| {
        p.decisions.push(record);
        p.region = Some(caller.region.clone());
        p.resource_account
            .get_or_insert_with(|| request.resource_account.to_string());
    });
    if decision.is_allowed() {
        return Ok(decision);
    }
    Err(denied(gatehouse, caller, request, &decision))
}
