//! The IAM policy language.
pub mod wildcard;
