//! The IAM policy language, and nothing about any AWS service.
//!
//! Read a document with [`parse_policy`], check it against the rules of the place it is used
//! with [`validate`], compile it once with [`CompiledPolicy::compile`] and evaluate it against
//! [`Request`]s. Every statement keeps its source position, every error names its JSON path and
//! line, and evaluation can explain itself statement by statement.
//!
//! ```
//! use policy::{parse_policy, CompiledPolicy, Context, Request, RequestPrincipal, PrincipalType};
//!
//! let doc = parse_policy(r#"{"Version": "2012-10-17", "Statement": {
//!     "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}}"#).unwrap();
//! let policy = CompiledPolicy::compile(doc);
//! let alice = RequestPrincipal {
//!     kind: PrincipalType::User,
//!     arn: "arn:aws:iam::111122223333:user/alice".into(),
//!     account: Some("111122223333".into()),
//!     role_arn: None, canonical_id: None, unique_id: None, has_permissions_boundary: false,
//! };
//! let context = Context::new();
//! let request = Request::new("s3:getobject", "arn:aws:s3:::reports/q3.csv", &alice, &context);
//! assert!(policy.evaluate(&request).allow.is_some());
//! ```
//!
//! Not here: which layers apply and how they combine (the `authz` crate).

mod account;
pub mod compiled;
pub mod condition;
pub mod context;
pub mod document;
pub mod error;
pub mod fxhash;
mod index;
pub mod json;
pub mod operator;
pub mod parse;
pub mod principal;
pub mod validate;
pub mod variables;
pub mod wildcard;

pub use compiled::{CompiledPolicy, Outcome, Request, StatementTrace};
pub use condition::ConditionTrace;
pub use context::{Context, ContextValue};
pub use document::{Effect, Policy, Statement};
pub use error::{Finding, PolicyError};
pub use parse::{parse_policy, policy_from_json};
pub use principal::{PrincipalMatch, PrincipalType, RequestPrincipal};
pub use validate::{validate, validate_json, PolicyType};
