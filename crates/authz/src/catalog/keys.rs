//! Condition-key names and their templates.
//!
//! The SAR writes keys that carry a name of their own as templates: `aws:PrincipalTag/${TagKey}`,
//! `s3:ExistingObjectTag/<key>`, `sts:RequestContext/${ContextKey}`,
//! `token.actions.githubusercontent.com/${SubPath}:sub`. A placeholder (`${…}` or `<…>`) stands
//! for one or more characters of any kind (tag keys may contain `/` and `:`). Key names compare
//! case-insensitively, as IAM compares them.

use std::collections::{HashMap, HashSet};

use policy::wildcard;

use super::key_type::KeyType;

/// Is `name` a template (does it contain a placeholder)?
pub(super) fn is_template(name: &str) -> bool {
    name.contains("${") || name.contains('<')
}

/// The lower-cased glob a template matches: each placeholder becomes `?*` (one or more
/// characters). Key names contain no `*` or `?` of their own (checked when the data is parsed).
pub(super) fn template_glob(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(start) = rest.find(['$', '<']) {
        let (open, close) = if rest[start..].starts_with("${") {
            ("${", '}')
        } else if rest[start..].starts_with('<') {
            ("<", '>')
        } else {
            // A lone `$`: literal.
            out.push_str(&rest[..=start].to_ascii_lowercase());
            rest = &rest[start + 1..];
            continue;
        };
        match rest[start + open.len()..].find(close) {
            Some(len) => {
                out.push_str(&rest[..start].to_ascii_lowercase());
                out.push_str("?*");
                rest = &rest[start + open.len() + len + 1..];
            }
            None => break,
        }
    }
    out.push_str(&rest.to_ascii_lowercase());
    out
}

/// A set of key names (some of them templates) that answers "is this concrete key in it?".
#[derive(Debug, Clone, Default)]
pub(super) struct KeySet {
    exact: HashSet<String>,
    globs: Vec<String>,
}

impl KeySet {
    pub(super) fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> KeySet {
        let mut set = KeySet::default();
        for name in names {
            set.insert(name);
        }
        set
    }

    pub(super) fn insert(&mut self, name: &str) {
        if is_template(name) {
            self.globs.push(template_glob(name));
        } else {
            self.exact.insert(name.to_ascii_lowercase());
        }
    }

    /// Does the set hold `key`? `key` must already be lower-cased.
    pub(super) fn contains_lower(&self, key: &str) -> bool {
        self.exact.contains(key) || self.globs.iter().any(|g| wildcard::matches(g, key, false))
    }
}

/// Key name (or template) → type.
#[derive(Debug, Clone, Default)]
pub(super) struct KeyTypes {
    exact: HashMap<String, KeyType>,
    globs: Vec<(String, KeyType)>,
}

impl KeyTypes {
    /// Records `name`'s type; the first type recorded for a name wins.
    pub(super) fn insert(&mut self, name: &str, key_type: KeyType) {
        if is_template(name) {
            let glob = template_glob(name);
            if !self.globs.iter().any(|(g, _)| *g == glob) {
                self.globs.push((glob, key_type));
            }
        } else {
            self.exact
                .entry(name.to_ascii_lowercase())
                .or_insert(key_type);
        }
    }

    /// The type of concrete key `key` (already lower-cased): an exact name first, then the
    /// first template that matches.
    pub(super) fn get_lower(&self, key: &str) -> Option<KeyType> {
        if let Some(&t) = self.exact.get(key) {
            return Some(t);
        }
        self.globs
            .iter()
            .find(|(g, _)| wildcard::matches(g, key, false))
            .map(|&(_, t)| t)
    }

    pub(super) fn contains_lower(&self, key: &str) -> bool {
        self.get_lower(key).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_become_globs() {
        assert_eq!(
            template_glob("aws:PrincipalTag/${TagKey}"),
            "aws:principaltag/?*"
        );
        assert_eq!(
            template_glob("s3:ExistingObjectTag/<key>"),
            "s3:existingobjecttag/?*"
        );
        assert_eq!(
            template_glob("token.actions.${Domain}.ghe.com:actor"),
            "token.actions.?*.ghe.com:actor"
        );
        assert_eq!(template_glob("s3:prefix"), "s3:prefix");
    }

    #[test]
    fn key_set_matches_templates_and_names_case_insensitively() {
        let set = KeySet::new(["s3:ExistingObjectTag/<key>", "s3:prefix"]);
        assert!(set.contains_lower("s3:existingobjecttag/team"));
        assert!(set.contains_lower("s3:existingobjecttag/a/b:c"));
        assert!(!set.contains_lower("s3:existingobjecttag/"));
        assert!(set.contains_lower("s3:prefix"));
        assert!(!set.contains_lower("s3:delimiter"));
    }
}
