//! One folder per API, each importing only downward: the S3 REST API through s3s
//! ([`s3`]), S3 Control ([`s3control`]), and the Query-protocol APIs — [`iam`] and [`sts`] —
//! with the protocol's shared parsing, errors and entry point in [`query`].

pub mod iam;
pub mod query;
pub mod s3;
pub mod s3control;
pub mod sts;
