//! A lint finding and its severity, and the naming helpers the checks share.

use policy::json::Span;
use policy::Statement;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Severity {
    Error,
    SecurityWarning,
    Suggestion,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::SecurityWarning => "security warning",
            Severity::Suggestion => "suggestion",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// A short name for the kind of finding (`PUBLIC_ACCESS`, `UNKNOWN_ACTION`, ...).
    pub code: &'static str,
    /// The JSON path of what the finding is about (`Statement[1].Action`).
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl Finding {
    pub(super) fn at(
        severity: Severity,
        code: &'static str,
        path: String,
        span: Span,
        message: String,
    ) -> Finding {
        Finding {
            severity,
            code,
            path,
            line: span.start.line,
            column: span.start.column,
            message,
        }
    }
}

/// `path.element`.
pub(super) fn child(path: &str, element: &str) -> String {
    format!("{path}.{element}")
}

/// The statement's name for messages: its Sid, else its index.
pub(super) fn name(s: &Statement) -> String {
    s.sid.clone().unwrap_or_else(|| format!("#{}", s.index))
}
