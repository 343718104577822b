//! A decision for a person to read: the verdict, the deciding statement, AWS's message, then
//! each policy consulted in evaluation order with each statement's principal, action and
//! resource match and every condition's key, operator, policy values and request values.
//! `gatehouse simulate --explain` and `gatehouse explain` both print it.

use std::fmt::Write;

use super::answer::{Answer, ConditionLine, StatementLine};
use crate::decision::Decision;
use crate::simulate::scenario::Scenario;

pub fn explain_text(scenario: &Scenario, d: &Decision) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} on {}",
        scenario.principal.arn, scenario.action, scenario.resource
    );
    render(&Answer::of(d), "  ", &mut out);
    out.pop();
    out
}

fn values(v: &[String]) -> String {
    format!("{v:?}")
}

fn matched(label: &str, ok: bool) -> String {
    format!("{label} {}", if ok { "matches" } else { "does not match" })
}

fn condition(c: &ConditionLine) -> String {
    let request = c
        .request_values
        .as_deref()
        .map_or("absent from the request".to_string(), |v| {
            format!("the request has {}", values(v))
        });
    format!(
        "condition {} {} {}: {request} → {}",
        c.operator,
        c.key,
        values(&c.policy_values),
        if c.result { "true" } else { "false" }
    )
}

fn statement(s: &StatementLine, indent: &str, out: &mut String) {
    let mark = if s.applies {
        "applies"
    } else {
        "does not apply"
    };
    let _ = writeln!(
        out,
        "{indent}{} {} (line {}, column {}): {mark}",
        s.effect, s.statement, s.start.line, s.start.column
    );
    let mut elements = Vec::new();
    if let Some(p) = s.principal {
        elements.push(matched("principal", p));
    }
    elements.push(matched("action", s.action));
    elements.push(matched("resource", s.resource));
    let _ = writeln!(out, "{indent}  {}", elements.join("; "));
    for c in &s.conditions {
        let _ = writeln!(out, "{indent}  {}", condition(c));
    }
}

/// Appends `answer`, each line starting with `indent`.
pub fn render(answer: &Answer, indent: &str, out: &mut String) {
    let _ = writeln!(out, "{indent}decision: {}", answer.decision);
    if let Some(layer) = &answer.denied_by {
        let _ = writeln!(out, "{indent}denied by: {layer}");
    }
    if let (Some(p), Some(s)) = (&answer.policy, &answer.statement) {
        let _ = writeln!(out, "{indent}deciding statement: {s} of {p}");
    }
    if let Some(m) = &answer.message {
        let _ = writeln!(out, "{indent}AWS would say: {m}");
    }
    let _ = writeln!(out, "{indent}why: {}", answer.explanation);
    for p in &answer.trace {
        let level = p
            .target
            .as_deref()
            .map(|l| format!(" at {l}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{indent}[{}] {}{level}: {}",
            p.layer, p.policy, p.result
        );
        for s in &p.statements {
            statement(s, &format!("{indent}  "), out);
        }
    }
}
