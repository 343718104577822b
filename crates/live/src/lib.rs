//! `gatehouse doctor s3://BUCKET/KEY --live`: the troubleshooting walk against any S3
//! endpoint — AWS included — with the caller's own credentials, moving no data and changing
//! nothing. It observes the failing request, reads what these credentials may read of every
//! layer, runs Gatehouse's engine on it, cross-checks the observed answer and AWS's message,
//! says plainly what it could not read, and proposes the smallest fix.

mod bucket;
mod calls;
mod clients;
mod identity;
mod observe;
mod organization;
mod report;
mod simulate;
mod verdict;
mod walk;

pub use report::LiveReport;
pub use walk::{examine, plan, Options};
