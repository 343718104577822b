//! AWS's authorization logic, pure: no I/O, no clock (time is a condition key in the context).
//!
//! [`authorize`] takes one question — who, which action, which resource, with which request
//! context — and every policy and S3 setting that applies ([`AuthzRequest`]), and answers with a
//! [`Decision`]: allowed, explicit deny or implicit deny, the deciding layer, policy and
//! statement, AWS's own AccessDenied text, Gatehouse's explanation and, on request, a trace of
//! every statement consulted. The [`simulate`] module reads DESIGN.md's scenario format; the
//! [`catalog`] knows every action and condition key of the services Gatehouse serves.
//!
//! Not here: where policies are stored, HTTP, signatures (the server's business).

pub mod catalog;
pub mod decision;
pub mod engine;
pub mod input;
mod kms;
pub mod layer;
pub mod lint;
pub mod message;
pub mod principal;
pub mod s3;
pub mod simulate;

pub use decision::{Decision, PolicyTrace, Verdict};
pub use engine::authorize;
pub use input::{AuthzRequest, NamedPolicy, OrgLevel, Policies};
pub use layer::Layer;
pub use policy::StatementTrace;
