//! `gatehouse simulate --explain`: the decision and its trace for a person to read.

use std::fmt::Write;

use crate::decision::Decision;
use crate::simulate::scenario::Scenario;

pub fn explain_text(scenario: &Scenario, d: &Decision) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} on {}",
        scenario.principal.arn, scenario.action, scenario.resource
    );
    let _ = writeln!(out, "  decision: {}", d.verdict.as_str());
    if let Some(layer) = d.denied_by {
        let _ = writeln!(out, "  denied by: {layer}");
    }
    if let (Some(p), Some(s)) = (&d.policy, &d.statement) {
        let _ = writeln!(out, "  deciding statement: {s} of {p}");
    }
    if let Some(m) = &d.message {
        let _ = writeln!(out, "  AWS would say: {m}");
    }
    let _ = writeln!(out, "  why: {}", d.explanation);
    for p in &d.trace {
        let level = p
            .level
            .as_deref()
            .map(|l| format!(" at {l}"))
            .unwrap_or_default();
        let _ = writeln!(out, "  [{}] {}{level}: {}", p.layer, p.policy, p.result);
        for s in &p.statements {
            let mark = if s.applies {
                "applies"
            } else {
                "does not apply"
            };
            let mut misses = Vec::new();
            if s.principal == Some(false) {
                misses.push("principal".to_string());
            }
            if !s.action {
                misses.push("action".to_string());
            }
            if !s.resource {
                misses.push("resource".to_string());
            }
            for c in s.conditions.iter().filter(|c| !c.result) {
                let got = c
                    .request_values
                    .as_ref()
                    .map_or("absent".to_string(), |v| format!("{v:?}"));
                misses.push(format!(
                    "condition {} {} {:?} (request: {got})",
                    c.operator, c.key, c.policy_values
                ));
            }
            let why = if misses.is_empty() {
                String::new()
            } else {
                format!(" — no match on {}", misses.join(", "))
            };
            let _ = writeln!(
                out,
                "    {} {} (line {}, column {}): {mark}{why}",
                s.effect.as_str(),
                s.label,
                s.span.start.line,
                s.span.start.column
            );
        }
    }
    out.pop();
    out
}
