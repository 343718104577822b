//! An object's encryption as kept with its metadata: the algorithm, and how its data key is
//! sealed.

use std::collections::BTreeMap;

use s3s::{s3_error, S3Result};
use serde::{Deserialize, Serialize};

/// A data key ready to seal or open bytes.
pub type DataKey = [u8; 32];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Algorithm {
    #[serde(rename = "AES256")]
    Aes256,
    #[serde(rename = "aws:kms")]
    AwsKms,
}

impl Algorithm {
    pub fn parse(s: &str) -> S3Result<Algorithm> {
        match s {
            "AES256" => Ok(Algorithm::Aes256),
            "aws:kms" => Ok(Algorithm::AwsKms),
            other => Err(s3_error!(
                InvalidArgument,
                "The encryption method specified is not supported: {other}"
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Aes256 => "AES256",
            Algorithm::AwsKms => "aws:kms",
        }
    }
}

/// How one object's data key is sealed (kept in its metadata as JSON).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    pub algorithm: Algorithm,
    /// The KMS key (aws:kms).
    pub key_arn: Option<String>,
    /// The data key: a KMS ciphertext (aws:kms) or sealed by the master key (AES256), base64.
    pub sealed_key: String,
    /// The KMS encryption context (aws:kms): the request's own and `aws:s3:arn`.
    pub context: BTreeMap<String, String>,
    /// The context the request gave, as it gave it (echoed in responses).
    pub given_context: Option<String>,
    pub bucket_key: bool,
}

impl Envelope {
    pub fn parse(text: &str) -> S3Result<Envelope> {
        serde_json::from_str(text).map_err(|e| {
            eprintln!("gatehouse: an object's encryption envelope does not read: {e}");
            s3_error!(
                InternalError,
                "We encountered an internal error. Please try again."
            )
        })
    }

    pub fn to_text(&self) -> String {
        serde_json::to_string(self).expect("an envelope serializes")
    }
}
