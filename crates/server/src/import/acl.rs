//! A bucket ACL (`acl.json`, GetBucketAcl's answer) as grants the store keeps. A canonical user
//! is kept as the id it is; only the export's own account is known to be one of the accounts
//! here (list-buckets names its canonical id), so a grant to any other canonical user matches
//! no account here — the export says nowhere whose id it is — and the report says so. Groups
//! are S3's three; e-mail grantees are resolved by the accounts' addresses, as PutBucketAcl
//! does.

use authz::s3::acl::{Grant, Grantee, Permission, ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY};
use serde::Deserialize;

use super::context::Import;
use super::error::ImportError;

const SECTION: &str = "s3";
/// An ACL holds at most 100 grants [S3 `acl-overview`].
const MAX_GRANTS: usize = 100;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExportedAcl {
    #[serde(default)]
    grants: Vec<ExportedGrant>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ExportedGrant {
    grantee: Option<ExportedGrantee>,
    permission: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ExportedGrantee {
    #[serde(rename = "Type")]
    kind: String,
    #[serde(rename = "ID")]
    id: Option<String>,
    #[serde(rename = "URI")]
    uri: Option<String>,
    email_address: Option<String>,
}

/// The grants of `bucket`'s exported ACL, as the store keeps them.
pub fn grants(cx: &mut Import, bucket: &str, acl: ExportedAcl) -> Result<store::Acl, ImportError> {
    let mut grants = Vec::new();
    let exported = acl.grants.len();
    if exported > MAX_GRANTS {
        cx.report.refuse(
            SECTION,
            format!("bucket {bucket} ACL"),
            format!(
                "{} grants past the {MAX_GRANTS} an ACL holds",
                exported - MAX_GRANTS
            ),
        );
    }
    for g in acl.grants.into_iter().take(MAX_GRANTS) {
        let what = format!("bucket {bucket} ACL grant");
        let permission = g.permission.as_deref().and_then(Permission::parse);
        let (Some(grantee), Some(permission)) = (g.grantee, permission) else {
            cx.report
                .refuse(SECTION, what, "it names no grantee or no permission S3 has");
            continue;
        };
        let resolved = match grantee.kind.as_str() {
            "CanonicalUser" => {
                let Some(id) = grantee.id else {
                    cx.report
                        .refuse(SECTION, what, "a CanonicalUser grantee without an ID");
                    continue;
                };
                if cx.store.account_by_canonical_id(&id)?.is_none() {
                    cx.report.approximate(SECTION, &what, format!("{} to canonical user {id}: no exported file says which account that is; kept as written, it matches no account here, where in production it grants that account", permission.as_str()));
                }
                Grantee::CanonicalUser(id)
            }
            "Group" => match grantee.uri {
                Some(uri)
                    if [ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY].contains(&uri.as_str()) =>
                {
                    Grantee::Group(uri)
                }
                other => {
                    cx.report.refuse(
                        SECTION,
                        what,
                        format!("{other:?} is not one of S3's groups"),
                    );
                    continue;
                }
            },
            "AmazonCustomerByEmail" => {
                let email = grantee.email_address.unwrap_or_default();
                let accounts = cx.store.accounts()?;
                let owner = accounts.iter().find(|a| {
                    a.email
                        .as_deref()
                        .is_some_and(|e| e.eq_ignore_ascii_case(&email))
                });
                match owner {
                    Some(a) => Grantee::CanonicalUser(a.canonical_id.clone()),
                    None => {
                        cx.report.refuse(
                            SECTION,
                            what,
                            format!("no account here has the e-mail address {email:?}"),
                        );
                        continue;
                    }
                }
            }
            other => {
                cx.report
                    .refuse(SECTION, what, format!("grantee type {other:?} is not S3's"));
                continue;
            }
        };
        grants.push(Grant {
            grantee: resolved,
            permission,
        });
    }
    grants.dedup();
    cx.report.add(SECTION, "ACL grants", grants.len());
    Ok(crate::authorize::grants::to_stored(&grants))
}
