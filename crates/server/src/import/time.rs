//! Exported timestamps: the aws CLI v2 prints ISO 8601 strings everywhere; v1 prints what the
//! wire carried, so the JSON protocols' times (KMS, Organizations) are epoch seconds as numbers
//! while S3's and IAM's are ISO 8601 strings (`docs/import-layout.md`, "Timestamps").

use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Seconds since the Unix epoch; `None` for anything that is not a time.
pub fn seconds(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.is_finite() && *f >= 0.0 && *f < u64::MAX as f64)
                .map(|f| f as u64)
        }),
        Value::String(s) => iso8601(s).or_else(|| seconds(&serde_json::from_str(s).ok()?)),
        _ => None,
    }
}

/// `2026-12-04T08:14:13Z`, `...13.347Z`, `...13+00:00`, and without an offset (UTC).
fn iso8601(text: &str) -> Option<u64> {
    let parsed = OffsetDateTime::parse(text, &Rfc3339)
        .or_else(|_| OffsetDateTime::parse(&format!("{text}Z"), &Rfc3339))
        .ok()?;
    u64::try_from(parsed.unix_timestamp()).ok()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn epoch_numbers_and_iso_strings_are_the_same_time() {
        let t = 1_796_376_997;
        for v in [
            json!(t),
            json!(1_796_376_997.25),
            json!("2026-12-04T09:36:37Z"),
            json!("2026-12-04T09:36:37.347Z"),
            json!("2026-12-04T09:36:37+00:00"),
            json!("2026-12-04T10:36:37+01:00"),
            json!("2026-12-04T09:36:37"),
            json!("1796376997"),
        ] {
            assert_eq!(super::seconds(&v), Some(t), "{v}");
        }
        for v in [json!(-1), json!("yesterday"), json!(null), json!([1])] {
            assert_eq!(super::seconds(&v), None, "{v}");
        }
    }
}
