//! Numeric operators [IAM condition operators, "Numeric condition operators"]: integers and
//! decimals; no policy variables, no wildcards.

use crate::operator::BaseOperator;

pub fn parse(text: &str) -> Option<f64> {
    let t = text.trim();
    // f64's parser also takes "inf", "NaN" and "+1"; IAM numbers are plain decimals.
    if t.is_empty()
        || !t
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'.' | b'e' | b'E' | b'+'))
    {
        return None;
    }
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Shared by the numeric and date families: `request OP policy`.
pub fn compare(positive: BaseOperator, ordering: Option<std::cmp::Ordering>) -> bool {
    use std::cmp::Ordering::*;
    use BaseOperator::*;
    let Some(ord) = ordering else {
        return false;
    };
    match positive {
        NumericEquals | DateEquals => ord == Equal,
        NumericLessThan | DateLessThan => ord == Less,
        NumericLessThanEquals | DateLessThanEquals => ord != Greater,
        NumericGreaterThan | DateGreaterThan => ord == Greater,
        NumericGreaterThanEquals | DateGreaterThanEquals => ord != Less,
        _ => false,
    }
}
