//! A Query request's parameters, read the way AWS's Query APIs read them: scalars by name,
//! lists as `Name.member.N` (numbered from 1), and AWS's `ValidationError` texts for a missing
//! or ill-formed value.

use crate::api::query::error::QueryError;

pub struct Params(pub Vec<(String, String)>);

/// What a name or path must look like [IAM API reference, each parameter's "Pattern"].
#[derive(Clone, Copy)]
pub enum Shape {
    /// `[\w+=,.@-]+`: user, role, group, policy and session names.
    Name { max: usize },
    /// `/` or `/.../` of printable ASCII: paths and path prefixes.
    Path,
    /// Any text up to `max` characters (descriptions, documents).
    Text { max: usize },
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_+=,.@-".contains(c)
}

/// The parameter's name as AWS's messages spell it (`UserName` → `userName`).
fn member(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| c.to_ascii_lowercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

pub fn check(name: &str, value: &str, shape: Shape) -> Result<(), QueryError> {
    let field = member(name);
    let fail = |constraint: String| {
        Err(QueryError::validation(format!(
            "Value '{value}' at '{field}' failed to satisfy constraint: Member must {constraint}"
        )))
    };
    match shape {
        Shape::Name { max } => {
            if value.is_empty() || value.chars().count() > max {
                return fail(format!("have length less than or equal to {max}"));
            }
            if !value.chars().all(is_name_char) {
                return fail("satisfy regular expression pattern: [\\w+=,.@-]+".into());
            }
        }
        Shape::Path => {
            let printable = value.chars().all(|c| ('\u{21}'..='\u{7e}').contains(&c));
            if value.len() > 512 || !value.starts_with('/') || !value.ends_with('/') || !printable {
                return fail(
                    "satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)"
                        .into(),
                );
            }
        }
        Shape::Text { max } => {
            if value.chars().count() > max {
                return fail(format!("have length less than or equal to {max}"));
            }
        }
    }
    Ok(())
}

impl Params {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn required(&self, name: &str) -> Result<&str, QueryError> {
        self.get(name).ok_or_else(|| {
            QueryError::validation(format!(
                "Value null at '{}' failed to satisfy constraint: Member must not be null",
                member(name)
            ))
        })
    }

    /// A required parameter of the given shape.
    pub fn shaped(&self, name: &str, shape: Shape) -> Result<&str, QueryError> {
        let v = self.required(name)?;
        check(name, v, shape)?;
        Ok(v)
    }

    /// An optional parameter of the given shape.
    pub fn optional(&self, name: &str, shape: Shape) -> Result<Option<&str>, QueryError> {
        match self.get(name) {
            Some(v) => check(name, v, shape).map(|_| Some(v)),
            None => Ok(None),
        }
    }

    pub fn int(&self, name: &str, min: i64, max: i64) -> Result<Option<i64>, QueryError> {
        let Some(v) = self.get(name) else {
            return Ok(None);
        };
        match v.parse::<i64>() {
            Ok(n) if n < min => Err(QueryError::validation(format!(
                "Value '{n}' at '{}' failed to satisfy constraint: Member must have value greater than or equal to {min}",
                member(name)
            ))),
            Ok(n) if n > max => Err(QueryError::validation(format!(
                "Value '{n}' at '{}' failed to satisfy constraint: Member must have value less than or equal to {max}",
                member(name)
            ))),
            Ok(n) => Ok(Some(n)),
            Err(_) => Err(QueryError::sender(
                "MalformedInput",
                format!("Invalid value for parameter {name}: {v}"),
            )),
        }
    }

    pub fn bool(&self, name: &str) -> bool {
        self.get(name)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }

    /// `Name.member.1`, `Name.member.2`, ... (with `.suffix` for structures), in number order.
    pub fn list(&self, name: &str, suffix: &str) -> Vec<String> {
        let prefix = format!("{name}.member.");
        let mut items: Vec<(u32, String)> = self
            .0
            .iter()
            .filter_map(|(k, v)| {
                let rest = k.strip_prefix(&prefix)?;
                let n = if suffix.is_empty() {
                    rest
                } else {
                    rest.strip_suffix(suffix)?.strip_suffix('.')?
                };
                Some((n.parse().ok()?, v.clone()))
            })
            .collect();
        items.sort_by_key(|(n, _)| *n);
        items.into_iter().map(|(_, v)| v).collect()
    }

    /// `Tags.member.N.Key` / `.Value` pairs.
    pub fn tags(&self, name: &str) -> Result<Vec<(String, String)>, QueryError> {
        let keys = self.list(name, "Key");
        let values = self.list(name, "Value");
        if keys.len() != values.len() {
            return Err(QueryError::validation(format!(
                "Value null at '{}' failed to satisfy constraint: Member must not be null",
                member(name)
            )));
        }
        for (k, v) in keys.iter().zip(&values) {
            check_tag(k, v)?;
        }
        Ok(keys.into_iter().zip(values).collect())
    }
}

/// Tag keys 1–128 and values 0–256 characters of letters, digits, spaces and `_.:/=+-@`;
/// `aws:` is AWS's own prefix [IAM `id_tags`, "Tag naming rules"].
pub fn check_tag(key: &str, value: &str) -> Result<(), QueryError> {
    let allowed = |c: char| c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c);
    if key.is_empty() || key.chars().count() > 128 || !key.chars().all(allowed) {
        return Err(QueryError::validation(format!(
            "Value '{key}' at 'tags.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{{L}}\\p{{Z}}\\p{{N}}_.:/=+\\-@]+"
        )));
    }
    if value.chars().count() > 256 || !value.chars().all(allowed) {
        return Err(QueryError::validation(format!(
            "Value '{value}' at 'tags.value' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{{L}}\\p{{Z}}\\p{{N}}_.:/=+\\-@]*"
        )));
    }
    if key.to_ascii_lowercase().starts_with("aws:") {
        return Err(QueryError::sender(
            "InvalidInput",
            "User is not authorized to perform tag operations with the reserved prefix aws:",
        ));
    }
    Ok(())
}
