//! Condition operator names: the base operator, the `...IfExists` suffix and the
//! `ForAllValues:`/`ForAnyValue:` qualifiers [IAM `reference_policies_elements_condition_operators`,
//! `reference_policies_condition-single-vs-multi-valued-context-keys`].

use std::fmt;

/// Declares the operators once: the enum, the list of all of them, and their names.
macro_rules! operators {
    ($($name:ident),+ $(,)?) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum BaseOperator {
            $($name),+
        }

        const ALL: &[BaseOperator] = &[$(BaseOperator::$name),+];

        impl BaseOperator {
            pub fn name(self) -> &'static str {
                match self {
                    $(BaseOperator::$name => stringify!($name)),+
                }
            }
        }
    };
}

operators!(
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
);

use BaseOperator::*;

impl BaseOperator {
    /// Negated operators match when the key is absent and need *every* policy value to miss
    /// [IAM `reference_policies_elements_condition`: "negated matching condition operators"].
    pub fn is_negated(self) -> bool {
        matches!(
            self,
            StringNotEquals
                | StringNotEqualsIgnoreCase
                | StringNotLike
                | NumericNotEquals
                | DateNotEquals
                | NotIpAddress
                | ArnNotEquals
                | ArnNotLike
        )
    }

    /// The positive operator a negated one complements (`StringNotLike` → `StringLike`).
    pub fn positive(self) -> BaseOperator {
        match self {
            StringNotEquals => StringEquals,
            StringNotEqualsIgnoreCase => StringEqualsIgnoreCase,
            StringNotLike => StringLike,
            NumericNotEquals => NumericEquals,
            DateNotEquals => DateEquals,
            NotIpAddress => IpAddress,
            ArnNotEquals => ArnEquals,
            ArnNotLike => ArnLike,
            other => other,
        }
    }

    /// Policy variables are substituted in String and ARN values, and — DESIGN.md's decision on
    /// reference §8.4 — in `Bool` too; never in Numeric, Date, Binary, IP or Null values.
    pub fn takes_variables(self) -> bool {
        matches!(
            self,
            StringEquals
                | StringNotEquals
                | StringEqualsIgnoreCase
                | StringNotEqualsIgnoreCase
                | StringLike
                | StringNotLike
                | ArnEquals
                | ArnLike
                | ArnNotEquals
                | ArnNotLike
                | Bool
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    ForAllValues,
    ForAnyValue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operator {
    pub base: BaseOperator,
    pub if_exists: bool,
    pub set: Option<SetQualifier>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownOperator;

impl Operator {
    /// Parses an operator name. Decision: names compare without regard to case, as the IAM policy
    /// grammar's examples mix forms; `NullIfExists` does not exist [IAM condition operators:
    /// "...IfExists ... except the Null condition"].
    pub fn parse(name: &str) -> Result<Operator, UnknownOperator> {
        let (set, rest) = if let Some(rest) = strip_prefix_ci(name, "ForAllValues:") {
            (Some(SetQualifier::ForAllValues), rest)
        } else if let Some(rest) = strip_prefix_ci(name, "ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), rest)
        } else {
            (None, name)
        };
        let (if_exists, base_name) = match strip_suffix_ci(rest, "IfExists") {
            Some(base) => (true, base),
            None => (false, rest),
        };
        let base = ALL
            .iter()
            .copied()
            .find(|op| op.name().eq_ignore_ascii_case(base_name))
            .ok_or(UnknownOperator)?;
        if if_exists && base == Null {
            return Err(UnknownOperator);
        }
        Ok(Operator {
            base,
            if_exists,
            set,
        })
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.set {
            Some(SetQualifier::ForAllValues) => f.write_str("ForAllValues:")?,
            Some(SetQualifier::ForAnyValue) => f.write_str("ForAnyValue:")?,
            None => {}
        }
        f.write_str(self.base.name())?;
        if self.if_exists {
            f.write_str("IfExists")?;
        }
        Ok(())
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

fn strip_suffix_ci<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = s.len().checked_sub(suffix.len())?;
    let tail = s.get(cut..)?;
    tail.eq_ignore_ascii_case(suffix).then(|| &s[..cut])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualifiers_and_suffixes() {
        let op = Operator::parse("ForAnyValue:StringLikeIfExists").unwrap();
        assert_eq!(op.base, StringLike);
        assert!(op.if_exists);
        assert_eq!(op.set, Some(SetQualifier::ForAnyValue));
        assert_eq!(op.to_string(), "ForAnyValue:StringLikeIfExists");
        assert!(Operator::parse("NullIfExists").is_err());
        assert!(Operator::parse("StringMatches").is_err());
        assert_eq!(Operator::parse("Null").unwrap().base, Null);
    }
}
