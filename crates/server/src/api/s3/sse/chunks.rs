//! Object bytes at rest under SSE: AES-256-GCM in chunks of 64 KiB of plaintext, so a ranged
//! GET decrypts only the chunks it needs. A blob is a 12-byte random nonce base, then each
//! chunk's ciphertext and 16-byte tag; chunk `i`'s nonce is the base with `i` XORed into its
//! last eight bytes (each blob has its own base, so no nonce repeats under one data key, even
//! when a multipart upload writes a part number twice).

use std::io::{self, Read, Seek, SeekFrom};

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};

/// Plaintext bytes per chunk.
pub const CHUNK: u64 = 64 * 1024;
const TAG: u64 = 16;
const BASE: u64 = 12;

fn nonce(base: &[u8; 12], index: u64) -> [u8; 12] {
    let mut n = *base;
    for (b, i) in n[4..].iter_mut().zip(index.to_be_bytes()) {
        *b ^= i;
    }
    n
}

pub fn cipher(data_key: &[u8]) -> Aes256Gcm {
    Aes256Gcm::new_from_slice(data_key).expect("a data key is 32 bytes")
}

/// Seals plaintext as it streams: whole chunks out as soon as they are full.
pub struct Sealer {
    cipher: Aes256Gcm,
    base: [u8; 12],
    index: u64,
    pending: Vec<u8>,
    started: bool,
}

impl Sealer {
    pub fn new(data_key: &[u8]) -> Sealer {
        Sealer {
            cipher: cipher(data_key),
            base: crate::kms::crypto::random(),
            index: 0,
            pending: Vec::with_capacity(CHUNK as usize),
            started: false,
        }
    }

    fn seal_pending(&mut self, out: &mut Vec<u8>) {
        let sealed = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce(&self.base, self.index)),
                &self.pending[..],
            )
            .expect("AES-GCM seals a chunk");
        out.extend_from_slice(&sealed);
        self.index += 1;
        self.pending.clear();
    }

    /// Appends to `out` what `plaintext` completes.
    pub fn push(&mut self, mut plaintext: &[u8], out: &mut Vec<u8>) {
        if !self.started {
            out.extend_from_slice(&self.base);
            self.started = true;
        }
        while !plaintext.is_empty() {
            let room = CHUNK as usize - self.pending.len();
            let take = room.min(plaintext.len());
            self.pending.extend_from_slice(&plaintext[..take]);
            plaintext = &plaintext[take..];
            if self.pending.len() == CHUNK as usize {
                self.seal_pending(out);
            }
        }
    }

    /// The last, partial chunk (none for an empty object after the base).
    pub fn finish(mut self, out: &mut Vec<u8>) {
        if !self.started {
            out.extend_from_slice(&self.base);
        }
        if !self.pending.is_empty() {
            self.seal_pending(out);
        }
    }
}

/// Reads plaintext `[start, start + len)` of one sealed blob holding `size` plaintext bytes.
pub struct Opener<F> {
    file: F,
    cipher: Aes256Gcm,
    base: [u8; 12],
    size: u64,
    /// The next plaintext offset to hand out, and where to stop.
    at: u64,
    end: u64,
    chunk: Vec<u8>,
    /// The plaintext offset of `chunk`'s first byte.
    chunk_start: u64,
}

impl<F: Read + Seek> Opener<F> {
    pub fn new(mut file: F, data_key: &[u8], size: u64, start: u64, len: u64) -> io::Result<Self> {
        let mut base = [0u8; 12];
        file.read_exact(&mut base)?;
        Ok(Opener {
            file,
            cipher: cipher(data_key),
            base,
            size,
            at: start,
            end: (start + len).min(size),
            chunk: Vec::new(),
            chunk_start: 0,
        })
    }

    fn load(&mut self, index: u64) -> io::Result<()> {
        let start = index * CHUNK;
        let plain = CHUNK.min(self.size - start);
        self.file
            .seek(SeekFrom::Start(BASE + index * (CHUNK + TAG)))?;
        let mut sealed = vec![0u8; (plain + TAG) as usize];
        self.file.read_exact(&mut sealed)?;
        self.chunk = self
            .cipher
            .decrypt(Nonce::from_slice(&nonce(&self.base, index)), &sealed[..])
            .map_err(|_| io::Error::other("an encrypted chunk does not authenticate"))?;
        self.chunk_start = start;
        Ok(())
    }
}

impl<F: Read + Seek> Read for Opener<F> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.at >= self.end || buf.is_empty() {
            return Ok(0);
        }
        let loaded =
            self.at >= self.chunk_start && self.at < self.chunk_start + self.chunk.len() as u64;
        if !loaded {
            self.load(self.at / CHUNK)?;
        }
        let from = (self.at - self.chunk_start) as usize;
        let n = (self.chunk.len() - from)
            .min(buf.len())
            .min((self.end - self.at) as usize);
        buf[..n].copy_from_slice(&self.chunk[from..from + n]);
        self.at += n as u64;
        Ok(n)
    }
}

/// The sealed size of `size` plaintext bytes.
pub fn sealed_size(size: u64) -> u64 {
    BASE + size + size.div_ceil(CHUNK) * TAG
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn sealed(data: &[u8], key: &[u8], pieces: usize) -> Vec<u8> {
        let mut s = Sealer::new(key);
        let mut out = Vec::new();
        for piece in data.chunks(pieces.max(1)) {
            s.push(piece, &mut out);
        }
        s.finish(&mut out);
        out
    }

    #[test]
    fn every_range_reads_back_the_plaintext() {
        let key = [7u8; 32];
        for size in [
            0usize,
            1,
            1000,
            CHUNK as usize,
            CHUNK as usize + 1,
            3 * CHUNK as usize + 17,
        ] {
            let data: Vec<u8> = (0..size).map(|i| (i * 31 % 251) as u8).collect();
            let blob = sealed(&data, &key, 7777);
            assert_eq!(blob.len() as u64, sealed_size(size as u64));
            let ranges = [(0, size), (size / 3, size / 2), (size.saturating_sub(1), 1)];
            for (start, len) in ranges {
                let len = len.min(size - start.min(size));
                let mut out = Vec::new();
                Opener::new(
                    Cursor::new(&blob),
                    &key,
                    size as u64,
                    start as u64,
                    len as u64,
                )
                .unwrap()
                .read_to_end(&mut out)
                .unwrap();
                assert_eq!(
                    out,
                    &data[start.min(size)..start.min(size) + len],
                    "size {size} range {start}+{len}"
                );
            }
        }
    }

    #[test]
    fn a_flipped_bit_or_a_wrong_key_does_not_read() {
        let key = [7u8; 32];
        let data = vec![1u8; 100];
        let mut blob = sealed(&data, &key, 10);
        let mut out = Vec::new();
        assert!(Opener::new(Cursor::new(&blob), &[8u8; 32], 100, 0, 100)
            .unwrap()
            .read_to_end(&mut out)
            .is_err());
        blob[20] ^= 1;
        assert!(Opener::new(Cursor::new(&blob), &key, 100, 0, 100)
            .unwrap()
            .read_to_end(&mut out)
            .is_err());
    }
}
