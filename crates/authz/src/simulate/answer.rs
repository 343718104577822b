//! The simulator's answer line: DESIGN.md's `{"decision", "denied_by", "policy", "statement",
//! "message", "explanation", "trace"}` — a serde view of a [`Decision`], also what the audit
//! trail records of a denial.

use policy::json::Pos;
use policy::{ConditionTrace, StatementTrace};
use serde::Serialize;

use crate::decision::{Decision, PolicyTrace};

/// A [`Decision`] as the answer line writes it.
#[derive(Serialize)]
pub struct Answer<'a> {
    decision: &'a str,
    denied_by: Option<&'a str>,
    policy: Option<&'a str>,
    statement: Option<&'a str>,
    message: Option<&'a str>,
    explanation: &'a str,
    trace: Vec<PolicyLine<'a>>,
}

#[derive(Serialize)]
struct PolicyLine<'a> {
    layer: &'a str,
    policy: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    target: Option<&'a str>,
    result: &'a str,
    statements: Vec<StatementLine<'a>>,
}

#[derive(Serialize)]
struct StatementLine<'a> {
    statement: &'a str,
    effect: &'a str,
    start: Place,
    end: Place,
    #[serde(skip_serializing_if = "Option::is_none")]
    principal: Option<bool>,
    action: bool,
    resource: bool,
    applies: bool,
    conditions: Vec<ConditionLine<'a>>,
}

#[derive(Serialize)]
struct Place {
    line: u32,
    column: u32,
}

#[derive(Serialize)]
struct ConditionLine<'a> {
    key: &'a str,
    operator: &'a str,
    policy_values: &'a [String],
    request_values: Option<&'a [String]>,
    result: bool,
}

impl<'a> Answer<'a> {
    pub fn of(d: &'a Decision) -> Answer<'a> {
        Answer {
            decision: d.verdict.as_str(),
            denied_by: d.denied_by.map(|l| l.as_str()),
            policy: d.policy.as_deref(),
            statement: d.statement.as_deref(),
            message: d.message.as_deref(),
            explanation: &d.explanation,
            trace: d.trace.iter().map(PolicyLine::of).collect(),
        }
    }
}

impl<'a> PolicyLine<'a> {
    fn of(p: &'a PolicyTrace) -> PolicyLine<'a> {
        PolicyLine {
            layer: p.layer.as_str(),
            policy: &p.policy,
            target: p.level.as_deref(),
            result: p.result,
            statements: p.statements.iter().map(StatementLine::of).collect(),
        }
    }
}

impl<'a> StatementLine<'a> {
    fn of(s: &'a StatementTrace) -> StatementLine<'a> {
        StatementLine {
            statement: &s.label,
            effect: s.effect.as_str(),
            start: Place::of(s.span.start),
            end: Place::of(s.span.end),
            principal: s.principal,
            action: s.action,
            resource: s.resource,
            applies: s.applies,
            conditions: s.conditions.iter().map(ConditionLine::of).collect(),
        }
    }
}

impl Place {
    fn of(p: Pos) -> Place {
        Place {
            line: p.line,
            column: p.column,
        }
    }
}

impl<'a> ConditionLine<'a> {
    fn of(c: &'a ConditionTrace) -> ConditionLine<'a> {
        ConditionLine {
            key: &c.key,
            operator: &c.operator,
            policy_values: &c.policy_values,
            request_values: c.request_values.as_deref(),
            result: c.result,
        }
    }
}

pub fn answer_json(d: &Decision) -> String {
    serde_json::to_string(&Answer::of(d)).expect("an answer always serializes")
}
