//! The simulator's answer line: DESIGN.md's `{"decision", "denied_by", "policy", "statement",
//! "message", "explanation", "trace"}`.

use policy::json::{write_str, Pos};

use crate::decision::{Decision, PolicyTrace, StatementTrace};

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
    out.push_str(",\"trace\":[");
    for (i, p) in d.trace.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        policy_trace(&mut out, p);
    }
    out.push_str("]}");
    out
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
    out.push_str(",\"statements\":[");
    for (i, s) in p.statements.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        statement_trace(out, s);
    }
    out.push_str("]}");
}

fn pos(out: &mut String, p: Pos) {
    out.push_str(&format!("{{\"line\":{},\"column\":{}}}", p.line, p.column));
}

fn statement_trace(out: &mut String, s: &StatementTrace) {
    out.push_str("{\"statement\":");
    write_str(out, &s.statement);
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
    out.push_str(",\"conditions\":[");
    for (i, c) in s.conditions.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"key\":");
        write_str(out, &c.key);
        out.push_str(",\"operator\":");
        write_str(out, &c.operator);
        out.push_str(",\"policy_values\":");
        strings(out, &c.policy_values);
        out.push_str(",\"request_values\":");
        match &c.request_values {
            Some(v) => strings(out, v),
            None => out.push_str("null"),
        }
        out.push_str(&format!(",\"result\":{}}}", c.result));
    }
    out.push_str("]}");
}

fn strings(out: &mut String, values: &[String]) {
    out.push('[');
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_str(out, v);
    }
    out.push(']');
}
