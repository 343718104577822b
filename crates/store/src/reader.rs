//! Reading an object's bytes, whole or a range, across its segments.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

use crate::blobs::BlobStore;
use crate::error::Result;
use crate::objects::Segment;

/// `Read` over bytes `[start, start + len)` of an object.
pub struct ObjectReader {
    blobs: BlobStore,
    segments: Vec<Segment>,
    /// Index of the segment being read, and the file open on it.
    current: usize,
    file: Option<File>,
    /// Offset into the current segment where reading starts.
    skip: u64,
    remaining: u64,
}

impl ObjectReader {
    pub(crate) fn new(
        blobs: BlobStore,
        segments: Vec<Segment>,
        start: u64,
        len: u64,
    ) -> ObjectReader {
        let mut skip = start;
        let mut current = 0;
        while current < segments.len() && skip >= segments[current].size {
            skip -= segments[current].size;
            current += 1;
        }
        ObjectReader {
            blobs,
            segments,
            current,
            file: None,
            skip,
            remaining: len,
        }
    }

    fn open_current(&mut self) -> io::Result<()> {
        let seg = &self.segments[self.current];
        let mut f = self
            .blobs
            .open_blob(&seg.blob_id)
            .map_err(io::Error::other)?;
        f.seek(SeekFrom::Start(self.skip))?;
        self.skip = 0;
        self.file = Some(f);
        Ok(())
    }
}

impl Read for ObjectReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.remaining > 0 && self.current < self.segments.len() {
            if self.file.is_none() {
                self.open_current()?;
            }
            let want = buf.len().min(self.remaining as usize);
            let n = self
                .file
                .as_mut()
                .map_or(Ok(0), |f| f.read(&mut buf[..want]))?;
            if n > 0 {
                self.remaining -= n as u64;
                return Ok(n);
            }
            self.file = None;
            self.current += 1;
        }
        if self.remaining > 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "object is shorter than its recorded size",
            ));
        }
        Ok(0)
    }
}

impl crate::Store {
    /// Opens bytes `[start, start + len)` of a version (the caller has checked the range).
    pub fn read_object(
        &self,
        version: &crate::ObjectVersion,
        start: u64,
        len: u64,
    ) -> Result<ObjectReader> {
        Ok(self.read_segments(self.segments(version)?, start, len))
    }

    /// All the bytes of an object held in one blob of at most [`crate::SMALL_BLOB`] bytes, from
    /// memory when it was read recently; `None` for any other object (read it with
    /// [`crate::Store::read_segments`]).
    pub fn small_object(&self, segments: &[Segment]) -> Result<Option<std::sync::Arc<[u8]>>> {
        let [segment] = segments else {
            return Ok(None);
        };
        if segment.size > crate::SMALL_BLOB {
            return Ok(None);
        }
        if let Some(bytes) = self.small_blobs.get(&segment.blob_id) {
            return Ok(Some(bytes));
        }
        let mut bytes = Vec::with_capacity(segment.size as usize);
        self.read_segments(segments.to_vec(), 0, segment.size)
            .read_to_end(&mut bytes)?;
        let bytes: std::sync::Arc<[u8]> = bytes.into();
        self.small_blobs.keep(&segment.blob_id, bytes.clone());
        Ok(Some(bytes))
    }

    /// Opens bytes `[start, start + len)` of the object `segments` hold, as
    /// [`crate::Store::object_with_segments`] found them.
    pub fn read_segments(&self, segments: Vec<Segment>, start: u64, len: u64) -> ObjectReader {
        ObjectReader::new(self.blobs.clone(), segments, start, len)
    }
}
