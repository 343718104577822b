//! `gatehouse import EXPORT --data-dir NEW`: a new data directory built from an export of an
//! AWS account (`scripts/export-aws.sh`; the layout is `docs/import-layout.md`), so that
//! diagnostics run offline on a copy of production's authorization: IAM, buckets and their
//! settings, Organizations with SCPs and RCPs, KMS keys with their policies. No object bytes,
//! no credentials: principals are examined by ARN (`gatehouse doctor --as`).
//!
//! Each section writes through the store's own calls, after the checks the matching API makes
//! (a document a section refuses is listed in the report, never written); exported ids
//! (accounts' canonical ids, IAM unique ids, policy, organization and key ids) are kept.
//! Every call the export skipped is reported as unknown, not none. The directory is built
//! aside and renamed into place at the end (`staging`): a failed import leaves nothing.
//!
//! Modules: `manifest` (export.json, the caller identity), `files` (reading with limits),
//! `context` (what the sections share), `report` and `unknown` (what the import says),
//! `staging`; the sections `accounts`, `iam` (with `managed`, `exported` and `bindings`),
//! `s3` (with `acl`), `organizations` (with `tree`), `kms`; `time` for the two forms of
//! exported timestamps.

mod accounts;
mod acl;
mod bindings;
mod context;
mod error;
mod exported;
mod files;
mod iam;
mod kms;
mod managed;
mod manifest;
mod organizations;
mod report;
mod s3;
mod staging;
mod time;
mod tree;
mod unknown;

use std::path::Path;

pub use error::ImportError;
pub use report::{ImportReport, Note, Unknown};

/// Imports the export in `export` into the new data directory `data_dir` (which must not
/// exist, or be empty).
pub fn import(export: &Path, data_dir: &Path) -> Result<ImportReport, ImportError> {
    let files = files::Export::new(export);
    let manifest = manifest::Manifest::read(&files)?;
    let staging = staging::Staging::new(data_dir)?;
    let mut report = report::ImportReport::new(&manifest, data_dir);
    {
        let store = store::Store::open(staging.path())?;
        let mut cx = context::Import {
            export: &files,
            manifest: &manifest,
            store: &store,
            report: &mut report,
        };
        let members = accounts::import(&mut cx)?;
        iam::import(&mut cx)?;
        kms::import(&mut cx)?;
        s3::import(&mut cx)?;
        organizations::import(&mut cx, &members)?;
    }
    staging.commit()?;
    Ok(report)
}
