//! Policy variables: `${aws:username}`, `${aws:PrincipalTag/team, 'default'}` and the escapes
//! `${*}`, `${?}`, `${$}` [IAM `reference_policies_variables`].
//!
//! A value with variables is a [`Template`]; resolving it against a request gives the text and a
//! mask of the bytes that must be matched literally — both what a variable substituted
//! ("Bob*" from `${aws:username}` is no wildcard) and what an escape produced.

use crate::context::{Context, KeyName};
use crate::wildcard;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Literal(String),
    /// Literal text that must not act as a wildcard (from `${*}`, `${?}`, `${$}`).
    Escaped(char),
    Variable {
        key: KeyName,
        default: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub parts: Vec<Part>,
    /// The last part, prepared for globbing when it is literal text.
    last_glob: Option<wildcard::Glob>,
    /// Every wildcard is in the last part, which is no escape: [`Template::match_direct`] applies.
    direct: bool,
}

/// A resolved value: its text and, when some bytes must be matched literally, their mask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub text: String,
    pub literal: Option<Vec<bool>>,
}

/// A borrowed view of a value to match: its text and the bytes that must match literally.
#[derive(Debug, Clone, Copy)]
pub struct TextRef<'a> {
    pub text: &'a str,
    pub literal: Option<&'a [bool]>,
}

impl Resolved {
    pub fn as_text(&self) -> TextRef<'_> {
        TextRef {
            text: &self.text,
            literal: self.literal.as_deref(),
        }
    }
}

impl<'a> TextRef<'a> {
    pub fn plain(text: &'a str) -> TextRef<'a> {
        TextRef {
            text,
            literal: None,
        }
    }
}

impl Template {
    /// Splits `text` into literal text, escapes and variables; `None` when it has neither
    /// variables nor escapes (the common case, which then needs no per-request work).
    pub fn parse(text: &str) -> Option<Template> {
        if !text.contains("${") {
            return None;
        }
        let mut parts = Vec::new();
        let mut rest = text;
        let mut literal = String::new();
        while let Some(open) = rest.find("${") {
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            literal.push_str(&rest[..open]);
            let inner = &rest[open + 2..open + close];
            match inner {
                "*" | "?" | "$" => {
                    flush(&mut parts, &mut literal);
                    parts.push(Part::Escaped(inner.chars().next().unwrap_or('$')));
                }
                _ => match parse_variable(inner) {
                    Some(part) => {
                        flush(&mut parts, &mut literal);
                        parts.push(part);
                    }
                    // Not a variable after all: keep the text as written.
                    None => literal.push_str(&rest[open..=open + close]),
                },
            }
            rest = &rest[open + close + 1..];
        }
        literal.push_str(rest);
        flush(&mut parts, &mut literal);
        if parts.iter().all(|p| matches!(p, Part::Literal(_))) {
            return None;
        }
        let direct = match parts.split_last() {
            Some((last, init)) => {
                !matches!(last, Part::Escaped(_))
                    && init.iter().all(|p| match p {
                        Part::Literal(s) => !wildcard::has_wildcard(s),
                        Part::Variable { .. } => true,
                        Part::Escaped(_) => false,
                    })
            }
            None => false,
        };
        let last_glob = match parts.last() {
            Some(Part::Literal(s)) => Some(wildcard::Glob::new(s, false)),
            _ => None,
        };
        Some(Template {
            parts,
            direct,
            last_glob,
        })
    }

    /// Substitutes every variable from the request. `None` when a variable's key is absent (or
    /// multi-valued) and has no default: such a value matches nothing ("If the variable cannot
    /// be resolved ... the policy does not match").
    pub fn resolve(&self, context: &Context) -> Option<Resolved> {
        let mut out = Resolved {
            text: String::new(),
            literal: None,
        };
        self.resolve_into(context, &mut out).then_some(out)
    }

    /// Matches `text` without building the resolved value, when every wildcard of the template
    /// is in its last part (`arn:aws:s3:::b/home/${aws:username}/*`): the parts before are
    /// compared as they resolve — a variable's value literally — and the last part is globbed.
    /// `None` when the template has another shape; `Some(false)` when unresolvable.
    pub fn match_direct(&self, context: &Context, text: &str) -> Option<bool> {
        if !self.direct {
            return None;
        }
        let (last, init) = self.parts.split_last()?;
        let mut rest = text;
        for part in init {
            let piece = match part {
                Part::Literal(s) => s.as_str(),
                Part::Variable { key, default } => match self.value(context, key, default) {
                    Some(v) => v,
                    None => return Some(false),
                },
                Part::Escaped(_) => return None,
            };
            match rest.strip_prefix(piece) {
                Some(r) => rest = r,
                None => return Some(false),
            }
        }
        Some(match last {
            Part::Literal(_) => self.last_glob.as_ref().is_some_and(|g| g.matches(rest)),
            Part::Variable { key, default } => self.value(context, key, default) == Some(rest),
            Part::Escaped(_) => return None,
        })
    }

    fn value<'c>(
        &'c self,
        context: &'c Context,
        key: &KeyName,
        default: &'c Option<String>,
    ) -> Option<&'c str> {
        context
            .get_key(key)
            .and_then(|v| v.single())
            .or(default.as_deref())
    }

    /// Like [`Template::resolve`], into a buffer the caller reuses; `false` when unresolvable.
    pub fn resolve_into(&self, context: &Context, out: &mut Resolved) -> bool {
        out.text.clear();
        let literal = out.literal.get_or_insert_with(Vec::new);
        literal.clear();
        for part in &self.parts {
            let (piece, is_literal) = match part {
                Part::Literal(s) => (s.as_str(), false),
                Part::Escaped(c) => {
                    out.text.push(*c);
                    literal.push(true);
                    continue;
                }
                Part::Variable { key, default } => {
                    match (context.get_key(key).and_then(|v| v.single()), default) {
                        (Some(value), _) => (value, true),
                        (None, Some(default)) => (default.as_str(), true),
                        (None, None) => return false,
                    }
                }
            };
            out.text.push_str(piece);
            literal.extend(std::iter::repeat_n(is_literal, piece.len()));
        }
        true
    }
}

fn flush(parts: &mut Vec<Part>, literal: &mut String) {
    if !literal.is_empty() {
        parts.push(Part::Literal(std::mem::take(literal)));
    }
}

/// `key` or `key, 'default'` (the docs write one space after the comma; we accept any).
fn parse_variable(inner: &str) -> Option<Part> {
    let (key, default) = match inner.split_once(',') {
        Some((key, default)) => {
            let default = default.trim();
            let default = default.strip_prefix('\'')?.strip_suffix('\'')?;
            (key.trim(), Some(default.to_string()))
        }
        None => (inner.trim(), None),
    };
    if key.is_empty() || key.contains(char::is_whitespace) {
        return None;
    }
    Some(Part::Variable {
        key: KeyName::new(key),
        default,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::ContextValue;

    fn ctx() -> Context {
        let mut c = Context::new();
        c.insert("aws:username", ContextValue::Single("Bob*".into()));
        c.insert("aws:TagKeys", ContextValue::Multi(vec!["a".into()]));
        c
    }

    #[test]
    fn plain_text_is_no_template() {
        assert!(Template::parse("arn:aws:s3:::bucket/*").is_none());
        assert!(Template::parse("${unclosed").is_none());
    }

    #[test]
    fn substitution_is_literal() {
        let t = Template::parse("home/${AWS:UserName}/*").unwrap();
        let r = t.resolve(&ctx()).unwrap();
        assert_eq!(r.text, "home/Bob*/*");
        let mask = r.literal.unwrap();
        assert!(mask[8], "the substituted * is literal");
        assert!(!mask[10], "the policy's own * stays a wildcard");
    }

    #[test]
    fn defaults_escapes_and_unresolvable() {
        let t = Template::parse("${aws:PrincipalTag/team, 'company-wide'}").unwrap();
        assert_eq!(t.resolve(&ctx()).unwrap().text, "company-wide");
        let t = Template::parse("a${*}b${?}${$}").unwrap();
        let r = t.resolve(&ctx()).unwrap();
        assert_eq!(r.text, "a*b?$");
        assert_eq!(r.literal.unwrap(), vec![false, true, false, true, true]);
        assert!(Template::parse("${aws:userid}")
            .unwrap()
            .resolve(&ctx())
            .is_none());
        assert!(Template::parse("${aws:TagKeys}")
            .unwrap()
            .resolve(&ctx())
            .is_none());
    }
}
