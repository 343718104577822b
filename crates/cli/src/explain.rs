//! `gatehouse explain REQUEST-ID`: finds the request in the audit trail and shows, for a
//! person (or with `--json`, as data), who asked what, what they were answered, and each
//! decision with its reasons — every layer consulted, every statement's principal, action and
//! resource match, every condition's key, operator, policy values and request values.

use std::path::Path;
use std::process::ExitCode;

use authz::simulate::Answer;
use serde::Deserialize;
use serde_json::Value;
use server::diagnose::Directory;

/// Exit status 0 when the request is found, 1 when the trail does not have it, 2 when the
/// trail cannot be read.
pub fn run(request_id: &str, data_dir: &Path, json: bool) -> ExitCode {
    let trail = data_dir.join("audit");
    let mut event = match audit::trail::find(data_dir, request_id) {
        Ok(Some(event)) => event,
        Ok(None) => {
            eprintln!(
                "gatehouse explain: no request {request_id} in {}",
                trail.display()
            );
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("gatehouse explain: cannot read {}: {e}", trail.display());
            return ExitCode::from(2);
        }
    };
    let directory = Directory::open(data_dir, server::config::Config::default()).ok();
    if let Some(directory) = &directory {
        reevaluate_allowed(directory, &mut event);
    }
    if json {
        println!("{event}");
    } else {
        print!("{}", render(&event));
    }
    ExitCode::SUCCESS
}

/// Each allowed decision gains `reevaluated`: its decision made again from the versions the
/// trail recorded, with the trace an allow does not keep (or why it could not be).
fn reevaluate_allowed(directory: &Directory, event: &mut Value) {
    let again: Vec<(usize, Value)> = event["additionalEventData"]["gatehouseDecisions"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter(|(_, r)| r["decision"] == "allowed")
        .map(|(i, record)| {
            let value = match directory.reevaluate(event, record) {
                Ok(r) => serde_json::json!({
                    "answer": Answer::of(&r.decision),
                    "notes": r.notes,
                }),
                Err(why) => serde_json::json!({ "unavailable": why }),
            };
            (i, value)
        })
        .collect();
    for (i, value) in again {
        event["additionalEventData"]["gatehouseDecisions"][i]["reevaluated"] = value;
    }
}

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
    let again = &d["reevaluated"];
    if let Some(why) = again["unavailable"].as_str() {
        out.push_str(&format!("  not re-evaluated: {why}\n"));
    }
    if let Some(Ok(answer)) = again.get("answer").map(Answer::deserialize) {
        out.push_str("  re-evaluated with the trace:\n");
        for note in again["notes"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            out.push_str(&format!("    with {}\n", note.as_str().unwrap_or("")));
        }
        authz::simulate::render(&answer, "    ", out);
    }
}
