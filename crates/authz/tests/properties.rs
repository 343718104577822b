//! The invariants of AWS's evaluation logic, checked on generated policies and requests
//! [IAM `reference_policies_evaluation-logic`: "An explicit deny in any policy overrides any
//! allow"; `access_policies`: statements and policies are OR'd, so their order cannot matter;
//! `reference_policies_elements_notaction` / `_notresource`: the complement of the list].

use authz::{authorize, AuthzRequest, NamedPolicy, OrgLevel, Policies, Verdict};
use policy::{parse_policy, CompiledPolicy, Context, ContextValue, Request};
use proptest::prelude::*;

const ACCOUNT: &str = "111122223333";
const OTHER: &str = "444455556666";

const ACTIONS: [&str; 6] = [
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "s3:DeleteObject",
    "s3:GetBucketPolicy",
    "s3:GetObjectTagging",
];
const ACTION_PATTERNS: [&str; 8] = [
    "s3:GetObject",
    "s3:Get*",
    "s3:*Object",
    "s3:*",
    "*",
    "s3:List?ucket",
    "s3:putobject",
    "s3:Delete*",
];
const RESOURCES: [&str; 4] = [
    "arn:aws:s3:::bkt",
    "arn:aws:s3:::bkt/a.txt",
    "arn:aws:s3:::bkt/home/alice/x",
    "arn:aws:s3:::other/a.txt",
];
const RESOURCE_PATTERNS: [&str; 6] = [
    "*",
    "arn:aws:s3:::bkt",
    "arn:aws:s3:::bkt/*",
    "arn:aws:s3:::*/a.txt",
    "arn:aws:s3:::bkt/home/${aws:username}/*",
    "arn:aws:s3:::b?t*",
];
const CONDITIONS: [&str; 5] = [
    "",
    r#","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#,
    r#","Condition":{"StringNotEquals":{"aws:PrincipalTag/team":"ops"}}"#,
    r#","Condition":{"Bool":{"aws:SecureTransport":"true"}}"#,
    r#","Condition":{"StringLikeIfExists":{"s3:prefix":"home/*"}}"#,
];
const PRINCIPALS: [&str; 4] = [
    r#""Principal":"*","#,
    r#""Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"#,
    r#""Principal":{"AWS":"444455556666"},"#,
    r#""Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"#,
];
const CALLERS: [&str; 5] = [
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:sts::111122223333:assumed-role/app/s1",
    "arn:aws:iam::444455556666:user/bob",
    "arn:aws:iam::111122223333:root",
    "anonymous",
];

#[derive(Debug, Clone)]
struct Stmt {
    deny: bool,
    actions: Vec<usize>,
    resources: Vec<usize>,
    condition: usize,
    principal: usize,
}

fn stmt() -> impl Strategy<Value = Stmt> {
    (
        prop::bool::weighted(0.3),
        prop::collection::vec(0..ACTION_PATTERNS.len(), 1..3),
        prop::collection::vec(0..RESOURCE_PATTERNS.len(), 1..3),
        0..CONDITIONS.len(),
        0..PRINCIPALS.len(),
    )
        .prop_map(|(deny, actions, resources, condition, principal)| Stmt {
            deny,
            actions,
            resources,
            condition,
            principal,
        })
}

fn list(items: &[usize], pool: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("{:?}", pool[*i])).collect();
    format!("[{}]", quoted.join(","))
}

fn render(stmts: &[Stmt], with_principal: bool) -> String {
    let body: Vec<String> = stmts
        .iter()
        .map(|s| {
            format!(
                r#"{{"Effect":"{}",{}"Action":{},"Resource":{}{}}}"#,
                if s.deny { "Deny" } else { "Allow" },
                if with_principal {
                    PRINCIPALS[s.principal]
                } else {
                    ""
                },
                list(&s.actions, &ACTION_PATTERNS),
                list(&s.resources, &RESOURCE_PATTERNS),
                CONDITIONS[s.condition]
            )
        })
        .collect();
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        body.join(",")
    )
}

fn named(id: &str, text: &str) -> NamedPolicy {
    NamedPolicy::compile(id, parse_policy(text).unwrap())
}

#[derive(Debug, Clone)]
struct World {
    identity: Vec<Vec<Stmt>>,
    resource: Option<Vec<Stmt>>,
    boundary: Option<Vec<Stmt>>,
    session: Option<Vec<Stmt>>,
    scp: Option<Vec<Stmt>>,
    caller: usize,
    action: usize,
    resource_arn: usize,
    ip_inside: bool,
    tls: bool,
}

fn world() -> impl Strategy<Value = World> {
    let stmts = || prop::collection::vec(stmt(), 1..4);
    (
        prop::collection::vec(stmts(), 0..3),
        prop::option::of(stmts()),
        prop::option::weighted(0.3, stmts()),
        prop::option::weighted(0.3, stmts()),
        prop::option::weighted(0.3, stmts()),
        0..CALLERS.len(),
        0..ACTIONS.len(),
        0..RESOURCES.len(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(
                identity,
                resource,
                boundary,
                session,
                scp,
                caller,
                action,
                resource_arn,
                ip_inside,
                tls,
            )| World {
                identity,
                resource,
                boundary,
                session,
                scp,
                caller,
                action,
                resource_arn,
                ip_inside,
                tls,
            },
        )
}

impl World {
    fn policies(&self, reverse: bool) -> Policies {
        let order = |stmts: &Vec<Stmt>| -> Vec<Stmt> {
            let mut s = stmts.clone();
            if reverse {
                s.reverse();
            }
            s
        };
        let mut identity: Vec<NamedPolicy> = self
            .identity
            .iter()
            .enumerate()
            .map(|(i, s)| named(&format!("identity-{i}"), &render(&order(s), false)))
            .collect();
        if reverse {
            identity.reverse();
        }
        Policies {
            identity,
            resource: self
                .resource
                .as_ref()
                .map(|s| named("arn:aws:s3:::bkt", &render(&order(s), true))),
            permissions_boundary: self
                .boundary
                .as_ref()
                .map(|s| named("boundary", &render(&order(s), false))),
            session: self
                .session
                .iter()
                .map(|s| named("session", &render(&order(s), false)))
                .collect(),
            scp: self
                .scp
                .iter()
                .map(|s| OrgLevel {
                    target: ACCOUNT.into(),
                    policies: vec![named("p-generated", &render(&order(s), false))],
                })
                .collect(),
            rcp: vec![],
            vpc_endpoint: None,
        }
    }

    fn context(&self) -> Context {
        let mut c = Context::new();
        let ip = if self.ip_inside {
            "203.0.113.7"
        } else {
            "198.51.100.7"
        };
        c.insert("aws:SourceIp", ContextValue::Single(ip.into()));
        c.insert(
            "aws:SecureTransport",
            ContextValue::Single(self.tls.to_string()),
        );
        if CALLERS[self.caller].contains(":user/alice") {
            c.insert("aws:username", ContextValue::Single("alice".into()));
            c.insert("aws:PrincipalTag/team", ContextValue::Single("eng".into()));
        }
        if CALLERS[self.caller].contains("assumed-role") {
            c.insert(
                "aws:PrincipalArn",
                ContextValue::Single("arn:aws:iam::111122223333:role/app".into()),
            );
        }
        c
    }

    fn decide(&self, policies: &Policies) -> authz::Decision {
        self.decide_with(policies, false)
    }

    fn decide_with(&self, policies: &Policies, explain: bool) -> authz::Decision {
        let context = self.context();
        let principal = authz::principal::parse_principal(CALLERS[self.caller], &context).unwrap();
        let mut principal = principal;
        principal.has_permissions_boundary = policies.permissions_boundary.is_some();
        let request = AuthzRequest {
            principal: &principal,
            action: ACTIONS[self.action],
            resource: RESOURCES[self.resource_arn],
            resource_account: ACCOUNT,
            context: &context,
            policies,
            s3: None,
        };
        authorize(&request, explain)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Statement order and policy order never change the decision or the layer that decided.
    #[test]
    fn order_never_matters(w in world()) {
        let forward = w.decide(&w.policies(false));
        let backward = w.decide(&w.policies(true));
        prop_assert_eq!(forward.verdict, backward.verdict);
        prop_assert_eq!(forward.denied_by, backward.denied_by);
    }

    /// The explained path (every statement traced) decides exactly as the fast path (the
    /// action index), down to the deciding policy and statement.
    #[test]
    fn explaining_never_changes_the_answer(w in world()) {
        let policies = w.policies(false);
        let fast = w.decide_with(&policies, false);
        let explained = w.decide_with(&policies, true);
        prop_assert_eq!(fast.verdict, explained.verdict);
        prop_assert_eq!(fast.denied_by, explained.denied_by);
        prop_assert_eq!(fast.policy, explained.policy);
        prop_assert_eq!(fast.statement, explained.statement);
        prop_assert_eq!(fast.message, explained.message);
    }

    /// A Deny of everything, added to any layer that applies to the caller, always decides.
    #[test]
    fn explicit_deny_always_wins(w in world(), layer in 0..3usize) {
        let deny_all = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#;
        let deny_all_public = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}"#;
        let mut policies = w.policies(false);
        let caller = CALLERS[w.caller];
        let iam_identity = !caller.ends_with(":root") && caller != "anonymous";
        match layer {
            0 if iam_identity => policies.identity.push(named("deny-all", deny_all)),
            1 if caller != "anonymous" => policies.scp.push(OrgLevel { target: OTHER.into(), policies: vec![named("p-deny", deny_all)] }),
            // The bucket owner's root keeps GetBucketPolicy whatever the bucket policy says.
            _ if caller.ends_with("111122223333:root") && ACTIONS[w.action] == "s3:GetBucketPolicy" => return Ok(()),
            _ => policies.resource = Some(named("arn:aws:s3:::bkt", deny_all_public)),
        }
        let d = w.decide(&policies);
        prop_assert_eq!(d.verdict, Verdict::ExplicitDeny);
    }

    /// `NotAction` applies exactly where `Action` with the same list does not; likewise
    /// `NotResource` and `Resource`, and the two together.
    #[test]
    fn not_elements_are_complements(
        actions in prop::collection::vec(0..ACTION_PATTERNS.len(), 1..4),
        resources in prop::collection::vec(0..RESOURCE_PATTERNS.len(), 1..4),
        action in 0..ACTIONS.len(),
        resource in 0..RESOURCES.len(),
    ) {
        let a = list(&actions, &ACTION_PATTERNS);
        let r = list(&resources, &RESOURCE_PATTERNS);
        let mut context = Context::new();
        context.insert("aws:username", ContextValue::Single("alice".into()));
        let principal = authz::principal::parse_principal(CALLERS[0], &context).unwrap();
        let action_lower = ACTIONS[action].to_ascii_lowercase();
        let request = Request::new(&action_lower, RESOURCES[resource], &principal, &context);
        let applies = |action_key: &str, action_list: &str, resource_key: &str, resource_list: &str| {
            let text = format!(
                r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","{action_key}":{action_list},"{resource_key}":{resource_list}}}}}"#
            );
            CompiledPolicy::compile(parse_policy(&text).unwrap()).evaluate(&request).allow.is_some()
        };
        let act = applies("Action", &a, "Resource", "\"*\"");
        let res = applies("Action", "\"*\"", "Resource", &r);
        prop_assert_eq!(applies("Action", &a, "Resource", &r), act && res);
        prop_assert_eq!(applies("NotAction", &a, "Resource", &r), !act && res);
        prop_assert_eq!(applies("Action", &a, "NotResource", &r), act && !res);
        prop_assert_eq!(applies("NotAction", &a, "NotResource", &r), !act && !res);
    }
}
