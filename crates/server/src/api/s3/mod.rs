//! The S3 REST operations, one file per area; `adapter` routes s3s's calls to them.

pub mod acl;
mod acl_api;
mod adapter;
mod body;
mod bucket;
pub(crate) mod checksums;
mod conditions;
mod convert;
mod copy;
mod digest;
mod encryption;
pub(crate) mod errors;
mod list;
mod logging;
mod lookup;
mod multipart;
mod object;
mod ownership;
mod policy;
pub(crate) mod public_access;
pub(crate) mod sse;
mod tagging;
mod versioning;

pub use adapter::GatehouseS3;
