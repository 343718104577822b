//! STS actions. GetCallerIdentity needs no permission: AWS answers it even when every
//! policy denies [STS GetCallerIdentity, "No permissions are required"].

use crate::query::{xml_escape, QueryError};
use crate::serve::App;
use crate::sigv4::Verified;

const NS: &str = "https://sts.amazonaws.com/doc/2011-06-15/";

pub fn dispatch(
    app: &App,
    who: &Verified,
    action: &str,
    _params: &[(String, String)],
    request_id: &str,
) -> Result<String, QueryError> {
    match action {
        "GetCallerIdentity" => get_caller_identity(app, who, request_id),
        other => Err(QueryError::sender(
            "InvalidAction",
            format!("Could not find operation {other} for version 2011-06-15"),
        )),
    }
}

fn get_caller_identity(app: &App, who: &Verified, request_id: &str) -> Result<String, QueryError> {
    let key = app
        .gatehouse
        .store
        .access_key(&who.access_key)
        .ok()
        .flatten()
        .ok_or_else(|| {
            QueryError::sender(
                "InvalidClientTokenId",
                "The security token included in the request is invalid.",
            )
        })?;
    // The root user's UserId is its account id [IAM `reference_policies_variables`, principal key values].
    let user_id = if key.principal_arn.ends_with(":root") {
        key.account_id.clone()
    } else {
        key.access_key_id.clone()
    };
    Ok(format!(
        "<GetCallerIdentityResponse xmlns=\"{NS}\"><GetCallerIdentityResult><Arn>{}</Arn><UserId>{}</UserId><Account>{}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></GetCallerIdentityResponse>",
        xml_escape(&key.principal_arn),
        xml_escape(&user_id),
        xml_escape(&key.account_id)
    ))
}
