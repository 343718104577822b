//! Diagnosis on a data directory (a running server's, or an import), without sending a
//! request: `doctor` walks one request, `who_can` finds every principal allowed an action,
//! `replay` re-decides the audit trail under proposed policies. Each asks the server's own
//! questions (`authorize::prepare`), so diagnosis and server agree by construction.

mod condition_fix;
mod directory;
mod doctor;
pub mod fix;
mod kms;
pub mod near_miss;
mod recorded;
mod reevaluate;
mod replay;
mod report;
mod who_can;

pub use directory::{Directory, Who};
pub use doctor::{Doctor, Examination};
pub use reevaluate::Reevaluation;
pub use replay::{Flip, Proposal, Replay};
pub use report::{CallerLine, Fix, Report, Step};
pub use who_can::{Entry, Grant, WhoCan};
