//! The trail's times: UTC, to the second, as CloudTrail writes them.

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// `2026-12-04T05:00:00Z`.
pub fn now_iso8601() -> String {
    let now = OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    now.format(&Rfc3339).unwrap_or_default()
}

/// `2026-12-04`: the day a line is filed under.
pub fn today() -> String {
    now_iso8601()[..10].to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn seconds_and_a_zulu() {
        let t = super::now_iso8601();
        assert_eq!(t.len(), 20, "{t}");
        assert!(t.ends_with('Z') && t.as_bytes()[10] == b'T', "{t}");
        assert_eq!(super::today(), t[..10]);
    }
}
