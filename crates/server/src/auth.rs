//! The access-key lookup s3s's SigV4 verifier asks for.

use std::sync::Arc;

use s3s::auth::{S3Auth, SecretKey};
use s3s::{s3_error, S3Result};

use crate::state::Gatehouse;

pub struct KeyLookup(pub Arc<Gatehouse>);

#[async_trait::async_trait]
impl S3Auth for KeyLookup {
    async fn get_secret_key(&self, access_key: &str) -> S3Result<SecretKey> {
        match self.0.store.access_key(access_key) {
            Ok(Some(key)) if key.active && crate::identity::expired(&key) => {
                Err(s3_error!(ExpiredToken, "The provided token has expired."))
            }
            Ok(Some(key)) if key.active => Ok(SecretKey::from(key.secret.as_str())),
            Ok(_) => Err(s3_error!(
                InvalidAccessKeyId,
                "The AWS Access Key Id you provided does not exist in our records."
            )),
            Err(e) => Err(s3_error!(InternalError, "{e}")),
        }
    }
}
