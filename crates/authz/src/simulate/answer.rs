//! The simulator's answer line: DESIGN.md's `{"decision", "denied_by", "policy", "statement",
//! "message", "explanation", "trace"}`.

use policy::json::{write_str, Pos};
use policy::{ConditionTrace, StatementTrace};

use crate::decision::{Decision, PolicyTrace};

pub fn answer_json(d: &Decision) -> String {
    let mut out = String::with_capacity(256);
    out.push_str("{\"decision\":");
    write_str(&mut out, d.verdict.as_str());
    out.push_str(",\"denied_by\":");
    opt(&mut out, d.denied_by.map(|l| l.as_str()));
    out.push_str(",\"policy\":");
    opt(&mut out, d.policy.as_deref());
    out.push_str(",\"statement\":");
    opt(&mut out, d.statement.as_deref());
    out.push_str(",\"message\":");
    opt(&mut out, d.message.as_deref());
    out.push_str(",\"explanation\":");
    write_str(&mut out, &d.explanation);
    out.push_str(",\"trace\":");
    list(&mut out, &d.trace, policy_trace);
    out.push('}');
    out
}

/// `[a,b,...]`, each item written by `each`.
fn list<T>(out: &mut String, items: &[T], mut each: impl FnMut(&mut String, &T)) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        each(out, item);
    }
    out.push(']');
}

fn opt(out: &mut String, s: Option<&str>) {
    match s {
        Some(s) => write_str(out, s),
        None => out.push_str("null"),
    }
}

fn policy_trace(out: &mut String, p: &PolicyTrace) {
    out.push_str("{\"layer\":");
    write_str(out, p.layer.as_str());
    out.push_str(",\"policy\":");
    write_str(out, &p.policy);
    if let Some(level) = &p.level {
        out.push_str(",\"target\":");
        write_str(out, level);
    }
    out.push_str(",\"result\":");
    write_str(out, p.result);
    out.push_str(",\"statements\":");
    list(out, &p.statements, statement_trace);
    out.push('}');
}

fn pos(out: &mut String, p: Pos) {
    out.push_str(&format!("{{\"line\":{},\"column\":{}}}", p.line, p.column));
}

fn statement_trace(out: &mut String, s: &StatementTrace) {
    out.push_str("{\"statement\":");
    write_str(out, &s.label);
    out.push_str(",\"effect\":");
    write_str(out, s.effect.as_str());
    out.push_str(",\"start\":");
    pos(out, s.span.start);
    out.push_str(",\"end\":");
    pos(out, s.span.end);
    if let Some(p) = s.principal {
        out.push_str(&format!(",\"principal\":{p}"));
    }
    out.push_str(&format!(
        ",\"action\":{},\"resource\":{},\"applies\":{}",
        s.action, s.resource, s.applies
    ));
    out.push_str(",\"conditions\":");
    list(out, &s.conditions, condition_trace);
    out.push('}');
}

fn condition_trace(out: &mut String, c: &ConditionTrace) {
    out.push_str("{\"key\":");
    write_str(out, &c.key);
    out.push_str(",\"operator\":");
    write_str(out, &c.operator);
    out.push_str(",\"policy_values\":");
    list(out, &c.policy_values, |out, v| write_str(out, v));
    out.push_str(",\"request_values\":");
    match &c.request_values {
        Some(v) => list(out, v, |out, v| write_str(out, v)),
        None => out.push_str("null"),
    }
    out.push_str(&format!(",\"result\":{}}}", c.result));
}
