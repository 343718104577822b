//! A decision the audit trail recorded, asked again: the recorded caller (by access key while
//! it exists, otherwise by ARN), action, resource and request context, against the directory.

use std::sync::Arc;

use policy::ContextValue;
use serde_json::Value;

use super::directory::{Directory, NoTarget, S3Target, Who};
use crate::authorize::{prepare, Prepared, Question};
use crate::caller::{Caller, Connection};
use crate::state::Gatehouse;

/// Everything a recorded S3 decision needs to be asked again, owned.
pub struct Asked {
    pub caller: Caller,
    pub action: String,
    pub bucket: std::sync::Arc<store::Bucket>,
    pub key: Option<String>,
    pub object: Option<store::ObjectVersion>,
    pub context: policy::Context,
}

impl Asked {
    /// `record` (one of `event`'s decisions) made askable; `Err` says why it cannot be.
    pub fn of(directory: &Directory, event: &Value, record: &Value) -> Result<Asked, String> {
        let g = &directory.gatehouse;
        let resource = record["resource"].as_str().unwrap_or("");
        let S3Target {
            bucket,
            key,
            object,
        } = directory.s3_target(resource).map_err(|e| match e {
            NoTarget::NotS3 => "not an S3 decision",
            NoTarget::NoBucket(_) => "the bucket no longer exists",
        })?;
        let context = recorded_context(&record["context"])
            .ok_or("recorded before decisions kept their context")?;
        let who = caller_of(g, event).ok_or("the caller is no longer in the directory")?;
        let connection = Connection {
            vpc_endpoint: context.single("aws:SourceVpce").map(Arc::from),
            ..Connection::loopback()
        };
        let caller = directory
            .caller(&who, Some(connection), None)
            .map_err(|_| "the caller is no longer in the directory")?;
        Ok(Asked {
            caller,
            action: record["action"].as_str().unwrap_or("").to_string(),
            bucket,
            key,
            object,
            context,
        })
    }

    pub fn question(&self) -> Question<'_> {
        Question {
            action: &self.action,
            bucket: &self.bucket,
            key: self.key.as_deref(),
            object: self.object.as_ref(),
            keys: Vec::new(),
        }
    }

    /// The server's question prepared as it is now, with the recorded request context.
    pub fn prepare(&self, g: &Gatehouse) -> Result<Prepared, String> {
        let mut prepared = prepare(g, &self.caller, &self.question())
            .map_err(|_| "a stored policy no longer reads")?;
        prepared.context = self.context.clone();
        Ok(prepared)
    }
}

/// Who made the request, as the directory can name them now: the access key when it still
/// exists, otherwise the ARN (a role session's expired key: the role).
fn caller_of(g: &Gatehouse, event: &Value) -> Option<Who> {
    let who = &event["userIdentity"];
    if who["accountId"] == "anonymous" {
        return Some(Who::Anonymous);
    }
    if let Some(key) = who["accessKeyId"].as_str() {
        if g.store.access_key(key).ok().flatten().is_some() {
            return Some(Who::AccessKey(key.to_string()));
        }
    }
    who["arn"].as_str().map(|arn| Who::Arn(arn.to_string()))
}

/// The caller as the trail names them.
pub fn principal_of(event: &Value) -> String {
    let who = &event["userIdentity"];
    who["arn"]
        .as_str()
        .unwrap_or_else(|| who["accountId"].as_str().unwrap_or("anonymous"))
        .to_string()
}

/// The record's `context` object back into a request context.
fn recorded_context(v: &Value) -> Option<policy::Context> {
    let mut context = policy::Context::new();
    for (key, value) in v.as_object()? {
        let value = match value {
            Value::String(s) => ContextValue::Single(s.clone()),
            Value::Array(items) => ContextValue::Multi(
                items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_string))
                    .collect(),
            ),
            _ => return None,
        };
        context.insert(key.to_string(), value);
    }
    Some(context)
}
