//! Keys and names sort by their bytes (UTF-8 byte order, as S3 lists them); a prefix's range
//! ends at its successor.

/// The smallest byte string greater than every string that starts with `s` (`None`: no bound).
pub(crate) fn successor(s: &[u8]) -> Option<Vec<u8>> {
    let mut v = s.to_vec();
    while let Some(last) = v.pop() {
        if last < 0xff {
            v.push(last + 1);
            return Some(v);
        }
    }
    None
}
