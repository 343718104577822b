//! What is wrong with a policy, and where.

use std::fmt;

use crate::json::{JsonError, Pos, Span};

/// One problem: a JSON path (`Statement[1].Condition.StringEquals`), the place in the text and
/// a sentence. API callers map a list of these to `MalformedPolicyDocument` (IAM) or
/// `MalformedPolicy` (S3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub path: String,
    pub span: Span,
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Pos { line, column } = self.span.start;
        if self.path.is_empty() {
            write!(f, "{} (line {line}, column {column})", self.message)
        } else {
            write!(
                f,
                "{}: {} (line {line}, column {column})",
                self.path, self.message
            )
        }
    }
}

/// A policy that could not be accepted: at least one finding, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub findings: Vec<Finding>,
}

impl PolicyError {
    pub fn first(&self) -> &Finding {
        &self.findings[0]
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, finding) in self.findings.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{finding}")?;
        }
        Ok(())
    }
}

impl std::error::Error for PolicyError {}

impl From<JsonError> for PolicyError {
    fn from(e: JsonError) -> Self {
        PolicyError {
            findings: vec![Finding {
                path: String::new(),
                span: Span {
                    start: e.pos,
                    end: e.pos,
                },
                message: format!("Syntax errors in policy: {}", e.message),
            }],
        }
    }
}
