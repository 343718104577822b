//! `gatehouse lint`: findings in the style of IAM Access Analyzer's policy validation, each
//! with its JSON path, line and column — errors (what AWS would reject, in AWS's words),
//! security warnings (what grants more than it seems to), and suggestions (what does not do
//! what it seems to). The checks are in `security` and `suggestions`.

mod finding;
mod security;
mod suggestions;

pub use finding::{Finding, Severity};

use policy::PolicyType;

/// Lints one policy document of `kind`. A document AWS would reject gets its errors only (the
/// rest cannot be judged); otherwise the warnings and suggestions, in document order.
pub fn lint(text: &str, kind: PolicyType) -> Vec<Finding> {
    let policy = match policy::validate(text, kind) {
        Ok(policy) => policy,
        Err(e) => {
            return e
                .findings
                .into_iter()
                .map(|f| Finding::at(Severity::Error, "MALFORMED", f.path, f.span, f.message))
                .collect()
        }
    };
    let mut out = Vec::new();
    for s in &policy.statements {
        let path = policy.statement_path(s.index);
        security::statement(&path, s, kind, &mut out);
        suggestions::statement(&path, s, &mut out);
    }
    suggestions::redundant(&policy, &mut out);
    out.sort_by_key(|f| (f.line, f.column, f.severity));
    out
}
