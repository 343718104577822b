//! Signature Version 4 as Gatehouse checks it itself, apart from s3s: the verifier of the
//! Query protocol ([`verify`]: IAM and STS, which s3s 0.14.1 cannot verify), the refusals the
//! front door makes before a signature is looked at ([`precheck`]), and AWS's percent-encoding
//! and form decoding ([`percent`]). Pure: strings and bytes in, answers out.

pub mod percent;
pub mod precheck;
pub mod verify;

pub use verify::{verify, SigError, SignedRequest, Verified};
