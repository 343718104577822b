//! Suggestions: statements that do not do what they seem to — actions that do not exist,
//! resources the actions never act on, condition keys the actions never carry, operators that
//! do not fit their key's type, statements another already covers.

use policy::operator::BaseOperator;
use policy::{Policy, Statement};

use super::finding::{child, name, Finding, Severity};
use crate::catalog::{catalog, ActionPattern, KeyType};

fn suggest(
    out: &mut Vec<Finding>,
    code: &'static str,
    path: String,
    span: policy::json::Span,
    message: String,
) {
    out.push(Finding::at(Severity::Suggestion, code, path, span, message));
}

/// Names people write that IAM does not have, and what authorizes the operation
/// [S3 `using-with-s3-policy-actions`: "HeadObject ... requires s3:GetObject"].
const MISTAKES: &[(&str, &str)] = &[
    ("s3:headobject", "s3:GetObject"),
    ("s3:headbucket", "s3:ListBucket"),
    ("s3:listobjects", "s3:ListBucket"),
    ("s3:listobjectsv2", "s3:ListBucket"),
    ("s3:listobjectversions", "s3:ListBucketVersions"),
    (
        "s3:copyobject",
        "s3:GetObject on the source and s3:PutObject on the destination",
    ),
    ("s3:deleteobjects", "s3:DeleteObject"),
    ("s3:createmultipartupload", "s3:PutObject"),
    ("s3:uploadpart", "s3:PutObject"),
    ("s3:completemultipartupload", "s3:PutObject"),
    (
        "s3:getbucketobjectlockconfiguration",
        "s3:GetBucketObjectLockConfiguration",
    ),
];

/// The known action of the same service nearest to `pattern` by edit distance.
fn nearest(pattern: &str) -> Option<String> {
    let (prefix, wanted) = pattern.split_once(':')?;
    let service = catalog().service(prefix)?;
    let wanted = wanted.to_ascii_lowercase();
    service
        .actions
        .iter()
        .map(|a| (distance(&wanted, &a.name.to_ascii_lowercase()), &a.name))
        .filter(|(d, _)| *d <= 3)
        .min()
        .map(|(_, n)| format!("{}:{n}", service.prefix))
}

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// The statement's actions that name one action exactly (no wildcard), as known to the
/// catalogue.
fn exact_actions(s: &Statement) -> Vec<&str> {
    if s.action.negated {
        return Vec::new();
    }
    s.action
        .items
        .iter()
        .filter(|a| !a.contains('*') && !a.contains('?') && catalog().action(a).is_some())
        .map(String::as_str)
        .collect()
}

/// When none of `resources` is a kind of resource `action` acts on: what it acts on, what they
/// are, and for S3's classic mistake (a bucket ARN for an object action, or the reverse) the
/// ARN to write instead [S3 `s3-arn-format`].
fn resource_mismatch(action: &str, resources: &[String]) -> Option<String> {
    let (service, a) = catalog().action(action)?;
    if a.resource_types.is_empty() || resources.iter().any(|r| r == "*") {
        return None;
    }
    let accepted = |kind: &str| a.resource_types.iter().any(|t| t.name == kind);
    let kinds: Vec<Option<&str>> = resources
        .iter()
        .map(|r| catalog().resource_kind(r).map(|t| t.name.as_str()))
        .collect();
    // An ARN the catalogue cannot place is not judged.
    if kinds.iter().any(|k| k.is_none_or(accepted)) {
        return None;
    }
    // Of the kinds the action takes, the one shaped like what was written (S3's global
    // `arn:aws:s3:::…` rather than an access point's regional ARN).
    let shape = |arn: &str| {
        let fields: Vec<&str> = arn.splitn(6, ':').collect();
        (
            fields.get(3).is_some_and(|f| f.is_empty()),
            fields.get(4).is_some_and(|f| f.is_empty()),
        )
    };
    let (wanted, pattern) = a
        .resource_types
        .iter()
        .filter_map(|t| {
            service
                .resource_type(&t.name)
                .map(|rt| (t.name.as_str(), rt.arn.as_str()))
        })
        .max_by_key(|(_, pattern)| shape(pattern) == shape(&resources[0]))?;
    let fix = match (wanted, resources) {
        ("object", [bucket]) if !bucket.contains('/') => format!("; write {bucket}/*"),
        ("bucket", [objects]) => objects
            .split_once('/')
            .map(|(bucket, _)| format!("; write {bucket}"))
            .unwrap_or_default(),
        _ => String::new(),
    };
    let written: Vec<String> = resources
        .iter()
        .zip(&kinds)
        .map(|(r, k)| {
            let kind = k.unwrap_or("resource of another kind");
            let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            format!("{r} is {article} {kind}")
        })
        .collect();
    Some(format!(
        "{action} acts on {wanted} resources ({pattern}), but {}: the statement never grants it{fix}",
        written.join(", ")
    ))
}

/// The family an operator compares in, by its name.
fn family(op: BaseOperator) -> &'static str {
    let name = op.name();
    ["String", "Numeric", "Date", "Bool", "Binary", "Arn"]
        .into_iter()
        .find(|f| name.starts_with(f))
        .unwrap_or(if name.contains("IpAddress") {
            "IP address"
        } else {
            "Null"
        })
}

/// Which operator families fit a key of `t` (`Null` fits every key).
fn fits(op: BaseOperator, t: KeyType) -> bool {
    let name = op.name();
    if op == BaseOperator::Null {
        return true;
    }
    let family = match t.element() {
        KeyType::String => &["String"][..],
        KeyType::Arn => &["Arn", "String"][..],
        KeyType::Numeric => &["Numeric"][..],
        KeyType::Date => &["Date"][..],
        KeyType::Bool => &["Bool"][..],
        KeyType::IpAddress => &["IpAddress", "NotIpAddress"][..],
        KeyType::Binary => &["Binary"][..],
        _ => return true,
    };
    family.iter().any(|f| name.starts_with(f))
}

pub fn statement(path: &str, s: &Statement, out: &mut Vec<Finding>) {
    let action_path = child(
        path,
        if s.action.negated {
            "NotAction"
        } else {
            "Action"
        },
    );
    for a in &s.action.items {
        if catalog().check_action_pattern(a) != ActionPattern::UnknownAction {
            continue;
        }
        let known = MISTAKES
            .iter()
            .find(|(m, _)| a.eq_ignore_ascii_case(m))
            .map(|(_, instead)| instead.to_string())
            .or_else(|| nearest(a));
        let hint = known.map(|k| format!("; use {k}")).unwrap_or_default();
        suggest(
            out,
            "UNKNOWN_ACTION",
            action_path.clone(),
            s.action.span,
            format!("{a} is not an IAM action, so it matches nothing{hint}"),
        );
    }
    let actions = exact_actions(s);
    if let Some(r) = s.resource.as_ref().filter(|r| !r.negated) {
        for a in &actions {
            if let Some(message) = resource_mismatch(a, &r.items) {
                suggest(
                    out,
                    "RESOURCE_MISMATCH",
                    child(path, "Resource"),
                    r.span,
                    message,
                );
            }
        }
    }
    let resource_types: Vec<Option<&str>> = match s.resource.as_ref().filter(|r| !r.negated) {
        Some(r) => actions
            .iter()
            .flat_map(|a| {
                r.items
                    .iter()
                    .map(move |arn| catalog().resource_type_of(a, arn))
            })
            .collect(),
        None => vec![None],
    };
    for c in &s.conditions {
        let condition_path = child(path, &format!("Condition.{}.{}", c.operator, c.key));
        if let Some(t) = catalog().key_type(&c.key) {
            if !fits(c.operator.base, t) {
                suggest(
                    out,
                    "OPERATOR_TYPE",
                    condition_path.clone(),
                    c.span,
                    format!(
                        "{} is a {} operator, but {} holds a {t:?} value: use the operators of its type",
                        c.operator,
                        family(c.operator.base),
                        c.key
                    ),
                );
            }
        }
        let carried = actions.is_empty()
            || catalog().is_global_key(&c.key)
            || actions.iter().any(|a| {
                resource_types
                    .iter()
                    .chain([None].iter())
                    .any(|rt| catalog().carries_key(a, *rt, &c.key))
            });
        if !carried && catalog().key_type(&c.key).is_some() {
            suggest(
                out,
                "KEY_NOT_CARRIED",
                condition_path,
                c.span,
                format!(
                    "no request for {} carries {}: the condition sees it absent",
                    actions.join(", "),
                    c.key
                ),
            );
        }
    }
}

/// A statement whose every action another statement of the same effect, principal, resources
/// and conditions already covers grants (or denies) nothing more.
pub fn redundant(policy: &Policy, out: &mut Vec<Finding>) {
    let statements = &policy.statements;
    for (j, later) in statements.iter().enumerate() {
        let covered_by = statements[..j].iter().find(|earlier| {
            same_scope(earlier, later)
                && !earlier.action.negated
                && !later.action.negated
                && later.action.items.iter().all(|a| {
                    earlier
                        .action
                        .items
                        .iter()
                        .any(|p| policy::wildcard::matches(p, a, true))
                })
        });
        if let Some(earlier) = covered_by {
            suggest(
                out,
                "REDUNDANT_STATEMENT",
                policy.statement_path(later.index),
                later.span,
                format!(
                    "statement {} adds nothing: statement {} already covers its actions with the same effect, principal, resources and conditions",
                    name(later),
                    name(earlier)
                ),
            );
        }
    }
}

/// Do two statements have the same effect, principal, resources and conditions (so only their
/// actions differ)?
fn same_scope(a: &Statement, b: &Statement) -> bool {
    let principals = |s: &Statement| {
        s.principal.as_ref().map(|p| {
            let mut v: Vec<(String, String)> = p
                .entries
                .iter()
                .map(|e| (format!("{:?}", e.kind), e.value.clone()))
                .collect();
            v.sort();
            (p.negated, v)
        })
    };
    a.effect == b.effect
        && principals(a) == principals(b)
        && a.resource.as_ref().map(|r| (r.negated, &r.items))
            == b.resource.as_ref().map(|r| (r.negated, &r.items))
        && a.conditions.len() == b.conditions.len()
        && a.conditions.iter().zip(&b.conditions).all(|(x, y)| {
            x.operator == y.operator && x.key.eq_ignore_ascii_case(&y.key) && x.values == y.values
        })
}
