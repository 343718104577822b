//! Reading the export: every file is the JSON one aws CLI call printed, read with a size limit
//! (a file is never trusted to be small), and names taken from the export that become file
//! names (buckets, key ids, root, OU and policy ids) must be a single path component.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

/// No export file is larger than this; the largest, `iam/account-authorization-details.json`,
/// is a few megabytes for an account with thousands of roles.
pub const MAX_FILE_BYTES: u64 = 64 << 20;
/// No list of the export (buckets, keys, accounts, OUs, policies, users, ...) is read past this
/// many entries; the rest are refused by name in the report.
pub const MAX_ITEMS: usize = 100_000;

pub struct Export {
    root: PathBuf,
}

impl Export {
    pub fn new(root: &Path) -> Export {
        Export {
            root: root.to_path_buf(),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The JSON of `rel` (`/`-separated under the export); `Ok(None)` when there is no such
    /// file, `Err` naming the file when it is not a regular file, too large, or not the JSON
    /// expected.
    pub fn read<T: DeserializeOwned>(&self, rel: &str) -> Result<Option<T>, String> {
        let path = self.root.join(rel);
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("{rel}: {e}")),
        };
        if !meta.is_file() {
            return Err(format!("{rel} is not a regular file"));
        }
        let too_large = || format!("{rel} is larger than {} MiB", MAX_FILE_BYTES >> 20);
        if meta.len() > MAX_FILE_BYTES {
            return Err(too_large());
        }
        let mut bytes = Vec::new();
        std::fs::File::open(&path)
            .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
            .map_err(|e| format!("{rel}: {e}"))?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(too_large());
        }
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| format!("{rel} is not what the aws CLI prints: {e}"))
    }
}

/// `name` if it can be a file name of the export: not empty, not `.` or `..`, no `/`, `\` or
/// NUL, at most 255 bytes. The export's layout promises this of every name it uses so.
pub fn component(name: &str) -> Result<&str, String> {
    let fine = !name.is_empty()
        && name != "."
        && name != ".."
        && name.len() <= 255
        && !name.contains(['/', '\\', '\0']);
    if fine {
        Ok(name)
    } else {
        Err(format!("{name:?} cannot be a file name in an export"))
    }
}

/// An id of the shape `prefix...` that can also be a file name of the export.
pub fn id_of<'a>(id: &'a str, prefix: &str) -> Result<&'a str, String> {
    component(id).and_then(|id| {
        let fine = id.starts_with(prefix)
            && id[prefix.len()..]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        fine.then_some(id)
            .ok_or_else(|| format!("{id:?} is not an id of the form {prefix}..."))
    })
}
