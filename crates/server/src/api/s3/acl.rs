//! Access control lists as S3 requests carry them — a canned ACL, `x-amz-grant-*` headers, or an
//! `AccessControlPolicy` body — resolved to grants (e-mail grantees to their account's
//! canonical id), kept in the store as text, and answered by GetBucketAcl/GetObjectAcl
//! [S3 `acl-overview`; PutBucketAcl, PutObjectAcl].

use authz::s3::acl::{
    canned_acl, Grant, Grantee, Permission, ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY,
};
use s3s::dto::{AccessControlPolicy, Grants, Owner, Type};
use s3s::{s3_error, S3Result};

use crate::state::Gatehouse;

/// An ACL holds at most 100 grants [S3 `acl-overview`, "You can grant up to 100 permissions"].
const MAX_GRANTS: usize = 100;

/// The ACL fields of one request.
#[derive(Default)]
pub struct AclRequest<'a> {
    pub canned: Option<&'a str>,
    /// `x-amz-grant-full-control`, `-read`, `-read-acp`, `-write`, `-write-acp`, with their
    /// permission.
    pub headers: Vec<(Permission, &'a str)>,
    pub body: Option<&'a AccessControlPolicy>,
}

/// An `AclRequest` from any input type with S3's ACL fields (they differ only in type).
macro_rules! acl_request {
    ($input:expr $(, write: $write:expr)? $(, body: $body:expr)?) => {{
        use authz::s3::acl::Permission;
        let headers: Vec<(Permission, &str)> = [
            (Permission::FullControl, $input.grant_full_control.as_deref()),
            (Permission::Read, $input.grant_read.as_deref()),
            (Permission::ReadAcp, $input.grant_read_acp.as_deref()),
            (Permission::WriteAcp, $input.grant_write_acp.as_deref()),
            $((Permission::Write, $write),)?
        ]
        .into_iter()
        .filter_map(|(p, v)| v.map(|v| (p, v)))
        .collect();
        #[allow(unused_mut, unused_assignments)]
        let mut body = None;
        $(body = $body;)?
        crate::api::s3::acl::AclRequest {
            canned: $input.acl.as_ref().map(|a| a.as_str()),
            headers,
            body,
        }
    }};
}
pub(crate) use acl_request;

impl AclRequest<'_> {
    pub fn is_given(&self) -> bool {
        self.canned.is_some() || !self.headers.is_empty() || self.body.is_some()
    }
}

fn owner_grant(canonical: &str) -> Grant {
    Grant {
        grantee: Grantee::CanonicalUser(canonical.to_string()),
        permission: Permission::FullControl,
    }
}

/// The grants `request` asks for on a resource owned by `owner` (canonical id) in a bucket
/// owned by `bucket_owner`; `None` when the request carries no ACL.
pub fn requested(
    gatehouse: &Gatehouse,
    request: &AclRequest,
    owner: &str,
    bucket_owner: &str,
) -> S3Result<Option<Vec<Grant>>> {
    let forms = [
        request.canned.is_some(),
        !request.headers.is_empty(),
        request.body.is_some(),
    ];
    if forms.iter().filter(|f| **f).count() > 1 {
        return Err(s3_error!(
            InvalidRequest,
            "Specifying both Canned ACLs and Header Grants is not allowed"
        ));
    }
    let mut grants = if let Some(name) = request.canned {
        let mut grants = vec![owner_grant(owner)];
        grants.extend(
            canned_acl(name, bucket_owner)
                .ok_or_else(|| s3_error!(InvalidArgument, "The canned ACL {name} is not valid"))?,
        );
        grants
    } else if !request.headers.is_empty() {
        let mut grants = Vec::new();
        for (permission, value) in &request.headers {
            for grantee in parse_grantees(value)? {
                grants.push(Grant {
                    grantee: resolve(gatehouse, grantee)?,
                    permission: *permission,
                });
            }
        }
        grants
    } else if let Some(body) = request.body {
        from_body(gatehouse, body)?
    } else {
        return Ok(None);
    };
    grants.dedup();
    if grants.len() > MAX_GRANTS {
        return Err(s3_error!(
            MalformedACLError,
            "The XML you provided was not well-formed or did not validate against our published schema"
        ));
    }
    Ok(Some(grants))
}

/// A grantee as written: `id="..."`, `uri="..."` or `emailAddress="..."`.
enum Written {
    Id(String),
    Uri(String),
    Email(String),
}

/// `id="a", uri="http://…"`: a comma-separated list [S3 PutObjectAcl, `x-amz-grant-read`].
fn parse_grantees(value: &str) -> S3Result<Vec<Written>> {
    let bad = || s3_error!(InvalidArgument, "Invalid grant header: {value}");
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|item| {
            let (kind, quoted) = item.split_once('=').ok_or_else(bad)?;
            let v = quoted
                .trim()
                .strip_prefix('"')
                .and_then(|s| s.strip_suffix('"'))
                .unwrap_or(quoted.trim())
                .to_string();
            match kind.trim().to_ascii_lowercase().as_str() {
                "id" => Ok(Written::Id(v)),
                "uri" => Ok(Written::Uri(v)),
                "emailaddress" => Ok(Written::Email(v)),
                _ => Err(bad()),
            }
        })
        .collect()
}

fn from_body(gatehouse: &Gatehouse, body: &AccessControlPolicy) -> S3Result<Vec<Grant>> {
    let malformed = || {
        s3_error!(
            MalformedACLError,
            "The XML you provided was not well-formed or did not validate against our published schema"
        )
    };
    let mut grants = Vec::new();
    for g in body.grants.as_deref().unwrap_or_default() {
        let grantee = g.grantee.as_ref().ok_or_else(malformed)?;
        let written = match grantee.type_.as_str() {
            Type::CANONICAL_USER => Written::Id(grantee.id.clone().ok_or_else(malformed)?),
            Type::GROUP => Written::Uri(grantee.uri.clone().ok_or_else(malformed)?),
            Type::AMAZON_CUSTOMER_BY_EMAIL => {
                Written::Email(grantee.email_address.clone().ok_or_else(malformed)?)
            }
            _ => return Err(malformed()),
        };
        let permission = g
            .permission
            .as_ref()
            .and_then(|p| Permission::parse(p.as_str()))
            .ok_or_else(malformed)?;
        grants.push(Grant {
            grantee: resolve(gatehouse, written)?,
            permission,
        });
    }
    Ok(grants)
}

/// A written grantee as the engine reads it: a known account's canonical id (an e-mail
/// address resolved to its account's), or one of S3's three groups.
fn resolve(gatehouse: &Gatehouse, written: Written) -> S3Result<Grantee> {
    match written {
        Written::Id(id) => match gatehouse.account_of_canonical(&id) {
            Some(_) => Ok(Grantee::CanonicalUser(id)),
            None => Err(s3_error!(InvalidArgument, "Invalid id")),
        },
        Written::Uri(uri)
            if [ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY].contains(&uri.as_str()) =>
        {
            Ok(Grantee::Group(uri))
        }
        Written::Uri(_) => Err(s3_error!(InvalidArgument, "Invalid group uri")),
        Written::Email(email) => gatehouse
            .account_by_email(&email)
            .and_then(|account| gatehouse.canonical_id(&account))
            .map(Grantee::CanonicalUser)
            .ok_or_else(|| {
                s3_error!(
                    UnresolvableGrantByEmailAddress,
                    "The e-mail address you provided does not match any account on record."
                )
            }),
    }
}

/// Only the bucket owner's FULL_CONTROL (with, possibly, the writer's own): what
/// `bucket-owner-full-control` means, and all a BucketOwnerEnforced bucket accepts
/// [S3 `object-ownership-error-responses`].
pub fn is_bucket_owner_full_control(grants: &[Grant], bucket_owner: &str, writer: &str) -> bool {
    grants.iter().all(|g| match &g.grantee {
        Grantee::CanonicalUser(id) => {
            (id == bucket_owner && g.permission == Permission::FullControl) || id == writer
        }
        Grantee::Group(_) => false,
    }) && grants.iter().any(|g| {
        g.grantee == Grantee::CanonicalUser(bucket_owner.to_string())
            && g.permission == Permission::FullControl
    })
}

/// An account as S3 shows an owner: canonical id and display name.
pub fn owner(gatehouse: &Gatehouse, account: &str) -> Owner {
    Owner {
        display_name: gatehouse.account_name(account),
        id: gatehouse.canonical_id(account),
    }
}

/// GetBucketAcl's and GetObjectAcl's answer: the owner and the grants, with display names.
pub fn answer(gatehouse: &Gatehouse, owner_account: &str, grants: &[Grant]) -> (Owner, Grants) {
    let owner = owner(gatehouse, owner_account);
    let grants = grants
        .iter()
        .map(|g| s3s::dto::Grant {
            grantee: Some(match &g.grantee {
                Grantee::CanonicalUser(id) => s3s::dto::Grantee {
                    display_name: gatehouse
                        .account_of_canonical(id)
                        .and_then(|a| gatehouse.account_name(&a)),
                    email_address: None,
                    id: Some(id.clone()),
                    type_: Type::from_static(Type::CANONICAL_USER),
                    uri: None,
                },
                Grantee::Group(uri) => s3s::dto::Grantee {
                    display_name: None,
                    email_address: None,
                    id: None,
                    type_: Type::from_static(Type::GROUP),
                    uri: Some(uri.clone()),
                },
            }),
            permission: Some(s3s::dto::Permission::from(
                g.permission.as_str().to_string(),
            )),
        })
        .collect();
    (owner, grants)
}
