//! `gatehouse who-can ACTION RESOURCE`: every principal the directory's policies allow —
//! each account's root, users (their groups' policies included), roles (as a session of
//! them), accounts a bucket policy names that the directory does not hold, and anonymous —
//! each with the statements that grant it and their conditions.
//!
//! Each candidate is asked the server's own question on a plain request from loopback in the
//! default region. A candidate refused there only because an `Allow`'s conditions did not hold
//! (no explicit deny, no other layer) is listed apart, with those conditions: who could, given
//! the right request.

use std::sync::Arc;

use authz::{authorize, Decision, Layer};
use policy::document::PrincipalKind;
use policy::{ConditionTrace, Effect};
use serde::Serialize;
use store::EntityKind;

use super::directory::{Directory, NoTarget, S3Target, Who};
use crate::authorize::{prepare, Question};
use crate::caller::{Caller, Resolved};
use crate::identity::CallerIdentity;

#[derive(Debug, Serialize)]
pub struct WhoCan {
    pub action: String,
    pub resource: String,
    /// How many principals were examined.
    pub examined: usize,
    /// Allowed on a plain request.
    pub allowed: Vec<Entry>,
    /// Allowed only when the listed conditions hold.
    pub conditional: Vec<Entry>,
}

#[derive(Debug, Serialize)]
pub struct Entry {
    pub principal: String,
    /// root, user, role, account (outside this directory) or anonymous.
    pub kind: &'static str,
    pub account: String,
    /// The statements that grant it, by layer, policy and statement.
    pub granted_by: Vec<Grant>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct Grant {
    pub layer: &'static str,
    pub policy: String,
    pub statement: String,
    /// Each condition as `key operator values`, with whether the plain request met it.
    pub conditions: Vec<Condition>,
}

#[derive(Debug, Serialize)]
pub struct Condition {
    pub key: String,
    pub operator: String,
    pub values: Vec<String>,
    pub met: bool,
}

/// The layers whose `Allow` statements grant (the others only limit).
const GRANTING: [Layer; 3] = [Layer::Identity, Layer::Resource, Layer::Acl];

/// Who `WhoCan` examines, in the order it lists them.
struct Candidate {
    /// As the listing names it (a role by its own ARN, not its session's).
    name: String,
    caller: Caller,
    kind: &'static str,
    account: String,
    note: Option<&'static str>,
}

impl Directory {
    /// Every principal allowed `action` on the S3 `resource` (`arn:aws:s3:::BUCKET[/KEY]`);
    /// `progress(done, total)` is called as candidates are decided.
    pub fn who_can(
        &self,
        action: &str,
        resource: &str,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<WhoCan, String> {
        let g = &self.gatehouse;
        let S3Target {
            bucket,
            key,
            object,
        } = self.s3_target(resource).map_err(|e| match e {
            NoTarget::NotS3 => format!("{resource} is not an S3 bucket or object ARN"),
            NoTarget::NoBucket(name) => format!("bucket {name} does not exist in this directory"),
        })?;
        let candidates = self.candidates(&bucket)?;
        let mut answer = WhoCan {
            action: action.to_string(),
            resource: resource.to_string(),
            examined: candidates.len(),
            allowed: Vec::new(),
            conditional: Vec::new(),
        };
        for (done, c) in candidates.into_iter().enumerate() {
            progress(done, answer.examined);
            let q = Question {
                action,
                bucket: &bucket,
                key: key.as_deref(),
                object: object.as_ref(),
                keys: Vec::new(),
            };
            let Ok(prepared) = prepare(g, &c.caller, &q) else {
                continue;
            };
            let decision = authorize(&prepared.request(&c.caller, &q), true);
            let entry = |granted_by| Entry {
                principal: c.name.clone(),
                kind: c.kind,
                account: c.account.clone(),
                granted_by,
                note: c.note,
            };
            if decision.is_allowed() {
                answer.allowed.push(entry(grants(&decision, true)));
            } else if let Some(would) = conditional(&decision) {
                answer.conditional.push(entry(would));
            }
        }
        progress(answer.examined, answer.examined);
        Ok(answer)
    }

    /// Every account's root, users and roles, the accounts the bucket policy names that this
    /// directory does not hold, and anonymous.
    fn candidates(&self, bucket: &store::Bucket) -> Result<Vec<Candidate>, String> {
        let g = &self.gatehouse;
        let fault = |e: store::StoreError| e.to_string();
        let mut out = Vec::new();
        let accounts = g.store.accounts().map_err(fault)?;
        let mut add = |who: Who, kind, account: &str, note| -> Result<(), String> {
            let name = match &who {
                Who::Arn(arn) => arn.clone(),
                _ => "anonymous".to_string(),
            };
            out.push(Candidate {
                name,
                caller: self.caller(&who, None, None)?,
                kind,
                account: account.to_string(),
                note,
            });
            Ok(())
        };
        for account in accounts.iter() {
            add(
                Who::Arn(format!("arn:aws:iam::{}:root", account.id)),
                "root",
                &account.id,
                None,
            )?;
            for (kind, name, note) in [
                (EntityKind::User, "user", None),
                (
                    EntityKind::Role,
                    "role",
                    Some("as a session of the role; a session policy can only narrow this"),
                ),
            ] {
                for e in g.store.entities(&account.id, kind, "/").map_err(fault)? {
                    add(Who::Arn(e.arn), name, &account.id, note)?;
                }
            }
        }
        for account in foreign_accounts(g, bucket, &accounts) {
            out.push(Candidate {
                name: format!("arn:aws:iam::{account}:root"),
                caller: outsider(g, &account)?,
                kind: "account",
                account,
                note: Some("outside this directory: granted here, and its own account's policies must allow it too"),
            });
        }
        out.push(Candidate {
            name: "anonymous".into(),
            caller: self.caller(&Who::Anonymous, None, None)?,
            kind: "anonymous",
            account: "anonymous".into(),
            note: None,
        });
        Ok(out)
    }
}

/// Accounts an `AWS` principal of the bucket policy names that the directory does not hold.
fn foreign_accounts(
    g: &crate::state::Gatehouse,
    bucket: &store::Bucket,
    known: &[store::Account],
) -> Vec<String> {
    let Ok(Some(stored)) = g.store.bucket_policy(&bucket.name) else {
        return Vec::new();
    };
    let Ok(document) = policy::parse_policy(&stored.document) else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    let named = document
        .statements
        .iter()
        .filter_map(|s| s.principal.as_ref())
        .flat_map(|p| p.entries.iter())
        .filter(|e| e.kind == PrincipalKind::Aws)
        .filter_map(|e| e.account.clone());
    for account in named {
        if !known.iter().any(|a| a.id == account) && !out.contains(&account) {
            out.push(account);
        }
    }
    out
}

/// An account outside the directory, as its root: its own policies are unknown here, so its
/// identity side is taken to allow everything (what the root may do in its own account).
fn outsider(g: &crate::state::Gatehouse, account: &str) -> Result<Caller, String> {
    let arn = format!("arn:aws:iam::{account}:root");
    let principal = authz::principal::parse_principal(&arn, &policy::Context::new())
        .map_err(|e| format!("{arn}: {e:?}"))?;
    let identity = CallerIdentity {
        principal,
        ..CallerIdentity::anonymous()
    };
    let resolved = Resolved {
        key: None,
        identity: Arc::new(identity),
        generation: g.store.generation(),
    };
    Ok(Caller::new(g, None, resolved, None, false, None))
}

/// The granting layers' `Allow` statements that applied (with `all_conditions`: whether they
/// must have held), from the decision's trace.
fn grants(decision: &Decision, applied_only: bool) -> Vec<Grant> {
    let mut out = Vec::new();
    for t in decision
        .trace
        .iter()
        .filter(|t| GRANTING.contains(&t.layer))
    {
        for s in &t.statements {
            let matched = s.principal != Some(false) && s.action && s.resource;
            if s.effect != Effect::Allow || !matched || (applied_only && !s.applies) {
                continue;
            }
            out.push(Grant {
                layer: t.layer.as_str(),
                policy: t.policy.to_string(),
                statement: s.label.to_string(),
                conditions: s.conditions.iter().map(condition).collect(),
            });
        }
    }
    out
}

/// A denial that only unmet conditions of granting statements explain: no explicit deny, and
/// no layer besides the granting ones refused. The granting statements, or `None`.
fn conditional(decision: &Decision) -> Option<Vec<Grant>> {
    let explicit = decision.verdict == authz::Verdict::ExplicitDeny;
    let elsewhere = decision.denied_by.is_some_and(|l| !GRANTING.contains(&l));
    if explicit || elsewhere {
        return None;
    }
    let would: Vec<Grant> = grants(decision, false)
        .into_iter()
        .filter(|g| g.conditions.iter().any(|c| !c.met))
        .collect();
    (!would.is_empty()).then_some(would)
}

fn condition(c: &ConditionTrace) -> Condition {
    Condition {
        key: c.key.to_string(),
        operator: c.operator.to_string(),
        values: c.policy_values.to_vec(),
        met: c.result,
    }
}
