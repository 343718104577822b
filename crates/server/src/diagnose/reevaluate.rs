//! `gatehouse explain` of an allowed request: the trail keeps an allow's statement, not its
//! trace, so the decision is made again — with the bucket policy version and the identity
//! documents (by digest) the trail recorded, and the recorded request context — and its trace
//! shown. What the trail does not version (SCPs, RCPs, endpoint policies, ACLs, Block Public
//! Access) is taken as it is now, and said so.

use authz::{authorize, Decision, Layer, NamedPolicy};
use serde_json::Value;

use super::directory::Directory;
use super::recorded::Asked;

pub struct Reevaluation {
    pub decision: Decision,
    /// Which documents were the recorded versions, and which are as they are now.
    pub notes: Vec<String>,
}

impl Directory {
    pub fn reevaluate(&self, event: &Value, record: &Value) -> Result<Reevaluation, String> {
        let g = &self.gatehouse;
        let asked = Asked::of(self, event, record)?;
        let mut prepared = asked.prepare(g)?;
        let mut notes = Vec::new();
        let versions = record["policies"].as_array().map(Vec::as_slice);
        let bucket_version = versions
            .unwrap_or_default()
            .iter()
            .find_map(|p| p["version"].as_i64());
        prepared.policies.resource = match bucket_version {
            Some(version) => {
                let text = g
                    .store
                    .bucket_policy_version(&asked.bucket.name, version)
                    .ok()
                    .flatten()
                    .flatten()
                    .ok_or(format!("bucket policy version {version} is no longer kept"))?;
                notes.push(format!(
                    "the bucket policy as it was then (version {version})"
                ));
                Some(compile(
                    &format!("arn:aws:s3:::{}", asked.bucket.name),
                    &text,
                )?)
            }
            None => None,
        };
        if let Some(documents) = record["identity_documents"].as_array() {
            let (mut identity, mut boundary, mut session) = (Vec::new(), None, Vec::new());
            for d in documents {
                let (id, digest) = (
                    d["id"].as_str().unwrap_or(""),
                    d["digest"].as_str().unwrap_or(""),
                );
                let text = g
                    .store
                    .policy_document(digest)
                    .ok()
                    .flatten()
                    .ok_or(format!("{id} (sha256 {digest}) is no longer kept"))?;
                let named = compile(id, &text)?;
                match d["layer"].as_str() {
                    Some(l) if l == Layer::PermissionsBoundary.as_str() => boundary = Some(named),
                    Some(l) if l == Layer::Session.as_str() => session.push(named),
                    _ => identity.push(named),
                }
            }
            prepared.policies.identity = identity;
            prepared.policies.permissions_boundary = boundary;
            prepared.policies.session = session;
            notes.push(format!(
                "the caller's {} identity-side documents as they were then (by digest)",
                documents.len()
            ));
        }
        notes.push(
            "SCPs, RCPs, endpoint policies, ACLs and Block Public Access as they are now".into(),
        );
        let decision = authorize(&prepared.request(&asked.caller, &asked.question()), true);
        Ok(Reevaluation { decision, notes })
    }
}

fn compile(id: &str, text: &str) -> Result<NamedPolicy, String> {
    let parsed = policy::parse_policy(text).map_err(|e| format!("{id} no longer parses: {e}"))?;
    Ok(NamedPolicy::compile(id.to_string(), parsed))
}
