//! Which statements of a policy can match an action, found without scanning them all.
//!
//! Each statement goes to exactly one list per service: under its exact action names, under a
//! service whose patterns have wildcards (`s3:Get*`), or — for `*`, wildcard services and every
//! `NotAction` — to the list always consulted. Lists are keyed by 64-bit hashes kept sorted;
//! the caller re-checks each candidate's actions, so a collision only costs a comparison.

use crate::fxhash::hash_str;
use crate::wildcard;

/// One `Action` (or `NotAction`) pattern, lower-case, with its glob.
#[derive(Debug, Clone)]
pub(crate) struct ActionPattern {
    pub(crate) lower: String,
    pub(crate) wild: bool,
    pub(crate) glob: wildcard::Glob,
    /// The hash that must equal the request's for the pattern to match, when one decides a
    /// miss without comparing text (most patterns a statement lists miss).
    pub(crate) hash: HashTest,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HashTest {
    /// A whole action name: the hash of the action.
    Action(u64),
    /// `service:*`: the hash of the service.
    Service(u64),
    None,
}

impl ActionPattern {
    pub(crate) fn new(pattern: &str) -> ActionPattern {
        let lower = pattern.to_ascii_lowercase();
        let wild = wildcard::has_wildcard(&lower);
        let hash = match lower.strip_suffix(":*") {
            _ if !wild => HashTest::Action(hash_str(&lower)),
            Some(service) if !wildcard::has_wildcard(service) && !service.contains(':') => {
                HashTest::Service(hash_str(service))
            }
            _ => HashTest::None,
        };
        ActionPattern {
            glob: wildcard::Glob::new(&lower, false),
            lower,
            wild,
            hash,
        }
    }

    /// `action_lower` with its hash and its service's, as [`crate::Request`] keeps them.
    pub(crate) fn matches(&self, action_lower: &str, action_hash: u64, service_hash: u64) -> bool {
        match self.hash {
            HashTest::Action(h) if h != action_hash => false,
            HashTest::Service(h) if h != service_hash => false,
            _ => self.glob.matches(action_lower),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct ActionIndex {
    exact: Vec<(u64, Vec<u32>)>,
    by_service: Vec<(u64, Vec<u32>)>,
    always: Vec<u32>,
}

fn push(lists: &mut Vec<(u64, Vec<u32>)>, key: &str, statement: u32) {
    let hash = hash_str(key);
    match lists.iter_mut().find(|(h, _)| *h == hash) {
        Some((_, list)) if list.last() == Some(&statement) => {}
        Some((_, list)) => list.push(statement),
        None => lists.push((hash, vec![statement])),
    }
}

fn lookup(lists: &[(u64, Vec<u32>)], hash: u64) -> &[u32] {
    match lists.binary_search_by_key(&hash, |(h, _)| *h) {
        Ok(i) => &lists[i].1,
        Err(_) => &[],
    }
}

fn service_of(action_lower: &str) -> &str {
    action_lower.split(':').next().unwrap_or("")
}

impl ActionIndex {
    pub(crate) fn add(&mut self, statement: u32, negated: bool, actions: &[ActionPattern]) {
        let any_service = actions
            .iter()
            .any(|a| wildcard::has_wildcard(service_of(&a.lower)));
        if negated || any_service {
            self.always.push(statement);
            return;
        }
        let mut wild_services: Vec<&str> = Vec::new();
        for a in actions.iter().filter(|a| a.wild) {
            let service = service_of(&a.lower);
            if !wild_services.contains(&service) {
                wild_services.push(service);
                push(&mut self.by_service, service, statement);
            }
        }
        for a in actions.iter().filter(|a| !a.wild) {
            if !wild_services.contains(&service_of(&a.lower)) {
                push(&mut self.exact, &a.lower, statement);
            }
        }
    }

    pub(crate) fn finish(mut self) -> ActionIndex {
        self.exact.sort_by_key(|(h, _)| *h);
        self.by_service.sort_by_key(|(h, _)| *h);
        self
    }

    /// The three candidate lists for an action, by the hashes of its name and service.
    pub(crate) fn candidates(
        &self,
        action_hash: u64,
        service_hash: u64,
    ) -> (&[u32], &[u32], &[u32]) {
        (
            lookup(&self.exact, action_hash),
            lookup(&self.by_service, service_hash),
            &self.always,
        )
    }
}
