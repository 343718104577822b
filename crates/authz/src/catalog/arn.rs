//! Fitting a concrete ARN to the SAR's ARN patterns (`arn:${Partition}:s3:::${BucketName}`).
//!
//! The first five fields (`arn`, partition, service, region, account) are compared field by
//! field, so a placeholder there never swallows a `:`. In the resource field a placeholder stands
//! for one or more characters of any kind (object keys and role paths contain `/` and `:`).
//! Several patterns can fit one ARN (`arn:aws:s3:::b/k` fits `${BucketName}` too); the pattern
//! with the most literal characters, the most specific one, wins.

use policy::wildcard;

/// How well `pattern` fits `arn`: `None` when it does not, else the number of literal
/// characters of the pattern (higher is more specific).
pub(super) fn fit(pattern: &str, arn: &str) -> Option<usize> {
    let pattern_fields: Vec<&str> = pattern.splitn(6, ':').collect();
    let arn_fields: Vec<&str> = arn.splitn(6, ':').collect();
    if pattern_fields.len() != 6 || arn_fields.len() != 6 {
        return None;
    }
    let mut score = 0;
    for (p, a) in pattern_fields.iter().zip(&arn_fields) {
        let (glob, literals) = glob_of(p);
        if !wildcard::matches(&glob, a, false) {
            return None;
        }
        score += literals;
    }
    Some(score)
}

/// The glob of one pattern field (`${…}` → `?*`) and its count of literal characters.
fn glob_of(field: &str) -> (String, usize) {
    let mut glob = String::with_capacity(field.len());
    let mut literals = 0;
    let mut rest = field;
    while let Some(start) = rest.find("${") {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        glob.push_str(&rest[..start]);
        literals += rest[..start].chars().count();
        glob.push_str("?*");
        rest = &rest[start + len + 1..];
    }
    glob.push_str(rest);
    literals += rest.chars().count();
    (glob, literals)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUCKET: &str = "arn:${Partition}:s3:::${BucketName}";
    const OBJECT: &str = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";

    #[test]
    fn the_most_specific_pattern_scores_highest() {
        assert!(fit(BUCKET, "arn:aws:s3:::b").is_some());
        assert!(fit(OBJECT, "arn:aws:s3:::b").is_none());
        let (bucket, object) = (
            fit(BUCKET, "arn:aws:s3:::b/k"),
            fit(OBJECT, "arn:aws:s3:::b/k"),
        );
        assert!(object.unwrap() > bucket.unwrap());
        assert!(fit(OBJECT, "arn:aws:s3:::b/dir/a:b.txt").is_some());
    }

    #[test]
    fn fields_do_not_leak_into_each_other() {
        let role = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}";
        assert!(fit(role, "arn:aws:iam::111122223333:role/path/name").is_some());
        assert!(fit(role, "arn:aws:iam::111122223333:user/alice").is_none());
        assert!(fit(role, "arn:aws:sts::111122223333:role/x").is_none());
        assert!(fit(BUCKET, "arn:aws:s3:us-east-1:111122223333:accesspoint/ap").is_none());
    }
}
