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

/// What an enhanced AccessDenied text says: the policy type that denied (as its phrase names
/// it: the first layer with that phrase, so a "resource-based policy" reads as
/// [`Layer::Resource`], which also stands for ACLs, Block Public Access and key policies) and
/// whether the deny was explicit. `None` for the plain text and anything else.
pub fn parse_enhanced(message: &str) -> Option<(Layer, bool)> {
    let resource_first = std::iter::once(Layer::Resource).chain(Layer::ALL);
    resource_first.into_iter().find_map(|layer| {
        let phrase = layer.aws_phrase();
        if message.contains(&format!("because no {phrase} allows")) {
            Some((layer, false))
        } else if message.contains(&format!("explicit deny in a {phrase}"))
            || message.contains(&format!("explicit deny in an {phrase}"))
            || message.contains(&format!("explicit deny in the {phrase}"))
        {
            Some((layer, true))
        } else {
            None
        }
    })
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_enhanced_text_reads_back_as_its_layer() {
        let principal = crate::principal::parse_principal(
            "arn:aws:iam::111111111111:user/alice",
            &policy::Context::new(),
        )
        .unwrap();
        for layer in Layer::ALL {
            for explicit in [false, true] {
                let text = enhanced(
                    &principal,
                    "s3:GetObject",
                    "arn:aws:s3:::b/k",
                    layer,
                    explicit,
                );
                let expected = match layer {
                    Layer::S3BlockPublicAccess | Layer::Acl | Layer::Key => Layer::Resource,
                    other => other,
                };
                assert_eq!(parse_enhanced(&text), Some((expected, explicit)), "{text}");
            }
        }
        assert_eq!(parse_enhanced(PLAIN), None);
    }
}
