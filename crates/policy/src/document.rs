//! The typed policy document: what a policy says, with where it says it.

use crate::json::Span;
use crate::operator::Operator;

/// The `Version` element. Policy variables exist only in 2012-10-17; in 2008-10-17 (and when
/// the element is absent) `${...}` is literal text [IAM `reference_policies_elements_version`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V2012_10_17,
    V2008_10_17,
}

#[derive(Debug, Clone)]
pub struct Policy {
    pub version: Option<Version>,
    pub id: Option<String>,
    pub statements: Vec<Statement>,
    /// `Statement` was written as an array (paths then read `Statement[i]`).
    pub statement_array: bool,
    pub span: Span,
}

impl Policy {
    /// The JSON path of a statement, as errors name it.
    pub fn statement_path(&self, index: usize) -> String {
        if self.statement_array {
            format!("Statement[{index}]")
        } else {
            "Statement".to_string()
        }
    }

    pub fn variables_enabled(&self) -> bool {
        self.version == Some(Version::V2012_10_17)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    Allow,
    Deny,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Statement {
    /// 0-based position in the policy's `Statement` list.
    pub index: usize,
    pub sid: Option<String>,
    pub effect: Effect,
    pub principal: Option<Principals>,
    pub action: Patterns,
    /// Absent only where the policy type allows it (trust policies).
    pub resource: Option<Patterns>,
    pub conditions: Vec<Condition>,
    pub span: Span,
}

impl Statement {
    /// How traces, headers and messages name a statement: its Sid, else its 0-based index.
    pub fn label(&self) -> String {
        match &self.sid {
            Some(sid) if !sid.is_empty() => sid.clone(),
            _ => self.index.to_string(),
        }
    }
}

/// `Action`/`NotAction` or `Resource`/`NotResource`: the patterns as written.
#[derive(Debug, Clone)]
pub struct Patterns {
    pub negated: bool,
    pub items: Vec<String>,
    pub span: Span,
}

/// `Principal` or `NotPrincipal`.
#[derive(Debug, Clone)]
pub struct Principals {
    pub negated: bool,
    pub entries: Vec<PrincipalEntry>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    /// `"Principal": "*"` is stored as `Aws` with value `*`: the two are equivalent.
    Aws,
    Service,
    Federated,
    CanonicalUser,
}

impl PrincipalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::Aws => "AWS",
            PrincipalKind::Service => "Service",
            PrincipalKind::Federated => "Federated",
            PrincipalKind::CanonicalUser => "CanonicalUser",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalEntry {
    pub kind: PrincipalKind,
    pub value: String,
    /// The account an `AWS` value names (`"111122223333"` or its root ARN), read once.
    pub account: Option<String>,
}

impl PrincipalEntry {
    pub fn new(kind: PrincipalKind, value: String) -> PrincipalEntry {
        let account = match kind {
            PrincipalKind::Aws => crate::account::account_of(&value).map(str::to_string),
            _ => None,
        };
        PrincipalEntry {
            kind,
            value,
            account,
        }
    }
}

/// One key under one operator: `"StringLike": {"s3:prefix": ["home/", "home/${aws:username}/*"]}`.
#[derive(Debug, Clone)]
pub struct Condition {
    pub operator: Operator,
    /// The key as written; keys compare case-insensitively.
    pub key: String,
    /// Values in their string form (JSON numbers and booleans as written).
    pub values: Vec<String>,
    pub span: Span,
}
