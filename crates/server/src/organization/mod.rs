//! AWS Organizations' data: every organization of this server, its tree (a root, OUs,
//! accounts), its SCPs and RCPs and where they are attached, invitations (handshakes) and
//! account requests. Kept by the store as one document (`store::Store::organizations`), so
//! every change is one atomic replacement; [`view`] is what authorization reads of it.

pub mod configured;
pub mod view;

use serde::{Deserialize, Serialize};

/// `FullAWSAccess`: attached to every root, OU and account while SCPs are enabled
/// [Organizations `orgs_manage_policies_scps`].
pub const FULL_AWS_ACCESS: &str = "p-FullAWSAccess";
/// `RCPFullAWSAccess`: the same for RCPs; it cannot be detached
/// [Organizations `orgs_manage_policies_rcps`].
pub const RCP_FULL_AWS_ACCESS: &str = "p-RCPFullAWSAccess";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PolicyKind {
    #[serde(rename = "SERVICE_CONTROL_POLICY")]
    Scp,
    #[serde(rename = "RESOURCE_CONTROL_POLICY")]
    Rcp,
}

impl PolicyKind {
    pub fn parse(s: &str) -> Option<PolicyKind> {
        match s {
            "SERVICE_CONTROL_POLICY" => Some(PolicyKind::Scp),
            "RESOURCE_CONTROL_POLICY" => Some(PolicyKind::Rcp),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PolicyKind::Scp => "SERVICE_CONTROL_POLICY",
            PolicyKind::Rcp => "RESOURCE_CONTROL_POLICY",
        }
    }

    /// The policy's part of a policy ARN.
    pub fn arn_part(self) -> &'static str {
        match self {
            PolicyKind::Scp => "service_control_policy",
            PolicyKind::Rcp => "resource_control_policy",
        }
    }

    /// The AWS managed policy attached everywhere while the type is enabled.
    pub fn full_access(self) -> &'static str {
        match self {
            PolicyKind::Scp => FULL_AWS_ACCESS,
            PolicyKind::Rcp => RCP_FULL_AWS_ACCESS,
        }
    }

    pub fn policy_type(self) -> policy::PolicyType {
        match self {
            PolicyKind::Scp => policy::PolicyType::Scp,
            PolicyKind::Rcp => policy::PolicyType::Rcp,
        }
    }
}

/// Everything the Organizations API keeps.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organizations {
    pub organizations: Vec<Organization>,
    pub handshakes: Vec<Handshake>,
    pub account_requests: Vec<AccountRequest>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    /// `o-` and ten lowercase letters or digits.
    pub id: String,
    pub management_account: String,
    /// `r-` and four.
    pub root_id: String,
    pub enabled_types: Vec<PolicyKind>,
    pub units: Vec<Unit>,
    pub accounts: Vec<Member>,
    /// Customer managed policies (the AWS managed ones are [`aws_managed`]).
    pub policies: Vec<OrgPolicy>,
    pub attachments: Vec<Attachment>,
}

/// An organizational unit.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    /// `ou-` + the root's four + `-` + eight.
    pub id: String,
    pub name: String,
    pub parent: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    pub id: String,
    pub parent: String,
    /// `CREATED` or `INVITED`.
    pub joined_method: String,
    pub joined_secs: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgPolicy {
    /// `p-` and eight.
    pub id: String,
    pub name: String,
    pub description: String,
    pub kind: PolicyKind,
    pub content: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    pub policy: String,
    pub target: String,
}

/// An invitation to join an organization.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Handshake {
    /// `h-` and ten.
    pub id: String,
    pub organization: String,
    pub management_account: String,
    pub target: String,
    /// `OPEN`, `ACCEPTED`, `DECLINED` or `CANCELED`.
    pub state: String,
    pub requested_secs: u64,
    pub expires_secs: u64,
}

/// A CreateAccount request: it completes at once.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountRequest {
    /// `car-` and eight.
    pub id: String,
    pub organization: String,
    pub account_name: String,
    pub account_id: String,
    pub requested_secs: u64,
}

/// An AWS managed policy by id.
pub fn aws_managed(id: &str) -> Option<OrgPolicy> {
    let (kind, name, description, content) = match id {
        FULL_AWS_ACCESS => (
            PolicyKind::Scp,
            "FullAWSAccess",
            "Allows access to every operation",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
        ),
        RCP_FULL_AWS_ACCESS => (
            PolicyKind::Rcp,
            "RCPFullAWSAccess",
            "Allows access to every operation",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#,
        ),
        _ => return None,
    };
    Some(OrgPolicy {
        id: id.to_string(),
        name: name.to_string(),
        description: description.to_string(),
        kind,
        content: content.to_string(),
    })
}

impl Organizations {
    pub fn parse(text: Option<&str>) -> Result<Organizations, serde_json::Error> {
        match text {
            Some(text) => serde_json::from_str(text),
            None => Ok(Organizations::default()),
        }
    }

    pub fn to_text(&self) -> String {
        serde_json::to_string(self).expect("the organizations document always serializes")
    }

    /// The organization `account` belongs to.
    pub fn of_account(&self, account: &str) -> Option<&Organization> {
        self.organizations
            .iter()
            .find(|o| o.accounts.iter().any(|m| m.id == account))
    }

    pub fn of_account_mut(&mut self, account: &str) -> Option<&mut Organization> {
        self.organizations
            .iter_mut()
            .find(|o| o.accounts.iter().any(|m| m.id == account))
    }
}

impl Organization {
    /// A new organization of `management` (its only member, under a new root), with
    /// `enabled_types` on and their full-access policies attached to the root and the account.
    pub fn new(management: &str, enabled_types: Vec<PolicyKind>, now: u64) -> Organization {
        let mut org = Organization {
            id: random_id("o-", 10),
            management_account: management.to_string(),
            root_id: random_id("r-", 4),
            enabled_types,
            units: Vec::new(),
            accounts: Vec::new(),
            policies: Vec::new(),
            attachments: Vec::new(),
        };
        let root = org.root_id.clone();
        org.attach_full_access(&root);
        org.admit(management, "CREATED", now);
        org
    }

    pub fn arn(&self) -> String {
        format!(
            "arn:aws:organizations::{}:organization/{}",
            self.management_account, self.id
        )
    }

    /// The ARN of a root, OU, account or policy of this organization, by id.
    pub fn arn_of(&self, id: &str) -> String {
        let m = &self.management_account;
        let o = &self.id;
        if id.starts_with("r-") {
            format!("arn:aws:organizations::{m}:root/{o}/{id}")
        } else if id.starts_with("ou-") {
            format!("arn:aws:organizations::{m}:ou/{o}/{id}")
        } else if let Some(p) = self.policy(id) {
            if aws_managed(id).is_some() {
                format!(
                    "arn:aws:organizations::aws:policy/{}/{id}",
                    p.kind.arn_part()
                )
            } else {
                format!(
                    "arn:aws:organizations::{m}:policy/{o}/{}/{id}",
                    p.kind.arn_part()
                )
            }
        } else {
            format!("arn:aws:organizations::{m}:account/{o}/{id}")
        }
    }

    pub fn member(&self, account: &str) -> Option<&Member> {
        self.accounts.iter().find(|m| m.id == account)
    }

    pub fn unit(&self, id: &str) -> Option<&Unit> {
        self.units.iter().find(|u| u.id == id)
    }

    /// A customer managed or (while its type is enabled) AWS managed policy.
    pub fn policy(&self, id: &str) -> Option<OrgPolicy> {
        if let Some(p) = aws_managed(id) {
            return self.enabled_types.contains(&p.kind).then_some(p);
        }
        self.policies.iter().find(|p| p.id == id).cloned()
    }

    /// Every policy of the organization, AWS managed ones first.
    pub fn all_policies(&self) -> Vec<OrgPolicy> {
        let mut all: Vec<OrgPolicy> = [FULL_AWS_ACCESS, RCP_FULL_AWS_ACCESS]
            .iter()
            .filter_map(|id| self.policy(id))
            .collect();
        all.extend(self.policies.iter().cloned());
        all
    }

    /// Is `id` the root, an OU or an account of this organization?
    pub fn is_target(&self, id: &str) -> bool {
        id == self.root_id || self.unit(id).is_some() || self.member(id).is_some()
    }

    /// A target's parent (none for the root).
    pub fn parent_of(&self, id: &str) -> Option<&str> {
        if let Some(u) = self.unit(id) {
            return Some(&u.parent);
        }
        self.member(id).map(|m| m.parent.as_str())
    }

    /// The targets from the root down to `id` (both included).
    pub fn path_to(&self, id: &str) -> Vec<String> {
        let mut path = vec![id.to_string()];
        let mut at = id;
        // Bounded by the tree's size: a parent chain never loops, but a damaged document
        // must not hang a request.
        for _ in 0..=self.units.len() {
            match self.parent_of(at) {
                Some(parent) => {
                    path.push(parent.to_string());
                    at = parent;
                }
                None => break,
            }
        }
        path.reverse();
        path
    }

    /// The policies of `kind` attached to `target`, in attachment order.
    pub fn attached(&self, target: &str, kind: PolicyKind) -> Vec<OrgPolicy> {
        self.attachments
            .iter()
            .filter(|a| a.target == target)
            .filter_map(|a| self.policy(&a.policy))
            .filter(|p| p.kind == kind)
            .collect()
    }

    /// `aws:PrincipalOrgPaths` / `aws:ResourceOrgPaths` of an account: the organization, the
    /// root and each OU above it, `/`-separated and ending with `/` [IAM
    /// `reference_policies_condition-keys`, aws:PrincipalOrgPaths].
    pub fn org_path(&self, account: &str) -> String {
        let mut out = format!("{}/", self.id);
        for id in self.path_to(account).iter().filter(|id| *id != account) {
            out.push_str(id);
            out.push('/');
        }
        out
    }

    /// A new root, OU or account gets the full-access policy of each enabled type, as on AWS.
    pub fn attach_full_access(&mut self, target: &str) {
        for kind in self.enabled_types.clone() {
            self.attachments.push(Attachment {
                policy: kind.full_access().to_string(),
                target: target.to_string(),
            });
        }
    }

    /// A member joining under the root.
    pub fn admit(&mut self, account: &str, joined_method: &str, now: u64) {
        self.accounts.push(Member {
            id: account.to_string(),
            parent: self.root_id.clone(),
            joined_method: joined_method.to_string(),
            joined_secs: now,
        });
        self.attach_full_access(account);
    }

    /// A member or OU leaving, with its attachments.
    pub fn forget(&mut self, target: &str) {
        self.accounts.retain(|m| m.id != target);
        self.units.retain(|u| u.id != target);
        self.attachments.retain(|a| a.target != target);
    }

    /// Every target of the organization: the root, the OUs, the accounts.
    pub fn targets(&self) -> Vec<String> {
        let mut all = vec![self.root_id.clone()];
        all.extend(self.units.iter().map(|u| u.id.clone()));
        all.extend(self.accounts.iter().map(|m| m.id.clone()));
        all
    }
}

/// `prefix` and `n` random lowercase letters and digits.
pub fn random_id(prefix: &str, n: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).expect("the operating system's random source works");
    let mut out = String::with_capacity(prefix.len() + n);
    out.push_str(prefix);
    // 252 is the largest multiple of 36 below 256; rejecting above it would make the draw
    // exactly uniform, but these are names, not secrets: the slight bias does not matter.
    out.extend(
        bytes
            .iter()
            .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char),
    );
    out
}

/// A twelve-digit account id no account of `taken` has.
pub fn new_account_id(taken: impl Fn(&str) -> bool) -> String {
    loop {
        let mut bytes = [0u8; 12];
        getrandom::fill(&mut bytes).expect("the operating system's random source works");
        let id: String = bytes.iter().map(|b| char::from(b'0' + b % 10)).collect();
        if !id.starts_with('0') && !taken(&id) {
            return id;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org() -> Organization {
        Organization {
            id: "o-abcdefghij".into(),
            management_account: "111111111111".into(),
            root_id: "r-ab12".into(),
            enabled_types: vec![PolicyKind::Scp],
            units: vec![
                Unit {
                    id: "ou-ab12-11111111".into(),
                    name: "a".into(),
                    parent: "r-ab12".into(),
                },
                Unit {
                    id: "ou-ab12-22222222".into(),
                    name: "b".into(),
                    parent: "ou-ab12-11111111".into(),
                },
            ],
            accounts: vec![Member {
                id: "222222222222".into(),
                parent: "ou-ab12-22222222".into(),
                joined_method: "INVITED".into(),
                joined_secs: 0,
            }],
            policies: Vec::new(),
            attachments: vec![Attachment {
                policy: FULL_AWS_ACCESS.into(),
                target: "r-ab12".into(),
            }],
        }
    }

    #[test]
    fn paths_run_from_the_root_down() {
        let o = org();
        assert_eq!(
            o.path_to("222222222222"),
            [
                "r-ab12",
                "ou-ab12-11111111",
                "ou-ab12-22222222",
                "222222222222"
            ]
        );
        assert_eq!(
            o.org_path("222222222222"),
            "o-abcdefghij/r-ab12/ou-ab12-11111111/ou-ab12-22222222/"
        );
    }

    #[test]
    fn aws_managed_policies_exist_only_while_their_type_is_enabled() {
        let o = org();
        assert_eq!(o.attached("r-ab12", PolicyKind::Scp).len(), 1);
        assert!(o.policy(RCP_FULL_AWS_ACCESS).is_none());
        assert_eq!(
            o.arn_of(FULL_AWS_ACCESS),
            "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess"
        );
    }

    #[test]
    fn ids_have_aws_shapes() {
        let id = random_id("o-", 10);
        assert!(
            id.len() == 12
                && id[2..]
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        );
        let account = new_account_id(|_| false);
        assert!(account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()));
    }
}
