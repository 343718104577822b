//! An ACL as the store keeps it: grants of a permission to a canonical user or a group. The
//! default ACL — the owner's FULL_CONTROL alone — is kept as no grants, so a change of owner
//! needs no rewrite. In the database: one `PERMISSION CanonicalUser ID` or
//! `PERMISSION Group URI` per line.

/// Whom a grant names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AclGrantee {
    /// An account, by its canonical user id.
    CanonicalUser(String),
    /// A predefined group, by URI.
    Group(String),
}

/// S3's ACL permissions, by their names (`READ`, `WRITE`, `READ_ACP`, `WRITE_ACP`,
/// `FULL_CONTROL`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AclPermission {
    Read,
    Write,
    ReadAcp,
    WriteAcp,
    FullControl,
}

impl AclPermission {
    pub fn parse(s: &str) -> Option<AclPermission> {
        match s {
            "READ" => Some(AclPermission::Read),
            "WRITE" => Some(AclPermission::Write),
            "READ_ACP" => Some(AclPermission::ReadAcp),
            "WRITE_ACP" => Some(AclPermission::WriteAcp),
            "FULL_CONTROL" => Some(AclPermission::FullControl),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AclPermission::Read => "READ",
            AclPermission::Write => "WRITE",
            AclPermission::ReadAcp => "READ_ACP",
            AclPermission::WriteAcp => "WRITE_ACP",
            AclPermission::FullControl => "FULL_CONTROL",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AclGrant {
    pub grantee: AclGrantee,
    pub permission: AclPermission,
}

/// A bucket's or an object's ACL; no grants is the default (the owner's FULL_CONTROL alone).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Acl {
    pub grants: Vec<AclGrant>,
}

impl Acl {
    /// The stored text (empty for the default ACL).
    pub fn encode(&self) -> String {
        self.grants
            .iter()
            .map(|g| match &g.grantee {
                AclGrantee::CanonicalUser(id) => {
                    format!("{} CanonicalUser {id}", g.permission.as_str())
                }
                AclGrantee::Group(uri) => format!("{} Group {uri}", g.permission.as_str()),
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The ACL a stored text holds; a line that is not a grant is skipped.
    pub fn decode(text: &str) -> Acl {
        let grants = text
            .lines()
            .filter_map(|line| {
                let mut parts = line.splitn(3, ' ');
                let permission = AclPermission::parse(parts.next()?)?;
                let grantee = match (parts.next()?, parts.next()?) {
                    ("CanonicalUser", id) => AclGrantee::CanonicalUser(id.to_string()),
                    ("Group", uri) => AclGrantee::Group(uri.to_string()),
                    _ => return None,
                };
                Some(AclGrant {
                    grantee,
                    permission,
                })
            })
            .collect();
        Acl { grants }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acls_round_trip_through_their_stored_text() {
        let text = "FULL_CONTROL CanonicalUser abc\nREAD Group http://acs.amazonaws.com/groups/global/AllUsers";
        let acl = Acl::decode(text);
        assert_eq!(acl.grants.len(), 2);
        assert_eq!(acl.grants[1].permission, AclPermission::Read);
        assert_eq!(acl.encode(), text);
        assert_eq!(Acl::decode(""), Acl::default());
        assert_eq!(Acl::default().encode(), "");
        assert_eq!(
            Acl::decode("BOGUS CanonicalUser x\nREAD Nobody y").grants,
            vec![]
        );
    }
}
