//! The S3 Control API's account-level Block Public Access
//! (`/v20180820/configuration/publicAccessBlock`, the account in `x-amz-account-id`), routed
//! by path whatever the Host header: S3 Control signs as `s3`, so s3s verifies the signature
//! before this route runs [S3 Control GetPublicAccessBlock, PutPublicAccessBlock,
//! DeletePublicAccessBlock].

use std::sync::Arc;

use http::{HeaderMap, Method, StatusCode, Uri};
use s3s::route::S3Route;
use s3s::{s3_error, Body, S3Request, S3Response, S3Result};
use store::BlockPublicAccessFlags;

use crate::api::s3::errors::from_store;
use crate::authorize::check_account_action;
use crate::caller::{Caller, Resolved};
use crate::state::Gatehouse;

const PATH: &str = "/v20180820/configuration/publicAccessBlock";
const NS: &str = "http://awss3control.amazonaws.com/doc/2018-08-20/";
/// The configuration document is four booleans; anything much larger is not one.
const MAX_BODY: usize = 64 * 1024;

pub struct S3Control(pub Arc<Gatehouse>);

#[async_trait::async_trait]
impl S3Route for S3Control {
    fn is_match(
        &self,
        _method: &Method,
        uri: &Uri,
        _headers: &HeaderMap,
        _extensions: &mut http::Extensions,
    ) -> bool {
        uri.path() == PATH
    }

    async fn call(&self, mut req: S3Request<Body>) -> S3Result<S3Response<Body>> {
        let gatehouse = &self.0;
        let resolved = Resolved::of(
            gatehouse,
            req.credentials.as_ref().map(|c| c.access_key.as_str()),
        );
        crate::auth::check_session_token(resolved.key.as_deref(), &req.headers, &req.uri)?;
        let identity = resolved.audit_identity();
        req.extensions.insert(resolved);
        let caller = Caller::of(gatehouse, &req);
        // The S3 access hook does not see custom routes: the audit learns the call here.
        let operation = match req.method {
            Method::GET => "GetPublicAccessBlock",
            Method::PUT => "PutPublicAccessBlock",
            _ => "DeletePublicAccessBlock",
        };
        gatehouse.audit.note(&caller.connection.request_id, |p| {
            p.operation = Some(operation.to_string());
            p.identity = Some(identity);
        });
        let account = req
            .headers
            .get("x-amz-account-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .ok_or_else(|| {
                s3_error!(
                    InvalidRequest,
                    "Missing required header for this request: x-amz-account-id"
                )
            })?;
        // Each account manages its own settings; another account's are not there to see.
        if caller.account() != Some(account.as_str()) {
            return Err(s3_error!(AccessDenied, "Access Denied"));
        }
        let action = match req.method {
            Method::GET => "s3:GetAccountPublicAccessBlock",
            Method::PUT | Method::DELETE => "s3:PutAccountPublicAccessBlock",
            _ => {
                return Err(s3_error!(
                    MethodNotAllowed,
                    "The specified method is not allowed against this resource."
                ))
            }
        };
        check_account_action(gatehouse, &caller, action, "*")?;
        let store = &gatehouse.store;
        let mut resp = match req.method {
            Method::GET => {
                let f = store
                    .account_block_public_access(&account)
                    .map_err(from_store)?
                    .ok_or_else(crate::api::s3::public_access::not_configured)?;
                let b = |v: bool| if v { "true" } else { "false" };
                S3Response::new(Body::from(format!(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PublicAccessBlockConfiguration xmlns=\"{NS}\"><BlockPublicAcls>{}</BlockPublicAcls><IgnorePublicAcls>{}</IgnorePublicAcls><BlockPublicPolicy>{}</BlockPublicPolicy><RestrictPublicBuckets>{}</RestrictPublicBuckets></PublicAccessBlockConfiguration>",
                    b(f.block_public_acls), b(f.ignore_public_acls), b(f.block_public_policy), b(f.restrict_public_buckets)
                )))
            }
            Method::PUT => {
                let body = req
                    .input
                    .store_all_limited(MAX_BODY)
                    .await
                    .map_err(|_| malformed())?;
                let flags = parse(&body)?;
                store
                    .set_account_block_public_access(&account, Some(flags))
                    .map_err(from_store)?;
                S3Response::new(Body::empty())
            }
            _ => {
                store
                    .set_account_block_public_access(&account, None)
                    .map_err(from_store)?;
                let mut r = S3Response::new(Body::empty());
                r.status = Some(StatusCode::NO_CONTENT);
                r
            }
        };
        if req.method == Method::GET {
            resp.headers.insert(
                "content-type",
                http::HeaderValue::from_static("application/xml"),
            );
        }
        Ok(resp)
    }
}

fn malformed() -> s3s::S3Error {
    s3_error!(
        MalformedXML,
        "The XML you provided was not well-formed or did not validate against our published schema"
    )
}

/// `<PublicAccessBlockConfiguration>` with up to four `true`/`false` settings (absent: false),
/// read by s3s's XML deserializer (quick-xml) as the bucket-level operation's is.
fn parse(xml: &[u8]) -> S3Result<BlockPublicAccessFlags> {
    use s3s::xml::Deserialize;
    let mut d = s3s::xml::Deserializer::new(xml);
    let configuration =
        s3s::dto::PublicAccessBlockConfiguration::deserialize(&mut d).map_err(|_| malformed())?;
    d.expect_eof().map_err(|_| malformed())?;
    Ok(crate::api::s3::public_access::flags_of(&configuration))
}

#[cfg(test)]
mod tests {
    #[test]
    fn configuration_documents() {
        let f = super::parse(b"<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls><RestrictPublicBuckets>false</RestrictPublicBuckets></PublicAccessBlockConfiguration>").unwrap();
        assert!(f.block_public_acls && !f.ignore_public_acls && !f.restrict_public_buckets);
        assert!(super::parse(b"<PublicAccessBlockConfiguration><BlockPublicAcls>yes</BlockPublicAcls></PublicAccessBlockConfiguration>").is_err());
        assert!(super::parse(b"<Other/>").is_err());
    }
}
