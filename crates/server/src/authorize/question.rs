//! One authorization question: the action, the bucket or object, and the request keys the
//! operation carries.

use policy::ContextValue;
use store::Bucket;

/// One authorization question about a bucket or an object in it.
pub struct Question<'a> {
    pub action: &'a str,
    pub bucket: &'a Bucket,
    /// `None` for a bucket-level action.
    pub key: Option<&'a str>,
    /// The object, when it exists: its owner and ACL count.
    pub object: Option<&'a store::ObjectVersion>,
    /// Service keys of this request (`s3:prefix`, `s3:x-amz-acl`, ...), kept only when the
    /// catalogue says the action carries them.
    pub keys: Vec<(String, ContextValue)>,
}

impl<'a> Question<'a> {
    /// A bucket-level action with no request keys.
    pub fn on_bucket(action: &'a str, bucket: &'a Bucket) -> Question<'a> {
        Question {
            action,
            bucket,
            key: None,
            object: None,
            keys: Vec::new(),
        }
    }

    /// An object-level action with no request keys.
    pub fn on_object(action: &'a str, bucket: &'a Bucket, key: &'a str) -> Question<'a> {
        Question {
            action,
            bucket,
            key: Some(key),
            object: None,
            keys: Vec::new(),
        }
    }

    /// The question about an existing object (its owner and ACL), when there is one.
    pub fn about(mut self, object: Option<&'a store::ObjectVersion>) -> Question<'a> {
        self.object = object;
        self
    }

    pub fn with(mut self, key: impl Into<String>, value: impl Into<String>) -> Question<'a> {
        self.keys
            .push((key.into(), ContextValue::Single(value.into())));
        self
    }
}

pub fn arn(bucket: &str, key: Option<&str>) -> String {
    match key {
        Some(k) => format!("arn:aws:s3:::{bucket}/{k}"),
        None => format!("arn:aws:s3:::{bucket}"),
    }
}
