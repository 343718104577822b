//! Reading a policy document: JSON text (or an already-parsed JSON value) to [`Policy`].
//!
//! This checks what every policy type shares — the grammar of IAM's policy language
//! [IAM `reference_policies_grammar`]. What differs per type (Principal required or forbidden,
//! size limits) is [`crate::validate`].

use crate::document::*;
use crate::error::{Finding, PolicyError};
use crate::json::{self, Json, Member, Span, Value};
use crate::operator::Operator;

pub fn parse_policy(text: &str) -> Result<Policy, PolicyError> {
    let json = json::parse(text)?;
    policy_from_json(&json)
}

/// Reads a policy from a JSON value parsed elsewhere (a simulator scenario embeds documents),
/// so positions are those of the enclosing text.
pub fn policy_from_json(json: &Json) -> Result<Policy, PolicyError> {
    let mut reader = Reader::default();
    let policy = reader.policy(json);
    match (policy, reader.findings.is_empty()) {
        (Some(policy), true) => Ok(policy),
        _ => Err(PolicyError {
            findings: reader.findings,
        }),
    }
}

#[derive(Default)]
struct Reader {
    findings: Vec<Finding>,
}

impl Reader {
    fn fail(&mut self, path: &str, span: Span, message: impl Into<String>) {
        self.findings.push(Finding {
            path: path.to_string(),
            span,
            message: message.into(),
        });
    }

    fn policy(&mut self, json: &Json) -> Option<Policy> {
        let Some(members) = json.as_object() else {
            self.fail("", json.span, "Policy document must be a JSON object");
            return None;
        };
        self.no_duplicates("", members);
        let mut version = None;
        let mut id = None;
        let mut statements = None;
        for m in members {
            match m.key.as_str() {
                "Version" => match m.value.as_str() {
                    Some("2012-10-17") => version = Some(Version::V2012_10_17),
                    Some("2008-10-17") => version = Some(Version::V2008_10_17),
                    _ => self.fail(
                        "Version",
                        m.value.span,
                        "The policy must contain a valid version string: 2012-10-17 or 2008-10-17",
                    ),
                },
                "Id" => match m.value.as_str() {
                    Some(s) => id = Some(s.to_string()),
                    None => self.fail("Id", m.value.span, "Id must be a string"),
                },
                "Statement" => statements = self.statements(&m.value),
                other => self.fail(
                    other,
                    m.key_span,
                    format!("Unknown field {other}: a policy has Version, Id and Statement"),
                ),
            }
        }
        if json.get("Statement").is_none() {
            self.fail("", json.span, "Missing required field Statement");
        }
        Some(Policy {
            version,
            id,
            statements: statements?,
            statement_array: json
                .get("Statement")
                .is_some_and(|s| s.as_array().is_some()),
            span: json.span,
        })
    }

    fn statements(&mut self, json: &Json) -> Option<Vec<Statement>> {
        match &json.value {
            Value::Object(_) => Some(vec![self.statement(json, 0, "Statement")?]),
            Value::Array(items) if items.is_empty() => {
                self.fail("Statement", json.span, "Statement must not be empty");
                None
            }
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    if let Some(s) = self.statement(item, i, &format!("Statement[{i}]")) {
                        out.push(s);
                    }
                }
                (out.len() == items.len()).then_some(out)
            }
            _ => {
                self.fail(
                    "Statement",
                    json.span,
                    "Statement must be an object or an array of objects",
                );
                None
            }
        }
    }

    fn statement(&mut self, json: &Json, index: usize, path: &str) -> Option<Statement> {
        let Some(members) = json.as_object() else {
            self.fail(path, json.span, "A statement must be a JSON object");
            return None;
        };
        let before = self.findings.len();
        self.no_duplicates(path, members);
        let mut sid = None;
        let mut effect = None;
        let mut principal = None;
        let mut action = None;
        let mut resource = None;
        let mut conditions = Vec::new();
        for m in members {
            let here = format!("{path}.{}", m.key);
            match m.key.as_str() {
                "Sid" => match m.value.as_str() {
                    Some(s) => sid = Some(s.to_string()),
                    None => self.fail(&here, m.value.span, "Sid must be a string"),
                },
                "Effect" => match m.value.as_str() {
                    Some("Allow") => effect = Some(Effect::Allow),
                    Some("Deny") => effect = Some(Effect::Deny),
                    _ => self.fail(&here, m.value.span, "Effect must be \"Allow\" or \"Deny\""),
                },
                "Principal" | "NotPrincipal" => {
                    if principal.is_some() {
                        self.fail(
                            &here,
                            m.key_span,
                            "A statement cannot have both Principal and NotPrincipal",
                        );
                    }
                    principal = self.principals(&m.value, m.key == "NotPrincipal", &here);
                }
                "Action" | "NotAction" => {
                    if action.is_some() {
                        self.fail(
                            &here,
                            m.key_span,
                            "A statement cannot have both Action and NotAction",
                        );
                    }
                    action = self.patterns(&m.value, m.key == "NotAction", &here, check_action);
                }
                "Resource" | "NotResource" => {
                    if resource.is_some() {
                        self.fail(
                            &here,
                            m.key_span,
                            "A statement cannot have both Resource and NotResource",
                        );
                    }
                    resource =
                        self.patterns(&m.value, m.key == "NotResource", &here, check_resource);
                }
                "Condition" => conditions = self.conditions(&m.value, &here),
                other => self.fail(
                    &here,
                    m.key_span,
                    format!("Unknown field {other} in a statement"),
                ),
            }
        }
        if effect.is_none() && json.get("Effect").is_none() {
            self.fail(path, json.span, "Missing required field Effect");
        }
        if action.is_none() && json.get("Action").is_none() && json.get("NotAction").is_none() {
            self.fail(
                path,
                json.span,
                "Missing required field Action or NotAction",
            );
        }
        if self.findings.len() > before {
            return None;
        }
        Some(Statement {
            index,
            sid,
            effect: effect?,
            principal,
            action: action?,
            resource,
            conditions,
            span: json.span,
        })
    }

    fn no_duplicates(&mut self, path: &str, members: &[Member]) {
        for (i, m) in members.iter().enumerate() {
            if members[..i].iter().any(|other| other.key == m.key) {
                let here = if path.is_empty() {
                    m.key.clone()
                } else {
                    format!("{path}.{}", m.key)
                };
                self.fail(&here, m.key_span, format!("Duplicate field {}", m.key));
            }
        }
    }

    /// A string or a non-empty array of strings.
    fn strings(&mut self, json: &Json, path: &str) -> Option<Vec<String>> {
        match &json.value {
            Value::String(s) => Some(vec![s.clone()]),
            Value::Array(items) if !items.is_empty() => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    match item.as_str() {
                        Some(s) => out.push(s.to_string()),
                        None => self.fail(
                            &format!("{path}[{i}]"),
                            item.span,
                            format!("Expected a string, found {}", item.kind()),
                        ),
                    }
                }
                (out.len() == items.len()).then_some(out)
            }
            _ => {
                self.fail(
                    path,
                    json.span,
                    "Expected a string or a non-empty array of strings",
                );
                None
            }
        }
    }

    fn patterns(
        &mut self,
        json: &Json,
        negated: bool,
        path: &str,
        check: fn(&str) -> Option<String>,
    ) -> Option<Patterns> {
        let items = self.strings(json, path)?;
        let mut ok = true;
        for item in &items {
            if let Some(message) = check(item) {
                self.fail(path, json.span, message);
                ok = false;
            }
        }
        ok.then_some(Patterns {
            negated,
            items,
            span: json.span,
        })
    }

    fn principals(&mut self, json: &Json, negated: bool, path: &str) -> Option<Principals> {
        let mut entries = Vec::new();
        match &json.value {
            Value::String(s) if s == "*" => {
                entries.push(PrincipalEntry::new(PrincipalKind::Aws, "*".to_string()))
            }
            Value::Object(members) if !members.is_empty() => {
                self.no_duplicates(path, members);
                for m in members {
                    let here = format!("{path}.{}", m.key);
                    let kind = match m.key.as_str() {
                        "AWS" => PrincipalKind::Aws,
                        "Service" => PrincipalKind::Service,
                        "Federated" => PrincipalKind::Federated,
                        "CanonicalUser" => PrincipalKind::CanonicalUser,
                        other => {
                            self.fail(&here, m.key_span, format!("Invalid principal type {other}: expected AWS, Service, Federated or CanonicalUser"));
                            continue;
                        }
                    };
                    for value in self.strings(&m.value, &here).unwrap_or_default() {
                        if let Some(message) = check_principal(kind, &value) {
                            self.fail(&here, m.value.span, message);
                        }
                        entries.push(PrincipalEntry::new(kind, value));
                    }
                }
            }
            _ => {
                self.fail(
                    path,
                    json.span,
                    "Principal must be \"*\" or an object such as {\"AWS\": ...}",
                );
                return None;
            }
        }
        Some(Principals {
            negated,
            entries,
            span: json.span,
        })
    }

    fn conditions(&mut self, json: &Json, path: &str) -> Vec<Condition> {
        let Some(operators) = json.as_object() else {
            self.fail(path, json.span, "Condition must be an object of operators");
            return Vec::new();
        };
        let mut out = Vec::new();
        for op in operators {
            let op_path = format!("{path}.{}", op.key);
            let operator = match Operator::parse(&op.key) {
                Ok(operator) => operator,
                Err(_) => {
                    self.fail(
                        &op_path,
                        op.key_span,
                        format!("Invalid Condition type : {}", op.key),
                    );
                    continue;
                }
            };
            let Some(keys) = op.value.as_object() else {
                self.fail(
                    &op_path,
                    op.value.span,
                    "A condition operator must map condition keys to values",
                );
                continue;
            };
            for key in keys {
                let key_path = format!("{op_path}.{}", key.key);
                if key.key.is_empty() {
                    self.fail(&key_path, key.key_span, "Condition key must not be empty");
                    continue;
                }
                let values = match &key.value.value {
                    Value::Array(items) => items
                        .iter()
                        .filter_map(|v| self.condition_value(v, &key_path))
                        .collect(),
                    _ => self
                        .condition_value(&key.value, &key_path)
                        .into_iter()
                        .collect(),
                };
                out.push(Condition {
                    operator,
                    key: key.key.clone(),
                    values,
                    span: Span {
                        start: key.key_span.start,
                        end: key.value.span.end,
                    },
                });
            }
        }
        out
    }

    fn condition_value(&mut self, json: &Json, path: &str) -> Option<String> {
        match &json.value {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.clone()),
            Value::Bool(b) => Some(b.to_string()),
            _ => {
                self.fail(
                    path,
                    json.span,
                    format!(
                        "A condition value must be a string, number or boolean, found {}",
                        json.kind()
                    ),
                );
                None
            }
        }
    }
}

/// IAM: "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
fn check_action(action: &str) -> Option<String> {
    if action == "*" {
        return None;
    }
    match action.split_once(':') {
        Some((service, name)) if !service.is_empty() && !name.is_empty() && !service.contains(['*', '?']) => None,
        _ => Some(format!("Action {action:?} must be \"*\" or \"service:action\" (Actions must be prefaced by a vendor)")),
    }
}

/// IAM: "Resource ... must be in ARN format or \"*\"".
fn check_resource(resource: &str) -> Option<String> {
    if resource == "*" || (resource.starts_with("arn:") && resource.split(':').count() >= 6) {
        None
    } else {
        Some(format!(
            "Resource {resource} must be in ARN format or \"*\""
        ))
    }
}

/// "You cannot use a wildcard to match part of a principal name or ARN"
/// [IAM `reference_policies_elements_principal`].
fn check_principal(kind: PrincipalKind, value: &str) -> Option<String> {
    if value.is_empty() {
        return Some("Invalid principal: empty value".into());
    }
    if kind == PrincipalKind::Aws && value == "*" {
        return None;
    }
    if value.contains('*') || value.contains('?') {
        return Some(format!(
            "Invalid principal in policy: {value} (no partial wildcards in principals)"
        ));
    }
    if kind == PrincipalKind::Aws {
        let account_id = value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit());
        let arn = value.starts_with("arn:") && value.split(':').count() >= 6;
        // A deleted identity shows as its unique id (AIDA..., AROA...) [IAM principal docs].
        let unique_id = value.len() >= 16
            && value.starts_with('A')
            && value.bytes().all(|b| b.is_ascii_alphanumeric());
        if !(account_id || arn || unique_id) {
            return Some(format!("Invalid principal in policy: \"AWS\":\"{value}\""));
        }
    }
    None
}
