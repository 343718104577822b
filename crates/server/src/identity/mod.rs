//! Who a verified access key is, as the engine needs it: the principal (root, IAM user, role
//! session), its identity policies, permissions boundary and session policies, compiled, and
//! the principal's context keys (`aws:username`, `aws:userid`, `aws:PrincipalTag/*`,
//! `aws:SourceIdentity`). Resolved once per key and directory generation, so a change to any
//! policy is seen by the next request and an unchanged directory costs one map lookup.

pub mod binding;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use authz::NamedPolicy;
use policy::{CompiledPolicy, ContextValue, PrincipalType, RequestPrincipal};
use store::{AccessKey, EntityKind, IdentityDocument, Store};

#[derive(Debug, Clone)]
pub struct CallerIdentity {
    pub principal: RequestPrincipal,
    pub identity: Vec<NamedPolicy>,
    pub boundary: Option<NamedPolicy>,
    pub session: Vec<NamedPolicy>,
    /// Keys the principal brings to every request's context.
    pub keys: Vec<(String, ContextValue)>,
    /// Every document consulted, by layer, id and digest: enough to replay a decision.
    pub documents: Vec<Consulted>,
    /// The IAM user's or role's name, for IAM messages.
    pub entity_name: Option<String>,
    /// For temporary credentials: the session's tags (empty for GetSessionToken's).
    pub session_tags: Option<Vec<store::SessionTag>>,
    pub source_identity: Option<String>,
    /// Why the caller's policies could not be read (the store failed, or a stored document no
    /// longer parses). Every decision for such a caller is an internal error: a caller whose
    /// Deny statements cannot be read is refused, never judged without them (fail closed).
    pub fault: Option<String>,
}

impl CallerIdentity {
    pub fn anonymous() -> CallerIdentity {
        CallerIdentity::bare(
            authz::principal::parse_principal("anonymous", &policy::Context::new())
                .expect("anonymous parses"),
        )
    }

    fn bare(principal: RequestPrincipal) -> CallerIdentity {
        CallerIdentity {
            principal,
            identity: Vec::new(),
            boundary: None,
            session: Vec::new(),
            keys: Vec::new(),
            documents: Vec::new(),
            entity_name: None,
            session_tags: None,
            source_identity: None,
            fault: None,
        }
    }
}

/// Temporary credentials past their expiry.
pub fn expired(key: &AccessKey) -> bool {
    key.expires_ms.is_some_and(|at| at <= now_ms())
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Does the request carry the session token of `key`'s temporary credentials? `token` is the
/// `x-amz-security-token` header or `X-Amz-Security-Token` parameter; long-term keys need none.
/// Constant-time: the token is a secret.
pub fn token_matches(key: &AccessKey, token: Option<&str>) -> bool {
    match (&key.session_token, token) {
        (None, None) => true,
        // A long-term key with a made-up token: AWS refuses the token (InvalidToken on S3,
        // InvalidClientTokenId on the Query APIs) rather than ignore it.
        (None, Some(_)) => false,
        // Comparing digests: where the first difference lies says nothing about the token.
        (Some(expected), Some(given)) => {
            use sha2::{Digest, Sha256};
            Sha256::digest(expected.as_bytes()) == Sha256::digest(given.as_bytes())
        }
        (Some(_), None) => false,
    }
}

/// A stored document a decision consulted, as every decision's record names it: its layer (a
/// policy can be attached and be a boundary at once), the id decisions name it by, and the
/// digest it is kept under. Written as JSON once, when the caller is resolved, not by every
/// request's record (an IAM user's three documents cost every request's record ~5,000
/// instructions).
#[derive(Debug, Clone)]
pub struct Consulted(Box<serde_json::value::RawValue>);

impl Consulted {
    pub fn of(layer: authz::Layer, doc: &IdentityDocument) -> Consulted {
        #[derive(serde::Serialize)]
        struct Document<'a> {
            layer: &'a str,
            id: &'a str,
            digest: &'a str,
        }
        let document = Document {
            layer: layer.as_str(),
            id: &doc.id,
            digest: &doc.digest,
        };
        Consulted(
            serde_json::value::to_raw_value(&document).expect("three strings always serialize"),
        )
    }

    /// `{"layer": …, "id": …, "digest": …}`.
    pub fn json(&self) -> &serde_json::value::RawValue {
        &self.0
    }
}

/// Compiled documents by digest (content: no other text has it), and resolved callers by
/// access key id, each valid only at the store generation it was resolved at (the rule in
/// `store/src/cache.rs`). Each holds at most `MAX_CACHED` entries and is emptied when full;
/// both are bypassed inside `Store::bypassing_caches` (verification mode).
#[derive(Default)]
pub struct Identities {
    compiled: Mutex<HashMap<String, Arc<CompiledPolicy>>>,
    callers: Mutex<HashMap<String, (u64, Arc<CallerIdentity>)>>,
}

const MAX_CACHED: usize = 10_000;

fn single(v: impl Into<String>) -> ContextValue {
    ContextValue::Single(v.into())
}

/// A stored policy document that no longer parses (validated when put: a newer build's
/// stricter rules, or damage).
#[derive(Debug, thiserror::Error)]
#[error("stored policy {id} ({digest}) no longer parses: {source}")]
pub struct Unparsable {
    pub id: String,
    pub digest: String,
    #[source]
    pub source: policy::PolicyError,
}

impl Identities {
    /// A stored document compiled (once per digest) under the id decisions name it by; an
    /// error names a document that no longer parses (validated when put: a newer build's
    /// stricter rules).
    pub fn compile(&self, doc: &IdentityDocument) -> Result<NamedPolicy, Unparsable> {
        let use_cache = !store::caches_bypassed();
        let mut cache = self.compiled.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(p) = cache.get(&doc.digest).filter(|_| use_cache) {
            return Ok(NamedPolicy::new(doc.id.clone(), p.clone()));
        }
        let parsed = policy::parse_policy(&doc.document).map_err(|source| {
            let fault = Unparsable {
                id: doc.id.clone(),
                digest: doc.digest.clone(),
                source,
            };
            eprintln!("gatehouse: {fault}; refusing requests it governs");
            fault
        })?;
        let compiled = Arc::new(CompiledPolicy::compile(parsed));
        if use_cache {
            if cache.len() >= MAX_CACHED {
                cache.clear();
            }
            cache.insert(doc.digest.clone(), compiled.clone());
        }
        Ok(NamedPolicy::new(doc.id.clone(), compiled))
    }

    /// The caller behind `key`, from the cache when the directory has not changed since.
    pub fn resolve(&self, store: &Store, key: &AccessKey) -> Arc<CallerIdentity> {
        if store::caches_bypassed() {
            return Arc::new(self.load(store, key));
        }
        let generation = store.generation();
        if let Some((g, c)) = self
            .callers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key.access_key_id)
        {
            if *g == generation {
                return c.clone();
            }
        }
        let resolved = Arc::new(self.load(store, key));
        let mut callers = self.callers.lock().unwrap_or_else(|e| e.into_inner());
        if callers.len() >= MAX_CACHED {
            callers.clear();
        }
        callers.insert(key.access_key_id.clone(), (generation, resolved.clone()));
        resolved
    }

    fn load(&self, store: &Store, key: &AccessKey) -> CallerIdentity {
        match store.identity_inputs(key) {
            Ok(inputs) => self.identity_of(&key.principal_arn, &key.account_id, inputs),
            Err(e) => {
                let fault = format!(
                    "the policies of {} could not be read: {e}",
                    key.principal_arn
                );
                eprintln!("gatehouse: {fault}");
                CallerIdentity {
                    fault: Some(fault),
                    ..CallerIdentity::anonymous()
                }
            }
        }
    }

    /// A user or role as IAM's policy simulator evaluates it: its own policies, boundary and
    /// tags, without a session.
    /// A group stands for a user of its account that is in it and has nothing else (IAM's
    /// simulator evaluates "all policies attached to the group").
    pub fn of_entity(&self, store: &Store, entity: store::Entity) -> Option<CallerIdentity> {
        let (arn, account, kind) = (entity.arn.clone(), entity.account_id.clone(), entity.kind);
        let inputs = store.entity_inputs(entity).ok()?;
        if kind != EntityKind::Group {
            return Some(self.identity_of(&arn, &account, inputs));
        }
        let member = format!("arn:aws:iam::{account}:user/SimulatedUser");
        let mut caller = CallerIdentity::bare(
            authz::principal::parse_principal(&member, &policy::Context::new()).ok()?,
        );
        caller.identity = inputs
            .identity
            .iter()
            .filter_map(|d| self.compile(d).ok())
            .collect();
        Some(caller)
    }

    /// The caller an ARN names, for diagnosis (an imported directory holds no credentials):
    /// an account root (or a bare account id), an IAM user, a role — as a session of it named
    /// `gatehouse-diagnosis`, which is how a role acts [IAM `id_roles_use`] — or a role
    /// session's `assumed-role` ARN, with none of the session policies a real one may carry.
    pub fn of_arn(&self, store: &Store, arn: &str) -> Result<CallerIdentity, String> {
        let unknown = |what: &str| format!("{arn}: {what} is not in this directory");
        let fault = |e: store::StoreError| format!("{arn}: the store cannot answer: {e}");
        if arn.len() == 12 && arn.bytes().all(|b| b.is_ascii_digit()) {
            return self.of_arn(store, &format!("arn:aws:iam::{arn}:root"));
        }
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let [_, _, service, _, account, resource] = parts[..] else {
            return Err(format!("{arn} is not an ARN"));
        };
        let (entity, session_name) = match (service, resource) {
            ("iam", "root") => {
                let inputs = store::IdentityInputs::default();
                return Ok(self.identity_of(arn, account, inputs));
            }
            ("iam", r) if r.starts_with("user/") || r.starts_with("role/") => {
                let entity = store.entity_by_arn(arn).map_err(fault)?;
                (entity.ok_or_else(|| unknown("the principal"))?, None)
            }
            ("sts", r) if r.starts_with("assumed-role/") => {
                let mut names = r["assumed-role/".len()..].splitn(2, '/');
                let (role, session) = (names.next().unwrap_or(""), names.next());
                let entity = store
                    .entity(account, EntityKind::Role, role)
                    .map_err(|_| unknown("the role"))?;
                (entity, session.map(str::to_string))
            }
            _ => return Err(format!("{arn} names no user, role or account root")),
        };
        let kind = entity.kind;
        let mut inputs = store.entity_inputs(entity.clone()).map_err(fault)?;
        if kind != EntityKind::Role {
            return Ok(self.identity_of(arn, account, inputs));
        }
        let name = session_name.unwrap_or_else(|| "gatehouse-diagnosis".into());
        let session_arn = format!("arn:aws:sts::{account}:assumed-role/{}/{name}", entity.name);
        inputs.session_info = Some(store::Session {
            access_key_id: String::new(),
            source_arn: entity.arn.clone(),
            source_id: Some(entity.id.clone()),
            session_name: Some(name),
            source_identity: None,
            policy: None,
            policy_arns: Vec::new(),
            tags: Vec::new(),
            expires_ms: i64::MAX,
        });
        Ok(self.identity_of(&session_arn, account, inputs))
    }

    fn identity_of(
        &self,
        principal_arn: &str,
        account_id: &str,
        inputs: store::IdentityInputs,
    ) -> CallerIdentity {
        let mut context = policy::Context::new();
        if let (Some(entity), Some(_)) = (&inputs.entity, &inputs.session_info) {
            if entity.kind == EntityKind::Role {
                // The session ARN drops the role's path; aws:PrincipalArn keeps it.
                context.insert("aws:PrincipalArn", single(entity.arn.clone()));
            }
        }
        let Ok(mut principal) = authz::principal::parse_principal(principal_arn, &context) else {
            return CallerIdentity::anonymous();
        };
        let mut caller = CallerIdentity::bare(principal.clone());
        if let Some(s) = &inputs.session_info {
            caller.session_tags = Some(s.tags.clone());
            caller.source_identity = s.source_identity.clone();
        }
        if principal.kind == PrincipalType::Account {
            caller
                .keys
                .push(("aws:userid".into(), single(account_id.to_string())));
            return caller;
        }
        let Some(entity) = &inputs.entity else {
            // A deleted role's session: still itself (`AROA...:name`), with no permissions.
            if let Some(s) = &inputs.session_info {
                if let (Some(id), Some(name)) = (&s.source_id, &s.session_name) {
                    caller
                        .keys
                        .push(("aws:userid".into(), single(format!("{id}:{name}"))));
                }
            }
            return caller;
        };
        principal.unique_id = Some(entity.id.clone());
        principal.has_permissions_boundary = inputs.boundary.is_some();
        caller.entity_name = Some(entity.name.clone());
        match (entity.kind, &inputs.session_info) {
            (EntityKind::Role, Some(s)) => {
                let name = s.session_name.clone().unwrap_or_default();
                caller
                    .keys
                    .push(("aws:userid".into(), single(format!("{}:{name}", entity.id))));
                caller
                    .keys
                    .push(("aws:RoleSessionName".into(), single(name)));
                if let Some(source) = &s.source_identity {
                    caller
                        .keys
                        .push(("aws:SourceIdentity".into(), single(source.clone())));
                }
            }
            _ => {
                caller
                    .keys
                    .push(("aws:userid".into(), single(entity.id.clone())));
                caller
                    .keys
                    .push(("aws:username".into(), single(entity.name.clone())));
            }
        }
        for (k, v) in &inputs.tags {
            caller
                .keys
                .push((format!("aws:PrincipalTag/{k}"), single(v.clone())));
        }
        let mut documents = Vec::new();
        let mut fault = None;
        let mut compile_all = |layer, docs: &[IdentityDocument]| -> Vec<NamedPolicy> {
            docs.iter()
                .inspect(|d| documents.push(Consulted::of(layer, d)))
                .filter_map(|d| {
                    self.compile(d)
                        .map_err(|e| fault = Some(e.to_string()))
                        .ok()
                })
                .collect()
        };
        caller.identity = compile_all(authz::Layer::Identity, &inputs.identity);
        caller.boundary = compile_all(
            authz::Layer::PermissionsBoundary,
            inputs.boundary.as_slice(),
        )
        .pop();
        caller.session = compile_all(authz::Layer::Session, &inputs.session);
        caller.documents = documents;
        caller.fault = fault;
        caller.principal = principal;
        caller
    }
}
