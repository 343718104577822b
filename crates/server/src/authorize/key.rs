//! Authorization under KMS's rules: the key policy is the key's resource policy and must allow
//! the caller or delegate to the account before identity policies count [KMS
//! `control-access`]; a grant adds what the policies do not allow. Used by KMS's own API and
//! by S3 for SSE-KMS (with `kms:ViaService`).

use std::collections::BTreeMap;

use authz::{AuthzRequest, Policies};
use policy::ContextValue;

use super::Denied;
use crate::caller::Caller;
use crate::kms::Key;
use crate::state::Gatehouse;

/// The request keys of a KMS question: `kms:CallerAccount`, the encryption context as
/// `kms:EncryptionContext:*` and `kms:EncryptionContextKeys`, and `kms:ViaService` when a
/// service asks on the caller's behalf.
fn kms_keys(
    caller: &Caller,
    context: &BTreeMap<String, String>,
    via_service: Option<&str>,
) -> Vec<(String, ContextValue)> {
    let mut keys = vec![(
        "kms:CallerAccount".to_string(),
        ContextValue::Single(caller.account().unwrap_or_default().to_string()),
    )];
    for (k, v) in context {
        keys.push((
            format!("kms:EncryptionContext:{k}"),
            ContextValue::Single(v.clone()),
        ));
    }
    if !context.is_empty() {
        keys.push((
            "kms:EncryptionContextKeys".into(),
            ContextValue::Multi(context.keys().cloned().collect()),
        ));
    }
    if let Some(service) = via_service {
        keys.push((
            "kms:ViaService".into(),
            ContextValue::Single(service.into()),
        ));
    }
    keys
}

/// Decides `kms:<operation>` on `key`, and where the policies found no allow (an implicit
/// deny) looks for a grant of the operation. Decision: an explicit deny in any policy wins over
/// a grant, as AWS's evaluation logic has every explicit deny win over every allow; KMS
/// documents grants as allowing, never as overriding a deny.
pub fn check_key(
    gatehouse: &Gatehouse,
    caller: &Caller,
    operation: &str,
    key: &Key,
    context: &BTreeMap<String, String>,
    via_service: Option<&str>,
    extra: Vec<(String, ContextValue)>,
) -> Result<(), Denied> {
    let q = KeyQuestion::prepare(
        gatehouse,
        caller,
        operation,
        key,
        context,
        via_service,
        extra,
    )?;
    match super::decide_recorded(gatehouse, caller, &q.request(caller, &q.policies), &[]) {
        Ok(_) => Ok(()),
        Err(denied) if !denied.explicit && !denied.internal => {
            if granted(caller, key, operation, context) {
                return Ok(());
            }
            Err(denied)
        }
        Err(denied) => Err(denied),
    }
}

/// A KMS question prepared as [`check_key`] asks it, for the doctor to decide (and re-decide
/// with a fix) itself.
pub struct KeyQuestion {
    pub action: String,
    pub resource: String,
    pub account: String,
    pub context: policy::Context,
    pub policies: Policies,
}

impl KeyQuestion {
    pub fn prepare(
        gatehouse: &Gatehouse,
        caller: &Caller,
        operation: &str,
        key: &Key,
        context: &BTreeMap<String, String>,
        via_service: Option<&str>,
        extra: Vec<(String, ContextValue)>,
    ) -> Result<KeyQuestion, Denied> {
        let policy = gatehouse
            .key_policy(&key.arn(), &key.policy)
            .map_err(Denied::fault)?;
        let mut keys = kms_keys(caller, context, via_service);
        keys.extend(extra);
        let action = format!("kms:{operation}");
        let (context, policies) = super::prepare_on_resource(
            gatehouse,
            caller,
            &action,
            &key.arn(),
            &key.account,
            Some(policy),
            &keys,
        )?;
        Ok(KeyQuestion {
            action,
            resource: key.arn(),
            account: key.account.clone(),
            context,
            policies,
        })
    }

    pub fn request<'a>(&'a self, caller: &'a Caller, policies: &'a Policies) -> AuthzRequest<'a> {
        AuthzRequest {
            principal: caller.principal(),
            action: &self.action,
            resource: &self.resource,
            resource_account: &self.account,
            context: &self.context,
            policies,
            s3: None,
        }
    }
}

/// Does a grant on `key` let the caller perform `operation` with `context`?
pub fn granted(
    caller: &Caller,
    key: &Key,
    operation: &str,
    context: &BTreeMap<String, String>,
) -> bool {
    let p = caller.principal();
    let mut principals = vec![p.arn.as_str()];
    if let Some(role) = &p.role_arn {
        principals.push(role);
    }
    key.grants
        .iter()
        .any(|g| g.allows(&principals, operation, context))
}

/// Would `policy`, as the key's policy, still let the caller change it? KMS refuses a key
/// policy that locks its author out [KMS CreateKey, BypassPolicyLockoutSafetyCheck]. Asked
/// without recording: it is a check of a document, not a request.
pub fn keeps_caller_in(
    gatehouse: &Gatehouse,
    caller: &Caller,
    key_arn: &str,
    key_account: &str,
    policy: &str,
) -> bool {
    let Ok(doc) = policy::parse_policy(policy) else {
        return false;
    };
    let named = authz::NamedPolicy::compile(key_arn.to_string(), doc);
    let context = super::request_context(gatehouse, caller, key_account);
    let policies = Policies {
        resource: Some(named),
        ..super::identity_policies(caller)
    };
    authz::authorize(
        &AuthzRequest {
            principal: caller.principal(),
            action: "kms:PutKeyPolicy",
            resource: key_arn,
            resource_account: key_account,
            context: &context,
            policies: &policies,
            s3: None,
        },
        false,
    )
    .is_allowed()
}
