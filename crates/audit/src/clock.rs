//! Times as AWS writes them — UTC, to the second, ISO 8601 (`2026-12-04T05:00:00Z`) — for the
//! trail and for everything else the server writes, on the `time` crate.

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// `YYYY-MM-DDTHH:MM:SSZ` for a Unix time in seconds. Each thread keeps the last one it wrote:
/// every request's context (`aws:CurrentTime`) and event carry the time, and within a second
/// they are one text.
pub fn iso8601(secs: u64) -> String {
    thread_local! {
        static LAST: std::cell::RefCell<Option<(u64, String)>> = const { std::cell::RefCell::new(None) };
    }
    LAST.with_borrow_mut(|last| match last {
        Some((at, text)) if *at == secs => text.clone(),
        _ => last.insert((secs, format_iso8601(secs))).1.clone(),
    })
}

fn format_iso8601(secs: u64) -> String {
    i64::try_from(secs)
        .ok()
        .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

/// Seconds since the Unix epoch, now.
pub fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// [`iso8601`] of now.
pub fn now_iso8601() -> String {
    iso8601(now_secs())
}

/// `2026-12-04`: the day a line is filed under.
pub fn today() -> String {
    now_iso8601()[..10].to_string()
}

/// `04/Dec/2026:08:00:00 +0000`: the time of an S3 server access log line.
pub fn access_log_time(secs: u64) -> String {
    let format = time::macros::format_description!(
        "[day]/[month repr:short]/[year]:[hour]:[minute]:[second] +0000"
    );
    i64::try_from(secs)
        .ok()
        .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn iso8601_dates() {
        assert_eq!(super::iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(
            super::iso8601(0),
            "1970-01-01T00:00:00Z",
            "again, remembered"
        );
        assert_eq!(super::iso8601(1), "1970-01-01T00:00:01Z");
        assert_eq!(super::iso8601(1_577_836_800 + 3661), "2020-01-01T01:01:01Z");
        assert_eq!(super::iso8601(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn seconds_and_a_zulu() {
        let t = super::now_iso8601();
        assert_eq!(t.len(), 20, "{t}");
        assert!(t.ends_with('Z') && t.as_bytes()[10] == b'T', "{t}");
        assert_eq!(super::today(), t[..10]);
    }

    #[test]
    fn access_log_times_are_aws_s() {
        assert_eq!(
            super::access_log_time(1_549_411_238),
            "06/Feb/2019:00:00:38 +0000"
        );
    }
}
