//! The access-key lookup s3s's SigV4 verifier asks for.

use std::borrow::Cow;
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

/// Temporary credentials must come with their session token (`x-amz-security-token`, or
/// `X-Amz-Security-Token` in a presigned URL): missing, S3 does not know the key; wrong, the
/// token is invalid [S3 error codes].
pub fn check_session_token(
    key: Option<&store::AccessKey>,
    headers: &http::HeaderMap,
    uri: &http::Uri,
) -> S3Result<()> {
    let Some(key) = key else {
        return Ok(());
    };
    let token = headers
        .get("x-amz-security-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| {
            let query = uri.query().unwrap_or("").as_bytes();
            let [token] = sigv4::percent::form_values(query, ["X-Amz-Security-Token"]);
            token.map(Cow::into_owned)
        });
    if key.session_token.is_some() && token.is_none() {
        return Err(s3_error!(
            InvalidAccessKeyId,
            "The AWS Access Key Id you provided does not exist in our records."
        ));
    }
    if !crate::identity::token_matches(key, token.as_deref()) {
        return Err(s3_error!(
            InvalidToken,
            "The provided token is malformed or otherwise invalid."
        ));
    }
    Ok(())
}
