//! The doctor's KMS step: an SSE-KMS object is read only if KMS lets the caller decrypt its
//! data key (a second authorization, under KMS's rules, through S3) — the troubleshooting
//! guides' "403 on HeadObject" from a key policy [S3 `troubleshoot-403-errors`, "Encryption
//! and permissions requirements"].

use authz::authorize;
use base64::Engine;

use super::fix::{propose, Target, Trial};
use super::report::Report;
use crate::api::s3::sse::{Algorithm, Envelope};
use crate::authorize::key::{granted, KeyQuestion};
use crate::caller::Caller;
use crate::kms::lookup;
use crate::state::Gatehouse;

pub fn step(
    g: &Gatehouse,
    caller: &Caller,
    bucket: &store::Bucket,
    object: &store::ObjectVersion,
    report: &mut Report,
) {
    let Some(envelope) = object
        .attributes
        .encryption
        .as_deref()
        .and_then(|text| Envelope::parse(text).ok())
    else {
        return;
    };
    if envelope.algorithm != Algorithm::AwsKms {
        return;
    }
    let key = base64::engine::general_purpose::STANDARD
        .decode(&envelope.sealed_key)
        .ok()
        .and_then(|sealed| crate::kms::crypto::key_id_of(&sealed).map(str::to_string))
        .and_then(|id| lookup::key_by_id(&g.store, &id).ok().flatten());
    let Some(key) = key else {
        report.allowed = false;
        report.step(
            "kms",
            false,
            "the object's KMS key is gone: S3 answers 400 KMS.NotFoundException".into(),
        );
        return;
    };
    if let Err(e) = lookup::usable(&key) {
        report.allowed = false;
        report.step(
            "kms",
            false,
            format!("{e:?}: S3 answers 400 KMS.* for every read"),
        );
        return;
    }
    let via = format!("s3.{}.amazonaws.com", bucket.region);
    let Ok(q) = KeyQuestion::prepare(
        g,
        caller,
        "Decrypt",
        &key,
        &envelope.context,
        Some(&via),
        Vec::new(),
    ) else {
        return;
    };
    let decide = |trial: &Trial| authorize(&q.request(caller, &trial.policies), true);
    let decision = authorize(&q.request(caller, &q.policies), true);
    if decision.is_allowed()
        || (decision.verdict != authz::Verdict::ExplicitDeny
            && granted(caller, &key, "Decrypt", &envelope.context))
    {
        report.step(
            "kms",
            true,
            format!(
                "the object is SSE-KMS; the caller may kms:Decrypt with {}",
                key.arn()
            ),
        );
        return;
    }
    report.allowed = false;
    report.step(
        "kms",
        false,
        format!(
            "the object is SSE-KMS and the caller may not kms:Decrypt with {}: {} (layer {})",
            key.arn(),
            decision.message.as_deref().unwrap_or("Access Denied"),
            decision.denied_by.map(|l| l.as_str()).unwrap_or("?")
        ),
    );
    let target = Target {
        action: "kms:Decrypt".into(),
        resource: key.arn(),
        owner: key.account.clone(),
        owner_is: "the key's owner",
        policy_id: key.arn(),
        policy_change: format!("the key policy of {} (aws kms put-key-policy)", key.arn()),
        object_owner: None,
    };
    let trial = Trial {
        policies: q.policies.clone(),
        s3: None,
    };
    report.fixes = propose(caller.principal(), &target, trial, &decision, &decide);
}
