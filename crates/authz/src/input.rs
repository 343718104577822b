//! What an authorization is decided from: the caller, the question, and every policy and S3
//! setting that applies. The server gathers these from its store; the simulator reads them
//! from a scenario.

use std::sync::{Arc, OnceLock};

use policy::{CompiledPolicy, Context, RequestPrincipal};

use crate::s3::S3Facts;

/// A compiled policy and the id decisions name it by (DESIGN.md, "Policy ids").
#[derive(Debug, Clone)]
pub struct NamedPolicy {
    /// Shared with the decisions and traces that name it.
    pub id: Arc<str>,
    pub policy: Arc<CompiledPolicy>,
    /// As a bucket policy: its first public statement, if any (reference §3.6), worked out on
    /// first need and kept.
    public_statement: Arc<OnceLock<Option<String>>>,
}

impl NamedPolicy {
    pub fn new(id: impl Into<Arc<str>>, policy: Arc<CompiledPolicy>) -> NamedPolicy {
        NamedPolicy {
            id: id.into(),
            policy,
            public_statement: Arc::default(),
        }
    }

    /// `document` compiled, under the id decisions name it by.
    pub fn compile(id: impl Into<Arc<str>>, document: policy::Policy) -> NamedPolicy {
        NamedPolicy::new(id, Arc::new(CompiledPolicy::compile(document)))
    }

    /// The label of the statement that makes this policy public, when it is.
    pub fn public_statement(&self) -> Option<&str> {
        self.public_statement
            .get_or_init(|| {
                crate::s3::public_policy::first_public_statement(&self.policy.document)
                    .map(|s| s.label())
            })
            .as_deref()
    }
}

/// The policies attached at one level of the organization (root, an OU, the account).
#[derive(Debug, Clone)]
pub struct OrgLevel {
    pub target: String,
    pub policies: Vec<NamedPolicy>,
}

#[derive(Debug, Clone, Default)]
pub struct Policies {
    pub identity: Vec<NamedPolicy>,
    /// The resource-based policy of the target: bucket policy, key policy or role trust policy.
    pub resource: Option<NamedPolicy>,
    pub permissions_boundary: Option<NamedPolicy>,
    pub session: Vec<NamedPolicy>,
    /// From the root down; empty when SCPs are not in effect.
    pub scp: Vec<OrgLevel>,
    pub rcp: Vec<OrgLevel>,
    pub vpc_endpoint: Option<NamedPolicy>,
}

/// One authorization question.
#[derive(Debug, Clone, Copy)]
pub struct AuthzRequest<'a> {
    pub principal: &'a RequestPrincipal,
    /// As the caller wrote it (`s3:GetObject`); compared without regard to case.
    pub action: &'a str,
    /// The ARN authorized against, or `*`.
    pub resource: &'a str,
    pub resource_account: &'a str,
    pub context: &'a Context,
    pub policies: &'a Policies,
    pub s3: Option<&'a S3Facts>,
}
