//! Why an import did not happen: an export that cannot be used, a target directory that cannot
//! be written to, or a failure of the new store itself. A part of the export that is refused
//! (a malformed policy, one too many) is no error: the report lists it.

use std::fmt;

#[derive(Debug)]
pub enum ImportError {
    /// No export.json, another format, an account mismatch: nothing was imported.
    Export(String),
    /// The data directory given exists and is not empty (or is no directory).
    Target(String),
    /// Reading the export or writing the new directory failed; nothing was left behind.
    Failed(String),
}

impl ImportError {
    /// `gatehouse import`'s exit status: 2 for a usage error, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            ImportError::Target(_) => 2,
            ImportError::Export(_) | ImportError::Failed(_) => 1,
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Export(why) => write!(f, "the export cannot be used: {why}"),
            ImportError::Target(why) | ImportError::Failed(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for ImportError {}

impl From<store::StoreError> for ImportError {
    fn from(e: store::StoreError) -> Self {
        ImportError::Failed(format!("the new data directory: {e}"))
    }
}
