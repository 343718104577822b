//! AWS's AccessDenied texts (reference §5) and Gatehouse's own explanations.

use policy::{PrincipalType, RequestPrincipal};

use crate::layer::Layer;

/// `User: ARN is not authorized to perform: ACTION on resource: "ARN" because no X allows the
/// ACTION action` / `... with an explicit deny in a X`. S3 quotes the resource ARN, IAM and STS
/// do not; an action without a resource (`*`) leaves the `on resource` part out, as some of
/// AWS's own examples do.
pub fn enhanced(
    principal: &RequestPrincipal,
    action: &str,
    resource: &str,
    layer: Layer,
    explicit: bool,
) -> String {
    let on_resource = if resource == "*" {
        String::new()
    } else if action.to_ascii_lowercase().starts_with("s3:") {
        format!(" on resource: \"{resource}\"")
    } else {
        format!(" on resource: {resource}")
    };
    let reason = if explicit {
        match layer {
            // IAM writes "the role trust policy", not "a" (reference §5.2).
            Layer::Trust => "with an explicit deny in the role trust policy".to_string(),
            _ => {
                let phrase = layer.aws_phrase();
                let article = if phrase.starts_with(['a', 'e', 'i', 'o', 'u']) {
                    "an"
                } else {
                    "a"
                };
                format!("with an explicit deny in {article} {phrase}")
            }
        }
    } else {
        format!(
            "because no {} allows the {action} action",
            layer.aws_phrase()
        )
    };
    format!(
        "User: {} is not authorized to perform: {action}{on_resource} {reason}",
        principal.arn
    )
}

pub const PLAIN: &str = "Access Denied";

/// Who gets the enhanced text (Decision for non-S3 actions). S3 gives it to callers in the resource's account or its
/// organization, and within an organization (but not the account) withholds it for VPC endpoint
/// denials [S3 403 page, "Access denied message examples"]. Other services (STS's AssumeRole,
/// KMS) name the caller and action across accounts too — the well-known cross-account
/// AssumeRole error — so the restriction is S3's alone. Anonymous callers and service
/// principals get the plain text.
/// Is the caller in the resource's organization? DESIGN.md: when the request's
/// `aws:PrincipalOrgID` equals its `aws:ResourceOrgID`.
pub fn same_organization(context: &policy::Context) -> bool {
    match (
        context.single("aws:PrincipalOrgID"),
        context.single("aws:ResourceOrgID"),
    ) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

pub fn gets_enhanced(
    principal: &RequestPrincipal,
    action: &str,
    resource_account: &str,
    same_organization: bool,
    layer: Layer,
) -> bool {
    let identity = matches!(
        principal.kind,
        PrincipalType::Account
            | PrincipalType::User
            | PrincipalType::AssumedRole
            | PrincipalType::FederatedUser
    );
    if !identity {
        return false;
    }
    let same_account = principal.account.as_deref() == Some(resource_account);
    let s3 = action
        .get(..3)
        .is_some_and(|p| p.eq_ignore_ascii_case("s3:"));
    !s3 || same_account || (same_organization && layer != Layer::VpcEndpoint)
}
