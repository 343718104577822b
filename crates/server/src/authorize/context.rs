//! The request context a real request carries: the global condition keys from the caller and
//! the connection, and the service keys the catalogue says an action carries.

use std::time::{SystemTime, UNIX_EPOCH};

use authz::catalog::catalog;
use policy::{Context, ContextValue, PrincipalType};

use crate::caller::Caller;
use crate::state::Gatehouse;

pub fn single(v: impl Into<String>) -> ContextValue {
    ContextValue::Single(v.into())
}

/// The global keys every request carries [IAM `reference_policies_condition-keys`], and the
/// S3 keys of its signature.
pub fn request_context(gatehouse: &Gatehouse, caller: &Caller, resource_account: &str) -> Context {
    // Room for the keys set here and the ones the action carries, without regrowing.
    let mut c = Context::with_capacity(32);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    c.insert(
        "aws:CurrentTime",
        single(audit::clock::iso8601(now.as_secs())),
    );
    c.insert("aws:EpochTime", single(now.as_secs().to_string()));
    c.insert(
        "aws:SecureTransport",
        single(caller.connection.secure.to_string()),
    );
    let peer = caller.connection.source_ip();
    match caller
        .connection
        .vpc_endpoint
        .as_deref()
        .and_then(|id| gatehouse.vpc_endpoint(id))
    {
        // Through a VPC endpoint: the endpoint and its VPC, the address inside the VPC, and no
        // aws:SourceIp [IAM `reference_policies_condition-keys`, aws:SourceVpce, aws:VpcSourceIp].
        Some(endpoint) => {
            c.insert("aws:SourceVpce", single(endpoint.id.clone()));
            c.insert("aws:SourceVpc", single(endpoint.vpc.clone()));
            c.insert("aws:VpcSourceIp", single(peer));
        }
        None => c.insert("aws:SourceIp", single(peer)),
    }
    c.insert("aws:RequestedRegion", single(caller.region.clone()));
    c.insert("aws:ResourceAccount", single(resource_account));
    c.insert("s3:ResourceAccount", single(resource_account));
    c.insert("aws:ViaAWSService", single("false"));
    if let Some(ua) = &caller.user_agent {
        c.insert("aws:UserAgent", single(ua.clone()));
    }
    let p = &caller.identity.principal;
    let kind = match p.kind {
        PrincipalType::Anonymous => "Anonymous",
        PrincipalType::Account => "Account",
        PrincipalType::User => "User",
        PrincipalType::AssumedRole => "AssumedRole",
        PrincipalType::FederatedUser => "FederatedUser",
        PrincipalType::Service | PrincipalType::WebIdentity => "AWSService",
    };
    c.insert("aws:PrincipalType", single(kind));
    match &p.account {
        Some(account) => {
            c.insert(
                "aws:PrincipalArn",
                single(p.role_arn.clone().unwrap_or_else(|| p.arn.clone())),
            );
            c.insert("aws:PrincipalAccount", single(account.clone()));
            c.insert("aws:PrincipalIsAWSService", single("false"));
            for (key, value) in &caller.identity.keys {
                c.insert(key.clone(), value.clone());
            }
            c.insert(
                "s3:authType",
                single(if caller.presigned {
                    "REST-QUERY-STRING"
                } else {
                    "REST-HEADER"
                }),
            );
            c.insert("s3:signatureversion", single("AWS4-HMAC-SHA256"));
        }
        None => {
            c.insert("aws:PrincipalAccount", single("anonymous"));
            c.insert("aws:userid", single("anonymous"));
        }
    }
    add_organization_keys(&mut c, gatehouse, p.account.as_deref(), resource_account);
    c
}

/// `aws:PrincipalOrgID`/`aws:PrincipalOrgPaths` of the caller's account and
/// `aws:ResourceOrgID`/`aws:ResourceOrgPaths` of the resource's, when they are in an
/// organization [IAM `reference_policies_condition-keys`]. Should the organizations not read,
/// the keys are left out and the decision itself is refused (`facts::add_organization`).
fn add_organization_keys(
    c: &mut Context,
    gatehouse: &Gatehouse,
    principal_account: Option<&str>,
    resource_account: &str,
) {
    let Ok(view) = gatehouse.organizations() else {
        return;
    };
    if let Some(place) = principal_account.and_then(|a| view.place(a)) {
        c.insert("aws:PrincipalOrgID", single(place.org_id.clone()));
        c.insert(
            "aws:PrincipalOrgPaths",
            ContextValue::Multi(vec![place.org_path.clone()]),
        );
    }
    if let Some(place) = view.place(resource_account) {
        c.insert("aws:ResourceOrgID", single(place.org_id.clone()));
        c.insert(
            "aws:ResourceOrgPaths",
            ContextValue::Multi(vec![place.org_path.clone()]),
        );
    }
}

/// Adds the request's keys that the catalogue says `action` carries on its resource type.
pub fn add_carried_keys(
    context: &mut Context,
    action: &str,
    resource_type: Option<&str>,
    keys: &[(String, ContextValue)],
) {
    for (key, value) in keys {
        if catalog().carries_key(action, resource_type, key) {
            context.insert(key.clone(), value.clone());
        }
    }
}

/// Are both accounts in one organization (what `aws:PrincipalOrgID` = `aws:ResourceOrgID`
/// says of a request's context)?
pub fn same_organization(gatehouse: &Gatehouse, a: Option<&str>, b: &str) -> bool {
    let Ok(view) = gatehouse.organizations() else {
        return false;
    };
    match (a.and_then(|a| view.place(a)), view.place(b)) {
        (Some(x), Some(y)) => x.org_id == y.org_id,
        _ => false,
    }
}
