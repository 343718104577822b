//! The AWS Query protocol (`POST /`, form body, `Action=...&Version=...`, XML answers,
//! `<ErrorResponse>` errors) that IAM and STS speak: its [`endpoint`] (SigV4, routing to the
//! API), [`params`], [`xml`] answers and [`error`]s.

pub mod endpoint;
pub mod error;
pub mod params;
pub mod xml;
