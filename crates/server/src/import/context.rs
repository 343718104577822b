//! What every section of an import shares: the export and its manifest, the new store, and the
//! report it adds to.

use serde::de::DeserializeOwned;
use store::{Store, StoreError};

use super::error::ImportError;
use super::files::{Export, MAX_ITEMS};
use super::manifest::Manifest;
use super::report::ImportReport;

pub struct Import<'a> {
    pub export: &'a Export,
    pub manifest: &'a Manifest,
    pub store: &'a Store,
    pub report: &'a mut ImportReport,
}

impl Import<'_> {
    /// The export's account.
    /// Whether an exported ARN is the one its path and name make in this account; refuses
    /// `what` (reported) when it is not.
    pub fn arn_is(
        &mut self,
        section: &'static str,
        what: &str,
        expected: &str,
        exported: &str,
    ) -> bool {
        if expected == exported {
            return true;
        }
        let why = format!(
            "its ARN is not {expected}, the one of its path and name in account {}",
            self.account()
        );
        self.report.refuse(section, what, why);
        false
    }

    pub fn account(&self) -> &str {
        &self.manifest.account
    }

    pub fn region(&self) -> &str {
        &self.manifest.region
    }

    /// The JSON of an export file; `None` when it is absent, or unreadable (then refused in the
    /// report).
    pub fn read<T: DeserializeOwned>(&mut self, section: &'static str, rel: &str) -> Option<T> {
        match self.export.read(rel) {
            Ok(found) => found,
            Err(why) => {
                self.report.refuse(section, rel, why);
                None
            }
        }
    }

    /// At most [`MAX_ITEMS`] of a list; the rest are refused in the report as one line.
    pub fn capped<T>(&mut self, section: &'static str, what: &str, mut items: Vec<T>) -> Vec<T> {
        let kept = self.kept(section, what, items.len());
        items.truncate(kept);
        items
    }

    /// [`Import::capped`] of a borrowed list.
    pub fn first<'s, T>(&mut self, section: &'static str, what: &str, items: &'s [T]) -> &'s [T] {
        &items[..self.kept(section, what, items.len())]
    }

    fn kept(&mut self, section: &'static str, what: &str, len: usize) -> usize {
        if len > MAX_ITEMS {
            self.report.refuse(
                section,
                format!("{} {what}", len - MAX_ITEMS),
                format!("an export is read up to {MAX_ITEMS} {what}"),
            );
        }
        len.min(MAX_ITEMS)
    }

    /// A store call's outcome: `Ok(Err(why))` when the store refused this one thing (a name
    /// taken, a quota reached: the report says so and the import goes on); `Err` when the store
    /// itself failed, which ends the import.
    pub fn stored<T>(&self, result: store::Result<T>) -> Result<Result<T, String>, ImportError> {
        match result {
            Ok(v) => Ok(Ok(v)),
            Err(e @ (StoreError::Io(_) | StoreError::Db(_) | StoreError::Corrupt(_))) => {
                Err(e.into())
            }
            Err(e) => Ok(Err(refusal(e))),
        }
    }
}

/// The store's reason, in IAM's words where it has them.
fn refusal(e: StoreError) -> String {
    match e {
        StoreError::NoSuchEntity(m)
        | StoreError::EntityAlreadyExists(m)
        | StoreError::DeleteConflict(m)
        | StoreError::LimitExceeded(m) => m,
        other => other.to_string(),
    }
}
