//! ARN operators: `ArnEquals`, `ArnLike` and their negations. The six colon-separated parts
//! are matched one by one, so `*` never crosses a `:` outside the last part; `ArnEquals` and
//! `ArnLike` behave the same [IAM condition operators, "Amazon Resource Name (ARN) condition
//! operators"]. A request value that is not an ARN matches nothing.

use crate::variables::TextRef;
use crate::wildcard;

/// Also used for the `Resource` element, which follows the same segment rule.
pub fn matches(policy: TextRef<'_>, request: &str) -> bool {
    let pattern = policy.text.as_bytes();
    let Some(pattern_cuts) = segment_starts(pattern) else {
        return false;
    };
    let Some(request_cuts) = segment_starts(request.as_bytes()) else {
        return false;
    };
    let request = request.as_bytes();
    (0..6).all(|i| {
        let (ps, pe) = bounds(&pattern_cuts, i, pattern.len());
        let (rs, re) = bounds(&request_cuts, i, request.len());
        let mask = policy.literal.map(|m| &m[ps..pe]);
        wildcard::matches_masked(&pattern[ps..pe], mask, &request[rs..re], false)
    })
}

/// Offsets where each of the six parts begins; `None` when there are fewer than six. The sixth
/// part runs to the end and may contain colons.
fn segment_starts(arn: &[u8]) -> Option<[usize; 6]> {
    let mut starts = [0usize; 6];
    let mut n = 1;
    for (i, b) in arn.iter().enumerate() {
        if n == 6 {
            break;
        }
        if *b == b':' {
            starts[n] = i + 1;
            n += 1;
        }
    }
    (n == 6).then_some(starts)
}

fn bounds(starts: &[usize; 6], i: usize, len: usize) -> (usize, usize) {
    let end = if i == 5 { len } else { starts[i + 1] - 1 };
    (starts[i], end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> TextRef<'_> {
        TextRef::plain(s)
    }

    #[test]
    fn star_stays_inside_its_part() {
        // The IAM docs' example: matches under StringLike, not under ArnLike.
        let p = r("arn:aws:someservice:*:111122223333:finance/*");
        let v = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt";
        assert!(!matches(p, v));
        assert!(wildcard::matches(p.text, v, false));
        assert!(matches(
            r("arn:aws:iam::*:role/admin-*"),
            "arn:aws:iam::111122223333:role/admin-ops"
        ));
        assert!(matches(r("arn:aws:s3:::b/*"), "arn:aws:s3:::b/a:b:c"));
        assert!(!matches(r("arn:aws:s3:::b/*"), "not-an-arn"));
    }
}
