//! Ids for requests and events (`x-amz-request-id`, `x-amz-id-2`, CloudTrail's `eventID`): unique
//! within the process, since each comes from a counter through a bijection, and not guessable
//! across restarts, since each word is mixed with its own key read from the OS once. Ids are
//! not secrets: a random read from the OS per id (a system call) and a `format!` per word cost
//! a 1 KiB HEAD ~3% (docs/performance.md).
//!
//! Two processes' ids can only meet when two of their keys differ by exactly a counter's
//! distance, for every word alike: with eight independent 64-bit keys an id of two or more
//! words (an event's 128 bits) repeats across restarts with a probability of about 2^-64.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// At most this many 64-bit words per id.
const WORDS: usize = 8;

/// `bytes` bytes as hex (upper case with `upper`), at most 64 bytes.
pub fn unique_hex(bytes: usize, upper: bool) -> String {
    static KEYS: OnceLock<[u64; WORDS]> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let keys = KEYS.get_or_init(|| {
        let mut b = [0u8; WORDS * 8];
        let _ = getrandom::fill(&mut b);
        std::array::from_fn(|i| u64::from_le_bytes(b[i * 8..i * 8 + 8].try_into().unwrap()))
    });
    let digits: &[u8; 16] = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut out = Vec::with_capacity(bytes.div_ceil(8) * 16);
    for key in keys.iter().take(bytes.div_ceil(8)) {
        let word = splitmix64(key ^ n);
        out.extend(
            (0..16)
                .rev()
                .map(|i| digits[(word >> (i * 4)) as usize & 15]),
        );
    }
    out.truncate(bytes * 2);
    String::from_utf8(out).expect("hex digits are ASCII")
}

/// Sebastiano Vigna's splitmix64 finalizer: a bijection of u64 that scatters every bit.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::unique_hex;

    #[test]
    fn ids_are_unique_and_shaped_as_aws_s() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..10_000 {
            let id = unique_hex(8, true);
            assert_eq!(id.len(), 16);
            assert!(id
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b)));
            assert!(seen.insert(id));
        }
        let host = unique_hex(32, false);
        assert_eq!(host.len(), 64);
        assert!(host
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        let odd = unique_hex(5, false);
        assert_eq!(odd.len(), 10);
    }

    #[test]
    fn the_words_of_an_id_differ() {
        // Each word has its own key: an event id is not one word written twice.
        let id = unique_hex(16, false);
        assert_ne!(id[..16], id[16..], "{id}");
    }
}
