//! One folder per API, each importing only downward: the S3 REST API through s3s
//! ([`s3`]), S3 Control ([`s3control`]), the Query-protocol APIs — [`iam`] and [`sts`] —
//! with the protocol's shared parsing, errors and entry point in [`query`], and the JSON 1.1
//! APIs — [`organizations`] and [`kms`] — with theirs in [`json`]. [`signed`] verifies the signatures of
//! both protocols (s3s verifies S3's).

pub mod iam;
pub mod json;
pub mod kms;
pub mod organizations;
pub mod query;
pub mod s3;
pub mod s3control;
pub mod signed;
pub mod sts;
