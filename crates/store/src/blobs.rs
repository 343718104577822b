//! Object bytes on disk, under generated ids — never under the S3 key, so no key (`../x`, `//`,
//! 1,024 bytes of unicode) can name a path outside the data directory.
//!
//! A blob is written to `tmp/`, synced, renamed into `ab/cd/<id>` and its directory synced: once
//! [`BlobWriter::finish`] returns, the bytes survive a crash. A blob is visible to S3 only when
//! the metadata transaction that names it commits; a crash before that leaves an orphan that
//! [`BlobStore::sweep`] removes at the next start.

use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use md5::{Digest, Md5};

use crate::error::{Result, StoreError};
use crate::ids;

#[derive(Debug, Clone)]
pub struct BlobStore {
    root: PathBuf,
}

/// A durable blob: its id, length and MD5 (the ETag of a single-part object).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobInfo {
    pub id: String,
    pub size: u64,
    pub md5: [u8; 16],
}

/// Writes one blob. Dropping it without [`BlobWriter::finish`] removes the partial file.
pub struct BlobWriter {
    root: PathBuf,
    id: String,
    tmp: PathBuf,
    file: Option<File>,
    /// `None` for a blob written without a digest.
    hasher: Option<Md5>,
    size: u64,
    limit: u64,
    /// Bytes written since the disk was last asked to start on them.
    unstarted: u64,
}

/// A large blob's bytes are sent on to the disk every this many bytes while it is written, so
/// the `fsync` that makes it durable waits for the last stretch only, not for all of it: on
/// a 64 MiB PUT the sync otherwise came after the transfer instead of beside it.
const START_WRITEBACK_EVERY: u64 = 8 * 1024 * 1024;

fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

impl BlobStore {
    pub fn open(root: PathBuf) -> Result<BlobStore> {
        fs::create_dir_all(root.join("tmp"))?;
        sync_dir(&root)?;
        Ok(BlobStore { root })
    }

    fn path_of(&self, id: &str) -> Result<PathBuf> {
        // Ids are ours (hex); refuse anything else rather than build a path from it.
        if id.len() < 8 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(StoreError::Corrupt(format!("blob id {id:?}")));
        }
        Ok(self.root.join(&id[0..2]).join(&id[2..4]).join(id))
    }

    /// Starts a blob of at most `limit` bytes.
    pub fn writer(&self, limit: u64) -> Result<BlobWriter> {
        self.start(limit, true)
    }

    /// Starts a blob whose bytes need no MD5 (sealed bytes: the object's digest is its
    /// plaintext's, taken by the caller); its [`BlobInfo::md5`] is all zeros.
    pub fn writer_without_digest(&self, limit: u64) -> Result<BlobWriter> {
        self.start(limit, false)
    }

    fn start(&self, limit: u64, digest: bool) -> Result<BlobWriter> {
        let id = ids::blob_id();
        let tmp = self.root.join("tmp").join(&id);
        let file = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        Ok(BlobWriter {
            root: self.root.clone(),
            id,
            tmp,
            file: Some(file),
            hasher: digest.then(Md5::new),
            size: 0,
            limit,
            unstarted: 0,
        })
    }

    /// Writes everything `reader` yields (at most `limit` bytes) as one durable blob.
    pub fn write_from(&self, reader: &mut impl Read, limit: u64) -> Result<BlobInfo> {
        let mut writer = self.writer(limit)?;
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let n = reader.read(&mut buf)?;
            if n == 0 {
                break;
            }
            writer.append(&buf[..n])?;
        }
        writer.finish()
    }

    pub fn open_blob(&self, id: &str) -> Result<File> {
        match File::open(self.path_of(id)?) {
            Ok(f) => Ok(f),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                Err(StoreError::Corrupt(format!("blob {id} is missing")))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Removes a blob no metadata names any more. Missing is fine: removal is idempotent.
    pub fn remove(&self, id: &str) -> Result<()> {
        match fs::remove_file(self.path_of(id)?) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        }
    }

    /// Removes partial writes and every blob `referenced` does not hold: the orphans a crash
    /// between "bytes durable" and "metadata committed" (or between a commit and the removal of
    /// the bytes it replaced) leaves behind. Run when nothing else writes.
    pub fn sweep(&self, referenced: &HashSet<String>) -> Result<usize> {
        let mut removed = 0;
        for entry in fs::read_dir(self.root.join("tmp"))? {
            fs::remove_file(entry?.path())?;
            removed += 1;
        }
        for a in fs::read_dir(&self.root)? {
            let a = a?;
            if a.file_name() == "tmp" || !a.file_type()?.is_dir() {
                continue;
            }
            for b in fs::read_dir(a.path())? {
                for blob in fs::read_dir(b?.path())? {
                    let blob = blob?;
                    let name = blob.file_name().to_string_lossy().into_owned();
                    if !referenced.contains(&name) {
                        fs::remove_file(blob.path())?;
                        removed += 1;
                    }
                }
            }
        }
        Ok(removed)
    }
}

impl BlobWriter {
    pub fn append(&mut self, bytes: &[u8]) -> Result<()> {
        self.size += bytes.len() as u64;
        if self.size > self.limit {
            return Err(StoreError::EntityTooLarge);
        }
        if let Some(h) = self.hasher.as_mut() {
            h.update(bytes);
        }
        let file = self.file.as_mut().expect("a writer is live until finished");
        file.write_all(bytes)?;
        self.unstarted += bytes.len() as u64;
        if self.unstarted >= START_WRITEBACK_EVERY {
            start_writeback(file, self.size - self.unstarted, self.unstarted);
            self.unstarted = 0;
        }
        Ok(())
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// Makes the blob durable: file synced, renamed into place, directory synced.
    pub fn finish(mut self) -> Result<BlobInfo> {
        let file = self.file.take().expect("a writer is live until finished");
        file.sync_all()?;
        drop(file);
        let dir = self.root.join(&self.id[0..2]).join(&self.id[2..4]);
        if !dir.exists() {
            fs::create_dir_all(&dir)?;
            sync_dir(&self.root)?;
            sync_dir(dir.parent().unwrap_or(&self.root))?;
        }
        fs::rename(&self.tmp, dir.join(&self.id))?;
        sync_dir(&dir)?;
        let mut digest = [0u8; 16];
        if let Some(h) = self.hasher.take() {
            digest.copy_from_slice(&h.finalize());
        }
        Ok(BlobInfo {
            id: std::mem::take(&mut self.id),
            size: self.size,
            md5: digest,
        })
    }
}

/// Asks the kernel to start writing `[offset, offset + len)` of `file` to the disk and returns
/// at once (`sync_file_range` with `SYNC_FILE_RANGE_WRITE`). Durability still comes from the
/// `fsync` in [`BlobWriter::finish`]; this only moves the work earlier. Elsewhere a no-op.
#[cfg(target_os = "linux")]
fn start_writeback(file: &File, offset: u64, len: u64) {
    use std::os::fd::AsRawFd;
    // SAFETY: a plain syscall on a descriptor `file` owns; a failure only loses the head start.
    unsafe {
        libc::sync_file_range(
            file.as_raw_fd(),
            offset as libc::off64_t,
            len as libc::off64_t,
            libc::SYNC_FILE_RANGE_WRITE,
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn start_writeback(_: &File, _: u64, _: u64) {}

impl Drop for BlobWriter {
    fn drop(&mut self) {
        if self.file.is_some() {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}
