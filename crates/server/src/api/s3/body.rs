//! Request and response bodies: a request body written to a durable blob as it streams in,
//! an object's bytes streamed out from a blocking reader.

use std::io::Read;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::{Stream, StreamExt};
use s3s::dto::StreamingBlob;
use s3s::{S3Error, S3ErrorCode, S3Result};
use store::{BlobInfo, Segment};

use crate::api::s3::digest::BodyDigest;
use crate::api::s3::errors::from_store;
use crate::api::s3::sse;
use crate::api::s3::sse::chunks::{sealed_size, Sealer};
use crate::api::s3::sse::DataKey;
use crate::aws_lc_md5::Md5;
use crate::state::Gatehouse;

const WRITE_SIZE: usize = 1024 * 1024;

/// Writes `body` (at most `limit` bytes) as one durable blob, showing each chunk to
/// `on_chunk` (checksums); nothing is visible until the caller commits metadata that names it.
/// With a data key the bytes are sealed as they stream (`sse::chunks`), and the answer
/// describes the plaintext (its size and MD5) while the blob holds the sealed bytes.
pub async fn store_body(
    gatehouse: &Gatehouse,
    body: Option<StreamingBlob>,
    limit: u64,
    data_key: Option<&DataKey>,
    mut on_chunk: impl FnMut(&[u8]),
) -> S3Result<BlobInfo> {
    let physical_limit = match data_key {
        Some(_) => sealed_size(limit),
        None => limit,
    };
    // The blob takes no digest of its own: a plain body's MD5 is taken beside the write
    // (`digest`), a sealed one's is its plaintext's.
    let mut writer = gatehouse
        .store
        .blobs()
        .writer_without_digest(physical_limit)
        .map_err(from_store)?;
    let mut sealer = data_key.map(|k| (Sealer::new(k), Md5::default(), 0u64));
    let mut digest = BodyDigest::default();
    // Bodies arrive in small chunks; the disk is written a mebibyte at a time.
    let mut pending: Vec<u8> = Vec::with_capacity(WRITE_SIZE);
    if let Some(mut body) = body {
        while let Some(chunk) = body.next().await {
            let chunk = chunk
                .map_err(|e| S3Error::with_message(S3ErrorCode::IncompleteBody, e.to_string()))?;
            on_chunk(&chunk);
            match &mut sealer {
                Some((s, md5, size)) => {
                    md5.update(&chunk);
                    *size += chunk.len() as u64;
                    s.push(&chunk, &mut pending);
                }
                None => pending.extend_from_slice(&chunk),
            }
            if pending.len() >= WRITE_SIZE {
                let full = Bytes::from(std::mem::replace(
                    &mut pending,
                    Vec::with_capacity(WRITE_SIZE),
                ));
                if sealer.is_none() {
                    digest.update_beside(full.clone()).await;
                }
                tokio::task::block_in_place(|| writer.append(&full)).map_err(from_store)?;
            }
        }
    }
    let plain = match sealer {
        Some((s, md5, size)) => {
            s.finish(&mut pending);
            Some((size, md5.finalize()))
        }
        None => None,
    };
    let physical = tokio::task::block_in_place(|| {
        writer.append(&pending)?;
        writer.finish()
    })
    .map_err(from_store)?;
    let (size, md5) = match plain {
        Some(plain) => plain,
        None => (
            physical.size,
            digest
                .finish(&pending)
                .await
                .map_err(|e| from_store(e.into()))?,
        ),
    };
    Ok(BlobInfo {
        id: physical.id,
        size,
        md5,
    })
}

/// Writes what `reader` gives as one durable blob (blocking), sealed under `data_key` when
/// there is one; the answer describes the plaintext.
pub fn write_sealed(
    gatehouse: &Gatehouse,
    reader: &mut dyn Read,
    data_key: Option<&DataKey>,
) -> store::Result<BlobInfo> {
    let blobs = gatehouse.store.blobs();
    let Some(data_key) = data_key else {
        return blobs.write_from(&mut &mut *reader, u64::MAX);
    };
    let mut writer = blobs.writer_without_digest(u64::MAX)?;
    let mut sealer = Sealer::new(data_key);
    let (mut md5, mut size) = (Md5::default(), 0u64);
    let mut buf = vec![0u8; WRITE_SIZE];
    let mut sealed = Vec::with_capacity(WRITE_SIZE + WRITE_SIZE / 16);
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        md5.update(&buf[..n]);
        size += n as u64;
        sealer.push(&buf[..n], &mut sealed);
        writer.append(&sealed)?;
        sealed.clear();
    }
    sealer.finish(&mut sealed);
    writer.append(&sealed)?;
    let physical = writer.finish()?;
    Ok(BlobInfo {
        id: physical.id,
        size,
        md5: md5.finalize(),
    })
}

/// A GET's body, `[start, start + len)` of the object `segments` hold (the caller checked the
/// range): a small unencrypted object from the store's memory of recent reads, anything else
/// streamed from its blobs.
pub fn object_body(
    gatehouse: &Gatehouse,
    segments: Vec<Segment>,
    data_key: Option<DataKey>,
    start: u64,
    len: u64,
) -> S3Result<ChunkStream> {
    if data_key.is_none() {
        if let Some(bytes) = gatehouse
            .store
            .small_object(&segments)
            .map_err(from_store)?
        {
            let range = bytes
                .get(start as usize..(start + len) as usize)
                .ok_or_else(|| {
                    from_store(store::StoreError::Corrupt(
                        "an object is shorter than its recorded size".into(),
                    ))
                })?;
            return Ok(ChunkStream::Ready(Some(Ok(Bytes::copy_from_slice(range)))));
        }
    }
    let reader = sse::plaintext(gatehouse, segments, data_key, start, len)?;
    Ok(byte_stream(reader, len))
}

/// Objects up to this size are read at once on the request's own thread (from the page cache
/// that is a copy): the thread hop and the 256 KiB buffer a larger object needs cost a 1 KiB GET
/// more than its bytes (docs/performance.md).
const READ_INLINE: u64 = 64 * 1024;

/// An object's `len` bytes as a stream: a small object read at once, a larger one by a
/// blocking reader on its own thread, 256 KiB at a time, handed over through a small channel
/// (back-pressure: at most two chunks ahead; with four, 256 connections reading 1 MiB each
/// peaked at 185 MB resident, with two at 143 MB — docs/performance.md).
pub fn byte_stream(mut reader: impl Read + Send + 'static, len: u64) -> ChunkStream {
    if len <= READ_INLINE {
        let mut buf = Vec::with_capacity(len as usize);
        let read = reader.take(READ_INLINE + 1).read_to_end(&mut buf);
        return ChunkStream::Ready(Some(read.map(|_| Bytes::from(buf))));
    }
    let (tx, rx) = tokio::sync::mpsc::channel(2);
    tokio::task::spawn_blocking(move || loop {
        let mut buf = vec![0u8; 256 * 1024];
        match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                buf.truncate(n);
                if tx.blocking_send(Ok(Bytes::from(buf))).is_err() {
                    break;
                }
            }
            Err(e) => {
                let _ = tx.blocking_send(Err(e));
                break;
            }
        }
    });
    ChunkStream::Channel(rx)
}

pub enum ChunkStream {
    /// All of a small object, or its read error; `None` once taken.
    Ready(Option<std::io::Result<Bytes>>),
    Channel(tokio::sync::mpsc::Receiver<std::io::Result<Bytes>>),
}

impl Stream for ChunkStream {
    type Item = std::io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match &mut *self {
            // An empty object is no chunk at all.
            ChunkStream::Ready(chunk) => {
                Poll::Ready(chunk.take().filter(|c| !matches!(c, Ok(b) if b.is_empty())))
            }
            ChunkStream::Channel(rx) => rx.poll_recv(cx),
        }
    }
}
