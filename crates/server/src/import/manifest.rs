//! `export.json` and `sts/caller-identity.json`: what the export is of, and whether it can be
//! used at all. Without export.json there is no export (or an interrupted one); another
//! `format` is not this importer's; the account export.json names must be the caller
//! identity's.

use serde::{Deserialize, Serialize};

use super::error::ImportError;
use super::files::Export;

pub const FORMAT: &str = "gatehouse-export-1";

#[derive(Debug, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub account: String,
    pub region: String,
    #[serde(default)]
    pub time: String,
    #[serde(default)]
    pub aws_cli: String,
    #[serde(default)]
    pub skipped: Vec<Skip>,
    /// Who made the export (`sts get-caller-identity`'s `Arn`).
    #[serde(skip)]
    pub exported_by: String,
}

/// A call the export could not make: its result is unknown, not empty.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Skip {
    pub call: String,
    pub target: String,
    pub error: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CallerIdentity {
    account: String,
    #[serde(default)]
    arn: String,
}

pub fn is_account_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

impl Manifest {
    pub fn read(export: &Export) -> Result<Manifest, ImportError> {
        let unusable = ImportError::Export;
        let mut manifest: Manifest = export.read("export.json").map_err(unusable)?.ok_or_else(|| {
            unusable(format!(
                "{} has no export.json: it is not an export of scripts/export-aws.sh, or one that was interrupted",
                export.root().display()
            ))
        })?;
        if manifest.format != FORMAT {
            return Err(unusable(format!(
                "export.json's format is {:?}; this importer reads {FORMAT:?}",
                manifest.format
            )));
        }
        if !is_account_id(&manifest.account) {
            return Err(unusable(format!(
                "export.json's account {:?} is not a 12-digit account id",
                manifest.account
            )));
        }
        if manifest.region.is_empty()
            || !manifest
                .region
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(unusable(format!(
                "export.json's region {:?} is not a region",
                manifest.region
            )));
        }
        if manifest.skipped.len() > super::files::MAX_ITEMS {
            return Err(unusable(format!(
                "export.json lists more than {} skipped calls",
                super::files::MAX_ITEMS
            )));
        }
        let identity: CallerIdentity =
            export
                .read("sts/caller-identity.json")
                .map_err(unusable)?
                .ok_or_else(|| unusable("sts/caller-identity.json is missing".into()))?;
        if identity.account != manifest.account {
            return Err(unusable(format!(
                "export.json is of account {} but sts/caller-identity.json of account {}",
                manifest.account, identity.account
            )));
        }
        manifest.exported_by = identity.arn;
        Ok(manifest)
    }

    /// Did the export skip `call` on `target` (so that its file's absence means unknown)?
    pub fn skipped(&self, call: &str, target: &str) -> bool {
        self.skipped
            .iter()
            .any(|s| s.call == call && s.target == target)
    }
}
