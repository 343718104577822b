//! A data directory opened for diagnosis — a running server's or an import — and its callers,
//! named the ways a person names them: an access key, an ARN, or nobody (anonymous).

use std::path::Path;
use std::sync::Arc;

use crate::caller::{Caller, Connection, Resolved};
use crate::config::Config;
use crate::state::Gatehouse;

/// Whom a diagnosis asks about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Who {
    /// Resolved exactly as a request signed with it is.
    AccessKey(String),
    /// An account root, an IAM user, a role (as a session of it) or a role session's ARN —
    /// an imported directory holds no credentials, so this is how it is examined.
    Arn(String),
    Anonymous,
}

/// What an S3 ARN names in a directory: its bucket, the key, and the key's current version
/// when it exists.
pub struct S3Target {
    pub bucket: std::sync::Arc<store::Bucket>,
    pub key: Option<String>,
    pub object: Option<store::ObjectVersion>,
}

/// Why an ARN names nothing here.
pub enum NoTarget {
    NotS3,
    /// The bucket (its name) is not in the directory.
    NoBucket(String),
}

/// A data directory opened for reading only.
pub struct Directory {
    pub(crate) gatehouse: Gatehouse,
}

impl Directory {
    /// Opens `data_dir` for reading: nothing in it is changed (no blob is swept, no event
    /// written), so a running server's directory is safe to examine.
    pub fn open(data_dir: &Path, config: Config) -> Result<Directory, store::StoreError> {
        let store = store::Store::open_for_reading(data_dir)?;
        let endpoints = crate::vpc_endpoint::compile(&config.vpc_endpoints)
            .map_err(store::StoreError::Corrupt)?;
        let gatehouse = Gatehouse::new(
            Arc::new(store),
            config,
            audit::AuditLog::discarding(),
            endpoints,
        );
        Ok(Directory { gatehouse })
    }

    /// The bucket, key and object `resource` (`arn:aws:s3:::BUCKET[/KEY]`) names.
    pub fn s3_target(&self, resource: &str) -> Result<S3Target, NoTarget> {
        let (bucket, key) = authz::s3::split_s3_arn(resource).ok_or(NoTarget::NotS3)?;
        let store = &self.gatehouse.store;
        let bucket = store
            .bucket(bucket)
            .ok()
            .flatten()
            .ok_or_else(|| NoTarget::NoBucket(bucket.to_string()))?;
        let object = key.and_then(|k| store.object(&bucket.name, k, None).ok().flatten());
        Ok(S3Target {
            key: key.map(str::to_string),
            bucket,
            object,
        })
    }

    /// The caller `who` stands for, on `connection` (`None`: loopback, plain HTTP) signing for
    /// `region` (`None`: the default); `Err` says why there is none.
    pub fn caller(
        &self,
        who: &Who,
        connection: Option<Connection>,
        region: Option<String>,
    ) -> Result<Caller, String> {
        let g = &self.gatehouse;
        let resolved = match who {
            Who::AccessKey(id) => {
                let resolved = Resolved::of(g, Some(id));
                if resolved.key.is_none() {
                    return Err(format!(
                        "access key {id} is not known here: S3 answers 403 InvalidAccessKeyId before any policy is read"
                    ));
                }
                resolved
            }
            Who::Arn(arn) => Resolved {
                key: None,
                identity: Arc::new(g.identities.of_arn(&g.store, arn)?),
                generation: g.store.generation(),
            },
            Who::Anonymous => Resolved::of(g, None),
        };
        Ok(Caller::new(g, connection, resolved, region, false, None))
    }
}
