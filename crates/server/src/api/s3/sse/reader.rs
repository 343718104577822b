//! An object's plaintext, whatever its storage: the store's own reader for bytes stored as
//! sent, or each sealed segment opened in turn.

use std::fs::File;
use std::io::{self, Read};

use s3s::S3Result;
use store::Segment;

use super::chunks::Opener;
use super::envelope::DataKey;
use crate::api::s3::errors::from_store;
use crate::state::Gatehouse;

/// `[start, start + len)` of the plaintext of the object `segments` hold; `data_key` for an
/// encrypted one.
pub fn plaintext(
    gatehouse: &Gatehouse,
    segments: Vec<Segment>,
    data_key: Option<DataKey>,
    start: u64,
    len: u64,
) -> S3Result<Box<dyn Read + Send>> {
    let Some(data_key) = data_key else {
        return Ok(Box::new(
            gatehouse.store.read_segments(segments, start, len),
        ));
    };
    let end = start + len;
    let mut pieces = Vec::new();
    let mut offset = 0;
    for Segment { blob_id, size } in segments {
        let (from, to) = (start.max(offset), end.min(offset + size));
        if from < to {
            let file = gatehouse
                .store
                .blobs()
                .open_blob(&blob_id)
                .map_err(from_store)?;
            pieces.push(Piece {
                file: Some(file),
                size,
                start: from - offset,
                len: to - from,
            });
        }
        offset += size;
    }
    Ok(Box::new(Sealed {
        data_key,
        pieces: pieces.into_iter(),
        current: None,
    }))
}

struct Piece {
    file: Option<File>,
    /// The segment's plaintext size, and the part of it to read.
    size: u64,
    start: u64,
    len: u64,
}

struct Sealed {
    data_key: DataKey,
    pieces: std::vec::IntoIter<Piece>,
    current: Option<Opener<File>>,
}

impl Read for Sealed {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if let Some(opener) = &mut self.current {
                let n = opener.read(buf)?;
                if n > 0 || buf.is_empty() {
                    return Ok(n);
                }
            }
            let Some(mut piece) = self.pieces.next() else {
                return Ok(0);
            };
            let file = piece.file.take().expect("each piece is opened once");
            self.current = Some(Opener::new(
                file,
                &self.data_key,
                piece.size,
                piece.start,
                piece.len,
            )?);
        }
    }
}
