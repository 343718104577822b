//! STS: GetCallerIdentity, AssumeRole, GetSessionToken and GetAccessKeyInfo, one file per
//! call that has more to it than a lookup.

mod assume_role;
mod credentials;
mod session_token;

use crate::api::iam::call::store_error;
use crate::api::query::error::QueryError;
use crate::api::query::params::{Params, Shape};
use crate::api::query::xml::Xml;
use crate::caller::Caller;
use crate::state::Gatehouse;

pub const NS: &str = "https://sts.amazonaws.com/doc/2011-06-15/";

/// The actions this endpoint serves (the audit names a request's source by them until its
/// signature says which service it was for).
pub const ACTIONS: &[&str] = &[
    "GetCallerIdentity",
    "AssumeRole",
    "GetSessionToken",
    "GetAccessKeyInfo",
];

pub fn dispatch(
    gatehouse: &Gatehouse,
    caller: &Caller,
    action: &str,
    params: &Params,
    request_id: &str,
) -> Result<String, QueryError> {
    let out = match action {
        "GetCallerIdentity" => get_caller_identity(caller),
        "AssumeRole" => assume_role::assume_role(gatehouse, caller, params)?,
        "GetSessionToken" => session_token::get_session_token(gatehouse, caller, params)?,
        "GetAccessKeyInfo" => get_access_key_info(gatehouse, caller, params)?,
        other => return Err(QueryError::invalid_action(other, "2011-06-15")),
    };
    Ok(out.answer(action, NS, request_id))
}

/// No permission needed: AWS answers it even when every policy denies [STS
/// GetCallerIdentity]. The root user's UserId is its account id; a user's its unique id; a role
/// session's `ROLEID:SESSION` [IAM `reference_policies_variables`, principal key values].
fn get_caller_identity(caller: &Caller) -> Xml {
    let p = caller.principal();
    let user_id = caller
        .identity
        .keys
        .iter()
        .find(|(k, _)| k == "aws:userid")
        .and_then(|(_, v)| v.single())
        .unwrap_or_default()
        .to_string();
    let mut out = Xml::new();
    out.el("Arn", &p.arn)
        .el("UserId", &user_id)
        .el("Account", p.account.as_deref().unwrap_or_default());
    out
}

/// The account an access key belongs to, whoever's it is [STS GetAccessKeyInfo: "you can call
/// this operation for any access key"]; a key Gatehouse never issued is `InvalidParameterValue`
/// here, since no account can be inferred for it.
fn get_access_key_info(
    gatehouse: &Gatehouse,
    caller: &Caller,
    params: &Params,
) -> Result<Xml, QueryError> {
    let id = params.shaped("AccessKeyId", Shape::Name { max: 128 })?;
    crate::authorize::check_in_own_account(
        gatehouse,
        caller,
        "sts:GetAccessKeyInfo",
        "*",
        Vec::new(),
    )
    .map_err(QueryError::access_denied)?;
    let key = gatehouse
        .store
        .access_key(id)
        .map_err(store_error)?
        .ok_or_else(|| {
            QueryError::sender(
                "InvalidParameterValue",
                format!("Access key {id} is not valid."),
            )
        })?;
    let mut out = Xml::new();
    out.el("Account", &key.account_id);
    Ok(out)
}
