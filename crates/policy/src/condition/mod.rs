//! Condition operators: one family per file, and here the rules they share — missing keys,
//! `...IfExists`, `ForAllValues:`/`ForAnyValue:`, negation, and how a key's values combine
//! [IAM `reference_policies_elements_condition`, `..._condition_operators`,
//! `reference_policies_condition-single-vs-multi-valued-context-keys`].
//!
//! Several values for one key are OR'd; for a negated operator the request value must match
//! none of them (AND). Several keys and several operators are AND'd (by the caller).

mod arn;
mod binary;
mod boolean;
mod date;
mod ip;
mod null;
mod numeric;
mod string;

pub use arn::matches as arn_matches;
pub use ip::Cidr;

use crate::context::{Context, ContextValue, KeyName};
use crate::document::Condition;
use crate::json::Span;
use crate::operator::{BaseOperator, Operator, SetQualifier};
use crate::variables::{Template, TextRef};
use crate::wildcard;

/// A policy value, parsed once for its operator's family. A value that does not parse (an
/// invalid date under `DateLessThan`) is kept and simply matches nothing.
#[derive(Debug, Clone)]
enum PolicyValue {
    Text {
        text: String,
        template: Option<Template>,
    },
    Number(Option<f64>),
    Date(Option<date::Instant>),
    Ip(Option<Cidr>),
    Binary(Option<Vec<u8>>),
    Null(Option<bool>),
    /// A `Bool` value without variables, read once.
    Bool(Option<bool>),
}

#[derive(Debug, Clone)]
pub struct CompiledCondition {
    pub operator: Operator,
    /// Shared with traces, as the values are: a trace does not copy them.
    pub key: std::sync::Arc<str>,
    key_name: KeyName,
    pub raw_values: std::sync::Arc<[String]>,
    values: Vec<PolicyValue>,
    /// How the commonest tests read the values, when no value has a variable.
    strings: Strings,
    pub span: Span,
}

/// `StringEquals`/`StringLike` values (and their negations) without variables: compared
/// directly, without the general path's dispatch on each value's family.
#[derive(Debug, Clone)]
enum Strings {
    /// Equal to one of `raw_values`, as written.
    Equal,
    Like(Vec<wildcard::Glob>),
    /// Another operator, or a value with a variable.
    General,
}

/// How one condition went, for traces.
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionTrace {
    pub key: std::sync::Arc<str>,
    pub operator: Operator,
    pub policy_values: std::sync::Arc<[String]>,
    /// `None` when the request does not carry the key.
    pub request_values: Option<ContextValue>,
    pub result: bool,
}

impl CompiledCondition {
    pub fn compile(condition: &Condition, variables: bool) -> CompiledCondition {
        let base = condition.operator.base;
        let values: Vec<PolicyValue> = condition
            .values
            .iter()
            .map(|v| compile_value(base, v, variables))
            .collect();
        let plain = !values.iter().any(|v| {
            matches!(
                v,
                PolicyValue::Text {
                    template: Some(_),
                    ..
                }
            )
        });
        let strings = match base.positive() {
            BaseOperator::StringEquals if plain => Strings::Equal,
            BaseOperator::StringLike if plain => Strings::Like(
                condition
                    .values
                    .iter()
                    .map(|v| wildcard::Glob::new(v, false))
                    .collect(),
            ),
            _ => Strings::General,
        };
        CompiledCondition {
            operator: condition.operator,
            strings,
            key: condition.key.as_str().into(),
            key_name: KeyName::new(&condition.key),
            raw_values: condition.values.as_slice().into(),
            values,
            span: condition.span,
        }
    }

    pub fn evaluate(&self, context: &Context) -> bool {
        let request = context.get_key(&self.key_name);
        let op = self.operator;
        if op.base == BaseOperator::Null {
            // ForAllValues:Null and ForAnyValue:Null behave like Null (reference §2.2).
            let present = request.is_some();
            return self.values.iter().any(|v| match v {
                PolicyValue::Null(Some(absent)) => null::matches(*absent, present),
                _ => false,
            });
        }
        let Some(request) = request else {
            // Missing key: IfExists and ForAllValues are true, negated operators are true,
            // everything else is false.
            return op.if_exists
                || op.set == Some(SetQualifier::ForAllValues)
                || (op.set.is_none() && op.base.is_negated());
        };
        match (op.set, request) {
            (None, ContextValue::Single(r)) => self.satisfied_by(context, r),
            // A plain operator against a multi-valued key does not match (DESIGN.md's decision
            // on reference §8.5).
            (None, ContextValue::Multi(_)) => false,
            (Some(SetQualifier::ForAllValues), v) => {
                v.as_slice().iter().all(|r| self.satisfied_by(context, r))
            }
            (Some(SetQualifier::ForAnyValue), v) => {
                v.as_slice().iter().any(|r| self.satisfied_by(context, r))
            }
        }
    }

    /// Does one request value satisfy the operator — for a negated operator, miss every policy
    /// value? The request value is read once for the operator's family, then compared with each
    /// policy value.
    fn satisfied_by(&self, context: &Context, request: &str) -> bool {
        let hit = match &self.strings {
            Strings::Equal => self.raw_values.iter().any(|v| v == request),
            Strings::Like(globs) => globs.iter().any(|g| g.matches(request)),
            Strings::General => self.matches_any(context, request),
        };
        hit != self.operator.base.is_negated()
    }

    fn matches_any(&self, context: &Context, request: &str) -> bool {
        let positive = self.operator.base.positive();
        let prepared = Prepared::new(positive, request);
        self.values.iter().any(|value| match value {
            PolicyValue::Text {
                template: Some(t), ..
            } => t
                .resolve(context)
                .is_some_and(|r| value_matches(positive, value, Some(r.as_text()), &prepared)),
            PolicyValue::Text { text, .. } => {
                value_matches(positive, value, Some(TextRef::plain(text)), &prepared)
            }
            _ => value_matches(positive, value, None, &prepared),
        })
    }

    pub fn trace(&self, context: &Context) -> ConditionTrace {
        ConditionTrace {
            key: self.key.clone(),
            operator: self.operator,
            policy_values: self.raw_values.clone(),
            request_values: context.get_key(&self.key_name).cloned(),
            result: self.evaluate(context),
        }
    }
}

fn compile_value(base: BaseOperator, value: &str, variables: bool) -> PolicyValue {
    use BaseOperator::*;
    match base.positive() {
        NumericEquals
        | NumericLessThan
        | NumericLessThanEquals
        | NumericGreaterThan
        | NumericGreaterThanEquals => PolicyValue::Number(numeric::parse(value)),
        DateEquals
        | DateLessThan
        | DateLessThanEquals
        | DateGreaterThan
        | DateGreaterThanEquals => PolicyValue::Date(date::parse(value)),
        IpAddress => PolicyValue::Ip(Cidr::parse(value)),
        BinaryEquals => PolicyValue::Binary(binary::decode(value)),
        Null => PolicyValue::Null(boolean::parse(value)),
        Bool if !(variables && Template::parse(value).is_some()) => {
            PolicyValue::Bool(boolean::parse(value))
        }
        _ => PolicyValue::Text {
            text: value.to_string(),
            template: if variables && base.takes_variables() {
                Template::parse(value)
            } else {
                None
            },
        },
    }
}

/// A request value, parsed as its operator's family reads it.
enum Prepared<'r> {
    Text(&'r str),
    Number(Option<f64>),
    Date(Option<date::Instant>),
    Ip(Option<std::net::IpAddr>),
    Binary(Option<Vec<u8>>),
    Bool(&'r str, Option<bool>),
}

impl<'r> Prepared<'r> {
    fn new(positive: BaseOperator, request: &'r str) -> Prepared<'r> {
        use BaseOperator::*;
        match positive {
            NumericEquals
            | NumericLessThan
            | NumericLessThanEquals
            | NumericGreaterThan
            | NumericGreaterThanEquals => Prepared::Number(numeric::parse(request)),
            DateEquals
            | DateLessThan
            | DateLessThanEquals
            | DateGreaterThan
            | DateGreaterThanEquals => Prepared::Date(date::parse(request)),
            IpAddress => Prepared::Ip(ip::parse_address(request)),
            BinaryEquals => Prepared::Binary(binary::decode(request)),
            Bool => Prepared::Bool(request, boolean::parse(request)),
            _ => Prepared::Text(request),
        }
    }
}

fn value_matches(
    positive: BaseOperator,
    value: &PolicyValue,
    resolved: Option<TextRef<'_>>,
    request: &Prepared,
) -> bool {
    use BaseOperator::*;
    match (value, request) {
        (PolicyValue::Text { .. }, Prepared::Text(r) | Prepared::Bool(r, _)) => {
            let Some(policy) = resolved else {
                return false;
            };
            match positive {
                ArnEquals | ArnLike => arn::matches(policy, r),
                Bool => boolean::matches(policy, r),
                _ => string::matches(positive, policy, r),
            }
        }
        (PolicyValue::Number(Some(p)), Prepared::Number(Some(r))) => {
            numeric::compare(positive, r.partial_cmp(p))
        }
        (PolicyValue::Date(Some(p)), Prepared::Date(Some(r))) => {
            numeric::compare(positive, Some(r.cmp(p)))
        }
        (PolicyValue::Ip(Some(c)), Prepared::Ip(Some(ip))) => c.contains(*ip),
        (PolicyValue::Binary(Some(p)), Prepared::Binary(Some(r))) => p == r,
        (PolicyValue::Bool(Some(p)), Prepared::Bool(_, Some(r))) => p == r,
        _ => false,
    }
}
