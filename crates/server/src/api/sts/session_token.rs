//! GetSessionToken.

use policy::PrincipalType;
use store::NewSession;

use super::credentials::credentials_xml;
use crate::api::iam::call::store_error;
use crate::api::query::error::QueryError;
use crate::api::query::params::Params;
use crate::api::query::xml::Xml;
use crate::caller::Caller;
use crate::state::Gatehouse;

/// Temporary credentials for an IAM user (or the root user) with the user's own permissions;
/// 15 minutes to 36 hours, 12 by default, root at most an hour [STS GetSessionToken].
pub(super) fn get_session_token(
    gatehouse: &Gatehouse,
    caller: &Caller,
    params: &Params,
) -> Result<Xml, QueryError> {
    let p = caller.principal();
    if !matches!(p.kind, PrincipalType::User | PrincipalType::Account)
        || caller.identity.session_tags.is_some()
    {
        return Err(QueryError::forbidden(
            "AccessDenied",
            "Cannot call GetSessionToken with session credentials".into(),
        ));
    }
    let max = if p.kind == PrincipalType::Account {
        3600
    } else {
        129_600
    };
    let duration =
        params
            .int("DurationSeconds", 900, max)?
            .unwrap_or(if p.kind == PrincipalType::Account {
                3600
            } else {
                43_200
            });
    let account = p.account.clone().unwrap_or_default();
    let key = gatehouse
        .store
        .create_session(&NewSession {
            account_id: &account,
            principal_arn: &p.arn,
            source_arn: &p.arn,
            source_id: p.unique_id.as_deref(),
            session_name: None,
            source_identity: None,
            policy: None,
            policy_arns: &[],
            tags: &[],
            expires_ms: crate::identity::now_ms() + duration * 1000,
        })
        .map_err(store_error)?;
    let mut out = Xml::new();
    credentials_xml(&mut out, &key);
    Ok(out)
}
