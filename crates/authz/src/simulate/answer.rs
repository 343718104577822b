//! The simulator's answer line: DESIGN.md's `{"decision", "denied_by", "policy", "statement",
//! "message", "explanation", "trace"}` — a serde view of a [`Decision`], also what the audit
//! trail records of a denial, and what `gatehouse explain` reads back from it (one type both
//! ways: borrowed when written, owned when read).

use std::borrow::Cow;

use policy::json::Pos;
use policy::{ConditionTrace, StatementTrace};
use serde::{Deserialize, Serialize};

use crate::decision::{Decision, PolicyTrace};

/// A [`Decision`] as the answer line writes it.
#[derive(Debug, Serialize, Deserialize)]
pub struct Answer<'a> {
    #[serde(borrow)]
    pub decision: Cow<'a, str>,
    #[serde(borrow)]
    pub denied_by: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub policy: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub statement: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub message: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub explanation: Cow<'a, str>,
    #[serde(borrow)]
    pub trace: Vec<PolicyLine<'a>>,
}

/// One policy consulted, in evaluation order.
#[derive(Debug, Serialize, Deserialize)]
pub struct PolicyLine<'a> {
    #[serde(borrow)]
    pub layer: Cow<'a, str>,
    #[serde(borrow)]
    pub policy: Cow<'a, str>,
    /// The organization level (root, OU, account) of an SCP or RCP.
    #[serde(borrow, skip_serializing_if = "Option::is_none", default)]
    pub target: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub result: Cow<'a, str>,
    #[serde(borrow)]
    pub statements: Vec<StatementLine<'a>>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct StatementLine<'a> {
    /// The Sid, or the 0-based index.
    #[serde(borrow)]
    pub statement: Cow<'a, str>,
    #[serde(borrow)]
    pub effect: Cow<'a, str>,
    pub start: Place,
    pub end: Place,
    /// Whether `Principal`/`NotPrincipal` matched (resource-side policies only).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub principal: Option<bool>,
    pub action: bool,
    pub resource: bool,
    pub applies: bool,
    #[serde(borrow)]
    pub conditions: Vec<ConditionLine<'a>>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Place {
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ConditionLine<'a> {
    #[serde(borrow)]
    pub key: Cow<'a, str>,
    #[serde(borrow)]
    pub operator: Cow<'a, str>,
    #[serde(borrow)]
    pub policy_values: Cow<'a, [String]>,
    /// `None`: the request does not carry the key.
    #[serde(borrow)]
    pub request_values: Option<Cow<'a, [String]>>,
    pub result: bool,
}

impl<'a> Answer<'a> {
    pub fn of(d: &'a Decision) -> Answer<'a> {
        Answer {
            decision: Cow::Borrowed(d.verdict.as_str()),
            denied_by: d.denied_by.map(|l| Cow::Borrowed(l.as_str())),
            policy: d.policy.as_deref().map(Cow::Borrowed),
            statement: d.statement.as_deref().map(Cow::Borrowed),
            message: d.message.as_deref().map(Cow::Borrowed),
            explanation: Cow::Borrowed(&d.explanation),
            trace: d.trace.iter().map(PolicyLine::of).collect(),
        }
    }
}

impl<'a> PolicyLine<'a> {
    fn of(p: &'a PolicyTrace) -> PolicyLine<'a> {
        PolicyLine {
            layer: Cow::Borrowed(p.layer.as_str()),
            policy: Cow::Borrowed(&p.policy),
            target: p.level.as_deref().map(Cow::Borrowed),
            result: Cow::Borrowed(p.result),
            statements: p.statements.iter().map(StatementLine::of).collect(),
        }
    }
}

impl<'a> StatementLine<'a> {
    fn of(s: &'a StatementTrace) -> StatementLine<'a> {
        StatementLine {
            statement: Cow::Borrowed(&*s.label),
            effect: Cow::Borrowed(s.effect.as_str()),
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
            key: Cow::Borrowed(&c.key),
            operator: Cow::Owned(c.operator.to_string()),
            policy_values: Cow::Borrowed(&*c.policy_values),
            request_values: c
                .request_values
                .as_ref()
                .map(|v| Cow::Borrowed(v.as_slice())),
            result: c.result,
        }
    }
}

pub fn answer_json(d: &Decision) -> String {
    serde_json::to_string(&Answer::of(d)).expect("an answer always serializes")
}
