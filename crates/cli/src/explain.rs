//! `gatehouse explain REQUEST-ID`: finds the request in the audit trail and shows, for a
//! person (or with `--json`, as data), who asked what, what they were answered, and each
//! decision with its reasons — every layer consulted, every statement's principal, action and
//! resource match, every condition's key, operator, policy values and request values.

use authz::simulate::Answer;
use serde::Deserialize;
use serde_json::Value;

fn text<'v>(v: &'v Value, key: &str) -> &'v str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// The event for a person.
pub fn render(event: &Value) -> String {
    let mut out = String::new();
    let who = &event["userIdentity"];
    let caller = who
        .get("arn")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| match text(who, "accountId") {
            "anonymous" => "an anonymous caller".to_string(),
            account => format!("account {account}"),
        });
    out.push_str(&format!(
        "request {} at {}\n  {} ({}) by {caller} from {} in {}\n",
        text(event, "requestID"),
        text(event, "eventTime"),
        text(event, "eventName"),
        text(event, "eventSource"),
        text(event, "sourceIPAddress"),
        text(event, "awsRegion"),
    ));
    let status = event["httpStatus"].as_u64().unwrap_or(0);
    match event.get("errorCode").and_then(Value::as_str) {
        Some(code) => out.push_str(&format!(
            "  answered {status} {code}: {}\n",
            text(event, "errorMessage")
        )),
        None => out.push_str(&format!("  answered {status}\n")),
    }
    let decisions = event["additionalEventData"]["gatehouseDecisions"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    if decisions.is_empty() {
        out.push_str("  no authorization decision was made (refused before one, or none needed)\n");
    }
    for (i, d) in decisions.iter().enumerate() {
        out.push_str(&format!(
            "decision {}: {} on {}\n",
            i + 1,
            text(d, "action"),
            text(d, "resource")
        ));
        match d.get("answer").map(Answer::deserialize) {
            Some(Ok(answer)) => authz::simulate::render(&answer, "  ", &mut out),
            Some(Err(e)) => out.push_str(&format!("  (the recorded answer does not read: {e})\n")),
            None => allowed(d, &mut out),
        }
    }
    out
}

/// An allowed decision: the statement that allowed it and the policies consulted.
fn allowed(d: &Value, out: &mut String) {
    out.push_str("  decision: allowed\n");
    match (
        d.get("policy").and_then(Value::as_str),
        d.get("statement").and_then(Value::as_str),
    ) {
        (Some(p), Some(s)) => out.push_str(&format!("  allowing statement: {s} of {p}\n")),
        _ => out.push_str(
            "  allowed without a statement (the root user of the resource's account, or an ACL)\n",
        ),
    }
    for p in d["policies"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        out.push_str(&format!(
            "  consulted: {} version {}\n",
            text(p, "id"),
            p["version"]
        ));
    }
    for doc in d["identity_documents"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        out.push_str(&format!(
            "  consulted: [{}] {} (sha256 {})\n",
            text(doc, "layer"),
            text(doc, "id"),
            text(doc, "digest")
        ));
    }
}
