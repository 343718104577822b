//! Access control lists [S3 `acl-overview`]: grantees, permissions, the permission → action
//! map, and canned ACLs. ACLs only grant; they never deny.

use crate::s3::ownership::ObjectOwnership;

pub const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
pub const AUTHENTICATED_USERS: &str = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
pub const LOG_DELIVERY: &str = "http://acs.amazonaws.com/groups/s3/LogDelivery";

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Grantee {
    /// An account, by its canonical user id (an e-mail grantee is resolved to this).
    CanonicalUser(String),
    /// A predefined group, by URI.
    Group(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    Read,
    Write,
    ReadAcp,
    WriteAcp,
    FullControl,
}

impl Permission {
    pub fn parse(s: &str) -> Option<Permission> {
        match s {
            "READ" => Some(Permission::Read),
            "WRITE" => Some(Permission::Write),
            "READ_ACP" => Some(Permission::ReadAcp),
            "WRITE_ACP" => Some(Permission::WriteAcp),
            "FULL_CONTROL" => Some(Permission::FullControl),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Permission::Read => "READ",
            Permission::Write => "WRITE",
            Permission::ReadAcp => "READ_ACP",
            Permission::WriteAcp => "WRITE_ACP",
            Permission::FullControl => "FULL_CONTROL",
        }
    }

    fn covers(self, needed: Permission) -> bool {
        self == needed || self == Permission::FullControl
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Grant {
    pub grantee: Grantee,
    pub permission: Permission,
}

impl Grant {
    /// A grant to AllUsers or AuthenticatedUsers: what makes an ACL public.
    pub fn is_public(&self) -> bool {
        matches!(&self.grantee, Grantee::Group(uri) if uri == ALL_USERS || uri == AUTHENTICATED_USERS)
    }
}

/// "An ACL is public if it grants any permission to AllUsers or AuthenticatedUsers"
/// [S3 `access-control-block-public-access`, "The meaning of public"]: what BlockPublicAcls
/// refuses and IgnorePublicAcls ignores.
pub fn is_public_acl(grants: &[Grant]) -> bool {
    grants.iter().any(Grant::is_public)
}

/// Which ACL an action is granted by, and the permission it needs there
/// [S3 `acl-overview`, "Mapping of ACL permissions and access policy permissions"].
/// `bucket_owner_caller`: WRITE on a bucket also lets the bucket owner delete versions;
/// `object_owner_caller`: and the owner of an existing object delete it ("for the bucket and
/// object owners of existing objects, also allows deletions and overwrites of those objects").
pub fn needed_permission(
    action_lower: &str,
    bucket_owner_caller: bool,
    object_owner_caller: bool,
) -> Option<(AclTarget, Permission)> {
    use AclTarget::*;
    use Permission::*;
    Some(match action_lower {
        "s3:listbucket" | "s3:listbucketversions" | "s3:listbucketmultipartuploads" => {
            (Bucket, Read)
        }
        "s3:putobject" => (Bucket, Write),
        "s3:deleteobjectversion" if bucket_owner_caller => (Bucket, Write),
        "s3:deleteobject" | "s3:deleteobjectversion" if object_owner_caller => (Bucket, Write),
        "s3:getbucketacl" => (Bucket, ReadAcp),
        "s3:putbucketacl" => (Bucket, WriteAcp),
        "s3:getobject" | "s3:getobjectversion" => (Object, Read),
        "s3:getobjectacl" | "s3:getobjectversionacl" => (Object, ReadAcp),
        "s3:putobjectacl" | "s3:putobjectversionacl" => (Object, WriteAcp),
        _ => return None,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AclTarget {
    Bucket,
    Object,
}

/// Does `grant` give `needed` to a caller? `caller_canonical` is the canonical id of the
/// caller's account (`None` for anonymous callers and service principals); `signed` is false
/// only for anonymous requests.
pub fn grant_applies(
    grant: &Grant,
    needed: Permission,
    caller_canonical: Option<&str>,
    signed: bool,
) -> bool {
    if !grant.permission.covers(needed) {
        return false;
    }
    match &grant.grantee {
        Grantee::CanonicalUser(id) => caller_canonical == Some(id.as_str()),
        Grantee::Group(uri) if uri == ALL_USERS => true,
        Grantee::Group(uri) if uri == AUTHENTICATED_USERS => signed,
        Grantee::Group(_) => false,
    }
}

/// The grants a canned ACL stands for, beyond the owner's FULL_CONTROL
/// [S3 `acl-overview`, "Canned ACL"]. `None` for a name S3 does not know.
pub fn canned_acl(name: &str, bucket_owner_canonical: &str) -> Option<Vec<Grant>> {
    let group = |uri: &str, permission| Grant {
        grantee: Grantee::Group(uri.to_string()),
        permission,
    };
    let owner = |permission| Grant {
        grantee: Grantee::CanonicalUser(bucket_owner_canonical.to_string()),
        permission,
    };
    Some(match name {
        "private" => vec![],
        "public-read" => vec![group(ALL_USERS, Permission::Read)],
        "public-read-write" => vec![
            group(ALL_USERS, Permission::Read),
            group(ALL_USERS, Permission::Write),
        ],
        "authenticated-read" => vec![group(AUTHENTICATED_USERS, Permission::Read)],
        // EC2's canonical id is not modelled; the grant is to a service, never to a caller here.
        "aws-exec-read" => vec![],
        "bucket-owner-read" => vec![owner(Permission::Read)],
        "bucket-owner-full-control" => vec![owner(Permission::FullControl)],
        "log-delivery-write" => vec![
            group(LOG_DELIVERY, Permission::Write),
            group(LOG_DELIVERY, Permission::ReadAcp),
        ],
        _ => return None,
    })
}

/// Are ACL grants consulted at all on this bucket?
pub fn acls_apply(ownership: ObjectOwnership) -> bool {
    ownership.acls_enabled()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canned_acls_and_publicness() {
        let owner = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be";
        assert!(!is_public_acl(&canned_acl("private", owner).unwrap()));
        assert!(is_public_acl(&canned_acl("public-read", owner).unwrap()));
        assert!(is_public_acl(
            &canned_acl("authenticated-read", owner).unwrap()
        ));
        assert_eq!(canned_acl("public-read-write", owner).unwrap().len(), 2);
        let full = canned_acl("bucket-owner-full-control", owner).unwrap();
        assert!(!is_public_acl(&full));
        assert!(grant_applies(
            &full[0],
            Permission::ReadAcp,
            Some(owner),
            true
        ));
        assert!(canned_acl("public", owner).is_none());
    }

    #[test]
    fn permissions_map_to_actions_on_the_right_acl() {
        assert_eq!(
            needed_permission("s3:listbucket", false, false),
            Some((AclTarget::Bucket, Permission::Read))
        );
        assert_eq!(
            needed_permission("s3:getobject", false, false),
            Some((AclTarget::Object, Permission::Read))
        );
        assert_eq!(
            needed_permission("s3:putobject", false, false),
            Some((AclTarget::Bucket, Permission::Write))
        );
        assert_eq!(
            needed_permission("s3:deleteobjectversion", false, false),
            None
        );
        assert_eq!(
            needed_permission("s3:deleteobject", false, true),
            Some((AclTarget::Bucket, Permission::Write))
        );
        assert_eq!(
            needed_permission("s3:deleteobjectversion", true, false),
            Some((AclTarget::Bucket, Permission::Write))
        );
        // "You cannot grant GET object permissions with bucket ACL settings."
        assert_ne!(
            needed_permission("s3:getobject", false, false).map(|(t, _)| t),
            Some(AclTarget::Bucket)
        );
        let anyone = Grant {
            grantee: Grantee::Group(AUTHENTICATED_USERS.into()),
            permission: Permission::Read,
        };
        assert!(grant_applies(&anyone, Permission::Read, None, true));
        assert!(
            !grant_applies(&anyone, Permission::Read, None, false),
            "anonymous is not authenticated"
        );
    }
}
