//! The config's `[organization]`, built at start the way its management account would build
//! it through the API: created with both policy types enabled if it does not exist, and each
//! configured member that is in no organization admitted under the root. What the API changed
//! since is kept (a start never undoes an SCP or a move).

use store::{Store, StoreError};

use super::{Organization, Organizations, PolicyKind};
use crate::config::OrganizationConfig;

pub fn ensure(store: &Store, config: &OrganizationConfig) -> Result<(), StoreError> {
    let management = &config.management_account;
    let now = audit::clock::now_secs();
    store.change_organizations(|text| {
        let mut doc = Organizations::parse(text.as_deref())
            .map_err(|e| StoreError::Corrupt(format!("the organizations: {e}")))?;
        match doc.of_account(management) {
            Some(org) if &org.management_account != management => {
                return Err(StoreError::Corrupt(format!(
                    "[organization] makes {management} a management account, but it is a member of {}",
                    org.id
                )))
            }
            Some(_) => {}
            None => doc.organizations.push(Organization::new(
                management,
                vec![PolicyKind::Scp, PolicyKind::Rcp],
                now,
            )),
        }
        for member in &config.members {
            if doc.of_account(member).is_none() {
                if let Some(org) = doc.of_account_mut(management) {
                    org.admit(member, "INVITED", now);
                }
            }
        }
        Ok((doc.to_text(), ()))
    })
}
