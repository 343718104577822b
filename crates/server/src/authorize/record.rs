//! Each decision as the audit trail keeps it: the question, the answer (for a denial its full
//! trace), and the documents consulted by id and digest — enough to re-evaluate it exactly.

use authz::simulate::Answer;
use authz::{AuthzRequest, Decision};
use policy::ContextValue;
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

use crate::identity::Consulted;

#[derive(Serialize)]
struct Record<'a> {
    action: &'a str,
    resource: &'a str,
    /// The request context decided on: what `gatehouse replay` re-decides with.
    #[serde(serialize_with = "context_in_order")]
    context: &'a policy::Context,
    #[serde(flatten)]
    outcome: Outcome<'a>,
    /// The caller's identity-side documents by id and digest (kept by digest for ever) and
    /// the keys the principal brought (tags, user id).
    #[serde(skip_serializing_if = "Option::is_none", flatten)]
    identity: Option<IdentitySide<'a>>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Outcome<'a> {
    Allowed {
        decision: &'static str,
        policy: Option<&'a str>,
        statement: Option<&'a str>,
        /// The resource policies consulted, by id and version.
        policies: Vec<Version<'a>>,
    },
    Denied {
        answer: Answer<'a>,
    },
}

#[derive(Serialize)]
struct Version<'a> {
    id: &'a str,
    version: i64,
}

#[derive(Serialize)]
struct IdentitySide<'a> {
    identity_documents: Vec<&'a RawValue>,
    #[serde(serialize_with = "in_order")]
    principal_keys: &'a [(String, ContextValue)],
}

/// The principal's keys as a JSON object, in the order they were gathered.
fn in_order<S: Serializer>(keys: &&[(String, ContextValue)], s: S) -> Result<S::Ok, S::Error> {
    as_object(keys.iter().map(|(k, v)| (k.as_str(), v)), s)
}

fn context_in_order<S: Serializer>(context: &&policy::Context, s: S) -> Result<S::Ok, S::Error> {
    as_object(context.iter(), s)
}

/// Keys and values as a JSON object: a single value as a string, several as an array.
fn as_object<'v, S: Serializer>(
    entries: impl Iterator<Item = (&'v str, &'v ContextValue)>,
    s: S,
) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    #[serde(untagged)]
    enum Value<'v> {
        One(&'v str),
        Many(&'v [String]),
    }
    s.collect_map(entries.map(|(k, v)| {
        let value = match v {
            ContextValue::Single(one) => Value::One(one),
            ContextValue::Multi(many) => Value::Many(many),
        };
        (k, value)
    }))
}

/// The record of `decision` (with `traced`, the same decision with its trace, for a denial);
/// `documents`: the caller's identity-side documents, then any others consulted.
pub fn record(
    request: &AuthzRequest,
    decision: &Decision,
    traced: Option<&Decision>,
    consulted: &[(String, i64)],
    documents: [&[Consulted]; 2],
    keys: &[(String, ContextValue)],
) -> Box<serde_json::value::RawValue> {
    let outcome = match traced {
        Some(traced) => Outcome::Denied {
            answer: Answer::of(traced),
        },
        None => Outcome::Allowed {
            decision: "allowed",
            policy: decision.policy.as_deref(),
            statement: decision.statement.as_deref(),
            policies: consulted
                .iter()
                .map(|(id, version)| Version {
                    id,
                    version: *version,
                })
                .collect(),
        },
    };
    let identity =
        (documents.iter().any(|d| !d.is_empty()) || !keys.is_empty()).then(|| IdentitySide {
            identity_documents: documents
                .iter()
                .copied()
                .flatten()
                .map(Consulted::json)
                .collect(),
            principal_keys: keys,
        });
    serde_json::value::to_raw_value(&Record {
        action: request.action,
        resource: request.resource,
        context: request.context,
        outcome,
        identity,
    })
    .expect("a decision record always serializes")
}
