//! The new data directory is built out of sight, in a sibling directory renamed into place
//! once the import is complete: a failed import leaves nothing, and nobody ever opens a
//! half-built one. The target must not exist, or be an empty directory.

use std::path::{Path, PathBuf};

use super::error::ImportError;

pub struct Staging {
    path: PathBuf,
    target: PathBuf,
    committed: bool,
}

fn failed(what: &str, path: &Path, e: std::io::Error) -> ImportError {
    ImportError::Failed(format!("{what} {}: {e}", path.display()))
}

impl Staging {
    pub fn new(target: &Path) -> Result<Staging, ImportError> {
        match std::fs::symlink_metadata(target) {
            Ok(meta) if meta.is_dir() => {
                let mut entries =
                    std::fs::read_dir(target).map_err(|e| failed("cannot read", target, e))?;
                if entries.next().is_some() {
                    return Err(ImportError::Target(format!(
                        "{} is not empty: import into a new or empty directory",
                        target.display()
                    )));
                }
            }
            Ok(_) => {
                return Err(ImportError::Target(format!(
                    "{} exists and is not a directory",
                    target.display()
                )))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(failed("cannot examine", target, e)),
        }
        let name = target
            .file_name()
            .ok_or_else(|| ImportError::Target(format!("{} names no directory", target.display())))?
            .to_string_lossy()
            .into_owned();
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| failed("cannot create", &parent, e))?;
        let mut nonce = [0u8; 6];
        getrandom::fill(&mut nonce).expect("the operating system's random source works");
        let suffix: String = nonce.iter().map(|b| format!("{b:02x}")).collect();
        let path = parent.join(format!(".{name}.importing-{suffix}"));
        std::fs::create_dir(&path).map_err(|e| failed("cannot create", &path, e))?;
        Ok(Staging {
            path,
            target: target.to_path_buf(),
            committed: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Makes the finished directory the target: its contents synced, then one rename (which
    /// replaces an empty target directory), then the parent synced.
    pub fn commit(mut self) -> Result<(), ImportError> {
        sync_tree(&self.path).map_err(|e| failed("cannot sync", &self.path, e))?;
        std::fs::rename(&self.path, &self.target)
            .map_err(|e| failed("cannot move the import into", &self.target, e))?;
        self.committed = true;
        if let Some(parent) = self.target.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::File::open(parent)
                .and_then(|d| d.sync_all())
                .map_err(|e| failed("cannot sync", parent, e))?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// fsync of every file and directory under `dir` (the store syncs its own commits; this
/// covers the rest, and the directories' entries).
fn sync_tree(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            sync_tree(&entry.path())?;
        } else if kind.is_file() {
            std::fs::File::open(entry.path())?.sync_all()?;
        }
    }
    std::fs::File::open(dir)?.sync_all()
}
