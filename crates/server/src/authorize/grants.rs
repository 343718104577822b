//! ACL grants between the store and the engine: the store keeps an ACL as a typed value
//! ([`store::Acl`]), the engine reads [`authz::s3::Grant`]s.

use authz::s3::{Grant, Grantee, Permission};

/// Grants as the store keeps them.
pub fn to_stored(grants: &[Grant]) -> store::Acl {
    store::Acl {
        grants: grants
            .iter()
            .map(|g| store::AclGrant {
                grantee: match &g.grantee {
                    Grantee::CanonicalUser(id) => store::AclGrantee::CanonicalUser(id.clone()),
                    Grantee::Group(uri) => store::AclGrantee::Group(uri.clone()),
                },
                permission: stored_permission(g.permission),
            })
            .collect(),
    }
}

/// The grants of a stored ACL; the default (no grants) is the FULL_CONTROL of `owner` (a
/// canonical id) alone.
pub fn from_stored(acl: &store::Acl, owner: &str) -> Vec<Grant> {
    if acl.grants.is_empty() {
        return vec![Grant {
            grantee: Grantee::CanonicalUser(owner.to_string()),
            permission: Permission::FullControl,
        }];
    }
    acl.grants
        .iter()
        .map(|g| Grant {
            grantee: match &g.grantee {
                store::AclGrantee::CanonicalUser(id) => Grantee::CanonicalUser(id.clone()),
                store::AclGrantee::Group(uri) => Grantee::Group(uri.clone()),
            },
            permission: engine_permission(g.permission),
        })
        .collect()
}

fn stored_permission(p: Permission) -> store::AclPermission {
    match p {
        Permission::Read => store::AclPermission::Read,
        Permission::Write => store::AclPermission::Write,
        Permission::ReadAcp => store::AclPermission::ReadAcp,
        Permission::WriteAcp => store::AclPermission::WriteAcp,
        Permission::FullControl => store::AclPermission::FullControl,
    }
}

fn engine_permission(p: store::AclPermission) -> Permission {
    match p {
        store::AclPermission::Read => Permission::Read,
        store::AclPermission::Write => Permission::Write,
        store::AclPermission::ReadAcp => Permission::ReadAcp,
        store::AclPermission::WriteAcp => Permission::WriteAcp,
        store::AclPermission::FullControl => Permission::FullControl,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grants_cross_the_seam_unchanged() {
        let grants = vec![
            Grant {
                grantee: Grantee::CanonicalUser("abc".into()),
                permission: Permission::WriteAcp,
            },
            Grant {
                grantee: Grantee::Group("http://acs.amazonaws.com/groups/global/AllUsers".into()),
                permission: Permission::Read,
            },
        ];
        assert_eq!(from_stored(&to_stored(&grants), "owner"), grants);
        assert_eq!(
            from_stored(&store::Acl::default(), "owner"),
            vec![Grant {
                grantee: Grantee::CanonicalUser("owner".into()),
                permission: Permission::FullControl,
            }]
        );
    }
}
