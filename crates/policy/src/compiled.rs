//! A policy compiled once and evaluated many times: lower-cased action patterns, an index from
//! action to the statements that can match it, parsed condition values, and resource patterns
//! split into plain text and variable templates.

use crate::account::arn_account;
use crate::condition::{arn_matches, CompiledCondition, ConditionTrace};
use crate::context::Context;
use crate::document::{Effect, Patterns, Policy, PrincipalKind, Principals};
use crate::fxhash::hash_str;
use crate::index::{ActionIndex, ActionPattern};
use crate::json::Span;
use crate::principal::{PrincipalMatch, RequestPrincipal};
use crate::variables::{Resolved, Template, TextRef};
use crate::wildcard;

/// One authorization question, as the policy language sees it.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// `service:Action`, lower-cased.
    pub action: &'a str,
    /// The resource ARN, or `*` for actions that take no resource.
    pub resource: &'a str,
    pub principal: &'a RequestPrincipal,
    pub context: &'a Context,
    action_hash: u64,
    service_hash: u64,
}

impl<'a> Request<'a> {
    /// `action_lower` must be lower-cased (actions compare without regard to case).
    pub fn new(
        action_lower: &'a str,
        resource: &'a str,
        principal: &'a RequestPrincipal,
        context: &'a Context,
    ) -> Request<'a> {
        let service = action_lower.split(':').next().unwrap_or("");
        Request {
            action: action_lower,
            resource,
            principal,
            context,
            action_hash: hash_str(action_lower),
            service_hash: hash_str(service),
        }
    }
}

#[derive(Debug, Clone)]
pub struct CompiledPolicy {
    pub document: Policy,
    statements: Vec<CompiledStatement>,
    index: ActionIndex,
}

#[derive(Debug, Clone)]
struct CompiledStatement {
    effect: Effect,
    /// Shared with traces: a trace names the statement without copying its label.
    label: std::sync::Arc<str>,
    span: Span,
    principal: Option<Principals>,
    /// When `Principal` names only accounts (`"123456789012"`, `arn:aws:iam::123456789012:root`)
    /// and IAM or STS ARNs within accounts: those accounts. A caller from any other account
    /// cannot match, whatever the rest says — a check cheaper than the principal matching it
    /// skips.
    principal_accounts: Option<Vec<Account>>,
    /// `"Principal": "*"` (or only `*` entries): everyone, as a wildcard match.
    principal_everyone: bool,
    action_negated: bool,
    actions: Vec<ActionPattern>,
    resources: Option<ResourceMatcher>,
    conditions: Vec<CompiledCondition>,
}

#[derive(Debug, Clone)]
struct ResourceMatcher {
    negated: bool,
    items: Vec<ResourcePattern>,
}

#[derive(Debug, Clone)]
struct ResourcePattern {
    text: String,
    template: Option<Template>,
    /// Length of the leading ARN parts (through the fifth `:`) when they hold no wildcard and
    /// no variable: compared byte for byte, leaving only the resource part to glob.
    fixed_prefix: usize,
    /// Length of the text before the first wildcard or variable: any resource the pattern
    /// matches starts with it, part by part (`arn:aws:dynamodb:` of
    /// `arn:aws:dynamodb:*:111122223333:table/*` turns every S3 ARN away at once).
    literal_head: usize,
    /// The resource part after a fixed prefix, prepared (only without a template).
    rest: Option<wildcard::Glob>,
    /// What follows the literal head, when that alone decides once the head matched.
    tail: Option<Tail>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tail {
    /// Nothing: the resource must end where the head does (`arn:aws:s3:::bucket`).
    End,
    /// One `*` in the resource part: anything (`arn:aws:s3:::bucket/*`).
    Any,
}

// Scratch space for resolving resource templates without allocating on every request.
thread_local! {
    static SCRATCH: std::cell::RefCell<Resolved> = const {
        std::cell::RefCell::new(Resolved { text: String::new(), literal: None })
    };
}

fn fixed_prefix(pattern: &str) -> usize {
    let Some(end) = pattern.match_indices(':').nth(4).map(|(i, _)| i + 1) else {
        return 0;
    };
    let head = &pattern[..end];
    if wildcard::has_wildcard(head) || head.contains('$') {
        0
    } else {
        end
    }
}

/// The statements of one policy that apply to a request: the first matching Deny, and for each
/// way a matching Allow named the caller, its first statement. Identity-side policies have no
/// `Principal`; their allows are under `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outcome {
    pub deny: Option<u32>,
    pub allow: Option<u32>,
    allow_by_match: [Option<u32>; 8],
}

impl Outcome {
    pub fn allowed_as(&self, m: PrincipalMatch) -> Option<u32> {
        self.allow_by_match[m as usize]
    }

    pub fn allow_matches(&self) -> impl Iterator<Item = (PrincipalMatch, u32)> + '_ {
        PrincipalMatch::ALL
            .iter()
            .filter_map(|m| self.allow_by_match[*m as usize].map(|s| (*m, s)))
    }

    fn record(&mut self, effect: Effect, index: u32, matched: Option<PrincipalMatch>) {
        match effect {
            Effect::Deny => {
                self.deny = Some(self.deny.map_or(index, |d| d.min(index)));
            }
            Effect::Allow => {
                self.allow = Some(self.allow.map_or(index, |a| a.min(index)));
                if let Some(m) = matched {
                    let slot = &mut self.allow_by_match[m as usize];
                    *slot = Some(slot.map_or(index, |s| s.min(index)));
                }
            }
        }
    }
}

/// Everything about one statement's evaluation, for explanations.
#[derive(Debug, Clone, PartialEq)]
pub struct StatementTrace {
    pub index: u32,
    pub label: std::sync::Arc<str>,
    pub effect: Effect,
    pub span: Span,
    /// `None` when the statement has no `Principal`/`NotPrincipal`.
    pub principal: Option<bool>,
    pub action: bool,
    pub resource: bool,
    pub conditions: Vec<ConditionTrace>,
    pub applies: bool,
}

impl CompiledPolicy {
    pub fn compile(document: Policy) -> CompiledPolicy {
        let variables = document.variables_enabled();
        let mut index = ActionIndex::default();
        let mut statements = Vec::with_capacity(document.statements.len());
        for (i, s) in document.statements.iter().enumerate() {
            let i = i as u32;
            let actions: Vec<ActionPattern> = s
                .action
                .items
                .iter()
                .map(|a| ActionPattern::new(a))
                .collect();
            index.add(i, s.action.negated, &actions);
            statements.push(CompiledStatement {
                effect: s.effect,
                label: s.label().into(),
                span: s.span,
                principal: s.principal.clone(),
                principal_accounts: s.principal.as_ref().and_then(accounts_only),
                principal_everyone: s.principal.as_ref().is_some_and(everyone),
                action_negated: s.action.negated,
                actions,
                resources: s.resource.as_ref().map(|r| compile_resources(r, variables)),
                conditions: s
                    .conditions
                    .iter()
                    .map(|c| CompiledCondition::compile(c, variables))
                    .collect(),
            });
        }
        CompiledPolicy {
            document,
            statements,
            index: index.finish(),
        }
    }

    /// The statement's `Sid`, or its place when it has none; shared, not copied.
    pub fn statement_label(&self, index: u32) -> std::sync::Arc<str> {
        self.statements[index as usize].label.clone()
    }

    pub fn statement_span(&self, index: u32) -> Span {
        self.statements[index as usize].span
    }

    pub fn statement_count(&self) -> usize {
        self.statements.len()
    }

    /// The fast path: only the statements the index says can match the action.
    pub fn evaluate(&self, request: &Request) -> Outcome {
        self.evaluate_statements(request, true)
    }

    /// Only the `Deny` statements, for a policy whose layer already has the allow it reports:
    /// another allow could change nothing, a deny still could.
    pub fn evaluate_denies(&self, request: &Request) -> Outcome {
        self.evaluate_statements(request, false)
    }

    fn evaluate_statements(&self, request: &Request, allows: bool) -> Outcome {
        let mut outcome = Outcome::default();
        let (exact, wild, always) = self
            .index
            .candidates(request.action_hash, request.service_hash);
        // Three loops, not a chained iterator: a chain re-tests which part it is in at every
        // step, a measurable share of a decision.
        for list in [exact, wild, always] {
            for &i in list {
                if allows || self.statements[i as usize].effect == Effect::Deny {
                    self.check(i, request, &mut outcome);
                }
            }
        }
        outcome
    }

    /// The explained path: every statement, with how each part went.
    pub fn evaluate_traced(&self, request: &Request) -> (Outcome, Vec<StatementTrace>) {
        let mut outcome = Outcome::default();
        let mut traces = Vec::with_capacity(self.statements.len());
        for (i, s) in self.statements.iter().enumerate() {
            let i = i as u32;
            let principal = s
                .principal
                .as_ref()
                .map(|p| principal_applies(s, p, request.principal));
            let action = s.action_applies(request);
            let resource = s.resource_applies(request);
            // The conditions of a statement about other actions or other principals cannot
            // matter: they are left out of the trace rather than evaluated (the bulk of a
            // trace's cost, and noise in an explanation).
            let relevant = action && principal.is_none_or(|p| p.is_some());
            let conditions: Vec<ConditionTrace> = if relevant {
                s.conditions
                    .iter()
                    .map(|c| c.trace(request.context))
                    .collect()
            } else {
                Vec::new()
            };
            let applies = relevant && resource && conditions.iter().all(|c| c.result);
            if applies {
                outcome.record(s.effect, i, principal.flatten());
            }
            traces.push(StatementTrace {
                index: i,
                label: s.label.clone(),
                effect: s.effect,
                span: s.span,
                principal: principal.map(|p| p.is_some()),
                action,
                resource,
                conditions,
                applies,
            });
        }
        (outcome, traces)
    }

    /// Candidates come from hashes, so the action is checked again: a collision costs a
    /// comparison, never a wrong answer.
    fn check(&self, i: u32, request: &Request, outcome: &mut Outcome) {
        let s = &self.statements[i as usize];
        if let Some(accounts) = &s.principal_accounts {
            let caller = request.principal.account.as_deref().and_then(account_bytes);
            if !caller.is_some_and(|a| accounts.contains(&a)) {
                return;
            }
        }
        if !s.action_applies(request) {
            return;
        }
        let matched = match &s.principal {
            Some(p) => match principal_applies(s, p, request.principal) {
                Some(m) => Some(m),
                None => return,
            },
            None => None,
        };
        if s.resource_applies(request) && s.conditions.iter().all(|c| c.evaluate(request.context)) {
            outcome.record(s.effect, i, matched);
        }
    }
}

fn compile_resources(patterns: &Patterns, variables: bool) -> ResourceMatcher {
    ResourceMatcher {
        negated: patterns.negated,
        items: patterns
            .items
            .iter()
            .map(|r| {
                let template = if variables { Template::parse(r) } else { None };
                let fixed_prefix = fixed_prefix(r);
                let literal_head = r.find(['*', '?', '$']).unwrap_or(r.len());
                // Only past a fixed prefix, which makes the resource an ARN of six parts and
                // leaves the rest to the resource part, where `*` crosses anything.
                let tail = match &r[literal_head..] {
                    _ if template.is_some() || fixed_prefix == 0 => None,
                    "" => Some(Tail::End),
                    "*" => Some(Tail::Any),
                    _ => None,
                };
                ResourcePattern {
                    text: r.clone(),
                    rest: (fixed_prefix > 0 && template.is_none())
                        .then(|| wildcard::Glob::new(&r[fixed_prefix..], false)),
                    template,
                    fixed_prefix,
                    literal_head,
                    tail,
                }
            })
            .collect(),
    }
}

/// An account id's 12 digits, compared as a fixed-size array (a couple of machine words).
type Account = [u8; 12];

fn account_bytes(account: &str) -> Option<Account> {
    account.as_bytes().try_into().ok()
}

/// The accounts a (non-negated) `Principal` is limited to, when every entry is an account or
/// an ARN in one (a unique id, a service or `*` can name a caller of any account).
fn accounts_only(p: &Principals) -> Option<Vec<Account>> {
    if p.negated || p.entries.is_empty() {
        return None;
    }
    p.entries
        .iter()
        .map(|e| match (e.kind, &e.account) {
            (PrincipalKind::Aws, Some(account)) if e.value != "*" => account_bytes(account),
            (PrincipalKind::Aws, None) => arn_account(&e.value).and_then(account_bytes),
            _ => None,
        })
        .collect()
}

fn everyone(p: &Principals) -> bool {
    !p.negated
        && !p.entries.is_empty()
        && p.entries
            .iter()
            .all(|e| e.kind == PrincipalKind::Aws && e.value == "*")
}

/// `Some(how)` when the statement's Principal/NotPrincipal covers the caller.
fn principal_applies(
    s: &CompiledStatement,
    p: &Principals,
    who: &RequestPrincipal,
) -> Option<PrincipalMatch> {
    if s.principal_everyone {
        return Some(PrincipalMatch::Wildcard);
    }
    if !p.negated {
        return who.match_principal(p);
    }
    // With Allow, NotPrincipal grants "all principals except the one named"; the rule that an
    // exempt user or role be listed with its account is about Deny [IAM
    // `reference_policies_elements_notprincipal`, "NotPrincipal with Allow" / "with Deny"].
    // Decision: "named" is as `Principal` names, so listing an account leaves out every
    // principal of it, as `Principal` with that account would take them all in.
    if s.effect == Effect::Allow {
        return who
            .match_principal(p)
            .is_none()
            .then_some(PrincipalMatch::Wildcard);
    }
    // "The NotPrincipal element with a Deny effect will always deny any IAM principal that has a
    // permissions boundary policy attached" [IAM `reference_policies_elements_notprincipal`].
    if who.has_permissions_boundary {
        return Some(PrincipalMatch::Wildcard);
    }
    (!who.listed_in(p)).then_some(PrincipalMatch::Wildcard)
}

impl CompiledStatement {
    /// Actions and their prefixes are case-insensitive [IAM `reference_policies_elements_action`].
    fn action_applies(&self, request: &Request) -> bool {
        let hit = self
            .actions
            .iter()
            .any(|a| a.matches(request.action, request.action_hash, request.service_hash));
        hit != self.action_negated
    }

    fn resource_applies(&self, request: &Request) -> bool {
        let Some(resources) = &self.resources else {
            // No Resource element (trust and key policies may omit it): every resource.
            return true;
        };
        let hit = resources.items.iter().any(|r| r.matches(request));
        hit != resources.negated
    }
}

impl ResourcePattern {
    fn matches(&self, request: &Request) -> bool {
        if self.text == "*" {
            return true;
        }
        if request.resource == "*" {
            return matches_resourceless(&self.text, request.action);
        }
        // The fixed prefix, when there is one, is part of the literal head.
        if !request
            .resource
            .as_bytes()
            .starts_with(&self.text.as_bytes()[..self.literal_head])
        {
            return false;
        }
        match self.tail {
            Some(Tail::End) => return request.resource.len() == self.literal_head,
            Some(Tail::Any) => return true,
            None => {}
        }
        let n = self.fixed_prefix;
        match &self.template {
            // "If the variable cannot be resolved ... that resource never matches."
            Some(t) if n > 0 => match t.match_direct(request.context, request.resource) {
                Some(hit) => hit,
                None => SCRATCH.with_borrow_mut(|scratch| {
                    t.resolve_into(request.context, scratch)
                        && wildcard::matches_masked(
                            &scratch.text.as_bytes()[n..],
                            scratch.literal.as_deref().map(|l| &l[n..]),
                            &request.resource.as_bytes()[n..],
                            false,
                        )
                }),
            },
            // A variable among the leading ARN parts: resolve, then match part by part.
            Some(t) => SCRATCH.with_borrow_mut(|scratch| {
                t.resolve_into(request.context, scratch)
                    && arn_matches(scratch.as_text(), request.resource)
            }),
            None => match &self.rest {
                Some(rest) => rest.matches(&request.resource[n..]),
                None => arn_matches(TextRef::plain(&self.text), request.resource),
            },
        }
    }
}

/// An action that takes no resource (`s3:ListAllMyBuckets`) is matched by `*` and by an ARN of
/// its own service whose other parts are all wildcards — the IAM guide grants ListAllMyBuckets
/// with `arn:aws:s3:::*` (DESIGN.md, simulate contract; reference §8.3).
fn matches_resourceless(pattern: &str, action: &str) -> bool {
    let service = action.split(':').next().unwrap_or("");
    let mut parts = pattern.splitn(6, ':');
    let (Some("arn"), Some(_), Some(svc), Some(region), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return false;
    };
    let open = |s: &str| s.bytes().all(|b| b == b'*');
    svc.eq_ignore_ascii_case(service)
        && open(region)
        && open(account)
        && !resource.is_empty()
        && open(resource)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::ContextValue;
    use crate::parse::parse_policy;
    use crate::principal::PrincipalType;

    /// Whether one statement allows `action` on `resource`, asked of the fast path, the
    /// denies-only path and the traced path, which must agree.
    fn allows(statement: &str, action: &str, resource: &str) -> bool {
        let text = format!(r#"{{"Version":"2012-10-17","Statement":[{statement}]}}"#);
        let policy = CompiledPolicy::compile(parse_policy(&text).expect("a valid policy"));
        let who = RequestPrincipal {
            kind: PrincipalType::User,
            arn: "arn:aws:iam::111122223333:user/alice".into(),
            account: Some("111122223333".into()),
            role_arn: None,
            canonical_id: None,
            unique_id: None,
            has_permissions_boundary: false,
        };
        let mut context = Context::new();
        context.insert("aws:username", ContextValue::Single("alice".into()));
        context.insert(
            "aws:RequestedRegion",
            ContextValue::Single("us-east-1".into()),
        );
        let action = action.to_ascii_lowercase();
        let request = Request::new(&action, resource, &who, &context);
        let fast = policy.evaluate(&request);
        let (traced, _) = policy.evaluate_traced(&request);
        assert_eq!(fast, traced, "{statement} {action} {resource}");
        assert_eq!(policy.evaluate_denies(&request).allow, None);
        fast.allow.is_some()
    }

    #[test]
    fn a_pattern_with_a_wildcard_in_its_arn_head_matches_by_parts() {
        let s = r#"{"Effect":"Allow","Action":"*","Resource":"arn:aws:dynamodb:*:111122223333:table/t*"}"#;
        assert!(allows(
            s,
            "dynamodb:GetItem",
            "arn:aws:dynamodb:eu-west-1:111122223333:table/t1"
        ));
        assert!(!allows(
            s,
            "dynamodb:GetItem",
            "arn:aws:dynamodb:eu-west-1:444455556666:table/t1"
        ));
        assert!(!allows(s, "s3:GetObject", "arn:aws:s3:::table/t1"));
        assert!(!allows(
            s,
            "dynamodb:GetItem",
            "arn:aws:dynamodbx:eu-west-1:111122223333:table/t1"
        ));
        let v =
            r#"{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::home-${aws:username}/*"}"#;
        assert!(allows(v, "s3:GetObject", "arn:aws:s3:::home-alice/a"));
        assert!(!allows(v, "s3:GetObject", "arn:aws:s3:::home-bob/a"));
        assert!(!allows(v, "s3:GetObject", "arn:aws:s3:::other/a"));
        let exact = r#"{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b"}"#;
        assert!(allows(exact, "s3:ListBucket", "arn:aws:s3:::b"));
        assert!(!allows(exact, "s3:ListBucket", "arn:aws:s3:::bx"));
        assert!(!allows(exact, "s3:GetObject", "arn:aws:s3:::b/k"));
        let objects = r#"{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b/*"}"#;
        assert!(allows(objects, "s3:GetObject", "arn:aws:s3:::b/k:x/y"));
        assert!(allows(objects, "s3:GetObject", "arn:aws:s3:::b/"));
        assert!(!allows(objects, "s3:ListBucket", "arn:aws:s3:::b"));
        assert!(!allows(objects, "s3:GetObject", "arn:aws:s3:::bx/k"));
    }

    #[test]
    fn action_patterns_decided_by_hash_agree_with_globs() {
        let s = r#"{"Effect":"Allow","Action":["iam:*","S3:GetObject","ec2:Describe*"],"Resource":"*"}"#;
        assert!(allows(s, "iam:GetUser", "*"));
        assert!(allows(s, "s3:getobject", "arn:aws:s3:::b/k"));
        assert!(!allows(s, "s3:GetObjectAcl", "arn:aws:s3:::b/k"));
        assert!(allows(s, "ec2:DescribeInstances", "*"));
        assert!(!allows(s, "iamx:GetUser", "*"));
        // A pattern with a colon before its `:*` is no service wildcard.
        let odd = r#"{"Effect":"Allow","Action":"a:b:*","Resource":"*"}"#;
        assert!(allows(odd, "a:b:c", "*"));
        assert!(!allows(odd, "a:c", "*"));
        let not = r#"{"Effect":"Allow","NotAction":["iam:*","sts:*"],"Resource":"*"}"#;
        assert!(allows(not, "s3:GetObject", "*"));
        assert!(!allows(not, "sts:AssumeRole", "*"));
    }

    #[test]
    fn plain_string_conditions_take_the_direct_path_with_the_same_answers() {
        let cond = |op: &str, values: &str| {
            format!(
                r#"{{"Effect":"Allow","Action":"*","Resource":"*","Condition":{{"{op}":{{"aws:RequestedRegion":{values}}}}}}}"#
            )
        };
        let yes = |op, values| allows(&cond(op, values), "s3:ListAllMyBuckets", "*");
        assert!(yes("StringEquals", r#"["eu-west-1","us-east-1"]"#));
        assert!(!yes("StringEquals", r#""US-EAST-1""#));
        assert!(yes("StringNotEquals", r#""eu-west-1""#));
        assert!(!yes("StringNotEquals", r#"["eu-west-1","us-east-1"]"#));
        assert!(yes("StringLike", r#""us-*-1""#));
        assert!(!yes("StringNotLike", r#""us-?ast-1""#));
        assert!(yes("StringEquals", r#""${aws:RequestedRegion}""#));
        assert!(yes("StringLikeIfExists", r#""us-*""#));
    }
}
