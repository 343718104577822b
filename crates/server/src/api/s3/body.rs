//! Request and response bodies: a request body written to a durable blob as it streams in,
//! an object's bytes streamed out from a blocking reader.

use std::io::Read;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::{Stream, StreamExt};
use s3s::dto::StreamingBlob;
use s3s::{S3Error, S3ErrorCode, S3Result};
use store::BlobInfo;

use crate::api::s3::errors::from_store;
use crate::state::Gatehouse;

const WRITE_SIZE: usize = 1024 * 1024;

/// Writes `body` (at most `limit` bytes) as one durable blob, showing each chunk to
/// `on_chunk` (checksums); nothing is visible until the caller commits metadata that names it.
pub async fn store_body(
    gatehouse: &Gatehouse,
    body: Option<StreamingBlob>,
    limit: u64,
    mut on_chunk: impl FnMut(&[u8]),
) -> S3Result<BlobInfo> {
    let mut writer = gatehouse.store.blobs().writer(limit).map_err(from_store)?;
    // Bodies arrive in small chunks; the disk is written a mebibyte at a time.
    let mut pending: Vec<u8> = Vec::with_capacity(WRITE_SIZE);
    if let Some(mut body) = body {
        while let Some(chunk) = body.next().await {
            let chunk = chunk
                .map_err(|e| S3Error::with_message(S3ErrorCode::IncompleteBody, e.to_string()))?;
            on_chunk(&chunk);
            pending.extend_from_slice(&chunk);
            if pending.len() >= WRITE_SIZE {
                tokio::task::block_in_place(|| writer.append(&pending)).map_err(from_store)?;
                pending.clear();
            }
        }
    }
    tokio::task::block_in_place(|| {
        writer.append(&pending)?;
        writer.finish()
    })
    .map_err(from_store)
}

/// An object's bytes as a stream: a blocking reader on its own thread, 256 KiB at a time,
/// handed over through a small channel (back-pressure: at most four chunks ahead).
pub fn byte_stream(mut reader: store::ObjectReader) -> ChunkStream {
    let (tx, rx) = tokio::sync::mpsc::channel(4);
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
    ChunkStream(rx)
}

pub struct ChunkStream(tokio::sync::mpsc::Receiver<std::io::Result<Bytes>>);

impl Stream for ChunkStream {
    type Item = std::io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.poll_recv(cx)
    }
}
