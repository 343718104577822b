//! The verification mode (`GATEHOUSE_VERIFY_DECISIONS=1`, or `verify_decisions = true`): every
//! decision is made a second time from what the store holds now, with every cache bypassed —
//! the store's, the compiled policies', the resolved callers'. A difference means a cache
//! served something the store no longer says: both decisions are logged and the request is
//! answered 500, so a test cannot pass over it. A write committed while the request was being
//! decided makes a difference legitimate; such requests are not compared.

use std::sync::Arc;

use authz::{authorize, AuthzRequest, Decision, Policies};

use crate::authorize::context::{add_carried_keys, request_context};
use crate::authorize::denied::Denied;
use crate::authorize::facts::{add_perimeter, identity_policies, s3_facts};
use crate::authorize::question::{arn, Question};
use crate::caller::Caller;
use crate::identity::{CallerIdentity, Identities};
use crate::state::Gatehouse;

/// The caller resolved again from the store alone, on a copy of `caller`.
fn fresh_caller(gatehouse: &Gatehouse, caller: &Caller) -> Caller {
    let identity = match &caller.key {
        Some(key) => Identities::default().resolve(&gatehouse.store, key),
        None => Arc::new(CallerIdentity::anonymous()),
    };
    Caller {
        identity,
        ..caller.clone()
    }
}

/// Why the uncached decision could not be made (a mismatch, answered 500).
#[derive(Debug, thiserror::Error)]
enum Unverifiable {
    #[error("{0}")]
    Caller(String),
    #[error("the store cannot answer: {0}")]
    Store(#[from] store::StoreError),
    #[error("bucket {0} is gone")]
    BucketGone(String),
    #[error("S3's facts cannot be gathered")]
    Facts,
    #[error("the organizations or VPC endpoints cannot be read")]
    Perimeter,
}

/// An S3 question: the caller, the bucket, its policy, its ACL and both levels of Block Public
/// Access read again. (The object is never cached: the question's own is used.)
pub fn s3_question(
    gatehouse: &Gatehouse,
    caller: &Caller,
    q: &Question,
    cached: &AuthzRequest,
) -> Result<(), Denied> {
    let fresh = gatehouse
        .store
        .bypassing_caches(|| -> Result<Decision, Unverifiable> {
            let caller = fresh_caller(gatehouse, caller);
            if let Some(fault) = &caller.identity.fault {
                return Err(Unverifiable::Caller(fault.clone()));
            }
            let bucket = gatehouse
                .store
                .bucket(&q.bucket.name)?
                .ok_or_else(|| Unverifiable::BucketGone(q.bucket.name.clone()))?;
            let resource = arn(&bucket.name, q.key);
            let mut context = request_context(gatehouse, &caller, &bucket.owner);
            let resource_type = if q.key.is_some() { "object" } else { "bucket" };
            add_carried_keys(&mut context, q.action, Some(resource_type), &q.keys);
            let mut policies = Policies {
                resource: gatehouse.bucket_policy(&bucket)?.map(|(p, _)| p),
                ..identity_policies(&caller)
            };
            add_perimeter(gatehouse, &mut policies, &caller, q.action, &bucket.owner)
                .map_err(|_| Unverifiable::Perimeter)?;
            let s3 =
                s3_facts(gatehouse, &caller, &bucket, q.object).map_err(|_| Unverifiable::Facts)?;
            Ok(authorize(
                &AuthzRequest {
                    principal: caller.principal(),
                    action: q.action,
                    resource: &resource,
                    resource_account: &bucket.owner,
                    context: &context,
                    policies: &policies,
                    s3: Some(&s3),
                },
                false,
            ))
        });
    compare(gatehouse, caller, cached, fresh)
}

/// A question without S3's layers (IAM, STS): the caller's identity-side policies read again;
/// the rest of the question (a role's trust policy, compiled by content) is kept.
pub fn identity_side(
    gatehouse: &Gatehouse,
    caller: &Caller,
    cached: &AuthzRequest,
) -> Result<(), Denied> {
    let fresh = gatehouse
        .store
        .bypassing_caches(|| -> Result<Decision, Unverifiable> {
            let caller = fresh_caller(gatehouse, caller);
            if let Some(fault) = &caller.identity.fault {
                return Err(Unverifiable::Caller(fault.clone()));
            }
            let mut policies = Policies {
                resource: cached.policies.resource.clone(),
                ..identity_policies(&caller)
            };
            add_perimeter(
                gatehouse,
                &mut policies,
                &caller,
                cached.action,
                cached.resource_account,
            )
            .map_err(|_| Unverifiable::Perimeter)?;
            Ok(authorize(
                &AuthzRequest {
                    principal: caller.principal(),
                    policies: &policies,
                    ..*cached
                },
                false,
            ))
        });
    compare(gatehouse, caller, cached, fresh)
}

fn compare(
    gatehouse: &Gatehouse,
    caller: &Caller,
    cached: &AuthzRequest,
    fresh: Result<Decision, Unverifiable>,
) -> Result<(), Denied> {
    if gatehouse.store.generation() != caller.generation {
        return Ok(());
    }
    let cached_decision = authorize(cached, false);
    let same = match &fresh {
        Ok(d) => summary(d) == summary(&cached_decision),
        Err(_) => false,
    };
    if same {
        return Ok(());
    }
    eprintln!(
        "gatehouse: VERIFY MISMATCH request {} {} on {} by {}: cached {:?}, uncached {:?}",
        caller.connection.request_id,
        cached.action,
        cached.resource,
        caller.principal().arn,
        summary(&cached_decision),
        fresh.as_ref().map(summary),
    );
    Err(Denied::internal())
}

fn summary(
    d: &Decision,
) -> (
    &'static str,
    Option<&'static str>,
    Option<&str>,
    Option<&str>,
) {
    (
        d.verdict.as_str(),
        d.denied_by.map(|l| l.as_str()),
        d.policy.as_deref(),
        d.statement.as_deref(),
    )
}
