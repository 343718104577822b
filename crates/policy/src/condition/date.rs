//! Date operators [IAM condition operators, "Date condition operators"]: W3C ISO 8601 dates
//! and times (`2026-01-01`, `2026-01-01T12:00:00Z`, fractions, `+hh:mm` offsets) or epoch
//! seconds; no wildcards, no variables. Instants compare at nanosecond precision.

/// Nanoseconds since the Unix epoch.
pub type Instant = i128;

pub fn parse(text: &str) -> Option<Instant> {
    let t = text.trim();
    if !t.is_empty()
        && t.bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
        && !t[1..].contains('-')
    {
        return epoch(t);
    }
    iso8601(t)
}

fn epoch(t: &str) -> Option<Instant> {
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    let seconds: i128 = whole.parse().ok()?;
    let nanos = seconds * 1_000_000_000;
    let frac = fraction_nanos(frac)?;
    Some(if whole.starts_with('-') {
        nanos - frac
    } else {
        nanos + frac
    })
}

fn fraction_nanos(frac: &str) -> Option<i128> {
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits: String = frac.chars().chain(std::iter::repeat('0')).take(9).collect();
    digits.parse().ok()
}

fn iso8601(t: &str) -> Option<Instant> {
    let (date, time) = match t.find(['T', 't']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let mut d = date.split('-');
    let year: i64 = d.next()?.parse().ok()?;
    let month: u32 = d.next()?.parse().ok()?;
    let day: u32 = d.next()?.parse().ok()?;
    if d.next().is_some()
        || !(1..=12).contains(&month)
        || !(1..=days_in_month(year, month)).contains(&day)
    {
        return None;
    }
    let mut nanos = days_from_civil(year, month, day) as i128 * 86_400 * 1_000_000_000;
    if let Some(time) = time {
        nanos += time_of_day(time)?;
    }
    Some(nanos)
}

/// `hh:mm[:ss[.fff]]` followed by `Z` or `±hh:mm`; no zone means UTC.
fn time_of_day(time: &str) -> Option<i128> {
    let zone_at = time.find(['Z', 'z', '+', '-']).unwrap_or(time.len());
    let (clock, zone) = time.split_at(zone_at);
    let mut parts = clock.split(':');
    let hour: i128 = parts.next()?.parse().ok()?;
    let minute: i128 = parts.next()?.parse().ok()?;
    let (second, frac) = match parts.next() {
        Some(s) => {
            let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
            (whole.parse::<i128>().ok()?, fraction_nanos(frac)?)
        }
        None => (0, 0),
    };
    if parts.next().is_some() || hour > 24 || minute > 59 || second > 60 {
        return None;
    }
    let offset = match zone {
        "" | "Z" | "z" => 0,
        z => {
            let sign = if z.starts_with('-') { -1 } else { 1 };
            let digits = &z[1..];
            // `+hh:mm`, `+hhmm` or `+hh`.
            let (h, m) = match digits.split_once(':') {
                Some(hm) => hm,
                None if digits.len() == 4 => digits.split_at(2),
                None => (digits, "0"),
            };
            sign * (h.parse::<i128>().ok()? * 3600 + m.parse::<i128>().ok()? * 60)
        }
    };
    Some(((hour * 3600 + minute * 60 + second) - offset) * 1_000_000_000 + frac)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (Howard Hinnant's civil-from-days inverse).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn forms_agree() {
        let s = 1_000_000_000i128;
        assert_eq!(parse("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse("2020-01-01T00:00:00Z"), Some(1_577_836_800 * s));
        assert_eq!(parse("2020-01-01"), parse("2020-01-01T00:00:00Z"));
        assert_eq!(parse("1577836800"), parse("2020-01-01T00:00:00Z"));
        assert_eq!(
            parse("2020-01-01T01:00:00+01:00"),
            parse("2020-01-01T00:00:00Z")
        );
        assert_eq!(
            parse("2020-01-01T00:00:00.5Z"),
            Some(1_577_836_800 * s + s / 2)
        );
        assert_eq!(parse("2020-02-30"), None);
        assert_eq!(
            parse("2020-01-01T05:30:00+0530"),
            parse("2020-01-01T00:00:00Z")
        );
        assert_eq!(
            parse("2019-12-31T22:00:00-02"),
            parse("2020-01-01T00:00:00Z")
        );
        assert_eq!(parse("-1.5"), Some(-s - s / 2));
        assert_eq!(parse("yesterday"), None);
    }
}
