//! Each decision as the audit trail keeps it: the question, the answer (for a denial its full
//! trace), and the documents consulted by id and digest — enough to re-evaluate it exactly.

use authz::{AuthzRequest, Decision};
use policy::ContextValue;

use crate::identity::Consulted;

/// Appends to a record (a JSON object) the caller's identity-side documents by id and digest
/// (documents are kept by digest for ever) and the keys the principal brought (tags, user
/// id): with the question, enough to re-evaluate the decision exactly.
pub fn identity_json(
    record: &mut String,
    documents: &[Consulted],
    keys: &[(String, ContextValue)],
) {
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

pub fn allowed_record(request: &AuthzRequest, d: &Decision, consulted: &[(String, i64)]) -> String {
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

pub fn denied_record(request: &AuthzRequest, traced: &Decision) -> String {
    let mut out = String::new();
    question_json(&mut out, request);
    out.push_str(",\"answer\":");
    out.push_str(&authz::simulate::answer_json(traced));
    out.push('}');
    out
}
