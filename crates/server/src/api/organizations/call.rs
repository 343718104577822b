//! One Organizations call: its input, the caller's standing in its organization, the
//! authorization, and the change of the organizations document.

use crate::api::json::error::JsonError;
use crate::api::json::input::Input;
use crate::caller::Caller;
use crate::organization::{Organization, Organizations};
use crate::state::Gatehouse;

pub struct Call<'a> {
    pub gatehouse: &'a Gatehouse,
    pub caller: &'a Caller,
    pub operation: &'a str,
    pub input: Input<'a>,
}

pub fn not_in_use() -> JsonError {
    JsonError::new(
        "AWSOrganizationsNotInUseException",
        "Your account is not a member of an organization.",
    )
}

fn not_management() -> JsonError {
    JsonError::new(
        "AccessDeniedException",
        "You don't have permissions to access this resource.",
    )
}

/// InvalidInputException with AWS's reason.
pub fn invalid(reason: &str, message: impl Into<String>) -> JsonError {
    JsonError::with_reason("InvalidInputException", reason, message)
}

/// Organizations' answer to a missing or malformed parameter.
pub fn refuse_input(message: String) -> JsonError {
    invalid("INVALID_INPUT", message)
}

impl Call<'_> {
    pub fn account(&self) -> &str {
        self.caller.account().unwrap_or_default()
    }

    /// What the document says now.
    pub fn read(&self) -> Result<Organizations, JsonError> {
        let text = self.gatehouse.store.organizations()?;
        parse(text.as_deref())
    }

    /// The caller's organization.
    pub fn member_org<'d>(&self, doc: &'d Organizations) -> Result<&'d Organization, JsonError> {
        doc.of_account(self.account()).ok_or_else(not_in_use)
    }

    /// The caller's organization, which the caller's account must manage.
    pub fn managed_org<'d>(&self, doc: &'d Organizations) -> Result<&'d Organization, JsonError> {
        let org = self.member_org(doc)?;
        if org.management_account != self.account() {
            return Err(not_management());
        }
        Ok(org)
    }

    /// The same, to change.
    pub fn managed_org_mut<'d>(
        &self,
        doc: &'d mut Organizations,
    ) -> Result<&'d mut Organization, JsonError> {
        let account = self.account().to_string();
        let org = doc.of_account_mut(&account).ok_or_else(not_in_use)?;
        if org.management_account != account {
            return Err(not_management());
        }
        Ok(org)
    }

    /// Authorizes `organizations:<Operation>` on `resource` in the caller's account.
    pub fn authorize(&self, resource: &str) -> Result<(), JsonError> {
        crate::authorize::check_in_own_account(
            self.gatehouse,
            self.caller,
            &format!("organizations:{}", self.operation),
            resource,
            Vec::new(),
        )
        .map(|_| ())
        .map_err(JsonError::access_denied)
    }

    /// Reads the caller's organization as its management account, and authorizes the call on
    /// the resource `resource_of` names in it.
    pub fn as_management(
        &self,
        resource_of: impl FnOnce(&Organization) -> String,
    ) -> Result<Organizations, JsonError> {
        let doc = self.read()?;
        let org = self.managed_org(&doc)?;
        self.authorize(&resource_of(org))?;
        Ok(doc)
    }

    /// Replaces the document with what `change` makes of it (nothing when it fails). No store
    /// call may be made inside `change`: the store's writer lock is held.
    pub fn change<T>(
        &self,
        change: impl FnOnce(&mut Organizations) -> Result<T, JsonError>,
    ) -> Result<T, JsonError> {
        self.gatehouse.store.change_organizations(|text| {
            let mut doc = parse(text.as_deref())?;
            let answer = change(&mut doc)?;
            Ok((doc.to_text(), answer))
        })
    }
}

/// The organizations document, or the internal error its damage is.
fn parse(text: Option<&str>) -> Result<Organizations, JsonError> {
    Organizations::parse(text).map_err(|e| {
        eprintln!("gatehouse: the organizations document does not read: {e}");
        JsonError::internal()
    })
}

/// `o-…`, `r-…`, `ou-…-…`, `p-…`, 12-digit accounts: AWS's id patterns, loosely (ids are
/// looked up, so anything else is simply not found; the pattern only keeps junk out of
/// messages).
pub fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
