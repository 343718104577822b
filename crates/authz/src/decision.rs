//! The answer: a decision with its reasons, as data.

use std::sync::Arc;

use policy::StatementTrace;

use crate::layer::Layer;

/// SimulatePrincipalPolicy's vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    Allowed,
    ExplicitDeny,
    ImplicitDeny,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Allowed => "allowed",
            Verdict::ExplicitDeny => "explicitDeny",
            Verdict::ImplicitDeny => "implicitDeny",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub verdict: Verdict,
    /// The deciding layer of a denial.
    pub denied_by: Option<Layer>,
    /// The deciding policy: the denying one, or on an allow the one that granted.
    pub policy: Option<Arc<str>>,
    pub statement: Option<Arc<str>>,
    /// Exactly what AWS puts in the error body; `None` when allowed.
    pub message: Option<String>,
    /// Gatehouse's own sentence.
    pub explanation: String,
    /// Empty unless a trace was asked for.
    pub trace: Vec<PolicyTrace>,
}

impl Decision {
    pub fn is_allowed(&self) -> bool {
        self.verdict == Verdict::Allowed
    }
}

/// One policy consulted, and how each of its statements went.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyTrace {
    pub layer: Layer,
    pub policy: Arc<str>,
    /// For SCPs and RCPs, the target (root, OU or account) the policy is attached to.
    pub level: Option<String>,
    pub statements: Vec<StatementTrace>,
    /// `allow`, `deny` or `none`.
    pub result: &'static str,
}
