//! What every request shares: the store, the configuration, and compiled bucket policies.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use authz::NamedPolicy;
use store::{Bucket, Store};

use crate::config::Config;
use crate::organization::view::OrgView;
use crate::vpc_endpoint::VpcEndpoint;
use audit::AuditLog;

pub struct Gatehouse {
    pub store: Arc<Store>,
    pub config: Config,
    pub audit: Arc<AuditLog>,
    pub identities: crate::identity::Identities,
    /// Compiled bucket policies by bucket name and the text's SHA-256: the key names the
    /// content (and the id decisions call it by), never a row id or version number that a
    /// deleted bucket could hand on to a new one. At most `store::MAX_CACHE_ENTRIES` entries.
    /// The third part: the IAM users and roles it named that are gone (`identity::binding`).
    policies: Mutex<HashMap<PolicyKey, NamedPolicy>>,
    /// The data directory's KMS master key, read (or made) on first use.
    kms_master: std::sync::OnceLock<crate::kms::crypto::MasterKey>,
    /// The configured VPC endpoints, their policies compiled at start.
    pub vpc_endpoints: Vec<VpcEndpoint>,
    /// The organizations as authorization reads them, and the document text they were built
    /// from (the key is the content itself, never an id).
    organizations: Mutex<Option<(Arc<str>, Arc<OrgView>)>>,
    /// `GATEHOUSE_VERIFY_DECISIONS=1` or `verify_decisions = true`: every decision is made
    /// twice, through the caches and from the store with every cache bypassed (`verify.rs`).
    pub verify_decisions: bool,
}

impl Gatehouse {
    pub fn new(
        store: Arc<Store>,
        config: Config,
        audit: Arc<AuditLog>,
        vpc_endpoints: Vec<VpcEndpoint>,
    ) -> Gatehouse {
        let verify_decisions = config.verify_decisions
            || std::env::var("GATEHOUSE_VERIFY_DECISIONS").is_ok_and(|v| v == "1");
        Gatehouse {
            verify_decisions,
            vpc_endpoints,
            store,
            config,
            audit,
            identities: Default::default(),
            policies: Mutex::new(HashMap::new()),
            organizations: Mutex::new(None),
            kms_master: std::sync::OnceLock::new(),
        }
    }

    /// The accounts: canonical ids, names, e-mail addresses (the store caches them; accounts
    /// are made at startup and by Organizations' CreateAccount).
    fn accounts(&self) -> std::sync::Arc<Vec<store::Account>> {
        self.store.accounts().unwrap_or_default()
    }

    /// The endpoint a request arrived through.
    pub fn vpc_endpoint(&self, id: &str) -> Option<&VpcEndpoint> {
        self.vpc_endpoints.iter().find(|e| e.id == id)
    }

    /// An account's S3 canonical user id.
    pub fn canonical_id(&self, account: &str) -> Option<String> {
        self.accounts()
            .iter()
            .find(|a| a.id == account)
            .map(|a| a.canonical_id.clone())
    }

    pub fn account_of_canonical(&self, canonical_id: &str) -> Option<String> {
        self.accounts()
            .iter()
            .find(|a| a.canonical_id == canonical_id)
            .map(|a| a.id.clone())
    }

    /// The account whose e-mail address this is (without regard to case).
    pub fn account_by_email(&self, email: &str) -> Option<String> {
        self.accounts()
            .iter()
            .find(|a| {
                a.email
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case(email))
            })
            .map(|a| a.id.clone())
    }

    pub fn account_email(&self, account: &str) -> Option<String> {
        self.accounts()
            .iter()
            .find(|a| a.id == account)
            .and_then(|a| a.email.clone())
    }

    pub fn account_name(&self, account: &str) -> Option<String> {
        self.accounts()
            .iter()
            .find(|a| a.id == account)
            .map(|a| a.name.clone())
    }

    /// The bucket's current policy, compiled (once per text), with its version. A stored
    /// policy that no longer parses is an error, never "no policy": treating it as absent would
    /// silently drop its Deny statements (fail closed).
    pub fn bucket_policy(
        &self,
        bucket: &Bucket,
    ) -> Result<Option<(NamedPolicy, i64)>, store::StoreError> {
        let Some(stored) = self.store.bucket_policy(&bucket.name)? else {
            return Ok(None);
        };
        let dead = crate::identity::binding::dead(&self.store, &stored.bindings)?;
        let key = (bucket.name.clone(), stored.digest.clone(), dead.clone());
        if let Some(p) = self.cached_policy(&key) {
            return Ok(Some((p, stored.version)));
        }
        let named = compile_bucket_policy(&bucket.name, &stored, &dead)?;
        self.remember_policy(key, &named);
        Ok(Some((named, stored.version)))
    }

    /// The organizations, compiled once per change of their document. A document or policy
    /// that no longer reads is an error: requests it governs are refused (fail closed).
    pub fn organizations(&self) -> Result<Arc<OrgView>, store::StoreError> {
        let Some(text) = self.store.organizations()? else {
            return Ok(Arc::default());
        };
        let bypassed = store::caches_bypassed();
        if !bypassed {
            let cached = self.organizations.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((seen, view)) = cached.as_ref() {
                if Arc::ptr_eq(seen, &text) || **seen == *text {
                    return Ok(view.clone());
                }
            }
        }
        let view = crate::organization::Organizations::parse(Some(&text))
            .map_err(|e| e.to_string())
            .and_then(|doc| OrgView::build(&doc))
            .map(Arc::new)
            .map_err(|e| store::StoreError::Corrupt(format!("the organizations: {e}")))?;
        if !bypassed {
            *self.organizations.lock().unwrap_or_else(|e| e.into_inner()) =
                Some((text, view.clone()));
        }
        Ok(view)
    }

    /// The KMS master key (made on first use).
    pub fn kms_master(
        &self,
    ) -> Result<&crate::kms::crypto::MasterKey, crate::kms::crypto::CryptoError> {
        if let Some(master) = self.kms_master.get() {
            return Ok(master);
        }
        let master = crate::kms::crypto::MasterKey::open(self.store.data_dir())?;
        Ok(self.kms_master.get_or_init(|| master))
    }

    /// A KMS key's material, unwrapped by the data directory's master key.
    pub fn kms_material(
        &self,
        key: &crate::kms::Key,
    ) -> Result<crate::kms::crypto::KeyMaterial, crate::kms::lookup::KeyError> {
        let master = self
            .kms_master()
            .map_err(|e| crate::kms::lookup::KeyError::Internal(e.to_string()))?;
        master
            .unwrap(&key.id, &key.material)
            .map_err(|e| crate::kms::lookup::KeyError::Internal(format!("KMS key {}: {e}", key.id)))
    }

    /// A key policy, compiled once per text under the key's ARN (the key names the content
    /// and the key, never a reusable id).
    pub fn key_policy(&self, key_arn: &str, text: &str) -> Result<NamedPolicy, store::StoreError> {
        let digest: String = {
            use sha2::{Digest, Sha256};
            Sha256::digest(text.as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect()
        };
        let cache_key = (key_arn.to_string(), digest, Vec::new());
        if let Some(p) = self.cached_policy(&cache_key) {
            return Ok(p);
        }
        let doc = policy::parse_policy(text).map_err(|e| {
            let fault = format!("the key policy of {key_arn} no longer parses: {e}");
            eprintln!("gatehouse: {fault}; refusing requests it governs");
            store::StoreError::Corrupt(fault)
        })?;
        let named = NamedPolicy::compile(key_arn.to_string(), doc);
        self.remember_policy(cache_key, &named);
        Ok(named)
    }

    /// Keeps a compiled policy (the cache is emptied when full).
    fn remember_policy(&self, key: PolicyKey, named: &NamedPolicy) {
        let mut cache = self.policies.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= store::MAX_CACHE_ENTRIES {
            cache.clear();
        }
        cache.insert(key, named.clone());
    }

    fn cached_policy(&self, key: &PolicyKey) -> Option<NamedPolicy> {
        if store::caches_bypassed() {
            return None;
        }
        let cache = self.policies.lock().unwrap_or_else(|e| e.into_inner());
        cache.get(key).cloned()
    }
}

/// Bucket name, text digest, dead principal bindings.
type PolicyKey = (String, String, Vec<crate::identity::binding::Binding>);

/// A stored bucket policy compiled under the id decisions name it by, the principals in
/// `dead` retired.
pub fn compile_bucket_policy(
    bucket: &str,
    stored: &store::StoredPolicy,
    dead: &[crate::identity::binding::Binding],
) -> Result<NamedPolicy, store::StoreError> {
    let id = format!("arn:aws:s3:::{bucket}");
    let mut doc = policy::parse_policy(&stored.document).map_err(|e| {
        let fault = format!(
            "stored policy {id} version {} no longer parses: {e}",
            stored.version
        );
        eprintln!("gatehouse: {fault}; refusing requests it governs");
        store::StoreError::Corrupt(fault)
    })?;
    crate::identity::binding::retire(&mut doc, dead);
    Ok(NamedPolicy::compile(id, doc))
}
