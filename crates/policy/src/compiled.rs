//! A policy compiled once and evaluated many times: lower-cased action patterns, an index from
//! action to the statements that can match it, parsed condition values, and resource patterns
//! split into plain text and variable templates.

use std::collections::HashMap;

use crate::condition::{arn_matches, CompiledCondition, ConditionTrace};
use crate::context::Context;
use crate::document::{Effect, Patterns, Policy, Principals};
use crate::json::Span;
use crate::principal::{PrincipalMatch, RequestPrincipal};
use crate::variables::{Template, TextRef};
use crate::wildcard;

/// One authorization question, as the policy language sees it.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// `service:Action`, lower-cased by the caller once per question.
    pub action: &'a str,
    /// The resource ARN, or `*` for actions that take no resource.
    pub resource: &'a str,
    pub principal: &'a RequestPrincipal,
    pub context: &'a Context,
}

#[derive(Debug, Clone)]
pub struct CompiledPolicy {
    pub document: Policy,
    statements: Vec<CompiledStatement>,
    /// Exact action name → statements naming it without a wildcard in its service.
    exact: HashMap<String, Vec<u32>>,
    /// Service prefix → statements with a wildcard pattern in that service.
    by_service: HashMap<String, Vec<u32>>,
    /// Statements that may match any action: `*`, `*:...` patterns and every `NotAction`.
    always: Vec<u32>,
}

#[derive(Debug, Clone)]
struct CompiledStatement {
    effect: Effect,
    label: String,
    span: Span,
    principal: Option<Principals>,
    action_negated: bool,
    actions: Vec<ActionPattern>,
    resources: Option<ResourceMatcher>,
    conditions: Vec<CompiledCondition>,
}

#[derive(Debug, Clone)]
struct ActionPattern {
    lower: String,
    wild: bool,
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
    pub label: String,
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
        let mut exact: HashMap<String, Vec<u32>> = HashMap::new();
        let mut by_service: HashMap<String, Vec<u32>> = HashMap::new();
        let mut always = Vec::new();
        let mut statements = Vec::with_capacity(document.statements.len());
        for (i, s) in document.statements.iter().enumerate() {
            let i = i as u32;
            let actions: Vec<ActionPattern> = s
                .action
                .items
                .iter()
                .map(|a| ActionPattern {
                    lower: a.to_ascii_lowercase(),
                    wild: wildcard::has_wildcard(a),
                })
                .collect();
            index_statement(
                i,
                s.action.negated,
                &actions,
                &mut exact,
                &mut by_service,
                &mut always,
            );
            statements.push(CompiledStatement {
                effect: s.effect,
                label: s.label(),
                span: s.span,
                principal: s.principal.clone(),
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
            exact,
            by_service,
            always,
        }
    }

    pub fn statement_label(&self, index: u32) -> &str {
        &self.statements[index as usize].label
    }

    pub fn statement_span(&self, index: u32) -> Span {
        self.statements[index as usize].span
    }

    pub fn statement_count(&self) -> usize {
        self.statements.len()
    }

    /// The fast path: only the statements the index says can match the action.
    pub fn evaluate(&self, request: &Request) -> Outcome {
        let mut outcome = Outcome::default();
        let service = request.action.split(':').next().unwrap_or("");
        let exact = self
            .exact
            .get(request.action)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let wild = self
            .by_service
            .get(service)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        for &i in exact {
            self.check(i, request, true, &mut outcome);
        }
        for &i in wild.iter().chain(&self.always) {
            self.check(i, request, false, &mut outcome);
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
            let action = s.action_applies(request.action);
            let resource = s.resource_applies(request);
            let conditions: Vec<ConditionTrace> = s
                .conditions
                .iter()
                .map(|c| c.trace(request.context))
                .collect();
            let applies = principal.is_none_or(|p| p.is_some())
                && action
                && resource
                && conditions.iter().all(|c| c.result);
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

    fn check(&self, i: u32, request: &Request, action_known: bool, outcome: &mut Outcome) {
        let s = &self.statements[i as usize];
        if !action_known && !s.action_applies(request.action) {
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

/// A statement goes to exactly one of the three lists per service, so a request never
/// evaluates it twice.
fn index_statement(
    i: u32,
    negated: bool,
    actions: &[ActionPattern],
    exact: &mut HashMap<String, Vec<u32>>,
    by_service: &mut HashMap<String, Vec<u32>>,
    always: &mut Vec<u32>,
) {
    let any_service = actions
        .iter()
        .any(|a| a.lower.split(':').next().is_none_or(wildcard::has_wildcard));
    if negated || any_service {
        always.push(i);
        return;
    }
    let mut wild_services: Vec<&str> = Vec::new();
    for a in actions.iter().filter(|a| a.wild) {
        let service = a.lower.split(':').next().unwrap_or("");
        if !wild_services.contains(&service) {
            wild_services.push(service);
            by_service.entry(service.to_string()).or_default().push(i);
        }
    }
    for a in actions.iter().filter(|a| !a.wild) {
        let service = a.lower.split(':').next().unwrap_or("");
        if wild_services.contains(&service) {
            continue;
        }
        let list = exact.entry(a.lower.clone()).or_default();
        if list.last() != Some(&i) {
            list.push(i);
        }
    }
}

fn compile_resources(patterns: &Patterns, variables: bool) -> ResourceMatcher {
    ResourceMatcher {
        negated: patterns.negated,
        items: patterns
            .items
            .iter()
            .map(|r| ResourcePattern {
                text: r.clone(),
                template: if variables { Template::parse(r) } else { None },
            })
            .collect(),
    }
}

/// `Some(how)` when the statement's Principal/NotPrincipal covers the caller.
fn principal_applies(
    s: &CompiledStatement,
    p: &Principals,
    who: &RequestPrincipal,
) -> Option<PrincipalMatch> {
    if !p.negated {
        return who.match_principal(p);
    }
    // "The NotPrincipal element with a Deny effect will always deny any IAM principal that has a
    // permissions boundary policy attached" [IAM `reference_policies_elements_notprincipal`].
    if s.effect == Effect::Deny && who.has_permissions_boundary {
        return Some(PrincipalMatch::Wildcard);
    }
    (!who.listed_in(p)).then_some(PrincipalMatch::Wildcard)
}

impl CompiledStatement {
    /// Actions and their prefixes are case-insensitive [IAM `reference_policies_elements_action`].
    fn action_applies(&self, action: &str) -> bool {
        let hit = self.actions.iter().any(|a| {
            if a.wild {
                wildcard::matches(&a.lower, action, true)
            } else {
                a.lower == action
            }
        });
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
        match &self.template {
            // "If the variable cannot be resolved ... that resource never matches."
            Some(t) => t
                .resolve(request.context)
                .is_some_and(|r| arn_matches(r.as_text(), request.resource)),
            None => arn_matches(TextRef::plain(&self.text), request.resource),
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
