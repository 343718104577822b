//! Reading a caller from its ARN (or service name, or `anonymous`) into the policy language's
//! [`RequestPrincipal`] [IAM `reference_identifiers` ARN formats; `reference_policies_variables`
//! principal key values].

use policy::{Context, PrincipalType, RequestPrincipal};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalError(pub String);

/// `role_arn_hint` is `aws:PrincipalArn` when the caller gave it: a session ARN drops the role's
/// path, the role ARN keeps it.
pub fn parse_principal(text: &str, context: &Context) -> Result<RequestPrincipal, PrincipalError> {
    let unique_id = context
        .single("aws:userid")
        .map(|id| id.split(':').next().unwrap_or(id).to_string())
        .filter(|id| id.len() >= 16 && id.starts_with('A'));
    let mut p = RequestPrincipal {
        kind: PrincipalType::Anonymous,
        arn: text.to_string(),
        account: None,
        role_arn: None,
        canonical_id: None,
        unique_id,
        has_permissions_boundary: false,
    };
    if text == "anonymous" || text == "*" {
        p.arn = "anonymous".into();
        p.unique_id = None;
        return Ok(p);
    }
    if !text.starts_with("arn:") {
        if text.contains('.') && !text.contains(char::is_whitespace) && !text.contains(':') {
            // `cloudtrail.amazonaws.com`; an identity provider's domain (`accounts.google.com`)
            // is matched by `Federated` entries by name all the same.
            p.kind = PrincipalType::Service;
            return Ok(p);
        }
        return Err(PrincipalError(format!(
            "principal {text:?} is not an ARN, a service principal or \"anonymous\""
        )));
    }
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    if parts.len() != 6 || parts[4].len() != 12 || !parts[4].bytes().all(|b| b.is_ascii_digit()) {
        return Err(PrincipalError(format!(
            "principal {text:?} is not an account-scoped ARN"
        )));
    }
    let (partition, service, account, resource) = (parts[1], parts[2], parts[4], parts[5]);
    p.account = Some(account.to_string());
    let kind_and_rest = resource.split_once('/');
    match (service, resource, kind_and_rest) {
        ("iam", "root", _) => p.kind = PrincipalType::Account,
        ("iam", _, Some(("user", _))) => p.kind = PrincipalType::User,
        ("iam", _, Some(("role", _))) => {
            // Decision: a role named as the caller stands for one of its sessions.
            p.kind = PrincipalType::AssumedRole;
            p.role_arn = Some(text.to_string());
        }
        ("iam", _, Some(("oidc-provider" | "saml-provider", _))) => {
            p.kind = PrincipalType::WebIdentity;
            p.account = None;
        }
        ("sts", _, Some(("assumed-role", rest))) => {
            let Some((role, _session)) = rest.split_once('/') else {
                return Err(PrincipalError(format!(
                    "assumed-role ARN {text:?} has no session name"
                )));
            };
            p.kind = PrincipalType::AssumedRole;
            p.role_arn = Some(
                context
                    .single("aws:PrincipalArn")
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("arn:{partition}:iam::{account}:role/{role}")),
            );
        }
        ("sts", _, Some(("federated-user", _))) => p.kind = PrincipalType::FederatedUser,
        _ => {
            return Err(PrincipalError(format!(
                "principal {text:?} is not a user, role, session, federated user or account ARN"
            )))
        }
    }
    Ok(p)
}

/// Session principals are limited by session policies (reference §1.2 step 7).
pub fn is_session(p: &RequestPrincipal) -> bool {
    matches!(
        p.kind,
        PrincipalType::AssumedRole | PrincipalType::FederatedUser
    )
}

/// Principals that belong to an account and carry its identity-side layers.
pub fn is_account_principal(p: &RequestPrincipal) -> bool {
    matches!(
        p.kind,
        PrincipalType::Account
            | PrincipalType::User
            | PrincipalType::AssumedRole
            | PrincipalType::FederatedUser
    )
}
