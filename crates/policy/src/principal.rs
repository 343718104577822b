//! Who is asking, and how a `Principal` or `NotPrincipal` element matches them
//! [IAM `reference_policies_elements_principal`, `reference_policies_elements_notprincipal`].

pub use crate::account::{account_of, is_account_id};
use crate::document::{PrincipalEntry, PrincipalKind, Principals};

/// The kinds of caller, with `aws:PrincipalType`'s names where it has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrincipalType {
    /// The account root user.
    Account,
    User,
    /// A role session.
    AssumedRole,
    /// An STS federated-user session (GetFederationToken).
    FederatedUser,
    /// An AWS service principal such as `cloudtrail.amazonaws.com`.
    Service,
    /// A web-identity or SAML caller, named by its provider (AssumeRoleWith* trust policies).
    WebIdentity,
    Anonymous,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestPrincipal {
    pub kind: PrincipalType,
    /// The caller's ARN (root, user, session, federated user), the service's name, the identity
    /// provider, or `anonymous`.
    pub arn: String,
    pub account: Option<String>,
    /// For a role session, the role's ARN (with its path: `aws:PrincipalArn`).
    pub role_arn: Option<String>,
    /// The S3 canonical user id of the caller's account.
    pub canonical_id: Option<String>,
    /// `AIDA...`/`AROA...`: a policy naming a deleted identity shows its unique id.
    pub unique_id: Option<String>,
    pub has_permissions_boundary: bool,
}

/// How a statement's `Principal` matched the caller: what the resource policy granted to. The
/// kind decides which limits still apply (reference §1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PrincipalMatch {
    /// `"*"` or `{"AWS": "*"}`, or everyone outside a `NotPrincipal`.
    Wildcard,
    /// The account (`"111122223333"`, its root ARN, or its canonical user id): delegation.
    Account,
    User,
    /// The role's ARN, matching one of its sessions.
    Role,
    /// The session's own ARN.
    Session,
    FederatedUser,
    Service,
    Federated,
}

impl PrincipalMatch {
    pub const ALL: [PrincipalMatch; 8] = [
        PrincipalMatch::Wildcard,
        PrincipalMatch::Account,
        PrincipalMatch::User,
        PrincipalMatch::Role,
        PrincipalMatch::Session,
        PrincipalMatch::FederatedUser,
        PrincipalMatch::Service,
        PrincipalMatch::Federated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalMatch::Wildcard => "wildcard",
            PrincipalMatch::Account => "account",
            PrincipalMatch::User => "user",
            PrincipalMatch::Role => "role",
            PrincipalMatch::Session => "session",
            PrincipalMatch::FederatedUser => "federated-user",
            PrincipalMatch::Service => "service",
            PrincipalMatch::Federated => "federated",
        }
    }
}

impl RequestPrincipal {
    fn is_iam_identity(&self) -> bool {
        matches!(
            self.kind,
            PrincipalType::Account
                | PrincipalType::User
                | PrincipalType::AssumedRole
                | PrincipalType::FederatedUser
        )
    }

    fn in_account(&self, account: &str) -> bool {
        self.is_iam_identity() && self.account.as_deref() == Some(account)
    }

    /// Does one entry name this caller, and how?
    fn match_entry(&self, entry: &PrincipalEntry) -> Option<PrincipalMatch> {
        let v = entry.value.as_str();
        match entry.kind {
            PrincipalKind::Aws if v == "*" => Some(PrincipalMatch::Wildcard),
            PrincipalKind::Aws => {
                if let Some(account) = &entry.account {
                    return self.in_account(account).then_some(PrincipalMatch::Account);
                }
                if !self.is_iam_identity() {
                    return None;
                }
                if self.role_arn.as_deref() == Some(v) {
                    return Some(PrincipalMatch::Role);
                }
                if self.arn == v {
                    return Some(match self.kind {
                        PrincipalType::User => PrincipalMatch::User,
                        PrincipalType::AssumedRole => PrincipalMatch::Session,
                        PrincipalType::FederatedUser => PrincipalMatch::FederatedUser,
                        _ => PrincipalMatch::Account,
                    });
                }
                match self.unique_id.as_deref() {
                    Some(id) if id == v => Some(match self.kind {
                        PrincipalType::AssumedRole => PrincipalMatch::Role,
                        _ => PrincipalMatch::User,
                    }),
                    _ => None,
                }
            }
            PrincipalKind::Service => (self.kind == PrincipalType::Service
                && self.arn.eq_ignore_ascii_case(v))
            .then_some(PrincipalMatch::Service),
            // Providers are named by ARN or by domain (`cognito-identity.amazonaws.com`).
            PrincipalKind::Federated => {
                let provider = matches!(
                    self.kind,
                    PrincipalType::WebIdentity | PrincipalType::Service
                );
                (provider && self.arn == v).then_some(PrincipalMatch::Federated)
            }
            PrincipalKind::CanonicalUser => (self.is_iam_identity()
                && self.canonical_id.as_deref() == Some(v))
            .then_some(PrincipalMatch::Account),
        }
    }

    /// The most specific way a `Principal` element names the caller, or `None`.
    pub fn match_principal(&self, principals: &Principals) -> Option<PrincipalMatch> {
        principals
            .entries
            .iter()
            .filter_map(|e| self.match_entry(e))
            .max_by_key(|m| specificity(*m))
    }

    /// Is the caller exempt from a `Deny` with `NotPrincipal`? Only when every link of its chain
    /// is listed: AWS "might validate the account first, then the role, and then the
    /// assumed-role user", so an exempt session needs its account, role and session ARNs
    /// listed, an exempt user its account and user ARNs [IAM
    /// `reference_policies_elements_notprincipal`, key points].
    pub fn listed_in(&self, principals: &Principals) -> bool {
        let named = |m: PrincipalMatch| {
            principals.entries.iter().any(|e| {
                self.match_entry(e)
                    .is_some_and(|got| got == m || got == PrincipalMatch::Wildcard)
            })
        };
        match self.kind {
            PrincipalType::Account => named(PrincipalMatch::Account),
            PrincipalType::User => named(PrincipalMatch::Account) && named(PrincipalMatch::User),
            PrincipalType::AssumedRole => {
                named(PrincipalMatch::Account)
                    && named(PrincipalMatch::Role)
                    && named(PrincipalMatch::Session)
            }
            PrincipalType::FederatedUser => {
                named(PrincipalMatch::Account) && named(PrincipalMatch::FederatedUser)
            }
            PrincipalType::Service => named(PrincipalMatch::Service),
            PrincipalType::WebIdentity => named(PrincipalMatch::Federated),
            PrincipalType::Anonymous => named(PrincipalMatch::Wildcard),
        }
    }
}

/// Naming the exact caller beats naming its role, which beats `*`, which beats the account
/// (the least specific grant is the one with the most limits, reference §1.3).
fn specificity(m: PrincipalMatch) -> u8 {
    match m {
        PrincipalMatch::Account => 0,
        PrincipalMatch::Role => 1,
        PrincipalMatch::Wildcard => 2,
        _ => 3,
    }
}
