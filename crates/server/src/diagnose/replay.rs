//! `gatehouse replay`: change-impact analysis. Each S3 decision the audit trail recorded is
//! asked again — the recorded caller, action, resource and request context (its source
//! address, transport, time, request keys) — once against the directory as it is and once with
//! the proposed policies in force; every request whose decision the proposal flips is listed,
//! grouped by principal, action and resource, with the statement responsible.
//!
//! Decision: a flip is measured against the directory as it is now, not against what was
//! answered then. Comparing with the recorded answer would also report every change made since
//! the request (a policy edited yesterday), which is not the proposal's doing; those requests
//! are counted apart as `drifted`, so neither is hidden.

use std::collections::BTreeMap;

use authz::{authorize, Decision, NamedPolicy, Policies};
use policy::PolicyType;
use serde::Serialize;
use serde_json::Value;

use super::directory::Directory;
use super::recorded::{principal_of, Asked};

/// The policies proposed, each replacing what the directory has.
#[derive(Default)]
pub struct Proposal {
    /// Bucket name → its new bucket policy.
    pub bucket_policies: Vec<(String, NamedPolicy)>,
    /// A managed policy's ARN → its new document (wherever it is attached or a boundary); or
    /// a user's or role's ARN → a policy added to its identity policies.
    pub identity_policies: Vec<(String, NamedPolicy)>,
    /// An SCP's or RCP's id → its new document, at every level it is attached to.
    pub org_policies: Vec<(String, NamedPolicy)>,
}

impl Proposal {
    /// Reads a proposed document as its API would (`kind`'s grammar and size limit); the error
    /// names the file's line and column.
    pub fn document(id: &str, text: &str, kind: PolicyType) -> Result<NamedPolicy, String> {
        let parsed = policy::validate(text, kind).map_err(|e| e.to_string())?;
        Ok(NamedPolicy::compile(id.to_string(), parsed))
    }

    /// `policies` with the proposal in force for a request on `bucket` by `principal_arn`.
    fn apply(
        &self,
        policies: &Policies,
        bucket: &str,
        principal: &policy::RequestPrincipal,
    ) -> Policies {
        let mut p = policies.clone();
        for (name, doc) in &self.bucket_policies {
            if name == bucket {
                p.resource = Some(doc.clone());
            }
        }
        let swap = |list: &mut Vec<NamedPolicy>, id: &str, doc: &NamedPolicy| {
            for named in list.iter_mut().filter(|n| *n.id == *id) {
                *named = NamedPolicy::new(id.to_string(), doc.policy.clone());
            }
        };
        let principal_arns = [Some(&principal.arn), principal.role_arn.as_ref()];
        for (arn, doc) in &self.identity_policies {
            if arn.contains(":policy/") {
                swap(&mut p.identity, arn, doc);
                if let Some(b) = p.permissions_boundary.as_mut().filter(|b| *b.id == **arn) {
                    *b = NamedPolicy::new(arn.clone(), doc.policy.clone());
                }
            } else if principal_arns.iter().flatten().any(|a| *a == arn) {
                p.identity.push(doc.clone());
            }
        }
        for (id, doc) in &self.org_policies {
            for level in p.scp.iter_mut().chain(p.rcp.iter_mut()) {
                swap(&mut level.policies, id, doc);
            }
        }
        p
    }
}

#[derive(Debug, Default, Serialize)]
pub struct Replay {
    /// S3 decisions found in the window.
    pub decisions: usize,
    pub redecided: usize,
    /// Decisions that could not be asked again, by reason.
    pub skipped: BTreeMap<String, usize>,
    /// Redecided requests the directory as it is now decides otherwise than the trail says,
    /// without the proposal.
    pub drifted: usize,
    pub flips: Vec<Flip>,
}

/// Requests of one principal, action and resource whose decision the proposal flips.
#[derive(Debug, Serialize)]
pub struct Flip {
    pub principal: String,
    pub action: String,
    pub resource: String,
    /// `allowed → denied` or `denied → allowed`.
    pub change: &'static str,
    /// The deciding statement under the proposal: the denying one, or the one that grants.
    pub layer: Option<&'static str>,
    pub policy: Option<String>,
    pub statement: Option<String>,
    pub requests: Vec<String>,
}

impl Directory {
    /// Re-decides the S3 decisions of `events` (audit events, oldest first) with `proposal`;
    /// `progress(done, total)` is called as they are.
    pub fn replay(
        &self,
        events: &[Value],
        proposal: &Proposal,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Replay {
        let mut out = Replay::default();
        let mut flips: BTreeMap<(String, String, String, &'static str), Flip> = BTreeMap::new();
        for (done, event) in events.iter().enumerate() {
            progress(done, events.len());
            let records = event["additionalEventData"]["gatehouseDecisions"].as_array();
            for record in records.into_iter().flatten() {
                let resource = record["resource"].as_str().unwrap_or("");
                if !resource.starts_with("arn:aws:s3:::") {
                    continue;
                }
                out.decisions += 1;
                let (before, after) = match self.redecide(event, record, proposal) {
                    Ok(both) => both,
                    Err(why) => {
                        *out.skipped.entry(why).or_default() += 1;
                        continue;
                    }
                };
                out.redecided += 1;
                let recorded =
                    record["decision"] == "allowed" || record["answer"]["decision"] == "allowed";
                if before.is_allowed() != recorded {
                    out.drifted += 1;
                }
                if before.is_allowed() == after.is_allowed() {
                    continue;
                }
                let change = if after.is_allowed() {
                    "denied → allowed"
                } else {
                    "allowed → denied"
                };
                let principal = principal_of(event);
                let action = record["action"].as_str().unwrap_or("").to_string();
                let key = (
                    principal.clone(),
                    action.clone(),
                    resource.to_string(),
                    change,
                );
                flips
                    .entry(key)
                    .or_insert_with(|| Flip {
                        principal,
                        action,
                        resource: resource.to_string(),
                        change,
                        layer: after.denied_by.map(|l| l.as_str()),
                        policy: after.policy.as_deref().map(str::to_string),
                        statement: after.statement.as_deref().map(str::to_string),
                        requests: Vec::new(),
                    })
                    .requests
                    .push(event["requestID"].as_str().unwrap_or("").to_string());
            }
        }
        progress(events.len(), events.len());
        out.flips = flips.into_values().collect();
        out
    }

    /// The recorded decision asked again: (as the directory is, with the proposal).
    fn redecide(
        &self,
        event: &Value,
        record: &Value,
        proposal: &Proposal,
    ) -> Result<(Decision, Decision), String> {
        let asked = Asked::of(self, event, record)?;
        let prepared = asked.prepare(&self.gatehouse)?;
        let q = asked.question();
        let before = authorize(&prepared.request(&asked.caller, &q), false);
        let proposed = proposal.apply(
            &prepared.policies,
            &asked.bucket.name,
            asked.caller.principal(),
        );
        let mut request = prepared.request(&asked.caller, &q);
        request.policies = &proposed;
        Ok((before, authorize(&request, false)))
    }
}
