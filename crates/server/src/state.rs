//! What every request shares: the store, the configuration, and compiled bucket policies.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use authz::NamedPolicy;
use policy::CompiledPolicy;
use store::{Bucket, Store};

use crate::audit::AuditLog;
use crate::config::Config;

pub struct Gatehouse {
    pub store: Arc<Store>,
    pub config: Config,
    pub audit: AuditLog,
    pub identities: crate::identity::Identities,
    /// The accounts (made at startup, before serving): canonical ids, names, e-mail addresses.
    accounts: Vec<store::Account>,
    /// Compiled bucket policies by (bucket id, policy version): a change is a new version, so
    /// the cache never serves a stale policy.
    policies: Mutex<HashMap<(i64, i64), NamedPolicy>>,
}

impl Gatehouse {
    pub fn new(store: Arc<Store>, config: Config, audit: AuditLog) -> Gatehouse {
        let accounts = store.accounts().unwrap_or_default();
        Gatehouse {
            accounts,
            store,
            config,
            audit,
            identities: Default::default(),
            policies: Mutex::new(HashMap::new()),
        }
    }

    /// An account's S3 canonical user id.
    pub fn canonical_id(&self, account: &str) -> Option<String> {
        self.accounts
            .iter()
            .find(|a| a.id == account)
            .map(|a| a.canonical_id.clone())
    }

    pub fn account_of_canonical(&self, canonical_id: &str) -> Option<String> {
        self.accounts
            .iter()
            .find(|a| a.canonical_id == canonical_id)
            .map(|a| a.id.clone())
    }

    /// The account whose e-mail address this is (without regard to case).
    pub fn account_by_email(&self, email: &str) -> Option<String> {
        self.accounts
            .iter()
            .find(|a| {
                a.email
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case(email))
            })
            .map(|a| a.id.clone())
    }

    pub fn account_name(&self, account: &str) -> Option<String> {
        self.accounts
            .iter()
            .find(|a| a.id == account)
            .map(|a| a.name.clone())
    }

    /// The bucket's current policy, compiled (once per version), with its version.
    pub fn bucket_policy(
        &self,
        bucket: &Bucket,
    ) -> Result<Option<(NamedPolicy, i64)>, store::StoreError> {
        let Some(stored) = self.store.bucket_policy(&bucket.name)? else {
            return Ok(None);
        };
        let mut cache = self.policies.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(p) = cache.get(&(bucket.id, stored.version)) {
            return Ok(Some((p.clone(), stored.version)));
        }
        // Stored policies were validated when put; a document that no longer parses (a newer
        // build's stricter rules) is treated as absent rather than as a grant.
        let Ok(doc) = policy::parse_policy(&stored.document) else {
            return Ok(None);
        };
        let named = NamedPolicy::new(
            format!("arn:aws:s3:::{}", bucket.name),
            Arc::new(CompiledPolicy::compile(doc)),
        );
        cache.retain(|(id, _), _| *id != bucket.id);
        cache.insert((bucket.id, stored.version), named.clone());
        Ok(Some((named, stored.version)))
    }
}
