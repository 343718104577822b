//! The MD5 of a request body (its ETag), taken beside the write instead of before it.
//!
//! MD5 runs at ~750 MB/s on one core here (`crate::aws_lc_md5`); writing to the page cache is several
//! times faster.
//! Done in turn on the request's thread, the digest set a 64 MiB PUT's pace (docs/performance.md).
//! A body larger than one write is therefore hashed on a blocking-pool thread while the
//! request's thread writes the same bytes (shared, not copied); a smaller one inline, where a
//! thread hop would cost more than the digest.

use crate::aws_lc_md5::Md5;
use bytes::Bytes;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Chunks in flight to the hashing thread: back-pressure, so a slow digest cannot make a large
/// body pile up in memory.
const IN_FLIGHT: usize = 4;

pub enum BodyDigest {
    Inline(Md5),
    Beside {
        chunks: mpsc::Sender<Bytes>,
        digest: JoinHandle<[u8; 16]>,
    },
}

impl Default for BodyDigest {
    fn default() -> Self {
        BodyDigest::Inline(Md5::default())
    }
}

impl BodyDigest {
    /// Takes `chunk` into the digest; the first chunk handed over this way (a body larger than
    /// one write) moves the rest of the digest to its own thread.
    pub async fn update_beside(&mut self, chunk: Bytes) {
        if let BodyDigest::Inline(md5) = self {
            let mut md5 = std::mem::take(md5);
            let (chunks, mut rx) = mpsc::channel::<Bytes>(IN_FLIGHT);
            let digest = tokio::task::spawn_blocking(move || {
                while let Some(chunk) = rx.blocking_recv() {
                    md5.update(&chunk);
                }
                md5.finalize()
            });
            *self = BodyDigest::Beside { chunks, digest };
        }
        if let BodyDigest::Beside { chunks, .. } = self {
            // The thread outlives the sender: a send fails only if it panicked, which `finish`
            // reports.
            let _ = chunks.send(chunk).await;
        }
    }

    /// The MD5 of everything given, `tail` last (hashed on the calling thread when the digest
    /// never left it).
    pub async fn finish(self, tail: &[u8]) -> std::io::Result<[u8; 16]> {
        match self {
            BodyDigest::Inline(mut md5) => {
                md5.update(tail);
                Ok(md5.finalize())
            }
            BodyDigest::Beside { chunks, digest } => {
                let _ = chunks.send(Bytes::copy_from_slice(tail)).await;
                drop(chunks);
                digest.await.map_err(std::io::Error::other)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use md5::Digest;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_digest_is_the_same_inline_or_beside() {
        let body: Vec<u8> = (0..3_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let whole: [u8; 16] = md5::Md5::digest(&body).into();
        assert_eq!(BodyDigest::default().finish(&body).await.unwrap(), whole);
        let mut beside = BodyDigest::default();
        for chunk in body[..2_500_000].chunks(1 << 20) {
            beside.update_beside(Bytes::copy_from_slice(chunk)).await;
        }
        assert!(matches!(beside, BodyDigest::Beside { .. }));
        assert_eq!(beside.finish(&body[2_500_000..]).await.unwrap(), whole);
    }
}
