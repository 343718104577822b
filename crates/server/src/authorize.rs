//! Step 3–5 of the request path for S3: an operation's question (action, resource, keys) with
//! the request context a real request carries, decided by the engine; a denial becomes AWS's
//! AccessDenied plus, for the callers `explain_denials` admits, the `x-gatehouse-*` headers.

use std::time::{SystemTime, UNIX_EPOCH};

use authz::catalog::catalog;
use authz::s3::{BlockPublicAccess, ObjectOwnership, S3Facts};
use authz::{authorize, AuthzRequest, Decision, Policies};
use http::{HeaderMap, HeaderValue};
use policy::{Context, ContextValue, PrincipalType};
use s3s::{S3Error, S3ErrorCode, S3Result};
use store::Bucket;

use crate::caller::Caller;
use crate::config::ExplainDenials;
use crate::identity::Consulted;
use crate::state::Gatehouse;

/// One authorization question about a bucket or an object in it.
pub struct Question<'a> {
    pub action: &'a str,
    pub bucket: &'a Bucket,
    /// `None` for a bucket-level action.
    pub key: Option<&'a str>,
    /// The object, when it exists: its owner and ACL count.
    pub object: Option<&'a store::ObjectVersion>,
    /// Service keys of this request (`s3:prefix`, `s3:x-amz-acl`, ...), kept only when the
    /// catalogue says the action carries them.
    pub keys: Vec<(String, ContextValue)>,
}

impl<'a> Question<'a> {
    /// A bucket-level action with no request keys.
    pub fn on_bucket(action: &'a str, bucket: &'a Bucket) -> Question<'a> {
        Question {
            action,
            bucket,
            key: None,
            object: None,
            keys: Vec::new(),
        }
    }

    /// An object-level action with no request keys.
    pub fn on_object(action: &'a str, bucket: &'a Bucket, key: &'a str) -> Question<'a> {
        Question {
            action,
            bucket,
            key: Some(key),
            object: None,
            keys: Vec::new(),
        }
    }

    /// The question about an existing object (its owner and ACL), when there is one.
    pub fn about(mut self, object: Option<&'a store::ObjectVersion>) -> Question<'a> {
        self.object = object;
        self
    }

    pub fn with(mut self, key: impl Into<String>, value: impl Into<String>) -> Question<'a> {
        self.keys
            .push((key.into(), ContextValue::Single(value.into())));
        self
    }
}

pub fn arn(bucket: &str, key: Option<&str>) -> String {
    match key {
        Some(k) => format!("arn:aws:s3:::{bucket}/{k}"),
        None => format!("arn:aws:s3:::{bucket}"),
    }
}

fn single(v: impl Into<String>) -> ContextValue {
    ContextValue::Single(v.into())
}

/// The global keys every request carries [IAM `reference_policies_condition-keys`], and the
/// S3 keys of its signature.
pub fn request_context(gatehouse: &Gatehouse, caller: &Caller, resource_account: &str) -> Context {
    let mut c = Context::new();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    c.insert("aws:CurrentTime", single(iso8601(now.as_secs())));
    c.insert("aws:EpochTime", single(now.as_secs().to_string()));
    c.insert(
        "aws:SecureTransport",
        single(caller.connection.secure.to_string()),
    );
    c.insert(
        "aws:SourceIp",
        single(caller.connection.peer.ip().to_string()),
    );
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
                c.insert(key, value.clone());
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
    let _ = gatehouse;
    c
}

/// `YYYY-MM-DDTHH:MM:SSZ` for a Unix time (civil-from-days, Howard Hinnant).
pub fn iso8601(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

pub fn bpa(flags: store::BlockPublicAccessFlags) -> BlockPublicAccess {
    BlockPublicAccess {
        block_public_acls: flags.block_public_acls,
        ignore_public_acls: flags.ignore_public_acls,
        block_public_policy: flags.block_public_policy,
        restrict_public_buckets: flags.restrict_public_buckets,
    }
}

/// What S3 adds to a decision: owners, Object Ownership, the ACLs (read only where they
/// count), and Block Public Access at account and bucket level.
pub fn s3_facts(
    gatehouse: &Gatehouse,
    caller: &Caller,
    bucket: &Bucket,
    object: Option<&store::ObjectVersion>,
) -> S3Result<S3Facts> {
    let ownership = ownership_of(bucket);
    let object_owner = object
        .map(|o| o.attributes.owner.clone())
        .unwrap_or_else(|| bucket.owner.clone());
    let mut canonical_ids = std::collections::HashMap::new();
    for account in [
        Some(bucket.owner.as_str()),
        Some(object_owner.as_str()),
        caller.account(),
    ]
    .into_iter()
    .flatten()
    {
        if let Some(id) = gatehouse.canonical_id(account) {
            canonical_ids.insert(account.to_string(), id);
        }
    }
    let (bucket_acl, object_acl) = if ownership.acls_enabled() {
        let canonical = |a: &str| canonical_ids.get(a).cloned().unwrap_or_default();
        (
            crate::s3::acl::decode(&bucket.acl, &canonical(&bucket.owner)),
            object
                .map(|o| crate::s3::acl::decode(&o.attributes.acl, &canonical(&object_owner)))
                .unwrap_or_default(),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let account_bpa = gatehouse
        .store
        .account_block_public_access(&bucket.owner)
        .map_err(internal)?;
    Ok(S3Facts {
        bucket_owner: bucket.owner.clone(),
        object_owner,
        object_ownership: ownership,
        bucket_acl,
        object_acl,
        account_block_public_access: bpa(account_bpa.unwrap_or_default()),
        bucket_block_public_access: bpa(bucket.block_public_access.unwrap_or_default()),
        canonical_ids,
    })
}

/// A bucket's Object Ownership; no setting at all (DeleteBucketOwnershipControls) behaves as
/// ObjectWriter, the mode before ownership controls existed [S3 `about-object-ownership`].
pub fn ownership_of(bucket: &Bucket) -> ObjectOwnership {
    ObjectOwnership::parse(&bucket.object_ownership).unwrap_or(ObjectOwnership::ObjectWriter)
}

/// Decides `q` for `caller`; `Err` is the response AWS would give.
pub fn check(gatehouse: &Gatehouse, caller: &Caller, q: Question) -> S3Result<Decision> {
    let resource = arn(&q.bucket.name, q.key);
    let mut context = request_context(gatehouse, caller, &q.bucket.owner);
    let resource_type = if q.key.is_some() { "object" } else { "bucket" };
    add_carried_keys(&mut context, q.action, Some(resource_type), &q.keys);
    let bucket_policy = gatehouse.bucket_policy(q.bucket).map_err(internal)?;
    let consulted: Vec<(String, i64)> = bucket_policy
        .iter()
        .map(|(p, v)| (p.id.clone(), *v))
        .collect();
    let policies = Policies {
        resource: bucket_policy.map(|(p, _)| p),
        ..identity_policies(caller)
    };
    let s3 = s3_facts(gatehouse, caller, q.bucket, q.object)?;
    let request = AuthzRequest {
        principal: caller.principal(),
        action: q.action,
        resource: &resource,
        resource_account: &q.bucket.owner,
        context: &context,
        policies: &policies,
        s3: Some(&s3),
    };
    if gatehouse.verify_decisions {
        crate::verify::s3_question(gatehouse, caller, &q, &request).map_err(s3_denial)?;
    }
    decide(gatehouse, caller, &request, &consulted)
}

/// The caller's identity-side layers: identity policies, permissions boundary, session policies.
pub fn identity_policies(caller: &Caller) -> Policies {
    Policies {
        identity: caller.identity.identity.clone(),
        permissions_boundary: caller.identity.boundary.clone(),
        session: caller.identity.session.clone(),
        ..Policies::default()
    }
}

/// Decides a question that no bucket holds (ListBuckets, CreateBucket): the caller's own
/// account is the resource's.
pub fn check_account_action(
    gatehouse: &Gatehouse,
    caller: &Caller,
    action: &str,
    resource: &str,
) -> S3Result<Decision> {
    check_in_own_account(gatehouse, caller, action, resource, Vec::new()).map_err(s3_denial)
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
    let mut context = request_context(gatehouse, caller, &account);
    let resource_type = catalog().resource_type_of(action, resource);
    add_carried_keys(&mut context, action, resource_type, &keys);
    let policies = identity_policies(caller);
    let request = AuthzRequest {
        principal: caller.principal(),
        action,
        resource,
        resource_account: &account,
        context: &context,
        policies: &policies,
        s3: None,
    };
    decide_recorded(gatehouse, caller, &request, &[])
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
            context.insert(key, value.clone());
        }
    }
}

/// Decides, and records the decision for the audit trail: an allow with its statement and the
/// policies consulted (id and version, enough to replay it), a denial with its full trace.
fn decide(
    gatehouse: &Gatehouse,
    caller: &Caller,
    request: &AuthzRequest,
    consulted: &[(String, i64)],
) -> S3Result<Decision> {
    decide_recorded(gatehouse, caller, request, consulted).map_err(s3_denial)
}

/// [`decide`] for any protocol: the decision, recorded in the audit trail, or the denial.
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
    let mut record = if decision.is_allowed() {
        allowed_record(request, &decision, consulted)
    } else {
        denied_record(request, &authorize(request, true))
    };
    let mut all = caller.identity.documents.clone();
    all.extend_from_slice(documents);
    identity_json(&mut record, &all, &caller.identity.keys);
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

/// Appends to a record (a JSON object) the caller's identity-side documents by id and digest
/// (documents are kept by digest for ever) and the keys the principal brought (tags, user
/// id): with the question, enough to re-evaluate the decision exactly.
fn identity_json(record: &mut String, documents: &[Consulted], keys: &[(String, ContextValue)]) {
    if documents.is_empty() && keys.is_empty() {
        return;
    }
    record.pop();
    record.push_str(",\"identity_documents\":[");
    for (i, d) in documents.iter().enumerate() {
        if i > 0 {
            record.push(',');
        }
        record.push_str("{\"layer\":");
        policy::json::write_str(record, d.layer.as_str());
        record.push_str(",\"id\":");
        policy::json::write_str(record, &d.id);
        record.push_str(",\"digest\":");
        policy::json::write_str(record, &d.digest);
        record.push('}');
    }
    record.push_str("],\"principal_keys\":{");
    for (i, (key, value)) in keys.iter().enumerate() {
        if i > 0 {
            record.push(',');
        }
        policy::json::write_str(record, key);
        record.push(':');
        match value {
            ContextValue::Single(v) => policy::json::write_str(record, v),
            ContextValue::Multi(vs) => {
                record.push('[');
                for (j, v) in vs.iter().enumerate() {
                    if j > 0 {
                        record.push(',');
                    }
                    policy::json::write_str(record, v);
                }
                record.push(']');
            }
        }
    }
    record.push_str("}}");
}

fn question_json(out: &mut String, request: &AuthzRequest) {
    out.push_str("{\"action\":");
    policy::json::write_str(out, request.action);
    out.push_str(",\"resource\":");
    policy::json::write_str(out, request.resource);
}

fn allowed_record(request: &AuthzRequest, d: &Decision, consulted: &[(String, i64)]) -> String {
    let mut out = String::new();
    question_json(&mut out, request);
    out.push_str(",\"decision\":\"allowed\",\"policy\":");
    match &d.policy {
        Some(p) => policy::json::write_str(&mut out, p),
        None => out.push_str("null"),
    }
    out.push_str(",\"statement\":");
    match &d.statement {
        Some(s) => policy::json::write_str(&mut out, s),
        None => out.push_str("null"),
    }
    out.push_str(",\"policies\":[");
    for (i, (id, version)) in consulted.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"id\":");
        policy::json::write_str(&mut out, id);
        out.push_str(&format!(",\"version\":{version}}}"));
    }
    out.push_str("]}");
    out
}

fn denied_record(request: &AuthzRequest, traced: &Decision) -> String {
    let mut out = String::new();
    question_json(&mut out, request);
    out.push_str(",\"answer\":");
    out.push_str(&authz::simulate::answer_json(traced));
    out.push('}');
    out
}

/// A denial as every protocol reports it: AWS's message, and the `x-gatehouse-*` headers for
/// the callers `explain_denials` admits (percent-encoded, RFC 3986).
pub struct Denied {
    pub message: String,
    pub headers: Vec<(&'static str, HeaderValue)>,
    /// No decision could be made (a policy that cannot be read, a verification mismatch):
    /// answered as the protocol's internal error, never as a decision.
    pub internal: bool,
}

impl Denied {
    pub fn internal() -> Denied {
        Denied {
            message: "We encountered an internal error. Please try again.".into(),
            headers: Vec::new(),
            internal: true,
        }
    }
}

pub fn denied(
    gatehouse: &Gatehouse,
    caller: &Caller,
    request: &AuthzRequest,
    d: &Decision,
) -> Denied {
    let message = d
        .message
        .clone()
        .unwrap_or_else(|| "Access Denied".to_string());
    let explanation = Explanation {
        verdict: d.verdict.as_str(),
        layer: d.denied_by.unwrap_or(authz::Layer::Identity),
        policy: d.policy.as_deref(),
        statement: d.statement.as_deref(),
    };
    let headers = explanation.headers(gatehouse, caller, request.action, request.resource_account);
    Denied {
        message,
        headers,
        internal: false,
    }
}

/// What a denial's `x-gatehouse-*` headers say.
pub struct Explanation<'a> {
    pub verdict: &'a str,
    pub layer: authz::Layer,
    pub policy: Option<&'a str>,
    pub statement: Option<&'a str>,
}

impl Explanation<'_> {
    /// The headers, for the callers `explain_denials` admits (percent-encoded, RFC 3986).
    pub fn headers(
        &self,
        gatehouse: &Gatehouse,
        caller: &Caller,
        action: &str,
        resource_account: &str,
    ) -> Vec<(&'static str, HeaderValue)> {
        let admitted = match gatehouse.config.explain_denials {
            ExplainDenials::All => true,
            ExplainDenials::None => false,
            ExplainDenials::SameAccount => authz::message::gets_enhanced(
                caller.principal(),
                action,
                resource_account,
                false,
                self.layer,
            ),
        };
        let mut headers = Vec::new();
        if admitted {
            let mut put = |name: &'static str, value: &str| {
                if let Ok(v) = HeaderValue::from_str(&crate::percent::encode(value)) {
                    headers.push((name, v));
                }
            };
            put("x-gatehouse-decision", self.verdict);
            put("x-gatehouse-denied-by", self.layer.as_str());
            if let Some(p) = self.policy {
                put("x-gatehouse-policy", p);
            }
            if let Some(s) = self.statement {
                put("x-gatehouse-statement", s);
            }
        }
        headers
    }
}

/// AWS's AccessDenied for S3, with Gatehouse's headers.
pub fn s3_denial(denied: Denied) -> S3Error {
    if denied.internal {
        return S3Error::with_message(S3ErrorCode::InternalError, denied.message);
    }
    let mut err = S3Error::with_message(S3ErrorCode::AccessDenied, denied.message);
    let mut headers = HeaderMap::new();
    headers.insert("content-type", HeaderValue::from_static("application/xml"));
    for (name, value) in denied.headers {
        headers.insert(name, value);
    }
    err.set_headers(headers);
    err
}

pub fn internal(e: impl std::fmt::Display) -> S3Error {
    S3Error::with_message(S3ErrorCode::InternalError, e.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn iso8601_dates() {
        assert_eq!(super::iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::iso8601(1_577_836_800 + 3661), "2020-01-01T01:01:01Z");
    }
}
